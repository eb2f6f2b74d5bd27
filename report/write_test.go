package report_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/report"
)

func write(t *testing.T, f *report.Figures, format report.Format) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, report.Write(&b, f, format))
	return b.Bytes()
}

func TestFormatNames(t *testing.T) {
	for _, name := range []string{"html", "csv", "json"} {
		f, err := report.ParseFormat(name)
		require.NoError(t, err)
		assert.Equal(t, name, f.String())
	}
	_, err := report.ParseFormat("pdf")
	assert.ErrorIs(t, err, report.ErrInvalidFormat)
	assert.ErrorIs(t, report.Write(&bytes.Buffer{}, sample(), report.Format(9)), report.ErrInvalidFormat)
	bad := sample()
	bad.Currency = money.Currency{}
	var b bytes.Buffer
	assert.ErrorIs(t, report.Write(&b, bad, report.HTML), report.ErrInvalidFigures)
	assert.Zero(t, b.Len(), "nothing is written for invalid figures")
}

// The CSV has a row per month end and product, with the figures exact.
func TestWriteCSV(t *testing.T) {
	f := sample()
	p := report.Product{Name: "consumer", Months: []report.Month{f.Months[0], f.Months[1]}}
	for i := range p.Months {
		p.Months[i].Vintages, p.Months[i].Collection = nil, nil
	}
	f.Products = []report.Product{p}
	rows, err := csv.NewReader(bytes.NewReader(write(t, f, report.CSV))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+2*2)
	head := rows[0]
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s in %v", name, head)
		return 0
	}
	assert.Equal(t, []string{"2025-01-31", "all", "1", "100.00", "1", "0"}, rows[1][:6])
	assert.Equal(t, "consumer", rows[2][col("product")])
	assert.Equal(t, "100.00", rows[1][col("m0_balance")])
	assert.Equal(t, "0.000000", rows[1][col("m3_plus_ratio")])
	assert.Equal(t, "", rows[1][col("npl_coverage")], "undefined: no non-performing balance")
	assert.Equal(t, "1.00", rows[1][col("provisions")])
	assert.Equal(t, "0", rows[1][col("collection_legal-review")])
	assert.Equal(t, "", rows[2][col("collection_m1")], "a product carries no collection stages")
	for _, r := range rows {
		assert.Len(t, r, len(head))
	}
}

// JSON carries the figures whole: they read back equal.
func TestWriteJSONRoundTrips(t *testing.T) {
	f := sample()
	var back report.Figures
	require.NoError(t, json.Unmarshal(write(t, f, report.JSON), &back))
	assert.Equal(t, f, &back)
}

// The page is one self-contained file: nothing is loaded from elsewhere,
// the same figures give the same bytes, and the tables hold the figures.
func TestWriteHTMLIsSelfContained(t *testing.T) {
	page := write(t, sample(), report.HTML)
	assert.Equal(t, page, write(t, sample(), report.HTML))
	// The library builds SVG of its own (url(#clip) references, images for
	// symbols); what the page itself says is the rest.
	lib, err := os.ReadFile("assets/echarts.min.js")
	require.NoError(t, err)
	require.Contains(t, string(page), string(lib), "the library is inlined whole")
	s := strings.Replace(string(page), string(lib), "", 1)
	for _, re := range []string{`<script[^>]+src=`, `<link[\s>]`, `<img[\s>]`, `<iframe`, `@import`, `url\(`, `(?i)href="(https?:)?//`} {
		assert.False(t, regexp.MustCompile(re).MatchString(s), "the page refers outside itself: %s", re)
	}
	assert.Equal(t, 3, strings.Count(s, "<script"), "the data, the library and the report's script")
	assert.Contains(t, s, `<table id="table-balance">`)
	assert.Contains(t, s, `<th scope="row">2025-02-28</th><td>1</td><td>100.00</td>`)
	assert.Contains(t, s, `data-chart="roll"`)
	assert.Contains(t, s, "This breakdown appears once loans are made under more than one product")
	assert.NotContains(t, s, `data-chart="products"`)
}

// The embedded library is the release assets/README.md names, and nothing
// in the page's parts can end the script element it is inlined into.
func TestAssets(t *testing.T) {
	lib, err := os.ReadFile("assets/echarts.min.js")
	require.NoError(t, err)
	sum := sha256.Sum256(lib)
	assert.Equal(t, "b66b25aeb4df84e33199dc21694014d336d222cbd9deb0e5a7c14bd6aa0d0fd0", hex.EncodeToString(sum[:]),
		"assets/echarts.min.js is not ECharts 6.1.0's dist/echarts.min.js")
	readme, err := os.ReadFile("assets/README.md")
	require.NoError(t, err)
	assert.Contains(t, string(readme), hex.EncodeToString(sum[:]))
	for _, name := range []string{"assets/echarts.min.js", "assets/report.js"} {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		assert.NotRegexp(t, `(?i)</script|<!--`, string(b), name)
	}
}

// A page needs a month end to show; the figures of none still export.
func TestWriteWithoutMonthEnds(t *testing.T) {
	f := sample()
	f.Months = nil
	require.NoError(t, f.Validate())
	assert.ErrorIs(t, report.Write(&bytes.Buffer{}, f, report.HTML), report.ErrInvalidFigures)
	rows, err := csv.NewReader(bytes.NewReader(write(t, f, report.CSV))).ReadAll()
	require.NoError(t, err)
	assert.Len(t, rows, 1, "the header alone")
}
