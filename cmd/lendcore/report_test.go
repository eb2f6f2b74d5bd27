package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/report"
)

// reportRun is the simulation the report tests look at: small enough to run
// in seconds, long enough for write-offs, recoveries and reserve payouts.
var reportRun = []string{"--loans", "500", "--months", "14", "--seed", "1"}

// monthRow is one row of simulate's monthly table on stdout.
type monthRow struct {
	end, active, balance, m1, m2, m3plus, npl, provisions, wo, recovered, reserveOut string
	coll                                                                             []string // m1/m2/m3/legal-review/write-off-proposal
}

// parseTable reads simulate's monthly table: the figures the report must
// show, computed by another path (the table printer) from the same run.
func parseTable(t *testing.T, stdout string) []monthRow {
	t.Helper()
	var rows []monthRow
	for _, line := range strings.Split(stdout, "\n")[1:] {
		f := strings.Fields(line)
		if len(f) != 14 {
			break
		}
		rows = append(rows, monthRow{end: f[0], active: f[1], balance: f[2], m1: f[3], m2: f[4], m3plus: f[5],
			npl: f[8], provisions: f[9], coll: strings.Split(f[10], "/"), wo: f[11], recovered: f[12], reserveOut: f[13]})
	}
	require.NotEmpty(t, rows, "no monthly table in %q", stdout)
	return rows
}

func number(s string) string { return strings.ReplaceAll(s, ",", "") }

