package report_test

import (
	"context"
	"errors"
	"testing"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/report"
)

// sample is a small valid set of figures: two month ends of one loan.
func sample() *report.Figures {
	m := func(end date.Date, roll bool) report.Month {
		x := report.Month{End: end, Loans: 1, Balance: cny(10_000), Originated: 1,
			ByBucket:   []report.Tally{{Loans: 1, Balance: cny(10_000)}, {}, {}, {}, {}, {}, {}, {}},
			Collection: make([]int64, 6), Recovered: cny(0), Provisions: cny(100),
			Vintages: []report.Vintage{{Cohort: "2025-01", Loans: 1}}}
		x.ByGrade[0] = report.Tally{Loans: 1, Balance: cny(10_000)}
		if roll {
			x.Originated = 0
			x.Roll = &report.Roll{}
			for range 8 {
				x.Roll.Count = append(x.Roll.Count, make([]int64, 9))
				x.Roll.Balance = append(x.Roll.Balance, make([]money.Amount, 9))
			}
			x.Roll.Count[0][0], x.Roll.Balance[0][0] = 1, cny(10_000)
		}
		return x
	}
	return &report.Figures{Title: "t", Currency: money.CNY, Buckets: classify.ChinaBuckets(), VintageBucket: 3,
		Stages: []string{"pre-due", "m1", "m2", "m3", "legal-review", "write-off-proposal"},
		Months: []report.Month{m(date.New(2025, 1, 31), false), m(date.New(2025, 2, 28), true)}}
}

// Validate names every bad field of figures a Source or a caller made.
func TestFiguresValidate(t *testing.T) {
	require.NoError(t, sample().Validate())
	for _, tc := range []struct {
		name   string
		break_ func(f *report.Figures)
		fields []string
	}{
		{"no currency", func(f *report.Figures) { f.Currency = money.Currency{} }, []string{"currency"}},
		{"vintage bucket", func(f *report.Figures) { f.VintageBucket = 8 }, []string{"vintage_bucket"}},
		{"duplicate stage", func(f *report.Figures) { f.Stages[1] = "pre-due" }, []string{"stages[1]"}},
		{"not a month end", func(f *report.Figures) { f.Months[0].End = date.New(2025, 1, 30) }, []string{"months[0].end"}},
		{"out of order", func(f *report.Figures) { f.Months[1].End = date.New(2024, 12, 31) }, []string{"months[1].end"}},
		{"buckets", func(f *report.Figures) { f.Months[0].ByBucket = f.Months[0].ByBucket[:3] }, []string{"months[0].by_bucket"}},
		{"bucket loans", func(f *report.Figures) { f.Months[0].Loans = 2 }, []string{"months[0].by_bucket"}},
		{"negative", func(f *report.Figures) { f.Months[1].Originated = -1 }, []string{"months[1].originated"}},
		{"currency", func(f *report.Figures) { f.Months[0].Provisions = money.New(1, money.USD) }, []string{"months[0].provisions"}},
		{"stages", func(f *report.Figures) { f.Months[1].Collection = nil }, []string{"months[1].collection"}},
		{"roll", func(f *report.Figures) { f.Months[1].Roll.Count = f.Months[1].Roll.Count[:2] }, []string{"months[1].roll"}},
		{"cohort", func(f *report.Figures) { f.Months[0].Vintages[0].Cohort = "2025-13" }, []string{"months[0].vintages[0].cohort"}},
		{"cohort after the month", func(f *report.Figures) { f.Months[0].Vintages[0].Cohort = "2025-02" }, []string{"months[0].vintages[0].cohort"}},
		{"vintage counts", func(f *report.Figures) { f.Months[0].Vintages[0].Bad = 2 }, []string{"months[0].vintages[0]"}},
		{"product months", func(f *report.Figures) {
			f.Products = []report.Product{{Name: "a", Months: f.Months[:1]}}
		}, []string{"products[0].months"}},
		{"product name and ends", func(f *report.Figures) {
			p := report.Product{Months: []report.Month{f.Months[1], f.Months[1]}}
			p.Months[0].Vintages, p.Months[1].Vintages = nil, nil
			f.Products = []report.Product{p}
		}, []string{"products[0].name", "products[0].months[0].end"}},
		{"several at once", func(f *report.Figures) {
			f.Currency = money.Currency{}
			f.Months[1].Loans = -1
		}, []string{"currency", "months[1].loans"}},
	} {
		f := sample()
		tc.break_(f)
		err := f.Validate()
		var bad *fault.Fields
		require.True(t, errors.As(err, &bad), "%s: %v", tc.name, err)
		assert.ErrorIs(t, err, report.ErrInvalidFigures, tc.name)
		for _, name := range tc.fields {
			assert.True(t, bad.Has(name), "%s: %v should name %s", tc.name, err, name)
		}
	}
	var nilFigures *report.Figures
	assert.ErrorIs(t, nilFigures.Validate(), report.ErrInvalidFigures)
}

