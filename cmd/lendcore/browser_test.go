package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// browser is a page open in headless Chromium, with what it wrote to the
// console.
type browser struct {
	ctx     context.Context
	mu      sync.Mutex
	console []string
}

// chromium finds Debian's Chromium. Under CI=true a missing browser fails
// the test (.ci/run installs it); elsewhere the test is skipped.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("LENDCORE_CHROMIUM"), "chromium", "chromium-browser"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed: .ci/run must install Debian's chromium package")
	}
	t.Skip("chromium is not installed (apt-get install chromium); set LENDCORE_CHROMIUM to use another")
	return ""
}

// openPage opens the file at path in a fresh headless Chromium, waits until
// the report's script has run, and returns the page. The browser is started
// the way this machine allows (no sandbox as root, no GPU) and kept off the
// network (no background networking, component updates, sync or QUIC), with
// a new empty profile.
func openPage(t *testing.T, path string) *browser {
	t.Helper()
	exe := chromium(t)
	abs, err := filepath.Abs(path)
	require.NoError(t, err)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelTimeout)
	b := &browser{ctx: ctx}
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		var msg string
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				msg = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			msg = "exception: " + ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				msg += " " + ev.ExceptionDetails.Exception.Description
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				msg = fmt.Sprintf("log %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
			}
		}
		if msg != "" {
			b.mu.Lock()
			b.console = append(b.console, msg)
			b.mu.Unlock()
		}
	}), "starting %s", exe)
	// Navigate returns once the page has loaded, and the page's scripts are
	// inline: by then they have run, or failed.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("file://"+abs)))
	ready := eval[string](t, b, `document.documentElement.getAttribute("data-ready") || ""`)
	require.Equal(t, "true", ready, "the report's script did not finish: %q", b.consoleErrors())
	return b
}

// eval runs a JavaScript expression in the page and decodes its value.
func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	require.NoError(t, err, "evaluating %s", js)
	return v
}

// consoleErrors returns what the page wrote to the console as errors or
// warnings, and its uncaught exceptions.
func (b *browser) consoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

// screenshot saves the whole page as a PNG under testdata/artifacts
// (ignored by git) and returns its path.
func (b *browser) screenshot(t *testing.T, name string) string {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	dir := filepath.Join("testdata", "artifacts")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	path := filepath.Join(dir, name+".png")
	require.NoError(t, os.WriteFile(path, png, 0o644))
	t.Logf("screenshot: %s", path)
	return path
}

// chartMarks is what one chart drew: for each series, its data points and
// the graphic elements its view holds in the scene ECharts rendered.
type chartMarks struct {
	ID     string `json:"id"`
	Shapes int    `json:"shapes"` // SVG shapes in the chart's element
	Series []struct {
		Name    string `json:"name"`
		Visible bool   `json:"visible"`
		Points  int    `json:"points"` // data points with a value
		Marks   int    `json:"marks"`  // drawn elements of the series
	} `json:"series"`
}

// marksJS asks ECharts, chart by chart, what each series drew. It reads the
// rendered scene (each series' view and its visible elements) and the SVG
// in the page, not the page's own script.
const marksJS = `Array.from(document.querySelectorAll("[data-chart]")).map(function (el) {
  var c = echarts.getInstanceByDom(el);
  var out = { id: el.getAttribute("data-chart"), shapes: el.querySelectorAll("svg path, svg rect, svg circle, svg polyline, svg polygon, svg text").length, series: [] };
  if (!c) return out;
  var opt = c.getOption();
  var selected = (opt.legend && opt.legend[0] && opt.legend[0].selected) || {};
  opt.series.forEach(function (s, i) {
    var model = c.getModel().getSeriesByIndex(i);
    var view = model && c.getViewOfSeriesModel(model);
    var marks = 0;
    if (view) view.group.traverse(function (g) { if (!g.isGroup && !g.ignore && !g.invisible) marks++; });
    var points = (s.data || []).filter(function (v) {
      if (Array.isArray(v)) return v[v.length - 1] !== null && v[v.length - 1] !== undefined;
      return v !== null && v !== undefined && v !== "-";
    }).length;
    out.series.push({ name: s.name, visible: selected[s.name] !== false, points: points, marks: marks });
  });
  return out;
})`

// requireMarks asserts that the page has exactly the charts wanted and that
// every chart drew the marks of every visible series that has data.
func requireMarks(t *testing.T, b *browser, want []string) {
	t.Helper()
	charts := eval[[]chartMarks](t, b, marksJS)
	var ids []string
	for _, c := range charts {
		ids = append(ids, c.ID)
		require.NotEmpty(t, c.Series, "chart %s has no series (no ECharts instance?)", c.ID)
		require.Positive(t, c.Shapes, "chart %s drew no SVG", c.ID)
		drawn := 0
		for _, s := range c.Series {
			if s.Visible && s.Points > 0 {
				require.Positive(t, s.Marks, "chart %s, series %q: %d points and no marks", c.ID, s.Name, s.Points)
				drawn++
			}
		}
		require.Positive(t, drawn, "chart %s shows no series with data", c.ID)
	}
	require.Equal(t, want, ids)
}

// tableRows returns the cells of the body rows of the table with id.
func tableRows(t *testing.T, b *browser, id string) [][]string {
	t.Helper()
	return eval[[][]string](t, b, fmt.Sprintf(`Array.from(document.querySelectorAll("#%s tbody tr")).map(function (tr) {
  return Array.from(tr.children).map(function (c) { return c.textContent.trim(); });
})`, id))
}

// tableHead returns the header cells of the table with id.
func tableHead(t *testing.T, b *browser, id string) []string {
	t.Helper()
	return eval[[]string](t, b, fmt.Sprintf(`Array.from(document.querySelectorAll("#%s thead th")).map(function (c) { return c.textContent.trim(); })`, id))
}
