package loan

import (
	"slices"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// apply folds one entry at its value date (the fold has advanced to it).
func (f *fold) apply(ix int, e *Entry) error {
	next, err := f.status.next(kindEvents[e.Kind])
	if err != nil {
		return err
	}
	f.chargeAccrued()
	f.book.recognisePenalty(f, e.ValueDate)
	f.book.begin(ix)
	f.applying = ix
	if ix+1 == f.track {
		f.applied, f.toCred = [componentCount]int64{}, -f.credit
	}
	a := e.Amount.Minor()
	switch e.Kind {
	case Disbursement:
		err = f.disburse(e)
	case Repayment:
		f.received += a
		// An excess applied to principal leaves installments not yet due
		// to the re-amortisation: the allocation rule pays nothing ahead.
		f.noAhead = f.l.reamortizes(e)
		left := f.pay(ix, a, fromCash)
		f.noAhead = false
		err = f.excess(ix, e, left)
	case Prepayment:
		f.received += a
		f.noAhead = true
		err = f.prepay(ix, e)
		f.noAhead = false
	case FeeCharge:
		err = f.charge(e)
	case Waiver:
		err = f.waive(e)
	case Restructure:
		err = f.restructure(e)
		next = Active
	case Acceleration:
		err = f.collapse(e.ValueDate, AccruedInterest, 0)
		f.accelerated, f.acceleratedOn = true, e.ValueDate
	case WriteOff:
		err = f.writeOff(e)
	case Recovery:
		err = f.recover(ix, e)
	case Refund:
		// Fineract's credit balance refund: only money the loan holds for
		// the borrower goes back (Dr overpayment liability, Cr cash).
		if a > f.credit {
			return f.errorf("amount", "refund %s exceeds the credit balance %s", e.Amount, f.amount(f.credit))
		}
		f.credit -= a
		f.refunded += a
		f.book.pair(f, e.ValueDate, f.l.policy.Accounts.Overpayment, f.l.policy.Accounts.Cash, a)
	case Pause:
		err = f.pause(e)
	case Resume:
		err = f.resume(e)
	case ReAge:
		err = f.reAge(e)
	case ReAmortize:
		err = f.reAmortize(e)
	case Settlement:
		err = f.settle(ix, e)
	case Sale:
		err = f.sell(e)
	case Buyback:
		err = f.buyBack(e)
	case Tranche:
		err = f.tranche(e)
	case DownPayment:
		err = f.downPayment(ix, e)
	case Nonaccrual, AccrualRestored:
		if f.l.policy.Accounts.InterestSuspense == "" {
			return f.errorf("kind", "the policy's chart has no interest suspense account (accounts.interest_suspense)")
		}
		f.decided = e.Kind == Nonaccrual
	}
	if err != nil {
		return err
	}
	f.status = next
	if ix+1 == f.track {
		f.toCred = max(0, f.toCred+f.credit)
	}
	f.settleCredit()
	if e.Kind == Repayment || e.Kind == Prepayment || e.Kind == DownPayment {
		f.autoClose(e.ValueDate)
	}
	f.closeIfPaid()
	return nil
}

func (f *fold) disburse(e *Entry) error {
	l := f.l
	tranched := len(l.terms.Tranches) > 0
	switch {
	case tranched && e.Amount.Minor() > l.terms.Principal.Minor():
		return f.errorf("amount", "the first tranche may not exceed the terms' principal %s", l.terms.Principal)
	case !tranched && e.Amount != l.terms.Principal:
		return f.errorf("amount", "must equal the terms' principal %s", l.terms.Principal)
	}
	if e.ValueDate != l.terms.Start {
		return f.errorf("value_date", "must equal the terms' start %s", l.terms.Start)
	}
	f.disbursedTotal = e.Amount.Minor()
	if tranched {
		// A loan disbursed in tranches is scheduled for what is paid out:
		// the first tranche now, each later one when it is (see tranche).
		f.disbursed = append(f.disbursed[:0], schedule.Tranche{Date: e.ValueDate, Amount: e.Amount})
		s, err := l.terms.Plan(f.disbursed)
		if err != nil {
			return f.planError(err)
		}
		f.inst = slices.Grow(f.inst[:0], len(s.Installments)+2)[:0]
		for i, r := range s.Installments {
			f.inst = append(f.inst, inst{number: int32(i + 1), from: r.From, due: r.Due, fee: r.Fee.Minor(),
				owed: [componentCount]int64{r.Principal.Minor(), r.Interest.Minor(), 0, r.Fee.Minor()}})
		}
	} else {
		// Room for the extra line a prepayment or payoff adds, in the buffer a
		// pooled fold brings along.
		n := l.plan.len()
		f.inst = slices.Grow(f.inst[:0], n+2)[:n]
		for i := range n {
			r := l.plan.row(i, l.terms.Start)
			f.inst[i] = inst{number: int32(i + 1), from: r.from, due: r.due, fee: r.fee,
				owed: [componentCount]int64{r.principal, r.interest, 0, r.fee}}
		}
	}
	f.started, f.day = true, e.ValueDate
	f.fallDueToday()
	if err := f.setPenaltyRate(); err != nil {
		return err
	}
	if s := l.policy.Penalty.CapShare; !s.IsZero() {
		c, err := l.terms.Principal.MulRate(s, money.Down)
		if err != nil {
			return f.errorf("policy.penalty.cap_share", "%v", err)
		}
		f.capLeft = c.Minor()
	}
	a := e.Amount.Minor()
	f.book.pair(f, e.ValueDate, l.policy.Accounts.LoansReceivable, l.policy.Accounts.Cash, a)
	return nil
}

func (f *fold) setPenaltyRate() error {
	d, err := f.l.policy.Penalty.dailyRate(f.rate)
	if err != nil {
		return f.errorf("policy.penalty.rate", "%v", err)
	}
	f.daily = d
	return nil
}

// pay allocates a payment of a over the amounts due by the waterfall the
// loan's state calls for and returns what is left (the caller decides
// whether that is credit). from names the account the money comes from.
func (f *fold) pay(ix int, a int64, from source) int64 {
	r := f.rule(ix)
	if a <= 0 || f.nextDue == 0 && r == nil {
		return a
	}
	f.chargeAccrued()
	for f.firstUnpaid < f.nextDue && f.inst[f.firstUnpaid].outTotal() == 0 {
		f.firstUnpaid++ // settled installments stay settled, except by a fee charge (see charge)
	}
	if r != nil {
		return f.payByRule(ix, a, from, r)
	}
	w := f.l.policy.Waterfall.pick(f.status, f.dpd(f.day))
	take := func(in *inst, c Component) {
		n := min(a, in.out(c))
		if n <= 0 {
			return
		}
		in.paid[c] += n
		a -= n
		if ix+1 == f.track {
			f.applied[c] += n
		}
		f.book.pair(f, f.day, from.account(&f.l.policy.Accounts), f.l.policy.Accounts.receivable(c), n)
		f.markSettled(in)
	}
	if w.Direction == Vertical {
		for _, c := range w.Order {
			for i := f.firstUnpaid; i < f.nextDue && a > 0; i++ {
				take(&f.inst[i], c)
			}
		}
		return a
	}
	for i := f.firstUnpaid; i < f.nextDue && a > 0; i++ {
		for _, c := range w.Order {
			take(&f.inst[i], c)
		}
	}
	return a
}

// toCredit keeps what a payment left over as credit balance.
func (f *fold) toCredit(a int64) {
	f.credit += a
	f.book.pair(f, f.day, f.l.policy.Accounts.Cash, f.l.policy.Accounts.Overpayment, a)
}

// source is where the money a waterfall allocates comes from.
type source bool

const (
	fromCash   source = false
	fromCredit source = true
)

func (s source) account(c *ChartOfAccounts) string {
	if s == fromCredit {
		return c.Overpayment
	}
	return c.Cash
}

// settleCredit applies credit balance to whatever has fallen due.
func (f *fold) settleCredit() {
	if f.credit > 0 && f.status != WrittenOff {
		f.credit = f.pay(-1, f.credit, fromCredit)
	}
}

func (f *fold) charge(e *Entry) error {
	t := -1
	if n := e.Installment; n > 0 {
		for i := range f.inst {
			if int(f.inst[i].number) == n {
				t = i
			}
		}
		if t < 0 {
			return f.errorf("installment", "no installment %d", n)
		}
	} else {
		for i := 0; i < len(f.inst) && t < 0; i++ {
			if !f.inst[i].settled && i <= f.nextDue {
				t = i
			}
		}
		if t < 0 {
			return f.errorf("installment", "no installment left to charge")
		}
	}
	a := e.Amount.Minor()
	f.inst[t].owed[Fee] += a
	f.firstUnpaid = min(f.firstUnpaid, t)
	f.book.recognise(f, e.ValueDate, Fee, a)
	return nil
}

func (f *fold) waive(e *Entry) error {
	c, a := e.Component, e.Amount.Minor()
	if f.status == WrittenOff {
		var avail int64
		for i := range f.inst {
			avail += f.claimOf(&f.inst[i], c)
		}
		if a > avail {
			return f.errorf("amount", "waiver %s exceeds the written-off %s claim %s", e.Amount, c, f.amount(avail))
		}
		for i := range f.inst {
			if n := min(a, f.claimOf(&f.inst[i], c)); n != 0 {
				f.coldFor(&f.inst[i]).forgiven[c] += n
				a -= n
			}
		}
		return nil
	}
	if c == Principal {
		return f.errorf("component", "principal can be waived only on a written-off loan")
	}
	var avail int64
	for i := 0; i < f.nextDue; i++ {
		avail += f.inst[i].out(c)
	}
	if a > avail {
		return f.errorf("amount", "waiver %s exceeds the %s due %s", e.Amount, c, f.amount(avail))
	}
	acc := &f.l.policy.Accounts
	for i := 0; i < f.nextDue && a > 0; i++ {
		in := &f.inst[i]
		n := min(a, in.out(c))
		if n != 0 {
			f.coldFor(in).waived[c] += n
			in.gone[c] += n
		}
		a -= n
		f.book.pair(f, e.ValueDate, acc.income(c), acc.receivable(c), n)
		f.markSettled(in)
	}
	return nil
}

// collapse makes everything not yet due fall due on x as one installment:
// the remaining principal, the running period's interest (accrued to x or
// in full) and the fees charged to those installments; later interest is
// no longer owed. Acceleration, payoff and write-off start with it.
func (f *fold) collapse(x date.Date, interest PayoffInterest, extraFee int64) error {
	k := f.nextDue
	if k >= len(f.inst) {
		return nil
	}
	f.unpayAhead(k)
	var principal, fee int64
	for i := k; i < len(f.inst); i++ {
		principal += f.inst[i].out(Principal)
		fee += f.inst[i].chargedFees()
	}
	in := f.inst[k]
	var acc int64
	if interest == FullPeriodInterest {
		acc = f.interestDue(&in)
	} else {
		acc = f.accruedInterest(k, x)
	}
	f.inst = append(f.inst[:k], inst{number: in.number, from: in.from, due: x,
		owed: [componentCount]int64{principal, acc, 0, fee + extraFee}})
	f.fallDue(k)
	f.nextDue = k + 1
	f.book.recognise(f, x, Fee, extraFee)
	return nil
}

func (f *fold) writeOff(e *Entry) error {
	if err := f.collapse(e.ValueDate, f.l.policy.WriteOff.interest(), 0); err != nil {
		return err
	}
	// Credit the borrower holds settles what just fell due before the rest
	// is written off: writing off a receivable while owing the same
	// borrower money would overstate the loss (after the write-off the
	// status no longer lets credit settle anything).
	f.settleCredit()
	total := f.outstanding()
	if a := e.Amount.Minor(); a != 0 && a != total {
		return f.errorf("amount", "must be zero or the whole outstanding %s", f.amount(total))
	}
	acc := &f.l.policy.Accounts
	for i := range f.inst {
		in := &f.inst[i]
		for c := range componentCount {
			n := in.out(c)
			if n != 0 {
				f.coldFor(in).woff[c] += n
				in.gone[c] += n
			}
			f.book.pair(f, e.ValueDate, acc.WriteOff, acc.receivable(c), n)
		}
	}
	f.writtenOff, f.writtenOffOn = true, e.ValueDate
	return nil
}

func (f *fold) recover(ix int, e *Entry) error {
	a := e.Amount.Minor()
	if claim := f.claim(); a > claim {
		if f.l.policy.WriteOff.RecoveryExcess != ExcessAsIncome {
			return f.errorf("amount", "recovery %s exceeds the written-off claim %s", e.Amount, f.amount(claim))
		}
		f.excessRecovered += a - claim
	}
	f.received += a
	acc := &f.l.policy.Accounts
	f.book.pair(f, e.ValueDate, acc.Cash, acc.RecoveryIncome, a)
	f.recoverClaim(ix, min(a, f.claim()))
	return nil
}

// recoverClaim allocates a, recovered on a written-off loan, over the
// claim by the written-off waterfall.
func (f *fold) recoverClaim(ix int, a int64) {
	w := f.l.policy.Waterfall.WrittenOff
	take := func(in *inst, c Component) {
		n := min(a, f.claimOf(in, c))
		if n == 0 {
			return
		}
		f.coldFor(in).recov[c] += n
		a -= n
		if ix+1 == f.track {
			f.applied[c] += n
		}
	}
	if w.Direction == Vertical {
		for _, c := range w.Order {
			for i := range f.inst {
				take(&f.inst[i], c)
			}
		}
		return
	}
	for i := range f.inst {
		for _, c := range w.Order {
			take(&f.inst[i], c)
		}
	}
}