// column returns the index of the header cell named name.
func column(t *testing.T, head []string, name string) int {
	t.Helper()
	for i, h := range head {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %q in %q", name, head)
	return -1
}

// The report of a simulation opens in a real browser with no console
// errors and nothing fetched, draws every chart, and shows the figures of
// the run: its tables equal simulate's own monthly table (printed by
// another path from the same month ends), and its charts hold the run's
// figures as --format json exports them.
func TestSimulateReportInBrowser(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "portfolio.html")
	stdout := simulate(t, append(reportRun, "--report", page)...)
	rows := parseTable(t, stdout)
	simulate(t, append(reportRun, "--report", filepath.Join(dir, "figures.json"), "--format", "json")...)
	raw, err := os.ReadFile(filepath.Join(dir, "figures.json"))
	require.NoError(t, err)
	var figs report.Figures
	require.NoError(t, json.Unmarshal(raw, &figs))
	require.NoError(t, figs.Validate())
	require.Len(t, figs.Months, len(rows))

	b := openPage(t, page)
	b.screenshot(t, "simulate-report")
	assert.Empty(t, b.consoleErrors(), "console errors or warnings")
	assert.Equal(t, 0, eval[int](t, b, `performance.getEntriesByType("resource").length`), "the page fetched something")
	requireMarks(t, b, []string{"balance", "buckets", "grades", "provisions", "roll", "vintage-bad", "vintage-off", "collection", "reserve"})

	// The tables against simulate's monthly table.
	balance := tableRows(t, b, "table-balance")
	buckets, bucketHead := tableRows(t, b, "table-buckets"), tableHead(t, b, "table-buckets")
	grades, gradeHead := tableRows(t, b, "table-grades"), tableHead(t, b, "table-grades")
	provisions, provisionHead := tableRows(t, b, "table-provisions"), tableHead(t, b, "table-provisions")
	collection, collectionHead := tableRows(t, b, "table-collection"), tableHead(t, b, "table-collection")
	reserve, reserveHead := tableRows(t, b, "table-reserve"), tableHead(t, b, "table-reserve")
	for _, tbl := range [][][]string{balance, buckets, grades, provisions, collection, reserve} {
		require.Len(t, tbl, len(rows))
	}
	stages := []string{"M1", "M2", "M3", "Legal review", "Write-off proposal"}
	var recovered, payouts int
	for i, r := range rows {
		assert.Equal(t, r.end, balance[i][0])
		assert.Equal(t, r.active, number(balance[i][1]), "%s loans", r.end)
		assert.Equal(t, r.balance, number(balance[i][2]), "%s balance", r.end)
		assert.Equal(t, r.wo, balance[i][4], "%s written off", r.end)
		assert.Equal(t, r.m1, buckets[i][column(t, bucketHead, "M1")], "%s M1", r.end)
		assert.Equal(t, r.m2, buckets[i][column(t, bucketHead, "M2")], "%s M2", r.end)
		assert.Equal(t, r.m3plus, buckets[i][column(t, bucketHead, "M3+")], "%s M3+", r.end)
		assert.Equal(t, r.npl, grades[i][column(t, gradeHead, "NPL ratio")], "%s NPL ratio", r.end)
		assert.Equal(t, r.provisions, number(provisions[i][column(t, provisionHead, "Provisions")]), "%s provisions", r.end)
		for k, s := range stages {
			assert.Equal(t, r.coll[k], collection[i][column(t, collectionHead, s)], "%s collection %s", r.end, s)
		}
		assert.Equal(t, r.recovered, number(collection[i][column(t, collectionHead, "Recovered")]), "%s recovered", r.end)
		assert.Equal(t, r.reserveOut, number(reserve[i][column(t, reserveHead, "Payouts")]), "%s reserve payouts", r.end)
		if r.recovered != "0.00" {
			recovered++
		}
		if r.reserveOut != "0.00" {
			payouts++
		}
	}
	require.Positive(t, recovered, "the run must recover something for the check to bite")
	require.Positive(t, payouts, "the run must pay out of the reserve for the check to bite")

	// The charts against the exported figures.
	series := func(chart, name string) []any {
		return eval[[]any](t, b, `(function () { var c = echarts.getInstanceByDom(document.getElementById("chart-`+chart+`"));
  return c.getOption().series.filter(function (s) { return s.name === `+strconv.Quote(name)+`; })[0].data; })()`)
	}
	// Amounts are exact decimals of the currency's unit; percentages are
	// rounded to four places.
	within := func(delta float64) func(want float64, got any, what string) {
		return func(want float64, got any, what string) {
			t.Helper()
			g, ok := got.(float64)
			if assert.True(t, ok, "%s: %v is not a number", what, got) {
				assert.InDelta(t, want, g, delta, what)
			}
		}
	}
	near, nearPct := within(0.005), within(0.00005+1e-9)
	major := func(a money.Amount) float64 { f, _ := a.Decimal().Float64(); return f }
	ratio := func(num, den int64) float64 { return 100 * float64(num) / float64(den) }
	bal, loans, m3 := series("balance", "Outstanding"), series("balance", "Loans on the books"), series("buckets", "M3")
	prov, pay := series("provisions", "Provisions"), series("reserve", "Payouts")
	for i, m := range figs.Months {
		near(major(m.Balance), bal[i], m.End.String()+" balance")
		near(float64(m.Loans), loans[i], m.End.String()+" loans")
		nearPct(ratio(m.ByBucket[3].Balance.Minor(), m.Balance.Minor()), m3[i], m.End.String()+" M3 share")
		near(major(m.Provisions), prov[i], m.End.String()+" provisions")
		near(major(m.Reserve.Payouts), pay[i], m.End.String()+" payouts")
	}
	curves := figs.Curves()
	require.NotEmpty(t, curves)
	first := series("vintage-bad", curves[0].Cohort)
	require.Len(t, first, len(curves[0].Bad))
	for n, r := range curves[0].Bad {
		nearPct(ratio(r.Num, r.Den), first[n], "first cohort, MOB "+strconv.Itoa(n))
	}
	last := figs.Months[len(figs.Months)-1]
	require.NotNil(t, last.Roll)
	cells := series("roll", "Roll rate")
	var cell int
	for i := range last.Roll.Balance {
		var row int64
		for _, v := range last.Roll.Balance[i] {
			row += v.Minor()
		}
		if row == 0 {
			continue
		}
		for j, v := range last.Roll.Balance[i] {
			got := cells[cell].([]any)
			assert.Equal(t, []any{float64(j), float64(i)}, got[:2])
			nearPct(ratio(v.Minor(), row), got[2], "roll rate")
			cell++
		}
	}
	assert.Len(t, cells, cell)
}

