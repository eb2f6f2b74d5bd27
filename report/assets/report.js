// lendcore portfolio report: draws the charts from the figures in
// #report-data with Apache ECharts (inlined above). The tables beside the
// charts are written by the server and need no script.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var months = data.months;
  var cur = data.currency;
  var font = getComputedStyle(document.documentElement).fontFamily;
  var ink = "#1e293b", muted = "#64748b", grid = "#e2e8f0";

  // Colours: delinquency and grades run from calm to alarming.
  var bucketColors = ["#94a3b8", "#fde68a", "#fbbf24", "#f59e0b", "#ea580c", "#dc2626", "#b91c1c", "#7f1d1d", "#450a0a"];
  var gradeColors = ["#10b981", "#facc15", "#f97316", "#dc2626", "#7f1d1d"];
  var stageColors = { "pre-due": "#cbd5e1", "m1": "#fcd34d", "m2": "#fb923c", "m3": "#ef4444", "legal-review": "#9333ea", "write-off-proposal": "#1e293b" };
  var series = ["#1d4ed8", "#0891b2", "#059669", "#ca8a04", "#c2410c", "#be123c", "#7c3aed", "#475569"];

  function num(v) { return v === null || v === undefined ? null : Number(v); }
  function nums(a) { return a.map(num); }
  function compact(v) {
    var a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toFixed(2) + " bn";
    if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e8 ? 0 : 1) + " M";
    if (a >= 1e3) return (v / 1e3).toFixed(a >= 1e5 ? 0 : 1) + " k";
    return String(Math.round(v * 100) / 100);
  }
  function money(v) {
    return v === null || v === undefined ? "—" : cur + " " + Number(v).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function pct(v) { return v === null || v === undefined ? "—" : Number(v).toFixed(2) + "%"; }
  function count(v) { return v === null || v === undefined ? "—" : Number(v).toLocaleString("en-US"); }
  function short(m) { return m.slice(0, 7); }

  // Viridis-like ramp for vintage cohorts: oldest dark, newest light.
  var ramp = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"];
  function rampColor(i, n) {
    if (n <= 1) return ramp[3];
    var t = i / (n - 1) * (ramp.length - 1), k = Math.min(Math.floor(t), ramp.length - 2), f = t - k;
    function ch(h, s) { return parseInt(h.slice(s, s + 2), 16); }
    var a = ramp[k], b = ramp[k + 1], out = "#";
    for (var s = 1; s < 7; s += 2) {
      var v = Math.round(ch(a, s) + (ch(b, s) - ch(a, s)) * f);
      out += (v < 16 ? "0" : "") + v.toString(16);
    }
    return out;
  }

  function base(extra) {
    var o = {
      animation: false,
      textStyle: { fontFamily: font, color: ink },
      grid: { left: 12, right: 12, top: 56, bottom: 8, containLabel: true },
      legend: { top: 0, left: 0, type: "scroll", itemWidth: 14, itemHeight: 10, textStyle: { color: ink } },
      tooltip: { trigger: "axis", confine: true, axisPointer: { type: "line" } },
      xAxis: { type: "category", data: months.map(short), boundaryGap: true,
        axisLine: { lineStyle: { color: "#94a3b8" } }, axisLabel: { color: muted }, axisTick: { alignWithLabel: true } }
    };
    for (var k in extra) o[k] = extra[k];
    return o;
  }
  function valueAxis(name, fmt, more) {
    var a = { type: "value", name: name, nameTextStyle: { color: muted, align: "left" },
      axisLabel: { color: muted, formatter: fmt }, splitLine: { lineStyle: { color: grid } } };
    for (var k in more) a[k] = more[k];
    return a;
  }
  var pctAxis = function (v) { return v + "%"; };

  function tooltipFor(kinds) {
    return function (items) {
      var out = items.length ? items[0].axisValueLabel : "";
      items.forEach(function (p) {
        var f = kinds[p.seriesName] || kinds["*"] || count;
        out += "<br>" + p.marker + p.seriesName + ": <b>" + f(p.value) + "</b>";
      });
      return out;
    };
  }

  var build = {};

  build.balance = function () {
    return base({
      color: ["#1d4ed8", "#0f172a", "#10b981", "#dc2626"],
      tooltip: { trigger: "axis", confine: true, formatter: tooltipFor({ "Outstanding": money, "*": count }) },
      yAxis: [valueAxis(cur, compact), valueAxis("loans", compact, { splitLine: { show: false } })],
      series: [
        { name: "Outstanding", type: "line", data: nums(data.balance), symbol: "circle", symbolSize: 5,
          lineStyle: { width: 2.5, color: "#1d4ed8" }, itemStyle: { color: "#1d4ed8" }, areaStyle: { color: "rgba(29,78,216,0.10)" } },
        { name: "Loans on the books", type: "line", yAxisIndex: 1, data: data.loans, symbol: "none",
          lineStyle: { width: 2, type: "dashed", color: "#0f172a" }, itemStyle: { color: "#0f172a" } },
        { name: "Originated", type: "bar", yAxisIndex: 1, data: data.originated, barMaxWidth: 14, itemStyle: { color: "#10b981" } },
        { name: "Written off", type: "bar", yAxisIndex: 1, data: data.writtenOff, barMaxWidth: 14, itemStyle: { color: "#dc2626" } }
      ]
    });
  };

  build.buckets = function () {
    var selected = {};
    selected[data.buckets[0]] = false;
    return base({
      legend: { top: 0, left: 0, type: "scroll", selected: selected, itemWidth: 14, itemHeight: 10 },
      tooltip: { trigger: "axis", confine: true, formatter: tooltipFor({ "*": pct }) },
      yAxis: valueAxis("% of outstanding", pctAxis),
      series: data.buckets.map(function (b, i) {
        var c = bucketColors[Math.min(i, bucketColors.length - 1)];
        return { name: b, type: "line", stack: "share", data: nums(data.bucketShare[i]), symbol: "none",
          lineStyle: { width: 1, color: c }, itemStyle: { color: c }, areaStyle: { color: c, opacity: 0.85 } };
      })
    });
  };

  build.grades = function () {
    var selected = {};
    selected[data.grades[0]] = false;
    var s = data.grades.map(function (g, i) {
      return { name: g, type: "bar", stack: "grade", data: nums(data.gradeShare[i]), barMaxWidth: 22, itemStyle: { color: gradeColors[i] } };
    });
    s.push({ name: "NPL ratio", type: "line", data: nums(data.nplRatio), symbol: "circle", symbolSize: 5,
      lineStyle: { width: 2.5, color: "#0f172a" }, itemStyle: { color: "#0f172a" }, z: 5 });
    return base({
      legend: { top: 0, left: 0, type: "scroll", selected: selected, itemWidth: 14, itemHeight: 10 },
      tooltip: { trigger: "axis", confine: true, formatter: tooltipFor({ "*": pct }) },
      yAxis: valueAxis("% of outstanding", pctAxis),
      series: s
    });
  };

  build.provisions = function () {
    return base({
      tooltip: { trigger: "axis", confine: true, formatter: tooltipFor({ "Coverage": pct, "*": money }) },
      yAxis: [valueAxis(cur, compact), valueAxis("coverage", pctAxis, { splitLine: { show: false } })],
      series: [
        { name: "NPL balance", type: "bar", data: nums(data.nplBalance), barMaxWidth: 22, itemStyle: { color: "#f97316" } },
        { name: "Provisions", type: "line", data: nums(data.provisions), symbol: "circle", symbolSize: 5,
          lineStyle: { width: 2.5, color: "#1d4ed8" }, itemStyle: { color: "#1d4ed8" } },
        { name: "Coverage", type: "line", yAxisIndex: 1, data: nums(data.coverage), symbol: "diamond", symbolSize: 6, connectNulls: false,
          lineStyle: { width: 2, type: "dashed", color: "#047857" }, itemStyle: { color: "#047857" } }
      ]
    });
  };

  build.roll = function () {
    var r = data.roll;
    return {
      animation: false,
      textStyle: { fontFamily: font, color: ink },
      tooltip: { confine: true, formatter: function (p) {
        return r.from[p.value[1]] + " → " + r.to[p.value[0]] + ": <b>" + pct(p.value[2]) + "</b> of the balance";
      } },
      grid: { left: 12, right: 12, top: 28, bottom: 56, containLabel: true },
      xAxis: { type: "category", data: r.to, position: "top", axisLabel: { color: ink, fontWeight: 600 }, splitArea: { show: true }, axisTick: { show: false } },
      yAxis: { type: "category", data: r.from, inverse: true, axisLabel: { color: ink, fontWeight: 600 }, splitArea: { show: true }, axisTick: { show: false } },
      visualMap: { min: 0, max: 100, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemWidth: 12, itemHeight: 180,
        text: ["100%", "0%"], textStyle: { color: muted },
        inRange: { color: ["#f8fafc", "#fde68a", "#f97316", "#b91c1c", "#450a0a"] } },
      series: [{ name: "Roll rate", type: "heatmap", data: r.cells.map(function (c) { return [c[0], c[1], num(c[2])]; }),
        label: { show: true, fontSize: 11, color: ink, rich: { hi: { color: "#ffffff", fontSize: 11 } },
          formatter: function (p) {
            var v = p.value[2];
            if (v === null || v === 0) return "";
            var s = v >= 10 ? v.toFixed(0) : v.toFixed(1);
            return v >= 55 ? "{hi|" + s + "}" : s;
          } },
        itemStyle: { borderColor: "#fff", borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: "#0f172a", borderWidth: 1 } } }]
    };
  };

  function vintage(curves) {
    var mobs = 0;
    curves.forEach(function (c) { mobs = Math.max(mobs, c.rate.length); });
    var x = [];
    for (var i = 0; i < mobs; i++) x.push(String(i));
    var o = base({
      tooltip: { trigger: "axis", confine: true, formatter: function (items) {
        var out = "MOB " + (items.length ? items[0].axisValueLabel : "");
        items.forEach(function (p) { if (p.value !== null && p.value !== undefined) out += "<br>" + p.marker + p.seriesName + ": <b>" + pct(p.value) + "</b>"; });
        return out;
      } },
      yAxis: valueAxis("% of loans", pctAxis),
      series: curves.map(function (c, i) {
        var col = rampColor(i, curves.length);
        return { name: c.cohort, type: "line", data: nums(c.rate), symbol: "circle", symbolSize: 3, connectNulls: false,
          lineStyle: { width: 1.8, color: col }, itemStyle: { color: col } };
      })
    });
    o.xAxis = { type: "category", data: x, name: "months on book", nameLocation: "middle", nameGap: 26, nameTextStyle: { color: muted },
      boundaryGap: false, axisLine: { lineStyle: { color: "#94a3b8" } }, axisLabel: { color: muted } };
    o.grid.bottom = 28;
    return o;
  }
  build["vintage-bad"] = function () { return vintage(data.vintageBad); };
  build["vintage-off"] = function () { return vintage(data.vintageOff); };

  build.collection = function () {
    var selected = { "Pre-due": false };
    var names = { "pre-due": "Pre-due", "m1": "M1", "m2": "M2", "m3": "M3", "legal-review": "Legal review", "write-off-proposal": "Write-off proposal" };
    var s = data.stages.map(function (st, i) {
      return { name: names[st] || st, type: "bar", stack: "stage", data: data.collection[i], barMaxWidth: 22,
        itemStyle: { color: stageColors[st] || series[i % series.length] } };
    });
    s.push({ name: "Recovered", type: "line", yAxisIndex: 1, data: nums(data.recovered), symbol: "circle", symbolSize: 5,
      lineStyle: { width: 2.5, color: "#047857" }, itemStyle: { color: "#047857" }, z: 5 });
    return base({
      legend: { top: 0, left: 0, type: "scroll", selected: selected, itemWidth: 14, itemHeight: 10 },
      tooltip: { trigger: "axis", confine: true, formatter: tooltipFor({ "Recovered": money, "*": count }) },
      yAxis: [valueAxis("loans", compact), valueAxis(cur, compact, { splitLine: { show: false } })],
      series: s
    });
  };

  build.reserve = function () {
    return base({
      tooltip: { trigger: "axis", confine: true, formatter: tooltipFor({ "*": money }) },
      yAxis: [valueAxis(cur + ", month", compact), valueAxis(cur + ", balance", compact, { splitLine: { show: false }, nameTextStyle: { color: muted, align: "right" } })],
      series: [
        { name: "Contributions", type: "bar", data: nums(data.reserve.contributions), barMaxWidth: 14, itemStyle: { color: "#10b981" } },
        { name: "Payouts", type: "bar", data: nums(data.reserve.payouts), barMaxWidth: 14, itemStyle: { color: "#dc2626" } },
        { name: "Recoveries", type: "bar", data: nums(data.reserve.recoveries), barMaxWidth: 14, itemStyle: { color: "#0891b2" } },
        { name: "Balance", type: "line", yAxisIndex: 1, data: nums(data.reserve.balance), symbol: "circle", symbolSize: 5,
          lineStyle: { width: 2.5, color: "#1d4ed8" }, itemStyle: { color: "#1d4ed8" } }
      ]
    });
  };

  build.products = function () {
    var s = [];
    data.products.forEach(function (p, i) {
      var c = series[i % series.length];
      s.push({ name: p.name, type: "line", stack: "balance", data: nums(p.balance), symbol: "none",
        lineStyle: { width: 1, color: c }, itemStyle: { color: c }, areaStyle: { color: c, opacity: 0.35 } });
    });
    data.products.forEach(function (p, i) {
      var c = series[i % series.length];
      s.push({ name: p.name + " " + data.vintageBucket, type: "line", yAxisIndex: 1, data: nums(p.bad), symbol: "circle", symbolSize: 4,
        lineStyle: { width: 2, type: "dashed", color: c }, itemStyle: { color: c } });
    });
    var kinds = { "*": money };
    data.products.forEach(function (p) { kinds[p.name + " " + data.vintageBucket] = pct; });
    return base({
      tooltip: { trigger: "axis", confine: true, formatter: tooltipFor(kinds) },
      yAxis: [valueAxis(cur, compact), valueAxis(data.vintageBucket, pctAxis, { splitLine: { show: false } })],
      series: s
    });
  };

  var charts = {};
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var id = el.getAttribute("data-chart");
    if (!build[id]) {
      console.error("report: no chart named " + id);
      return;
    }
    try {
      var c = echarts.init(el, null, { renderer: "svg" });
      c.setOption(build[id]());
      charts[id] = c;
    } catch (e) {
      console.error("report: chart " + id + ": " + e);
    }
  });
  window.addEventListener("resize", function () {
    for (var id in charts) charts[id].resize();
  });
  window.reportCharts = charts;
  document.documentElement.setAttribute("data-ready", "true");
})();