type sourceFunc func(ctx context.Context, from, to date.Date) (*report.Figures, error)

func (f sourceFunc) MonthEnds(ctx context.Context, from, to date.Date) (*report.Figures, error) {
	return f(ctx, from, to)
}

// Load checks the range before asking, and the answer after.
func TestLoad(t *testing.T) {
	asked := 0
	src := sourceFunc(func(_ context.Context, from, to date.Date) (*report.Figures, error) {
		asked++
		f := sample()
		var keep []report.Month
		for _, m := range f.Months {
			if !m.End.Before(from) && !m.End.After(to) {
				keep = append(keep, m)
			}
		}
		f.Months = keep
		return f, nil
	})
	ctx := context.Background()
	f, err := report.Load(ctx, src, date.New(2025, 1, 1), date.New(2025, 12, 31))
	require.NoError(t, err)
	assert.Len(t, f.Months, 2)
	f, err = report.Load(ctx, src, date.New(2025, 2, 28), date.New(2025, 2, 28))
	require.NoError(t, err)
	assert.Len(t, f.Months, 1)

	asked = 0
	for _, tc := range []struct {
		name     string
		from, to date.Date
		field    string
	}{
		{"no from", date.Date{}, date.New(2025, 1, 31), "from"},
		{"no to", date.New(2025, 1, 1), date.Date{}, "to"},
		{"to before from", date.New(2025, 2, 1), date.New(2025, 1, 1), "to"},
		{"no month end", date.New(2025, 2, 1), date.New(2025, 2, 27), "to"},
	} {
		_, err := report.Load(ctx, src, tc.from, tc.to)
		var bad *fault.Fields
		require.True(t, errors.As(err, &bad), "%s: %v", tc.name, err)
		assert.ErrorIs(t, err, report.ErrInvalidRange, tc.name)
		assert.True(t, bad.Has(tc.field), "%s: %v", tc.name, err)
	}
	assert.Zero(t, asked, "a bad range is refused before the source is asked")

	_, err = report.Load(ctx, src, date.New(2024, 1, 1), date.New(2024, 12, 31))
	assert.ErrorIs(t, err, report.ErrNoMonthEnds)
	boom := errors.New("boom")
	_, err = report.Load(ctx, sourceFunc(func(context.Context, date.Date, date.Date) (*report.Figures, error) { return nil, boom }),
		date.New(2025, 1, 1), date.New(2025, 1, 31))
	assert.ErrorIs(t, err, boom)
	outside := sourceFunc(func(context.Context, date.Date, date.Date) (*report.Figures, error) { return sample(), nil })
	_, err = report.Load(ctx, outside, date.New(2025, 1, 1), date.New(2025, 1, 31))
	assert.ErrorIs(t, err, report.ErrInvalidFigures, "a month end outside the range")
	invalid := sourceFunc(func(context.Context, date.Date, date.Date) (*report.Figures, error) {
		f := sample()
		f.Currency = money.Currency{}
		return f, nil
	})
	_, err = report.Load(ctx, invalid, date.New(2025, 1, 1), date.New(2025, 2, 28))
	assert.ErrorIs(t, err, report.ErrInvalidFigures)
}