// CSV and JSON carry the monthly figures; the same seed gives the same
// bytes, and the HTML is the same for the same run. Writing a report does
// not change what simulate prints.
func TestSimulateReportFormats(t *testing.T) {
	dir := t.TempDir()
	args := []string{"--loans", "80", "--months", "4", "--seed", "3"}
	plain := simulate(t, args...)
	run := func(name, format string) []byte {
		path := filepath.Join(dir, name)
		assert.Equal(t, plain, simulate(t, append(args, "--report", path, "--format", format)...), "--report must not change what simulate prints")
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		return b
	}
	csvOut := run("a.csv", "csv")
	assert.Equal(t, csvOut, run("b.csv", "csv"))
	records, err := csv.NewReader(bytes.NewReader(csvOut)).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, 1+4, "a header and four month ends")
	assert.Equal(t, []string{"month_end", "product", "loans", "balance"}, records[0][:4])
	assert.Equal(t, "2025-01-31", records[1][0])
	assert.Equal(t, "all", records[1][1])

	var figs report.Figures
	require.NoError(t, json.Unmarshal(run("a.json", "json"), &figs))
	require.Len(t, figs.Months, 4)
	assert.Equal(t, records[4][3], figs.Months[3].Balance.Number())
	assert.Equal(t, run("a.html", "html"), run("b.html", "html"))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasPrefix(e.Name(), "."), "temporary file %s left behind", e.Name())
	}
}

// Bad input: one line on stderr naming the flag, exit status 2, and nothing
// written where the report was to go.
func TestSimulateReportBadInput(t *testing.T) {
	dir := t.TempDir()
	locked := filepath.Join(dir, "locked")
	require.NoError(t, os.Mkdir(locked, 0o500))
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"--report", filepath.Join(dir, "missing", "r.html")}, "--report"},
		{[]string{"--report", dir}, "--report"},
		{[]string{"--report", filepath.Join(dir, "r.html"), "--format", "pdf"}, "--format"},
		{[]string{"--format", "csv"}, "--format"},
	} {
		var out, errOut bytes.Buffer
		code := run(append([]string{"simulate", "--loans", "10", "--months", "1", "--progress=false"}, tc.args...), &out, &errOut)
		assert.Equal(t, 2, code, "%v", tc.args)
		assert.Equal(t, 1, strings.Count(errOut.String(), "\n"), "one line for %v: %q", tc.args, errOut.String())
		assert.Contains(t, errOut.String(), tc.flag+":", "%v", tc.args)
		assert.Empty(t, out.String(), "nothing runs for %v", tc.args)
	}
	if os.Geteuid() != 0 { // root writes anywhere
		var errOut bytes.Buffer
		code := run([]string{"simulate", "--loans", "10", "--months", "1", "--progress=false", "--report", filepath.Join(locked, "r.html")}, &bytes.Buffer{}, &errOut)
		assert.Equal(t, 2, code)
		assert.Contains(t, errOut.String(), "--report:")
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "only the locked directory: nothing was written")
}

// reportCmd runs lendcore report with the source double.
func reportCmd(t *testing.T, src func(*lendcore.Engine) report.Source, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = reportFrom(args, &out, &errOut, src)
	return code, out.String(), errOut.String()
}

// closedStore makes a SQLite store a simulation ran on: 2025-01-01 to
// 2025-03-01 closed.
func closedStore(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "lend.db")
	simulate(t, "--loans", "30", "--months", "2", "--seed", "9", "--store", "sqlite:"+path)
	return path
}

// fixedSource is the test double of the stored month-end figures: it
// answers with the month ends of figs inside the range asked.
type fixedSource struct{ figs *report.Figures }

func (s fixedSource) MonthEnds(_ context.Context, from, to date.Date) (*report.Figures, error) {
	f := *s.figs
	f.Months, f.Products = nil, nil
	var keep []int
	for i, m := range s.figs.Months {
		if !m.End.Before(from) && !m.End.After(to) {
			f.Months = append(f.Months, m)
			keep = append(keep, i)
		}
	}
	for _, p := range s.figs.Products {
		q := report.Product{Name: p.Name}
		for _, i := range keep {
			q.Months = append(q.Months, p.Months[i])
		}
		f.Products = append(f.Products, q)
	}
	return &f, nil
}

