package loan

import (
	"slices"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

const (
	// maxPrincipal bounds amounts on a loan (10¹³ minor units: 100 billion
	// yuan) so Σ amount × days of penalty accrual stays within int64 for a
	// century of days.
	maxPrincipal = 10_000_000_000_000
	maxPeriods   = 1200
)

// generate is the schedule generator; a variable only so the one place
// that calls it is obvious.
var generate = schedule.Generate

// Loan is a loan being serviced: its terms, its servicing policy and the
// append-only journal of everything that happened to it (design principle
// 3: a loan is its journal). Installment status, arrears, days past due,
// penalty and payoff are derived by PositionAt, never stored.
//
// A Loan is not safe for concurrent use; the Engine serialises commands per
// loan.
type Loan struct {
	id      uuid.UUID
	terms   schedule.Terms
	policy  Policy
	plan    plan
	status  Status
	journal []Entry
	// order lists the journal's indices in value-date order, ties in
	// posting order; nil while the journal is in that order already (no
	// entry was backdated), as it mostly is.
	order []int32
	// memo remembers re-amortised schedules; made by the first accepted
	// prepayment or restructure, so most loans never carry one.
	memo *reamMemo
	// last is lastDate, fixed by the terms: every post and position checks
	// its date against it.
	last date.Date
}

// horizonYears bounds the dates a loan is folded to: a century past the
// scheduled maturity. Penalty keeps Σ base × days exactly in int64; within
// the horizon that sum stays inside its range for any principal and term
// New accepts, and no lender's question needs a later date.
const horizonYears = 100

// lastDate is the last date entries may take effect on and positions be
// asked for.
func (l *Loan) lastDate() date.Date { return l.last }

// horizonOf computes lastDate for a loan's terms and plan.
func (l *Loan) horizonOf() date.Date {
	last := l.terms.Start
	if n := l.plan.len(); n > 0 {
		last = l.plan.row(n-1, l.terms.Start).due
	}
	return last.AddDate(horizonYears, 0, 0)
}

// New returns an approved, not yet disbursed loan with the given terms and
// servicing policy. Post a Disbursement (amount = terms.Principal, value
// date = terms.Start) to make it Active. Invalid input gives a
// *fault.Fields naming every bad field.
func New(id uuid.UUID, terms schedule.Terms, policy Policy) (*Loan, error) {
	v := &fault.Fields{Kind: ErrInvalidInput}
	if id == uuid.Nil {
		v.Add("id", "missing")
	}
	var pl plan
	if terms.Principal.Minor() > maxPrincipal {
		v.Add("terms.principal", "above the supported maximum")
	} else if terms.Periods > maxPeriods {
		v.Add("terms.periods", "above the supported maximum")
	} else if s, err := generate(terms); err != nil {
		if !v.Merge("terms", err) {
			v.Add("terms", err.Error())
		}
	} else {
		pl = newPlan(s, terms.Start)
	}
	policy.validate("policy.", v)
	if fee := policy.Penalty.LateFee; !fee.IsZero() && fee.Currency() != terms.Principal.Currency() {
		v.Add("policy.penalty.late_fee", "currency is not the loan's")
	}
	if c := policy.Payments.CloseBelow; !c.IsZero() && c.Currency() != terms.Principal.Currency() {
		v.Add("policy.payments.close_below", "currency is not the loan's")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	l := &Loan{id: id, terms: terms, policy: policy, plan: pl, status: Approved}
	l.last = l.horizonOf()
	return l, nil
}

// ID returns the loan's id.
func (l *Loan) ID() uuid.UUID { return l.id }

// Terms returns the loan's original terms.
func (l *Loan) Terms() schedule.Terms { return l.terms }

// Policy returns the loan's servicing policy.
func (l *Loan) Policy() Policy { return l.policy }

// Status returns the loan's status on the latest value date of its
// journal. (A credit balance that will settle the last installment closes
// the loan on that installment's due date: PositionAt shows it.)
func (l *Loan) Status() Status { return l.status }

// horizon is the latest value date in the journal.
func (l *Loan) horizon() date.Date {
	if len(l.journal) == 0 {
		return l.terms.Start
	}
	return l.journal[orderAt(l.order, len(l.journal)-1)].ValueDate
}

// LatestValueDate is the latest value date in the journal (the start
// before the first entry): no entry takes effect after it.
func (l *Loan) LatestValueDate() date.Date { return l.horizon() }

// Version is the number of entries posted; it grows by one per Post.
func (l *Loan) Version() int { return len(l.journal) }

// Journal returns a copy of the journal in posting order.
func (l *Loan) Journal() []Entry { return slices.Clone(l.journal) }

// Currency returns the loan's currency.
func (l *Loan) Currency() money.Currency { return l.terms.Principal.Currency() }

func (l *Loan) disbursed() bool { return len(l.journal) > 0 }

// Result is what Post reports about an entry.
type Result struct {
	Entry   Entry  `json:"entry"`   // the entry as journaled, with its Seq
	Status  Status `json:"status"`  // the loan's status after the whole journal
	Version int    `json:"version"` // the loan's version after the entry was posted (its Seq)
	// Applied is what the entry settled by component (repayment,
	// prepayment, recovery, settlement, down payment), and Credit what it
	// left as credit balance, as the journal folds now: a later backdated
	// entry can change both.
	Applied Split        `json:"applied"`
	Credit  money.Amount `json:"credit"`
	// Replayed is true when the idempotency key had been posted before
	// with the same payload: nothing was appended.
	Replayed bool `json:"replayed"`
}

// Post validates e and appends it to the journal. Everything is checked
// before anything changes: field errors come back together in a
// *fault.Fields; a move the lifecycle does not allow (paying a closed
// loan, recovering an active one) is a *fault.Transition; and the whole
// journal is re-folded with the entry in value-date order, so a backdated
// entry that would make a later one impossible is refused too. On any
// error the loan is exactly as it was.
//
// Posting an idempotency key again with the same payload (every field but
// ID, Seq and BookedAt) returns the first result with Replayed set; with a
// different payload it returns ErrDuplicateKey.
func (l *Loan) Post(e Entry) (Result, error) {
	for i := range l.journal {
		if l.journal[i].IdempotencyKey == e.IdempotencyKey && e.IdempotencyKey != "" {
			if !l.journal[i].samePayload(&e) {
				return Result{}, ErrDuplicateKey
			}
			r := l.result(i)
			r.Replayed = true
			return r, nil
		}
	}
	var v fault.Fields // on the stack unless something is wrong
	e.validate(l, &v)
	if e.Kind == Reversal && e.Reverses != uuid.Nil {
		l.validateReversal(&e, &v)
	}
	for i := range l.journal {
		if l.journal[i].ID == e.ID {
			v.Add("id", "already in the journal")
		}
	}
	if v.Len() > 0 {
		return Result{}, &fault.Fields{Kind: ErrInvalidInput, List: v.List}
	}
	// The fold checks every other kind against the status on its value
	// date; a reversal is not folded, so it is checked here.
	if e.Kind == Reversal {
		if _, err := l.status.Next(EventReverse); err != nil {
			return Result{}, err
		}
	}
	e.Seq = len(l.journal) + 1
	// A new journal, sized exactly: the old one stays as it was if the
	// entry is refused, and a loan keeps no slack.
	journal := make([]Entry, len(l.journal)+1)
	copy(journal, l.journal)
	journal[len(l.journal)] = e
	order := insertOrder(l.order, journal)
	// One fold both checks the journal with the entry and measures what
	// the entry settled: it is the fold result would run, to the new
	// horizon.
	f := getFold(e.Seq)
	defer putFold(f)
	memo := l.memo
	if memo == nil && l.reamortizes(&e) {
		memo = new(reamMemo)
	}
	if err := f.run(l, journal, order, journal[orderAt(order, len(journal)-1)].ValueDate, memo); err != nil {
		return Result{}, err
	}
	l.journal, l.order, l.status, l.memo = journal, order, f.status, memo
	return l.resultFrom(f, len(l.journal)-1), nil
}

// insertOrder returns order with the last entry of journal inserted after
// every entry with an earlier or equal value date (nil while that keeps
// the journal in posting order).
func insertOrder(order []int32, journal []Entry) []int32 {
	n := len(journal) - 1
	d := journal[n].ValueDate
	at := n
	for at > 0 && journal[orderAt(order, at-1)].ValueDate.After(d) {
		at--
	}
	if order == nil && at == n {
		return nil
	}
	out := make([]int32, 0, n+1)
	for k := range at {
		out = append(out, int32(orderAt(order, k)))
	}
	out = append(out, int32(n))
	for k := at; k < n; k++ {
		out = append(out, int32(orderAt(order, k)))
	}
	return out
}

// orderAt returns the journal index of the k-th entry in value-date
// order; a nil order is the journal's own.
func orderAt(order []int32, k int) int {
	if order == nil {
		return k
	}
	return int(order[k])
}

func (l *Loan) validateReversal(e *Entry, v *fault.Fields) {
	t := indexOf(l.journal, e)
	if t < 0 {
		v.Add("reverses", "no such entry in the journal")
		return
	}
	target := &l.journal[t]
	switch {
	case target.Kind == Reversal:
		v.Add("reverses", "a reversal cannot be reversed; post the entry again")
	case target.Kind == Disbursement:
		v.Add("reverses", "a disbursement cannot be reversed")
	case e.ValueDate.Before(target.ValueDate):
		v.Add("value_date", "before the reversed entry's value date "+target.ValueDate.String())
	}
	for i := range l.journal {
		if l.journal[i].Kind == Reversal && l.journal[i].Reverses == e.Reverses {
			v.Add("reverses", "entry already reversed")
		}
	}
}

// result rebuilds the result of journal entry i from the current fold.
func (l *Loan) result(i int) Result {
	f := getFold(i + 1)
	defer putFold(f)
	_ = f.run(l, l.journal, l.order, l.horizon(), l.memo) // the journal folded when it was posted
	return l.resultFrom(f, i)
}

// resultFrom builds the result of journal entry i from f, a fold of the
// whole journal to its horizon that tracked entry i.
func (l *Loan) resultFrom(f *fold, i int) Result {
	r := Result{Entry: l.journal[i], Status: l.status, Version: l.journal[i].Seq, Credit: money.New(f.toCred, l.Currency())}
	for c := range componentCount {
		r.Applied.Set(c, money.New(f.applied[c], l.Currency()))
	}
	return r
}

// reamortizes reports whether e may re-amortise the loan: a prepayment, a
// restructure, or a repayment whose excess reduces the principal.
func (l *Loan) reamortizes(e *Entry) bool {
	switch e.Kind {
	case Prepayment, Restructure:
		return true
	case Repayment:
		m := e.Excess
		if m == 0 {
			m = l.policy.Payments.Excess
		}
		return m == ReduceTerm || m == ReduceInstallment
	}
	return false
}
