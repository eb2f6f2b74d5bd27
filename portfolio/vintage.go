package portfolio

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// VintageRecord is one observation of one loan for vintage analysis,
// typically at each month-end.
type VintageRecord struct {
	Loan       string
	Originated date.Date    // disbursement date: its month is the cohort
	Disbursed  money.Amount // amount disbursed (the same on every record of a loan)
	Observed   date.Date
	Principal  money.Amount // outstanding principal at Observed
	DPD        int
}

// VintageMeasure says whether a vintage curve counts money or loans.
type VintageMeasure uint8

// Vintage measures.
const (
	ByAmount VintageMeasure = iota // balances ÷ amount disbursed
	ByCount                        // loans ÷ loans disbursed
)

var measureNames = enum.New[VintageMeasure](ErrInvalidInput, "measure", "by-amount", "by-count")

// String returns "by-amount" or "by-count".
func (m VintageMeasure) String() string { return measureNames.String(m) }

// MarshalText encodes the measure's name.
func (m VintageMeasure) MarshalText() ([]byte, error) { return measureNames.MarshalText(m) }

// UnmarshalText decodes "by-amount" or "by-count".
func (m *VintageMeasure) UnmarshalText(b []byte) error { return measureNames.UnmarshalText(b, m) }

// VintageMode says whether a loan counts when it is in the state now or
// has ever been.
type VintageMode uint8

// Vintage modes.
const (
	Current VintageMode = iota // in the state at that month on book
	Ever                       // in the state at that month on book or before
)

var modeNames = enum.New[VintageMode](ErrInvalidInput, "mode", "current", "ever")

// String returns "current" or "ever".
func (m VintageMode) String() string { return modeNames.String(m) }

// MarshalText encodes the mode's name.
func (m VintageMode) MarshalText() ([]byte, error) { return modeNames.MarshalText(m) }

// UnmarshalText decodes "current" or "ever".
func (m *VintageMode) UnmarshalText(b []byte) error { return modeNames.UnmarshalText(b, m) }

// VintageSpec configures a vintage analysis: the state is DPD ≥ MinDPD
// (e.g. 31 for M2+ with the China buckets, 30 for 30+).
type VintageSpec struct {
	MinDPD  int
	Measure VintageMeasure
	Mode    VintageMode
}

// Cohort is one origination month's vintage curve. Curve[n] is the rate
// at month on book n, where MOB 0 is the origination month itself (from
// disbursement to month-end) and MOB 1 the next calendar month (lender
// practice; no regulatory source found). In Ever mode by amount, a loan counts with its outstanding
// principal when it first entered the state.
type Cohort struct {
	Year      int
	Month     time.Month
	Loans     int64
	Disbursed money.Amount
	Curve     []Ratio
}