// twoProducts is a portfolio of two products over three month ends, made
// by hand: a consumer loan and a small-business loan, each tallied by
// bucket and grade, the whole their sum.
func twoProducts() *report.Figures {
	cny := func(major int64) money.Amount { return money.New(major*100, money.CNY) }
	month := func(end date.Date, scale int64, roll bool) report.Month {
		m := report.Month{End: end, Loans: 10 * scale, Balance: cny(100_000 * scale), Originated: 2 * scale, WrittenOff: scale - 1,
			ByBucket: []report.Tally{{Loans: 7 * scale, Balance: cny(70_000 * scale)}, {Loans: scale, Balance: cny(10_000 * scale)},
				{Loans: scale, Balance: cny(10_000 * scale)}, {Loans: scale, Balance: cny(10_000 * scale)},
				{}, {}, {}, {}},
			NPL: report.Tally{Loans: scale, Balance: cny(10_000 * scale)}, Provisions: cny(6_000 * scale),
			Recovered: cny(500 * (scale - 1)),
			Reserve: report.Reserve{Balance: cny(20_000), Contributions: cny(1_000 * scale), Payouts: cny(800 * scale),
				Recoveries: cny(100 * scale)}}
		m.ByGrade = [5]report.Tally{{Loans: 8 * scale, Balance: cny(80_000 * scale)}, {Loans: scale, Balance: cny(10_000 * scale)},
			{Loans: scale, Balance: cny(10_000 * scale)}, {}, {}}
		if roll {
			m.Roll = &report.Roll{}
			for i := range 8 {
				m.Roll.Count = append(m.Roll.Count, make([]int64, 9))
				m.Roll.Balance = append(m.Roll.Balance, make([]money.Amount, 9))
				if i < 4 {
					m.Roll.Count[i][i], m.Roll.Balance[i][i] = 2*scale, cny(9_000*scale)
					m.Roll.Count[i][i+1], m.Roll.Balance[i][i+1] = scale, cny(1_000*scale)
				}
			}
		}
		return m
	}
	ends := []date.Date{date.New(2025, 1, 31), date.New(2025, 2, 28), date.New(2025, 3, 31)}
	f := &report.Figures{Title: "Two products", Currency: money.CNY, Buckets: classify.ChinaBuckets(), VintageBucket: 3,
		Stages: []string{"pre-due", "m1", "m2", "m3", "legal-review", "write-off-proposal"}}
	for i, end := range ends {
		whole := month(end, 2, i > 0)
		whole.Collection = []int64{12, 2, 2, 2, int64(i), 0}
		for c := 0; c <= i; c++ {
			whole.Vintages = append(whole.Vintages, report.Vintage{Cohort: ends[c].Format("2006-01"), Loans: 5,
				Bad: int64(i - c), WrittenOff: int64(max(0, i-c-1))})
		}
		f.Months = append(f.Months, whole)
	}
	for _, name := range []string{"consumer", "small-business"} {
		p := report.Product{Name: name}
		for i, end := range ends {
			p.Months = append(p.Months, month(end, 1, i > 0))
		}
		f.Products = append(f.Products, p)
	}
	return f
}

// lendcore report writes the report of what the source holds; over a
// source with two products the breakdown by product is drawn too.
func TestReportCommandWithSource(t *testing.T) {
	store := "sqlite:" + closedStore(t)
	src := func(*lendcore.Engine) report.Source { return fixedSource{twoProducts()} }
	page := filepath.Join(t.TempDir(), "stored.html")
	code, _, stderr := reportCmd(t, src, "--store", store, "--from", "2025-01-01", "--to", "2025-03-31", "--out", page)
	require.Equal(t, 0, code, stderr)

	b := openPage(t, page)
	b.screenshot(t, "stored-report-two-products")
	assert.Empty(t, b.consoleErrors())
	requireMarks(t, b, []string{"balance", "buckets", "grades", "provisions", "roll", "vintage-bad", "vintage-off", "collection", "reserve", "products"})
	products := tableRows(t, b, "table-products")
	require.Len(t, products, 3)
	assert.Equal(t, []string{"2025-03-31", "100,000.00", "10.00%", "100,000.00", "10.00%"}, products[2])

	code, stdout, stderr := reportCmd(t, src, "--store", store, "--from", "2025-02-01", "--to", "2025-02-28", "--out", "-", "--format", "csv")
	require.Equal(t, 0, code, stderr)
	records, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, 1+3, "a header, the portfolio and two products for February")
	assert.Equal(t, []string{"2025-02-28", "all", "20", "200000.00"}, records[1][:4])
	assert.Equal(t, []string{"2025-02-28", "small-business", "10", "100000.00"}, records[3][:4])
}

