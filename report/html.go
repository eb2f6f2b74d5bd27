package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/rickb777/date"
	"github.com/shopspring/decimal"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/portfolio"
)

// The page's parts, inlined into one file so that it opens with no
// network. The charting library is Apache ECharts, taken whole from its
// npm package (assets/README.md says which version and how to check it).
var (
	//go:embed assets/echarts.min.js
	echartsJS string
	//go:embed assets/report.js
	reportJS string
	//go:embed assets/report.css
	reportCSS string
	//go:embed assets/report.html.tmpl
	pageHTML string

	pageTemplate = template.Must(template.New("report").Parse(pageHTML))
)

// page is what the template draws.
type page struct {
	Title, Period, Currency string
	KPIs                    []kpi
	Sections                []section
	VintageBucket           string
	VintageFrom             int
	Style                   template.CSS
	Library, Script, Data   template.JS
}

// kpi is one headline figure at the last month end, with its change since
// the month end before.
type kpi struct {
	Label, Value, Change, Hint string
	Tone                       string // "up-bad", "down-good", ... for the change's colour
}

// section is one chart and the table of its numbers.
type section struct {
	ID, Title, Lead string
	Chart           bool
	WideTable       bool // the table gets the larger share of the width
	Note            string
	Table           table
}

// table is a table of figures; the first column labels the rows.
type table struct {
	Caption string
	Head    []string
	Rows    [][]string
}

