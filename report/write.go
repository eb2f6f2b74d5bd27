package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/portfolio"
)

// Format is what Write produces.
type Format uint8

// The formats.
const (
	// HTML is one self-contained page of charts with a table beside each:
	// it opens with no network (the charting library, styles and data are
	// inlined; fonts are the system's).
	HTML Format = iota
	// CSV is one row per month end and product (the whole portfolio is
	// product "all"), with a header row.
	CSV
	// JSON is the Figures as they are, indented.
	JSON
)

var formatNames = enum.New[Format](ErrInvalidFormat, "format", "html", "csv", "json")

// String returns "html", "csv" or "json".
func (f Format) String() string { return formatNames.String(f) }

// MarshalText encodes the format's name.
func (f Format) MarshalText() ([]byte, error) { return formatNames.MarshalText(f) }

// UnmarshalText decodes "html", "csv" or "json".
func (f *Format) UnmarshalText(b []byte) error { return formatNames.UnmarshalText(b, f) }

// ParseFormat returns the format named s.
func ParseFormat(s string) (Format, error) { return formatNames.Parse(s) }

// Write validates f and writes it to w in format.
func Write(w io.Writer, f *Figures, format Format) error {
	if err := f.Validate(); err != nil {
		return err
	}
	switch format {
	case HTML:
		return writeHTML(w, f)
	case CSV:
		return writeCSV(w, f)
	case JSON:
		b, err := json.MarshalIndent(f, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	return fault.Invalid(ErrInvalidFormat, "format", fmt.Sprintf("unknown format %d", format))
}

// csvHeader returns the CSV's column names.
func csvHeader(f *Figures) []string {
	h := []string{"month_end", "product", "loans", "balance", "originated", "written_off"}
	for _, b := range f.Buckets {
		h = append(h, strings.ToLower(b.Name)+"_loans", strings.ToLower(b.Name)+"_balance")
	}
	h = append(h, "m1_plus_ratio", "m3_plus_ratio")
	for _, g := range GradeNames() {
		h = append(h, g+"_loans", g+"_balance")
	}
	h = append(h, "npl_loans", "npl_balance", "npl_ratio", "provisions", "npl_coverage")
	for _, s := range f.Stages {
		h = append(h, "collection_"+s)
	}
	return append(h, "recovered", "reserve_balance", "reserve_contributions", "reserve_payouts", "reserve_recoveries")
}

func writeCSV(w io.Writer, f *Figures) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	if err := cw.Write(csvHeader(f)); err != nil {
		return err
	}
	row := func(product string, m *Month) error {
		r := []string{m.End.String(), product, itoa(m.Loans), m.Balance.Number(), itoa(m.Originated), itoa(m.WrittenOff)}
		for _, t := range m.ByBucket {
			r = append(r, itoa(t.Loans), t.Balance.Number())
		}
		r = append(r, ratio(m.AtLeast(1)), ratio(m.AtLeast(f.VintageBucket)))
		for _, t := range m.ByGrade {
			r = append(r, itoa(t.Loans), t.Balance.Number())
		}
		r = append(r, itoa(m.NPL.Loans), m.NPL.Balance.Number(), ratio(m.NPLRatio()), m.Provisions.Number(), ratio(m.Coverage()))
		for i := range f.Stages {
			if i < len(m.Collection) {
				r = append(r, itoa(m.Collection[i]))
			} else {
				r = append(r, "")
			}
		}
		r = append(r, m.Recovered.Number(), m.Reserve.Balance.Number(), m.Reserve.Contributions.Number(),
			m.Reserve.Payouts.Number(), m.Reserve.Recoveries.Number())
		return cw.Write(r)
	}
	for i := range f.Months {
		if err := row("all", &f.Months[i]); err != nil {
			return err
		}
		for _, p := range f.Products {
			if err := row(p.Name, &p.Months[i]); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ratio writes a ratio as a decimal fraction with six places, or nothing
// when it is undefined (an empty denominator).
func ratio(r portfolio.Ratio) string {
	if !r.Defined() {
		return ""
	}
	return r.Decimal(6).StringFixed(6)
}

// amountNumber writes an amount for the page's data: its exact decimal
// number, which JSON carries as a number.
func amountNumber(a money.Amount) json.Number { return json.Number(a.Number()) }