// Bad input to lendcore report: one line naming the flag, exit status 2,
// nothing written to --out and nothing changed in the store.
func TestReportCommandBadInput(t *testing.T) {
	closed := closedStore(t)
	dir := t.TempDir()
	foreign := filepath.Join(dir, "foreign.db")
	db, err := sql.Open("sqlite", foreign)
	require.NoError(t, err)
	_, err = db.Exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total TEXT)")
	require.NoError(t, err)
	require.NoError(t, db.Close())
	empty := filepath.Join(dir, "empty.db")
	sts, err := openStores("sqlite:"+empty, 1) // migrated, no loans
	require.NoError(t, err)
	require.NoError(t, sts[0].Close())
	old := closedStore(t) // made a store from before the month-end figures
	oldDB, err := sql.Open("sqlite", old)
	require.NoError(t, err)
	_, err = oldDB.Exec("DROP TABLE lendcore_month_ends")
	require.NoError(t, err)
	require.NoError(t, oldDB.Close())
	before, err := os.ReadFile(foreign)
	require.NoError(t, err)
	good := func(store string) []string {
		return []string{"--store", store, "--from", "2025-01-01", "--to", "2025-12-31", "--out", filepath.Join(dir, "out.html")}
	}
	withFlag := func(args []string, name, value string) []string {
		out := append([]string(nil), args...)
		for i := range out {
			if out[i] == name {
				out[i+1] = value
				return out
			}
		}
		return append(out, name, value)
	}
	src := func(*lendcore.Engine) report.Source { return fixedSource{twoProducts()} }
	for _, tc := range []struct {
		name string
		args []string
		src  func(*lendcore.Engine) report.Source
		flag string
		says string
	}{
		{"no store", []string{"--from", "2025-01-01", "--to", "2025-12-31", "--out", "x.html"}, src, "--store", "is required"},
		{"memory", good("memory"), src, "--store", "memory starts empty"},
		{"missing file", good("sqlite:" + filepath.Join(dir, "nope.db")), src, "--store", "cannot read"},
		{"foreign store", good("sqlite:" + foreign), src, "--store", "not a lendcore store"},
		{"empty store", good("sqlite:" + empty), src, "--store", "holds no loans"},
		{"unknown store", good("mysql://x"), src, "--store", "unknown store"},
		{"bad from", withFlag(good("sqlite:"+closed), "--from", "2025-13-01"), src, "--from", "not a date"},
		{"no to", []string{"--store", "sqlite:" + closed, "--from", "2025-01-01", "--out", "x.html"}, src, "--to", "is required"},
		{"to before from", withFlag(good("sqlite:"+closed), "--to", "2024-12-31"), src, "--to", "before --from"},
		{"after the last closed day", withFlag(withFlag(good("sqlite:"+closed), "--from", "2026-01-01"), "--to", "2026-12-31"), src, "--from", "after the last closed day"},
		{"no month end in range", withFlag(withFlag(good("sqlite:"+closed), "--from", "2025-02-02"), "--to", "2025-02-20"), src, "--to", "holds no month end"},
		{"no month end closed", withFlag(withFlag(good("sqlite:"+closed), "--from", "2024-01-01"), "--to", "2024-12-31"), src, "--from, --to", "no month end was closed"},
		{"bad format", withFlag(good("sqlite:"+closed), "--format", "xlsx"), src, "--format", "not html, csv or json"},
		{"out in a missing directory", withFlag(good("sqlite:"+closed), "--out", filepath.Join(dir, "no", "r.html")), src, "--out", "cannot write"},
		{"out is a directory", withFlag(good("sqlite:"+closed), "--out", dir), src, "--out", "is a directory"},
		{"no out", []string{"--store", "sqlite:" + closed, "--from", "2025-01-01", "--to", "2025-12-31"}, src, "--out", "is required"},
		{"a store from before the month-end figures", good("sqlite:" + old), storedMonthEnds, "--store", "keeps no month-end figures: it predates them"},
		{"no month end recorded in range", withFlag(good("sqlite:"+closed), "--from", "2025-03-01"), storedMonthEnds, "--from, --to", "no month end was closed in 2025-03-01..2025-12-31"},
		{"stored figures, to before from", withFlag(good("sqlite:"+closed), "--to", "2024-12-31"), storedMonthEnds, "--to", "before --from"},
	} {
		code, _, stderr := reportCmd(t, tc.src, tc.args...)
		assert.Equal(t, 2, code, tc.name)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), "%s: one line: %q", tc.name, stderr)
		assert.True(t, strings.HasPrefix(stderr, "lendcore report: "+tc.flag+": "), "%s: %q names %s", tc.name, stderr, tc.flag)
		assert.Contains(t, stderr, tc.says, tc.name)
	}
	after, err := os.ReadFile(foreign)
	require.NoError(t, err)
	assert.Equal(t, before, after, "the foreign database is untouched")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		// SQLite keeps a write-ahead log and its index beside a WAL
		// database, also for a reader.
		if !strings.HasSuffix(e.Name(), "-wal") && !strings.HasSuffix(e.Name(), "-shm") {
			names = append(names, e.Name())
		}
	}
	assert.ElementsMatch(t, []string{"foreign.db", "empty.db"}, names, "no report and no temporary file was written")
}