func writeHTML(w io.Writer, f *Figures) error {
	if len(f.Months) == 0 {
		return fault.Invalid(ErrInvalidFigures, "months", "a report needs at least one month end")
	}
	data, err := json.Marshal(chartsOf(f))
	if err != nil {
		return err
	}
	p := page{Title: f.Title, Currency: f.Currency.Code(), Period: period(f),
		VintageBucket: f.Buckets[f.VintageBucket].Name + "+", VintageFrom: f.Buckets[f.VintageBucket].From,
		Style: template.CSS(reportCSS), Library: template.JS(echartsJS), Script: template.JS(reportJS),
		Data: template.JS(data)}
	if p.Title == "" {
		p.Title = "Portfolio"
	}
	p.KPIs = kpis(f)
	p.Sections = sections(f)
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// period describes the month ends the report covers.
func period(f *Figures) string {
	first, last := f.Months[0].End, f.Months[len(f.Months)-1].End
	n := len(f.Months)
	ends := "month ends"
	if n == 1 {
		ends = "month end"
	}
	if first == last {
		return fmt.Sprintf("%s · %d %s", first.Format("January 2006"), n, ends)
	}
	return fmt.Sprintf("%s – %s · %d %s", first.Format("January 2006"), last.Format("January 2006"), n, ends)
}

// kpis are the headline figures of the last month end.
func kpis(f *Figures) []kpi {
	last := &f.Months[len(f.Months)-1]
	var prev *Month
	if len(f.Months) > 1 {
		prev = &f.Months[len(f.Months)-2]
	}
	var off, recovered int64
	for _, m := range f.Months {
		off += m.WrittenOff
		recovered += m.Recovered.Minor()
	}
	amountKPI := func(label, hint string, now func(*Month) money.Amount) kpi {
		k := kpi{Label: label, Hint: hint, Value: compactMoney(now(last))}
		if prev != nil {
			d := now(last).Minor() - now(prev).Minor()
			k.Change = fmt.Sprintf("%s%s", sign(d), compactMoney(money.New(abs(d), f.Currency)))
			k.Tone = tone(d, false)
		}
		return k
	}
	rateKPI := func(label, hint string, now func(*Month) portfolio.Ratio, higherIsBad bool) kpi {
		k := kpi{Label: label, Hint: hint, Value: percent(now(last))}
		if prev != nil && now(last).Defined() && now(prev).Defined() {
			a, b := now(last).Decimal(6), now(prev).Decimal(6)
			d := a.Sub(b).Mul(decimal.New(100, 0)).Round(2)
			k.Change = fmt.Sprintf("%s%s pp", sign(int64(d.Sign())), d.Abs().StringFixed(2))
			k.Tone = tone(int64(d.Sign()), higherIsBad)
		}
		return k
	}
	bad := f.Buckets[f.VintageBucket].Name + "+"
	out := []kpi{
		amountKPI("Outstanding principal", "on the books at the last month end", func(m *Month) money.Amount { return m.Balance }),
		{Label: "Loans on the books", Value: group(itoa(last.Loans)), Hint: "active and accelerated"},
		rateKPI(f.Buckets[1].Name+"+ ratio", "balance 1+ days past due ÷ outstanding", func(m *Month) portfolio.Ratio { return m.AtLeast(1) }, true),
		rateKPI(bad+" ratio", fmt.Sprintf("balance %d+ days past due ÷ outstanding", f.Buckets[f.VintageBucket].From),
			func(m *Month) portfolio.Ratio { return m.AtLeast(f.VintageBucket) }, true),
		rateKPI("NPL ratio", "substandard + doubtful + loss ÷ outstanding", func(m *Month) portfolio.Ratio { return m.NPLRatio() }, true),
		rateKPI("NPL coverage", "provisions ÷ non-performing balance", func(m *Month) portfolio.Ratio { return m.Coverage() }, false),
		{Label: "Written off", Value: group(itoa(off)) + " loans", Hint: "in the months shown"},
		{Label: "Recovered", Value: compactMoney(money.New(recovered, f.Currency)), Hint: "on written-off claims, in the months shown"},
		amountKPI("Risk reserve", "balance at the last month end", func(m *Month) money.Amount { return m.Reserve.Balance }),
	}
	if prev != nil {
		d := last.Loans - prev.Loans
		out[1].Change, out[1].Tone = sign(d)+group(itoa(abs(d))), "neutral"
	}
	out[0].Tone = "neutral"
	return out
}

func sign(d int64) string {
	switch {
	case d > 0:
		return "+"
	case d < 0:
		return "−"
	}
	return "±"
}

func abs(n int64) int64 { return max(n, -n) }

// tone colours a change: a rise in a ratio where higher is worse is bad.
func tone(d int64, higherIsBad bool) string {
	switch {
	case d == 0:
		return "neutral"
	case (d > 0) == higherIsBad:
		return "bad"
	}
	return "good"
}

// compactMoney writes an amount for a headline, in thousands, millions or
// billions of the currency with three or four significant digits:
// "CNY 35.47 M", "CNY 418.2 k".
func compactMoney(a money.Amount) string {
	d := a.Decimal()
	unit := ""
	for _, u := range []struct {
		exp  int32
		name string
	}{{9, " bn"}, {6, " M"}, {3, " k"}} {
		if d.Abs().GreaterThanOrEqual(decimal.New(1, u.exp)) {
			d, unit = d.Div(decimal.New(1, u.exp)), u.name
			break
		}
	}
	places := int32(2)
	if unit != "" && d.Abs().GreaterThanOrEqual(decimal.New(100, 0)) {
		places = 1
	}
	return a.Currency().Code() + " " + d.StringFixed(places) + unit
}

// group inserts thousands separators into a decimal number.
func group(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// amount writes an amount for a table: exact, with thousands separators.
func amount(a money.Amount) string { return group(a.Number()) }

// percent writes a ratio for a table, "—" when undefined.
func percent(r portfolio.Ratio) string {
	if !r.Defined() {
		return "—"
	}
	return r.Percent(2)
}

// stageLabel names a collection stage for people.
func stageLabel(s string) string {
	switch s {
	case "pre-due":
		return "Pre-due"
	case "m1", "m2", "m3":
		return strings.ToUpper(s)
	case "legal-review":
		return "Legal review"
	case "write-off-proposal":
		return "Write-off proposal"
	}
	return s
}

// gradeLabels name the five grades for people.
var gradeLabels = [5]string{"Normal", "Special mention", "Substandard", "Doubtful", "Loss"}

// monthLabel is a month end's label on the axes and in the tables.
func monthLabel(m *Month) string { return m.End.String() }

// sections builds every chart's section and table.
func sections(f *Figures) []section {
	ms := f.Months
	rows := func(fn func(m *Month) []string) [][]string {
		out := make([][]string, len(ms))
		for i := range ms {
			out[i] = append([]string{monthLabel(&ms[i])}, fn(&ms[i])...)
		}
		return out
	}
	bad := f.Buckets[f.VintageBucket].Name + "+"
	var out []section

	out = append(out, section{ID: "balance", Title: "Balance and loans on the books", Chart: true,
		Lead: "Outstanding principal (left axis) and the number of loans on the books, originated and written off each month (right axis).",
		Table: table{Head: []string{"Month end", "Loans", "Outstanding (" + f.Currency.Code() + ")", "Originated", "Written off"},
			Rows: rows(func(m *Month) []string {
				return []string{group(itoa(m.Loans)), amount(m.Balance), group(itoa(m.Originated)), group(itoa(m.WrittenOff))}
			})}})

	head := []string{"Month end"}
	for _, b := range f.Buckets {
		head = append(head, b.Name)
	}
	head = append(head, f.Buckets[1].Name+"+", bad)
	out = append(out, section{ID: "buckets", Title: "Delinquency buckets", Chart: true,
		Lead: fmt.Sprintf("Share of outstanding principal in each days-past-due bucket, stacked. %s (current) is hidden: click it in the legend to show it.", f.Buckets[0].Name),
		Table: table{Head: head, Rows: rows(func(m *Month) []string {
			var r []string
			for _, t := range m.ByBucket {
				r = append(r, percent(m.Share(t)))
			}
			return append(r, percent(m.AtLeast(1)), percent(m.AtLeast(f.VintageBucket)))
		})}})

	out = append(out, section{ID: "grades", Title: "Five-category classification", Chart: true,
		Lead: "Share of outstanding principal by regulatory five-category grade, stacked, and the NPL ratio (substandard + doubtful + loss). Normal is hidden: click it in the legend to show it.",
		Table: table{Head: append(append([]string{"Month end"}, gradeLabels[:]...), "NPL ratio"),
			Rows: rows(func(m *Month) []string {
				var r []string
				for _, t := range m.ByGrade {
					r = append(r, percent(m.Share(t)))
				}
				return append(r, percent(m.NPLRatio()))
			})}})

	out = append(out, section{ID: "provisions", Title: "Non-performing loans and provisions", Chart: true,
		Lead: "Non-performing balance and loan-loss provisions (left axis), and provision coverage of the non-performing balance (right axis).",
		Table: table{Head: []string{"Month end", "NPL loans", "NPL balance", "Provisions", "Coverage", "Provisions ÷ loans"},
			Rows: rows(func(m *Month) []string {
				return []string{group(itoa(m.NPL.Loans)), amount(m.NPL.Balance), amount(m.Provisions), percent(m.Coverage()),
					percent(portfolio.Ratio{Num: m.Provisions.Minor(), Den: m.Balance.Minor()})}
			})}})

	out = append(out, rollSection(f))
	curves := f.Curves()
	out = append(out, vintageSection(f, curves, "vintage-bad", fmt.Sprintf("Vintages: cumulative %s rate", bad),
		fmt.Sprintf("Share of each origination month's loans that have reached %s (%d+ days past due) at a month end or been written off, by months on book. A loan that cures stays counted.",
			f.Buckets[f.VintageBucket].Name, f.Buckets[f.VintageBucket].From),
		func(c *Curve) []portfolio.Ratio { return c.Bad }))
	out = append(out, vintageSection(f, curves, "vintage-off", "Vintages: cumulative write-off rate",
		"Share of each origination month's loans written off, by months on book.",
		func(c *Curve) []portfolio.Ratio { return c.WrittenOff }))

	head = []string{"Month end"}
	for _, s := range f.Stages {
		head = append(head, stageLabel(s))
	}
	head = append(head, "Recovered")
	out = append(out, section{ID: "collection", Title: "Collection stages and recoveries", Chart: true,
		Lead: "Loans in each collection stage at the month end, stacked (left axis; pre-due reminders are hidden), and what was recovered on written-off claims in the month (right axis).",
		Table: table{Head: head, Rows: rows(func(m *Month) []string {
			var r []string
			for _, n := range m.Collection {
				r = append(r, group(itoa(n)))
			}
			return append(r, amount(m.Recovered))
		})}})

	out = append(out, section{ID: "reserve", Title: "Risk reserve", Chart: true,
		Lead: "Contributions to the risk reserve, payouts from it to investors and recoveries into it in the month (left axis), and its balance at the month end (right axis).",
		Table: table{Head: []string{"Month end", "Contributions", "Payouts", "Recoveries", "Balance"},
			Rows: rows(func(m *Month) []string {
				return []string{amount(m.Reserve.Contributions), amount(m.Reserve.Payouts), amount(m.Reserve.Recoveries), amount(m.Reserve.Balance)}
			})}})

	out = append(out, productSection(f))
	return out
}

func rollSection(f *Figures) section {
	s := section{ID: "roll", Title: "Roll rates, last month",
		Lead: "Where the balance in each bucket at the previous month end (rows) went by this one (columns), in % of the row: the diagonal stayed put, right of it rolled forward, left of it cured, Exit left the books (repaid or written off)."}
	last := &f.Months[len(f.Months)-1]
	if last.Roll == nil {
		s.Note = "The first month end of a portfolio has no previous month end to roll from."
		return s
	}
	s.Chart, s.WideTable = true, true
	s.Lead = fmt.Sprintf("From %s to %s. ", prevEnd(f), last.End) + s.Lead
	head := []string{"From \\ to"}
	for _, b := range f.Buckets {
		head = append(head, b.Name)
	}
	s.Table.Head = append(head, "Exit", "Loans", "Balance")
	for i, b := range f.Buckets {
		var loans int64
		var bal money.Amount = money.Zero(f.Currency)
		for j := range last.Roll.Count[i] {
			loans += last.Roll.Count[i][j]
			bal = bal.Add(last.Roll.Balance[i][j])
		}
		row := []string{b.Name}
		for j := range last.Roll.Balance[i] {
			row = append(row, percent(portfolio.Ratio{Num: last.Roll.Balance[i][j].Minor(), Den: bal.Minor()}))
		}
		s.Table.Rows = append(s.Table.Rows, append(row, group(itoa(loans)), amount(bal)))
	}
	return s
}

// prevEnd is the month end before the last one: the previous month's last
// day (the figures need not hold it).
func prevEnd(f *Figures) string {
	end := f.Months[len(f.Months)-1].End
	return end.Add(-date.PeriodOfDays(end.Day())).String()
}

func vintageSection(f *Figures, curves []Curve, id, title, lead string, rate func(*Curve) []portfolio.Ratio) section {
	s := section{ID: id, Title: title, Lead: lead, Chart: len(curves) > 0}
	if len(curves) == 0 {
		s.Note = "The figures hold no origination months."
		return s
	}
	mobs := 0
	for i := range curves {
		mobs = max(mobs, len(rate(&curves[i])))
	}
	s.Table.Head = []string{"Cohort", "Loans"}
	for n := range mobs {
		s.Table.Head = append(s.Table.Head, fmt.Sprintf("MOB %d", n))
	}
	for i := range curves {
		c := &curves[i]
		row := []string{c.Cohort, group(itoa(c.Loans))}
		rs := rate(c)
		for n := range mobs {
			if n < len(rs) && rs[n].Defined() {
				row = append(row, percent(rs[n]))
			} else {
				row = append(row, "")
			}
		}
		s.Table.Rows = append(s.Table.Rows, row)
	}
	return s
}

func productSection(f *Figures) section {
	s := section{ID: "products", Title: "By product",
		Lead: fmt.Sprintf("Outstanding principal by loan product, stacked (left axis), and each product's %s ratio (right axis).", f.Buckets[f.VintageBucket].Name+"+")}
	if len(f.Products) < 2 {
		s.Note = "The portfolio has one product: its figures are the portfolio's above. This breakdown appears once loans are made under more than one product."
		s.Lead = ""
		return s
	}
	s.Chart = true
	s.Table.Head = []string{"Month end"}
	for _, p := range f.Products {
		s.Table.Head = append(s.Table.Head, p.Name+" outstanding", p.Name+" "+f.Buckets[f.VintageBucket].Name+"+")
	}
	for i := range f.Months {
		row := []string{monthLabel(&f.Months[i])}
		for _, p := range f.Products {
			m := &p.Months[i]
			row = append(row, amount(m.Balance), percent(m.AtLeast(f.VintageBucket)))
		}
		s.Table.Rows = append(s.Table.Rows, row)
	}
	return s
}

// charts is the data the page's script draws: amounts as exact decimal
// numbers of the currency's unit, ratios as percentages to four places
// (null where undefined).
type charts struct {
	Currency      string        `json:"currency"`
	Months        []string      `json:"months"`
	Loans         []int64       `json:"loans"`
	Balance       []json.Number `json:"balance"`
	Originated    []int64       `json:"originated"`
	WrittenOff    []int64       `json:"writtenOff"`
	Buckets       []string      `json:"buckets"`
	BucketShare   [][]any       `json:"bucketShare"`
	Grades        []string      `json:"grades"`
	GradeShare    [][]any       `json:"gradeShare"`
	NPLRatio      []any         `json:"nplRatio"`
	NPLBalance    []json.Number `json:"nplBalance"`
	Provisions    []json.Number `json:"provisions"`
	Coverage      []any         `json:"coverage"`
	Roll          *rollChart    `json:"roll"`
	VintageBucket string        `json:"vintageBucket"`
	VintageBad    []curveChart  `json:"vintageBad"`
	VintageOff    []curveChart  `json:"vintageOff"`
	Stages        []string      `json:"stages"`
	Collection    [][]int64     `json:"collection"`
	Recovered     []json.Number `json:"recovered"`
	Reserve       reserveChart  `json:"reserve"`
	Products      []productLine `json:"products"`
}

type rollChart struct {
	From  []string `json:"from"`
	To    []string `json:"to"`
	Cells [][]any  `json:"cells"` // [column, row, percentage]
}

type curveChart struct {
	Cohort string `json:"cohort"`
	Loans  int64  `json:"loans"`
	Rate   []any  `json:"rate"`
}

type reserveChart struct {
	Balance       []json.Number `json:"balance"`
	Contributions []json.Number `json:"contributions"`
	Payouts       []json.Number `json:"payouts"`
	Recoveries    []json.Number `json:"recoveries"`
}

type productLine struct {
	Name    string        `json:"name"`
	Balance []json.Number `json:"balance"`
	Bad     []any         `json:"bad"`
}

// pct is a ratio as a percentage number to four places, or nil.
func pct(r portfolio.Ratio) any {
	if !r.Defined() {
		return nil
	}
	return json.Number(decimal.New(r.Num, 2).DivRound(decimal.New(r.Den, 0), 4).String())
}

func chartsOf(f *Figures) *charts {
	c := &charts{Currency: f.Currency.Code(), Stages: f.Stages, Grades: gradeLabels[:],
		VintageBucket: f.Buckets[f.VintageBucket].Name + "+"}
	for _, b := range f.Buckets {
		c.Buckets = append(c.Buckets, b.Name)
	}
	c.BucketShare = make([][]any, len(f.Buckets))
	c.GradeShare = make([][]any, len(gradeLabels))
	c.Collection = make([][]int64, len(f.Stages))
	for i := range f.Months {
		m := &f.Months[i]
		c.Months = append(c.Months, monthLabel(m))
		c.Loans = append(c.Loans, m.Loans)
		c.Balance = append(c.Balance, amountNumber(m.Balance))
		c.Originated = append(c.Originated, m.Originated)
		c.WrittenOff = append(c.WrittenOff, m.WrittenOff)
		for j, t := range m.ByBucket {
			c.BucketShare[j] = append(c.BucketShare[j], pct(m.Share(t)))
		}
		for j, t := range m.ByGrade {
			c.GradeShare[j] = append(c.GradeShare[j], pct(m.Share(t)))
		}
		c.NPLRatio = append(c.NPLRatio, pct(m.NPLRatio()))
		c.NPLBalance = append(c.NPLBalance, amountNumber(m.NPL.Balance))
		c.Provisions = append(c.Provisions, amountNumber(m.Provisions))
		c.Coverage = append(c.Coverage, pct(m.Coverage()))
		for j, n := range m.Collection {
			c.Collection[j] = append(c.Collection[j], n)
		}
		c.Recovered = append(c.Recovered, amountNumber(m.Recovered))
		c.Reserve.Balance = append(c.Reserve.Balance, amountNumber(m.Reserve.Balance))
		c.Reserve.Contributions = append(c.Reserve.Contributions, amountNumber(m.Reserve.Contributions))
		c.Reserve.Payouts = append(c.Reserve.Payouts, amountNumber(m.Reserve.Payouts))
		c.Reserve.Recoveries = append(c.Reserve.Recoveries, amountNumber(m.Reserve.Recoveries))
	}
	if last := &f.Months[len(f.Months)-1]; last.Roll != nil {
		r := &rollChart{From: c.Buckets, To: append(append([]string{}, c.Buckets...), "Exit")}
		for i := range last.Roll.Balance {
			var row int64
			for _, b := range last.Roll.Balance[i] {
				row += b.Minor()
			}
			if row == 0 {
				continue // no balance in the bucket a month ago: no rates
			}
			for j, b := range last.Roll.Balance[i] {
				r.Cells = append(r.Cells, []any{j, i, pct(portfolio.Ratio{Num: b.Minor(), Den: row})})
			}
		}
		c.Roll = r
	}
	curves := f.Curves()
	for i := range curves {
		cv := &curves[i]
		bad, off := curveChart{Cohort: cv.Cohort, Loans: cv.Loans}, curveChart{Cohort: cv.Cohort, Loans: cv.Loans}
		for n := range cv.Bad {
			bad.Rate = append(bad.Rate, pct(cv.Bad[n]))
			off.Rate = append(off.Rate, pct(cv.WrittenOff[n]))
		}
		c.VintageBad = append(c.VintageBad, bad)
		c.VintageOff = append(c.VintageOff, off)
	}
	if len(f.Products) >= 2 {
		for _, p := range f.Products {
			l := productLine{Name: p.Name}
			for i := range p.Months {
				l.Balance = append(l.Balance, amountNumber(p.Months[i].Balance))
				l.Bad = append(l.Bad, pct(p.Months[i].AtLeast(f.VintageBucket)))
			}
			c.Products = append(c.Products, l)
		}
	}
	return c
}
