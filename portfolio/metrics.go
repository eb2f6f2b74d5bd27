package portfolio

import (
	"fmt"
	"math"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// Position is one loan's line in a portfolio report, as of a reporting day.
type Position struct {
	Loan      string
	Debtor    string       // empty: the loan is its own borrower for concentration
	Principal money.Amount // remaining (outstanding) principal
	Overdue   money.Amount // the overdue part of what is owed
	DPD       int
	Grade     classify.Grade
	Stage     classify.Stage
	Provision money.Amount
	// Compensated is the cumulative guarantee compensation (代偿) paid on
	// the loan; RelatedParty marks a loan to a related party.
	Compensated  money.Amount
	RelatedParty bool
}

// gradeSlots and stageSlots size the tallies by grade and stage: one per
// value from GradeNone (StageNone) to the worst.
const (
	gradeSlots = int(classify.Loss) + 1
	stageSlots = int(classify.Stage3) + 1
)

// Tally is a count of loans and the sum of their balances in minor units.
type Tally struct {
	Count   int64 `json:"count"`
	Balance int64 `json:"balance"`
}

func (t *Tally) add(minor int64) { t.Count++; t.Balance += minor }

// Snapshot is a portfolio's state on one day: the counts and balances a
// back office and a regulator read. Balances are minor units of Currency;
// Amount gives them as money.
type Snapshot struct {
	Currency money.Currency
	Buckets  classify.Buckets
	Total    Tally // all loans, outstanding principal
	ByBucket []Tally
	ByGrade  [gradeSlots]Tally // by classify.Grade, GradeNone first
	ByStage  [stageSlots]Tally // by classify.Stage, StageNone first
	// Overdue counts loans with any overdue amount (DPD > 0) with their
	// whole remaining principal; OverdueAmount sums only the overdue parts.
	Overdue       Tally
	OverdueAmount int64
	// Over90 is the same for DPD > 90 (超过90天, 90 itself excluded).
	Over90       Tally
	Over90Amount int64
	NPL          Tally // 次级 + 可疑 + 损失
	Provisions   int64
	Compensation Tally // loans with compensation, and the compensation paid
	RelatedParty Tally
	// Top10 and Largest are the outstanding principal of the ten largest
	// borrowers and of the largest one.
	Top10   int64
	Largest int64
}

// Amount returns minor units of the snapshot's currency as money.
func (s *Snapshot) Amount(minor int64) money.Amount { return money.New(minor, s.Currency) }

// OverdueRateByCount is overdue loans ÷ loans outstanding.
func (s *Snapshot) OverdueRateByCount() Ratio { return Ratio{s.Overdue.Count, s.Total.Count} }

// OverdueRateByBalance is the whole remaining principal of loans with any
// overdue installment ÷ outstanding principal: a 12-installment loan with
// 100 overdue and 1,100 remaining counts 1,100 (lender practice; no
// regulatory source found).
func (s *Snapshot) OverdueRateByBalance() Ratio { return Ratio{s.Overdue.Balance, s.Total.Balance} }

// AtLeastBucket is the balance of loans in bucket i or worse ÷ outstanding
// principal: with the China buckets, index 1 is M1+ and 3 is M3+.
func (s *Snapshot) AtLeastBucket(i int) Ratio {
	var n int64
	for j := max(i, 0); j < len(s.ByBucket); j++ {
		n += s.ByBucket[j].Balance
	}
	return Ratio{n, s.Total.Balance}
}

// NPLRatio is (次级 + 可疑 + 损失) ÷ total loans, by balance.
func (s *Snapshot) NPLRatio() Ratio { return Ratio{s.NPL.Balance, s.Total.Balance} }

// ProvisionRatio is provisions ÷ loans (贷款拨备率).
func (s *Snapshot) ProvisionRatio() Ratio { return Ratio{s.Provisions, s.Total.Balance} }

// NPLCoverage is provisions ÷ non-performing loans (拨备覆盖率).
func (s *Snapshot) NPLCoverage() Ratio { return Ratio{s.Provisions, s.NPL.Balance} }

// Top10Share is the ten largest borrowers' outstanding ÷ total outstanding.
func (s *Snapshot) Top10Share() Ratio { return Ratio{s.Top10, s.Total.Balance} }

// LargestShare is the largest borrower's outstanding ÷ total outstanding.
func (s *Snapshot) LargestShare() Ratio { return Ratio{s.Largest, s.Total.Balance} }

// Disclosure is the monthly figure set a lending platform publishes
// (《网络借贷信息中介机构业务活动信息披露指引》, CBRC General Office
// 银监办发〔2017〕113号: monthly figures to the previous month-end, read in
// secondary sources); official definitions of its overdue rates were not
// found, so the raw figures are given.
type Disclosure struct {
	Outstanding, OverdueAmount, Over90Amount, CompensationAmount, RelatedBalance money.Amount
	Loans, OverdueLoans, Over90Loans, CompensatedLoans, RelatedLoans             int64
	Top10Share, LargestShare                                                     Ratio
}

// Disclosure returns the platform disclosure figures. Over90Amount is the
// overdue amount of loans more than 90 days past due (不含90).
func (s *Snapshot) Disclosure() Disclosure {
	return Disclosure{
		Outstanding: s.Amount(s.Total.Balance), Loans: s.Total.Count,
		OverdueAmount: s.Amount(s.OverdueAmount), OverdueLoans: s.Overdue.Count,
		Over90Amount: s.Amount(s.Over90Amount), Over90Loans: s.Over90.Count,
		CompensationAmount: s.Amount(s.Compensation.Balance), CompensatedLoans: s.Compensation.Count,
		RelatedBalance: s.Amount(s.RelatedParty.Balance), RelatedLoans: s.RelatedParty.Count,
		Top10Share: s.Top10Share(), LargestShare: s.LargestShare(),
	}
}

// Measure builds a Snapshot of positions using the bucket table. All
// amounts must share one currency. Sums are checked: a portfolio whose
// totals exceed int64 returns ErrOutOfRange instead of wrapping. Bad
// positions are reported together in a *fault.Fields.
func Measure(positions []Position, buckets classify.Buckets) (*Snapshot, error) {
	if err := buckets.Validate(); err != nil {
		return nil, err
	}
	s := &Snapshot{Buckets: buckets, ByBucket: make([]Tally, len(buckets))}
	e := inputErrors()
	debtors := make(map[string]int64)
	var top topN
	var guard int64 // bounds every sum below: the total of all amounts added
	for i := range positions {
		p := &positions[i]
		if !s.valid(p) {
			s.report(e, i, p)
			if e.Len() > 100 {
				break
			}
			continue
		}
		pr := p.Principal.Minor()
		if guard > math.MaxInt64-4*money.MaxMinor {
			return nil, fault.Invalid(ErrOutOfRange, "positions", "totals exceed int64 minor units")
		}
		guard += pr + p.Overdue.Minor() + p.Provision.Minor() + p.Compensated.Minor()
		s.Total.add(pr)
		s.ByBucket[buckets.Index(p.DPD)].add(pr)
		s.ByGrade[p.Grade].add(pr)
		s.ByStage[p.Stage].add(pr)
		if p.DPD > 0 {
			s.Overdue.add(pr)
			s.OverdueAmount += p.Overdue.Minor()
		}
		if p.DPD > 90 {
			s.Over90.add(pr)
			s.Over90Amount += p.Overdue.Minor()
		}
		if p.Grade.NonPerforming() {
			s.NPL.add(pr)
		}
		s.Provisions += p.Provision.Minor()
		if p.Compensated.IsPositive() {
			s.Compensation.add(p.Compensated.Minor())
		}
		if p.RelatedParty {
			s.RelatedParty.add(pr)
		}
		if p.Debtor == "" {
			top.offer(pr)
		} else {
			debtors[p.Debtor] += pr
		}
	}
	if err := e.Err(); err != nil {
		return nil, err
	}
	for _, v := range debtors {
		top.offer(v)
	}
	s.Top10, s.Largest = top.sum(), top.largest()
	return s, nil
}

// valid checks one position cheaply; report explains a failure.
func (s *Snapshot) valid(p *Position) bool {
	if s.Currency.IsZero() {
		for _, a := range []money.Amount{p.Principal, p.Overdue, p.Provision, p.Compensated} {
			if !a.Currency().IsZero() {
				s.Currency = a.Currency()
				break
			}
		}
	}
	ok := func(a money.Amount) bool {
		return a.Minor() >= 0 && a.Minor() <= money.MaxMinor && (a.Currency() == s.Currency || a.IsZero() && a.Currency().IsZero())
	}
	return p.DPD >= 0 && p.Grade.Valid() && p.Stage.Valid() &&
		ok(p.Principal) && ok(p.Overdue) && ok(p.Provision) && ok(p.Compensated)
}

func (s *Snapshot) report(e *fault.Fields, i int, p *Position) {
	f := fmt.Sprintf("positions[%d]", i)
	if p.DPD < 0 {
		e.Add(f+".dpd", "must not be negative")
	}
	if !p.Grade.Valid() {
		e.Add(f+".grade", "unknown grade")
	}
	if !p.Stage.Valid() {
		e.Add(f+".stage", "unknown stage")
	}
	for _, a := range []struct {
		n string
		v money.Amount
	}{{"principal", p.Principal}, {"overdue", p.Overdue}, {"provision", p.Provision}, {"compensated", p.Compensated}} {
		if a.v.IsNegative() || a.v.Minor() > money.MaxMinor {
			e.Add(f+"."+a.n, "must be within 0..money.MaxMinor")
		} else if !a.v.IsZero() && a.v.Currency() != s.Currency {
			e.Add(f+"."+a.n, fmt.Sprintf("currency %s differs from %s", a.v.Currency(), s.Currency))
		}
	}
}

// topN keeps the ten largest values offered.
type topN struct {
	v [10]int64
	n int
}

func (t *topN) offer(x int64) {
	if t.n < len(t.v) {
		t.v[t.n] = x
		t.n++
		return
	}
	lo := 0
	for i := 1; i < t.n; i++ {
		if t.v[i] < t.v[lo] {
			lo = i
		}
	}
	if x > t.v[lo] {
		t.v[lo] = x
	}
}

func (t *topN) sum() int64 {
	var s int64
	for _, x := range t.v[:t.n] {
		s += x
	}
	return s
}

func (t *topN) largest() int64 {
	var m int64
	for _, x := range t.v[:t.n] {
		m = max(m, x)
	}
	return m
}