// On PostgreSQL, a schema without lendcore's tables is a foreign store:
// refused, and left as it was (no migration).
func TestReportCommandForeignPostgres(t *testing.T) {
	dsn := os.Getenv("LENDCORE_TEST_POSTGRES_DSN")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("LENDCORE_TEST_POSTGRES_DSN is not set: .ci/run must start PostgreSQL")
		}
		t.Skip("LENDCORE_TEST_POSTGRES_DSN is not set")
	}
	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	defer admin.Close()
	schema := "lc_report_" + strconv.Itoa(os.Getpid())
	_, err = admin.Exec("CREATE SCHEMA " + schema)
	require.NoError(t, err)
	defer admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	out := filepath.Join(t.TempDir(), "r.html")
	code, _, stderr := reportCmd(t, storedMonthEnds, "--store", dsn+sep+"search_path="+schema, "--from", "2025-01-01", "--to", "2025-12-31", "--out", out)
	assert.Equal(t, 2, code)
	assert.True(t, strings.HasPrefix(stderr, "lendcore report: --store: not a lendcore store"), stderr)
	var tables int
	require.NoError(t, admin.QueryRow("SELECT count(*) FROM information_schema.tables WHERE table_schema = $1", schema).Scan(&tables))
	assert.Zero(t, tables, "nothing was created in the schema")
	_, err = os.Stat(out)
	assert.True(t, os.IsNotExist(err), "no report was written")
}

// lendcore report over the store a simulation ran on writes the report
// simulate --report wrote: both read the month ends the daily close
// recorded. Only the title differs. A range inside the run gives those
// month ends, with the flows since the month end before the range.
func TestReportOverStoreEqualsSimulateReport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "lend.db")
	simulated := filepath.Join(dir, "simulated.json")
	simulate(t, "--loans", "80", "--months", "4", "--seed", "5", "--store", "sqlite:"+db, "--report", simulated, "--format", "json")
	stored := filepath.Join(dir, "stored.json")
	code, _, stderr := reportCmd(t, storedMonthEnds, "--store", "sqlite:"+db, "--from", "2025-01-01", "--to", "2025-05-01",
		"--out", stored, "--format", "json")
	require.Equal(t, 0, code, stderr)
	read := func(path string) report.Figures {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		var f report.Figures
		require.NoError(t, json.Unmarshal(b, &f))
		return f
	}
	want, got := read(simulated), read(stored)
	require.Len(t, want.Months, 4)
	assert.Equal(t, "Portfolio report", got.Title)
	got.Title = want.Title
	assert.Equal(t, want, got)

	// The figures are the run's: every loan originated is in a vintage,
	// and the month's flows add up to the month end's totals.
	var originated, writtenOff int64
	for _, m := range want.Months {
		originated += m.Originated
		writtenOff += m.WrittenOff
	}
	last := want.Months[3]
	var loans, off int64
	for _, v := range last.Vintages {
		loans += v.Loans
		off += v.WrittenOff
		assert.LessOrEqual(t, v.WrittenOff, v.Bad, v.Cohort)
	}
	assert.Equal(t, int64(80), originated)
	assert.Equal(t, originated, loans)
	assert.Equal(t, writtenOff, off)

	// February and March alone: the same month ends, February's flows
	// still those since January's month end.
	code, stdout, stderr := reportCmd(t, storedMonthEnds, "--store", "sqlite:"+db, "--from", "2025-02-01", "--to", "2025-03-31",
		"--out", "-", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var part report.Figures
	require.NoError(t, json.Unmarshal([]byte(stdout), &part))
	part.Title = want.Title
	want.Months = want.Months[1:3]
	assert.Equal(t, want, part)
}