// Vintage computes vintage curves by origination month. Every record of
// one loan must give the same origination month: a record whose Originated
// month differs from the loan's first record (in input order) is a bad
// "records[i].originated", as the loan's cohort and its months on book
// would disagree.
func Vintage(records []VintageRecord, spec VintageSpec) ([]Cohort, error) {
	e := inputErrors()
	if spec.MinDPD < 1 {
		e.Add("spec.min_dpd", "must be at least 1")
	}
	if spec.Measure > ByCount {
		e.Add("spec.measure", "must be by-amount or by-count")
	}
	if spec.Mode > Ever {
		e.Add("spec.mode", "must be current or ever")
	}
	var cur money.Currency
	cohortOf := map[string]int{} // loan → origination month (y*12+m) of its first record
	for i, r := range records {
		f := fmt.Sprintf("records[%d]", i)
		if cur.IsZero() {
			cur = r.Disbursed.Currency()
		}
		switch {
		case r.Loan == "":
			e.Add(f+".loan", "must not be empty")
		case r.DPD < 0:
			e.Add(f+".dpd", "must not be negative")
		case r.Observed.Before(r.Originated):
			e.Add(f+".observed", "is before the origination date")
		case monthsBetween(r.Originated, r.Observed) > 1200:
			e.Add(f+".observed", "more than 100 years on book")
		case r.Disbursed.Currency() != cur || !r.Principal.SameCurrency(r.Disbursed):
			e.Add(f, "all amounts must share one currency")
		case r.Disbursed.IsNegative() || r.Principal.IsNegative() || r.Disbursed.Minor() > money.MaxMinor || r.Principal.Minor() > money.MaxMinor:
			e.Add(f, "amounts must be within 0..money.MaxMinor")
		}
		if r.Loan != "" {
			y, m, _ := r.Originated.Date()
			if k, ok := cohortOf[r.Loan]; !ok {
				cohortOf[r.Loan] = y*12 + int(m) - 1
			} else if k != y*12+int(m)-1 {
				e.Add(f+".originated", fmt.Sprintf("%d-%02d differs from the loan's first record (%d-%02d)", y, m, k/12, k%12+1))
			}
		}
		if e.Len() > 100 {
			break
		}
	}
	if err := e.Err(); err != nil {
		return nil, err
	}
	// Order by loan then observation day, so Ever mode sees each loan's
	// history in order.
	idx := make([]int, len(records))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		ra, rb := &records[a], &records[b]
		return cmp.Or(cmp.Compare(ra.Loan, rb.Loan), cmp.Compare(ra.Observed.DaysSinceEpoch(), rb.Observed.DaysSinceEpoch()))
	})
	type acc struct {
		c   Cohort
		num []int64
	}
	cohorts := map[int]*acc{}
	grow := func(a *acc, mob int) {
		for len(a.num) <= mob {
			a.num = append(a.num, 0)
		}
	}
	var guard int64
	for k := 0; k < len(idx); {
		first := &records[idx[k]]
		y, m, _ := first.Originated.Date()
		key := y*12 + int(m)
		a := cohorts[key]
		if a == nil {
			a = &acc{c: Cohort{Year: y, Month: m, Disbursed: money.Zero(cur)}}
			cohorts[key] = a
		}
		a.c.Loans++
		a.c.Disbursed = a.c.Disbursed.Add(first.Disbursed)
		if guard += first.Disbursed.Minor(); guard > 1<<62 {
			return nil, fault.Invalid(ErrOutOfRange, "records", "disbursed amounts exceed int64 minor units")
		}
		everMOB, everVal := -1, int64(0)
		for ; k < len(idx) && records[idx[k]].Loan == first.Loan; k++ {
			r := &records[idx[k]]
			mob := monthsBetween(r.Originated, r.Observed)
			grow(a, mob)
			if r.DPD < spec.MinDPD {
				continue
			}
			v := int64(1)
			if spec.Measure == ByAmount {
				v = r.Principal.Minor()
			}
			if spec.Mode == Current {
				a.num[mob] += v
			} else if everMOB < 0 {
				everMOB, everVal = mob, v
			}
		}
		if everMOB >= 0 {
			a.num[everMOB] += everVal // accumulated over later months below
		}
	}
	out := make([]Cohort, 0, len(cohorts))
	for _, a := range cohorts {
		den := a.c.Loans
		if spec.Measure == ByAmount {
			den = a.c.Disbursed.Minor()
		}
		var run int64
		a.c.Curve = make([]Ratio, len(a.num))
		for n, v := range a.num {
			if spec.Mode == Ever {
				run += v
				v = run
			}
			a.c.Curve[n] = Ratio{v, den}
		}
		out = append(out, a.c)
	}
	slices.SortFunc(out, func(x, y Cohort) int { return cmp.Or(cmp.Compare(x.Year, y.Year), cmp.Compare(x.Month, y.Month)) })
	return out, nil
}

// monthsBetween returns the number of whole calendar months from a to b
// by month index (b's year·12+month minus a's), ignoring the day.
func monthsBetween(a, b date.Date) int {
	ay, am, _ := a.Date()
	by, bm, _ := b.Date()
	return (by-ay)*12 + int(bm) - int(am)
}
