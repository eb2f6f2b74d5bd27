package loan

import (
	"slices"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// quote returns the payoff amount on the fold's day before credit balance:
// everything due, the principal not yet due, the running period's interest
// by policy, the fees charged ahead, and the prepayment fee.
func (f *fold) quote() (total, prepayFee int64) {
	f.chargeAccrued()
	for i := 0; i < f.nextDue; i++ {
		total += f.inst[i].outTotal()
	}
	k := f.nextDue
	if k >= len(f.inst) {
		return total, 0
	}
	var principal int64
	for i := k; i < len(f.inst); i++ {
		in := &f.inst[i]
		principal += in.out(Principal)
		// Interest and penalty paid before they fell due come back as
		// credit when the payoff rewrites the installments (unpayAhead).
		total += in.chargedFees() - in.paid[Interest] - in.paid[Penalty]
	}
	pp := &f.l.policy.Prepayment
	if pp.Interest == FullPeriodInterest {
		total += f.interestDue(&f.inst[k])
	} else {
		total += f.accruedInterest(k, f.day)
	}
	if !pp.FeeRate.IsZero() {
		if fee, err := f.amount(principal).MulRate(pp.FeeRate, f.mode); err == nil {
			prepayFee = fee.Minor()
		}
	}
	return total + principal + prepayFee, prepayFee
}

// prepay applies an explicit prepayment: a payoff settles everything; a
// partial one pays what is due, the interest accrued to the day, the fee,
// and reduces the principal, then re-amortises the rest.
func (f *fold) prepay(ix int, e *Entry) error {
	a, x := e.Amount.Minor(), e.ValueDate
	pp := &f.l.policy.Prepayment
	total, prepayFee := f.quote()
	if e.Payoff || a+f.credit >= total {
		if a+f.credit < total {
			return f.errorf("amount", "below the payoff amount %s", f.amount(total-f.credit))
		}
		return f.payOff(ix, x, a, prepayFee)
	}
	mode := e.Reamortize
	if mode == 0 {
		mode = pp.Reamortize
	}
	return f.prepayPrincipal(ix, x, f.pay(ix, a, fromCash), mode)
}

// payOff settles the whole loan on x with a (and the credit balance):
// everything not yet due falls due, with the running period's interest
// and the prepayment fee; what is left of a becomes credit.
func (f *fold) payOff(ix int, x date.Date, a, prepayFee int64) error {
	if err := f.collapse(x, f.l.policy.Prepayment.Interest, prepayFee); err != nil {
		return err
	}
	f.settleCredit()
	f.toCredit(f.pay(ix, a, fromCash))
	return nil
}

// prepayPrincipal applies left, what a payment brought beyond the amounts
// due, to the interest accrued in the running period, the prepayment fee
// and principal, and re-amortises the rest of the loan by mode.
func (f *fold) prepayPrincipal(ix int, x date.Date, left int64, mode ReamortizeMode) error {
	pp := &f.l.policy.Prepayment
	k := f.nextDue
	if k >= len(f.inst) {
		f.toCredit(left)
		return nil
	}
	f.unpayAhead(k)
	acc := f.accruedInterest(k, x)
	if left <= acc {
		return f.errorf("amount", "leaves nothing for principal after the amounts due and the accrued interest %s",
			f.amount(acc))
	}
	// rest = prepaid + prepaid × fee rate, so prepaid = rest / (1 + rate),
	// rounded down; the fee takes the remainder.
	rest := left - acc
	prepaid := rest
	if r := pp.FeeRate; !r.IsZero() {
		p, err := f.amount(rest).MulFrac(r.Den(), r.Den()+r.Num(), money.Down)
		if err != nil {
			return f.errorf("amount", "%v", err)
		}
		prepaid = p.Minor()
	}
	var principal, fees int64
	for i := k; i < len(f.inst); i++ {
		principal += f.inst[i].out(Principal)
		fees += f.inst[i].chargedFees()
	}
	fee := rest - prepaid
	if prepaid > principal-1 {
		// More than the principal (less the one minor unit that keeps the
		// prepayment partial): the fee is on what is prepaid, and the rest
		// of the money becomes credit below, not fee income.
		prepaid, fee = principal-1, 0
		if r := pp.FeeRate; !r.IsZero() {
			a, err := f.amount(prepaid).MulRate(r, f.mode)
			if err != nil {
				return f.errorf("amount", "%v", err)
			}
			fee = a.Minor()
		}
	}
	// What keeping the installment keeps: the level payment of an
	// equal-installment loan, the principal part of the others (see
	// schedule.Terms.KeepInstallmentPeriods).
	target := f.inst[k].owed[Principal]
	if f.method == schedule.EqualInstallment {
		target += f.inst[k].owed[Interest]
	}
	periods := len(f.inst) - k
	firstDue := f.inst[k].due
	// The prepayment itself becomes a settled line of the schedule.
	stub := inst{number: f.inst[k].number, from: f.inst[k].from, due: x,
		owed: [componentCount]int64{prepaid, acc, 0, fee}}
	f.inst = slices.Insert(f.inst, k, stub)
	f.fallDue(k)
	f.book.recognise(f, x, Fee, fee)
	f.nextDue = k + 1
	f.toCredit(f.pay(ix, left, fromCash))
	keep := 0
	if mode == KeepInstallment {
		keep = int(target)
	}
	return f.reamortize(k+1, x, principal-prepaid, periods, keep, firstDue, 0, fees, 0)
}

// restructure replaces the rest of the schedule by new terms from the
// entry's value date.
func (f *fold) restructure(e *Entry) error {
	c, x := e.Change, e.ValueDate
	k := f.nextDue
	f.unpayAhead(k)
	var arrears int64
	if c.CapitalizeArrears {
		acc := &f.l.policy.Accounts
		for i := 0; i < k; i++ {
			in := &f.inst[i]
			for comp := range componentCount {
				n := in.out(comp)
				if n != 0 {
					f.coldFor(in).moved[comp] += n
					in.gone[comp] += n
				}
				arrears += n
				if comp != Principal {
					f.book.pair(f, x, acc.LoansReceivable, acc.receivable(comp), n)
				}
			}
			f.markSettled(in)
		}
	}
	var principal, fees int64
	for i := k; i < len(f.inst); i++ {
		principal += f.inst[i].out(Principal)
		fees += f.inst[i].chargedFees()
	}
	periods := len(f.inst) - k + c.ExtendPeriods
	if periods < 1 {
		return f.errorf("change.extend_periods", "leaves no period after the restructure date")
	}
	if principal+arrears <= 0 {
		return f.errorf("change", "no principal left to restructure")
	}
	if c.HolidayPeriods >= periods {
		return f.errorf("change.holiday_periods", "must be shorter than the %d periods left", periods)
	}
	if c.Rate != nil {
		f.rebasePenalty()
		f.rate = *c.Rate
		if err := f.setPenaltyRate(); err != nil {
			return err
		}
	}
	if c.Method != 0 {
		f.method = c.Method
	}
	var firstDue date.Date
	if k < len(f.inst) {
		firstDue = f.inst[k].due
	}
	carry := f.accruedInterest(k, x)
	f.restructured, f.restructuredOn = true, x
	f.accelerated = false
	return f.reamortize(k, x, principal+arrears, periods, 0, firstDue, carry, fees, c.HolidayPeriods)
}

// reamortize replaces the installments from index k with a new schedule
// of principal from day x: periods installments (or, when keep is
// positive, the fewest periods whose installment does not exceed keep),
// the first due on firstDue (zero: one period after x). carry interest and
// carry fees are added to the first new installment.
func (f *fold) reamortize(k int, x date.Date, principal int64, periods, keep int,
	firstDue date.Date, carryInterest, carryFees int64, holiday int) error {
	key := reamKey{principal: principal, rate: f.rate, x: x, firstDue: firstDue, periods: periods,
		keep: keep, holiday: holiday, method: f.method}
	rows, ok := f.memo.get(&key)
	if !ok {
		var err error
		if rows, err = f.newSchedule(&key); err != nil {
			return f.errorf("change", "cannot re-amortise: %v", err)
		}
		f.memo.put(&key, rows)
	}
	number := int32(1)
	if k > 0 {
		number = f.inst[k-1].number + 1
	}
	// The new rows replace the old ones in place; on an error the whole
	// fold is abandoned, so nothing needs restoring.
	f.inst = f.inst[:k]
	var sum int64
	for i, r := range rows {
		f.inst = append(f.inst, inst{number: number + int32(i), from: r.from, due: r.due, fee: r.fee,
			owed: [componentCount]int64{r.principal, r.interest, 0, r.fee}})
		sum += r.principal
	}
	if sum != principal || len(f.inst) == k {
		return f.errorf("change", "re-amortised schedule does not repay %s", f.amount(principal))
	}
	first := &f.inst[k]
	first.owed[Interest] += carryInterest
	first.owed[Fee] += carryFees
	if first.from.After(x) || first.due.Before(x) {
		first.from = x
	}
	return nil
}

// newSchedule generates the schedule k asks for from the loan's terms: a
// plan of the outstanding principal, without down payment or further
// tranches, a broken first period's interest in its first installment (as
// schedule.Reamortize plans it). Keeping the installment, the term is the
// one schedule.Terms.KeepInstallmentPeriods gives — the library's one
// keep-installment rule; a method without a kept installment (interest
// only, bullet) keeps the term.
func (f *fold) newSchedule(k *reamKey) ([]planRow, error) {
	t := f.l.terms
	t.Principal = f.amount(k.principal)
	t.AnnualRate = k.rate
	t.Method = k.method
	t.Start = k.x
	t.FirstDue = k.firstDue
	t.PrincipalGrace, t.InterestGrace, t.CapitalizeGrace = 0, k.holiday, false
	t.DownPayment, t.Tranches, t.BrokenPeriod = schedule.DownPayment{}, nil, schedule.BrokenFirstInstallment
	t.Fees = schedule.RecurringFees(t.Fees)
	t.Periods = k.periods
	if t.Frequency == schedule.Days {
		t.Periods = 1
		if !k.firstDue.IsZero() {
			t.TermDays, t.FirstDue = int(k.firstDue.Sub(k.x)), date.Date{}
		}
	}
	if k.keep > 0 && t.Periods > 1 {
		if n, err := t.KeepInstallmentPeriods(f.amount(int64(k.keep))); err == nil {
			t.Periods = n
		}
	}
	s, err := generate(t)
	if err != nil {
		return nil, err
	}
	return rowsOf(s), nil
}
