package report

import (
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// Collector builds Figures month end by month end from what a running
// Engine shows: the Portfolio of each month end (Engine.PortfolioAt), each
// loan's days past due and status at that month end (for the vintage
// curves), and the running totals the Portfolio does not carry. Use one
// Collector per portfolio, from its first month end on: the month's flows
// (loans originated and written off, reserve movements, recoveries) are
// the differences between consecutive month ends.
//
// At each month end, call Observe for every loan the store holds (any
// status: the vintage curves count repaid loans too), then Add. A loan
// observed for the first time belongs to the origination month of that
// month end, which is exact when every month end is collected: a loan is
// stored when it is disbursed.
type Collector struct {
	fig     Figures
	badFrom int // days past due from which a loan counts as bad
	index   map[uuid.UUID]int32
	loans   []tracked
	fresh   int64 // loans observed for the first time since the last Add
	off     int64 // loans observed written off for the first time since the last Add
	cohorts []string
	last    struct {
		reserve   lendcore.ReserveSummary
		recovered money.Amount
	}
}

// tracked is what the vintage curves keep of one loan: its cohort (an
// index into Collector.cohorts, -1 until the next Add) and whether it has
// gone bad or been written off.
type tracked struct {
	cohort   int32
	bad, off bool
}

// LoanAt is one loan at a month end, as the vintage curves need it.
type LoanAt struct {
	ID         uuid.UUID
	DPD        int  // days past due at the month end's close, or the worst to date (LoanState.MaxDPD) to count as Stored does
	WrittenOff bool // written off (账销案存: the claim may still be pursued)
}

// Totals are the running totals to a month end that a Portfolio does not
// carry.
type Totals struct {
	// Recovered is everything recovered on written-off claims to date.
	Recovered money.Amount
}

// NewCollector starts the figures of a portfolio graded with buckets (the
// Engine's Policies().Classification.Buckets); title heads the report.
func NewCollector(title string, buckets classify.Buckets) (*Collector, error) {
	if err := buckets.Validate(); err != nil {
		return nil, err
	}
	if len(buckets) < 2 {
		return nil, fault.Invalid(ErrInvalidFigures, "buckets", "needs at least two buckets for the vintage curves")
	}
	c := &Collector{index: map[uuid.UUID]int32{}}
	c.fig = Figures{Title: title, Buckets: slices.Clone(buckets), VintageBucket: min(3, len(buckets)-1)}
	c.badFrom = buckets[c.fig.VintageBucket].From
	for s := collect.Stage(1); s.Valid(); s++ {
		c.fig.Stages = append(c.fig.Stages, s.String())
	}
	return c, nil
}

// Observe records one loan as of the month end the next Add reports.
func (c *Collector) Observe(l LoanAt) {
	i, ok := c.index[l.ID]
	if !ok {
		i = int32(len(c.loans))
		c.index[l.ID] = i
		c.loans = append(c.loans, tracked{cohort: -1})
		c.fresh++
	}
	t := &c.loans[i]
	if l.DPD >= c.badFrom {
		t.bad = true
	}
	if l.WrittenOff && !t.off {
		t.off, t.bad = true, true
		c.off++
	}
}

// Add appends the month end of p, with the totals to that day. It refuses
// (changing nothing) a Portfolio without a snapshot, a day that is not a
// month end or not after the last one added, another currency, a snapshot
// graded with other buckets, an unknown collection stage, and totals that
// went down.
func (c *Collector) Add(p *lendcore.Portfolio, t Totals) error {
	m, err := c.month(p, t)
	if err != nil {
		return err
	}
	c.push(p, t, m, c.vintages(cohortOf(p.Day)), c.fresh, c.off)
	c.fresh, c.off = 0, 0
	return nil
}

// vintages files the loans observed since the last Add under cohort (they
// were disbursed in the month of this month end) and counts every cohort.
func (c *Collector) vintages(name string) []Vintage {
	// The loans observed since the last Add were disbursed in this month.
	var cohort int32 = -1
	for i := range c.loans {
		if c.loans[i].cohort < 0 {
			if cohort < 0 {
				cohort = int32(len(c.cohorts))
				c.cohorts = append(c.cohorts, name)
			}
			c.loans[i].cohort = cohort
		}
	}
	vs := make([]Vintage, len(c.cohorts))
	for i, name := range c.cohorts {
		vs[i].Cohort = name
	}
	for _, l := range c.loans {
		v := &vs[l.cohort]
		v.Loans++
		if l.bad {
			v.Bad++
		}
		if l.off {
			v.WrittenOff++
		}
	}
	return vs
}

// push appends m, the month end of p that month checked, with its
// vintages and the loans originated and written off in the month.
func (c *Collector) push(p *lendcore.Portfolio, t Totals, m Month, vs []Vintage, originated, writtenOff int64) {
	if c.fig.Currency.IsZero() {
		c.fig.Currency = p.Snapshot.Currency
	}
	m.Vintages = vs
	m.Originated, m.WrittenOff = originated, writtenOff
	c.last.reserve, c.last.recovered = p.Reserve, t.Recovered
	c.fig.Months = append(c.fig.Months, m)
}

// month converts p into a Month, or reports what is wrong with it.
func (c *Collector) month(p *lendcore.Portfolio, t Totals) (Month, error) {
	e := &fault.Fields{Kind: ErrInvalidFigures}
	if p == nil || p.Snapshot == nil {
		e.Add("portfolio.snapshot", "is missing")
		return Month{}, e
	}
	s := p.Snapshot
	cur := c.fig.Currency
	if cur.IsZero() {
		cur = s.Currency
	}
	switch {
	case cur.IsZero():
		e.Add("portfolio.snapshot.currency", "is missing")
	case s.Currency != cur:
		e.Addf("portfolio.snapshot.currency", "%s differs from the figures' %s", s.Currency, cur)
	}
	if p.Day.IsZero() || p.Day.Add(1).Day() != 1 {
		e.Addf("portfolio.day", "%s is not the last day of a month", p.Day)
	} else if n := len(c.fig.Months); n > 0 && !p.Day.After(c.fig.Months[n-1].End) {
		e.Addf("portfolio.day", "%s is not after the last month end added, %s", p.Day, c.fig.Months[n-1].End)
	}
	if len(s.ByBucket) != len(c.fig.Buckets) {
		e.Addf("portfolio.snapshot.by_bucket", "has %d buckets, the collector %d", len(s.ByBucket), len(c.fig.Buckets))
	}
	amt := func(name string, a money.Amount) money.Amount {
		if !a.Currency().IsZero() && a.Currency() != cur {
			e.Addf(name, "currency %s differs from %s", a.Currency(), cur)
		}
		return money.New(a.Minor(), cur)
	}
	flow := func(name string, now, before money.Amount) money.Amount {
		d := amt(name, now).Sub(money.New(before.Minor(), cur))
		if d.IsNegative() {
			e.Addf(name, "went down from %s to %s: it must be a running total", before.Number(), now.Number())
		}
		return d
	}
	m := Month{End: p.Day, Loans: s.Total.Count, Balance: money.New(s.Total.Balance, cur),
		NPL: Tally{s.NPL.Count, money.New(s.NPL.Balance, cur)}, Provisions: money.New(s.Provisions, cur)}
	m.ByBucket = make([]Tally, len(s.ByBucket))
	for i, b := range s.ByBucket {
		m.ByBucket[i] = Tally{b.Count, money.New(b.Balance, cur)}
	}
	for g := classify.Normal; g <= classify.Loss; g++ {
		m.ByGrade[g-classify.Normal] = Tally{s.ByGrade[g].Count, money.New(s.ByGrade[g].Balance, cur)}
	}
	// An ungraded loan is a normal one, as PortfolioAt counts it.
	none := s.ByGrade[classify.GradeNone]
	m.ByGrade[0] = Tally{m.ByGrade[0].Loans + none.Count, m.ByGrade[0].Balance.Add(money.New(none.Balance, cur))}
	if r := p.Roll; r != nil {
		n := len(c.fig.Buckets)
		m.Roll = &Roll{Count: make([][]int64, n), Balance: make([][]money.Amount, n)}
		if len(r.Count) != n || len(r.Balance) != n {
			e.Addf("portfolio.roll", "has %d rows, the collector %d buckets", len(r.Count), n)
		} else {
			for i := range n {
				if len(r.Count[i]) != n+1 || len(r.Balance[i]) != n+1 {
					e.Addf(fmt.Sprintf("portfolio.roll[%d]", i), "needs %d columns", n+1)
					continue
				}
				m.Roll.Count[i] = slices.Clone(r.Count[i])
				m.Roll.Balance[i] = make([]money.Amount, n+1)
				for j, b := range r.Balance[i] {
					m.Roll.Balance[i][j] = money.New(b, cur)
				}
			}
		}
	}
	m.Collection = make([]int64, len(c.fig.Stages))
	for name, n := range p.Collection {
		i := slices.Index(c.fig.Stages, name)
		if i < 0 {
			e.Addf("portfolio.collection."+name, "is not a collection stage (%v)", c.fig.Stages)
			continue
		}
		m.Collection[i] = int64(n)
	}
	m.Recovered = flow("totals.recovered", t.Recovered, c.last.recovered)
	m.Reserve = Reserve{Balance: amt("portfolio.reserve.balance", p.Reserve.Balance),
		Contributions: flow("portfolio.reserve.contributions", p.Reserve.Contributions, c.last.reserve.Contributions),
		Payouts:       flow("portfolio.reserve.payouts", p.Reserve.Payouts, c.last.reserve.Payouts),
		Recoveries:    flow("portfolio.reserve.recoveries", p.Reserve.Recoveries, c.last.reserve.Recoveries)}
	return m, e.Err()
}

// Figures returns the figures collected so far. They share nothing that a
// later Add changes.
func (c *Collector) Figures() *Figures {
	f := c.fig
	f.Buckets = slices.Clone(f.Buckets)
	f.Stages = slices.Clone(f.Stages)
	f.Months = slices.Clone(f.Months)
	return &f
}
