package loan

import (
	"errors"
	"slices"
	"strings"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// The fold's side of the servicing conventions other systems offer:
// excess money, auto-closure, delinquency pauses, re-ageing and
// re-amortisation, settlement, and sale to an external owner.

// excess decides what becomes of left, the part of repayment e beyond what
// was due: by the entry's choice, else the policy's (see ExcessMode).
func (f *fold) excess(ix int, e *Entry, left int64) error {
	mode := e.Excess
	if mode == 0 {
		mode = f.l.policy.Payments.Excess
	}
	switch mode {
	case NextInstallments:
		left = f.payAhead(ix, left)
	case ReduceTerm, ReduceInstallment:
		if left > 0 && f.nextDue < len(f.inst) {
			total, prepayFee := f.quote()
			if left+f.credit >= total {
				return f.payOff(ix, e.ValueDate, left, prepayFee)
			}
			if left > f.accruedInterest(f.nextDue, f.day) {
				rm := KeepTerm
				if mode == ReduceTerm {
					rm = KeepInstallment
				}
				return f.prepayPrincipal(ix, e.ValueDate, left, rm)
			}
		}
	}
	f.toCredit(left)
	return nil
}

// take settles up to a of component c of installment in from the account
// of source from, on behalf of the entry at ix, and returns what it took.
func (f *fold) take(ix int, in *inst, c Component, a int64, from source) int64 {
	n := min(a, in.out(c))
	if n <= 0 {
		return 0
	}
	in.paid[c] += n
	if ix+1 == f.track {
		f.applied[c] += n
	}
	acc := &f.l.policy.Accounts
	f.book.pair(f, f.day, from.account(acc), acc.receivable(c), n)
	f.markSettled(in)
	return n
}

// payAhead pays the installments not yet due with a, the next one first,
// each by the performing waterfall's component order, and returns what is
// left. Interest paid before it falls due is credited to interest
// receivable, which the interest falling due brings back to zero.
func (f *fold) payAhead(ix int, a int64) int64 {
	order := &f.l.policy.Waterfall.Performing.Order
	for i := f.nextDue; i < len(f.inst) && a > 0; i++ {
		for _, c := range order {
			a -= f.take(ix, &f.inst[i], c, a, fromCash)
		}
	}
	return a
}

// unpayAhead turns what was paid on installments k and later before they
// fell due back into credit balance, before a payoff, acceleration,
// write-off, prepayment or restructure rewrites them: the money stays the
// borrower's and settles the rewritten installments as they fall due.
func (f *fold) unpayAhead(k int) {
	acc := &f.l.policy.Accounts
	for i := k; i < len(f.inst); i++ {
		in := &f.inst[i]
		if in.paid == [componentCount]int64{} {
			continue
		}
		for c := range componentCount {
			if n := in.paid[c]; n != 0 {
				in.paid[c] = 0
				f.credit += n
				if f.applying+1 == f.track {
					f.toCred -= n // the tracked entry did not leave this as credit
				}
				f.book.pair(f, f.day, acc.receivable(c), acc.Overpayment, n)
			}
		}
		in.settled = false
	}
}

// autoClose waives a residual below the policy's tolerance after a
// payment on x and lets the loan close (PaymentPolicy.CloseBelow).
func (f *fold) autoClose(x date.Date) {
	tol := f.l.policy.Payments.CloseBelow.Minor()
	if tol <= 0 || f.status != Active && f.status != Accelerated {
		return
	}
	total, prepayFee := f.quote()
	if r := total - prepayFee - f.credit; r <= 0 || r >= tol {
		return
	}
	if f.collapse(x, f.l.policy.Prepayment.Interest, 0) != nil {
		return
	}
	f.settleCredit()
	f.forgive(x)
}

// forgive waives everything still outstanding on x: interest, penalty and
// fees against their income, principal against the write-off account.
func (f *fold) forgive(x date.Date) {
	acc := &f.l.policy.Accounts
	for i := range f.inst {
		in := &f.inst[i]
		for c := range componentCount {
			n := in.out(c)
			if n == 0 {
				continue
			}
			f.coldFor(in).waived[c] += n
			in.gone[c] += n
			if c == Principal {
				f.book.pair(f, x, acc.WriteOff, acc.LoansReceivable, n)
			} else {
				f.book.pair(f, x, acc.income(c), acc.receivable(c), n)
			}
		}
		f.markSettled(in)
	}
}

// pause starts a delinquency pause: the days after the value date up to
// and including Until leave days past due. Fineract's delinquency action
// PAUSE: it lasts at least a day and overlaps no other pause
// (DelinquencyActionParseAndValidator).
func (f *fold) pause(e *Entry) error {
	s := span{e.ValueDate, e.Until}
	for _, p := range f.pauses {
		if s.from.Before(p.until) && p.from.Before(s.until) {
			return f.errorf("until", "overlaps the delinquency pause from %s to %s", p.from, p.until)
		}
	}
	f.pauses = append(f.pauses, s)
	return nil
}

// resume ends the pause in force on the value date there: Fineract's
// delinquency action RESUME, which must fall within a pause.
func (f *fold) resume(e *Entry) error {
	x := e.ValueDate
	for i := range f.pauses {
		if p := &f.pauses[i]; !x.Before(p.from) && !x.After(p.until) {
			p.until = x
			return nil
		}
	}
	return f.errorf("value_date", "no delinquency pause in force on %s", x)
}

// paused reports whether a delinquency pause is in force on day d: from
// its first day to its last, as Fineract shows a pause period active.
func (f *fold) paused(d date.Date) bool {
	for _, p := range f.pauses {
		if !d.Before(p.from) && !d.After(p.until) {
			return true
		}
	}
	return false
}

// pastDue reports whether principal or interest of an installment due
// before d is unpaid: whether the loan is in arrears on d, however the
// arrears policy counts the days.
func (f *fold) pastDue(d date.Date) bool {
	for i := 0; i < f.nextDue && f.inst[i].due.Before(d); i++ {
		if !f.inst[i].settled {
			return true
		}
	}
	return false
}

// takeArrears takes everything outstanding off the installments fallen
// due (the arrears) and returns it by component. The installments' owed
// amounts drop by what moves, as a Fineract re-age or re-amortisation
// zeroes the principal due of the installments it moves; interest already
// recognised is reversed, to be recognised again when the installment it
// moves to falls due.
func (f *fold) takeArrears(x date.Date) (moved [componentCount]int64) {
	for i := 0; i < f.nextDue; i++ {
		in := &f.inst[i]
		for c := range componentCount {
			n := in.out(c)
			if n == 0 {
				continue
			}
			in.owed[c] -= n
			f.coldFor(in).reaged[c] += n
			moved[c] += n
		}
		f.markSettled(in)
	}
	acc := &f.l.policy.Accounts
	f.book.pair(f, x, acc.InterestIncome, acc.InterestReceivable, moved[Interest])
	return moved
}

// share returns the k-th (0-based) of n shares of total: total / n rounded
// by the loan's mode for all but the last, which takes the remainder, as
// Fineract spreads re-aged and re-amortised principal (the last
// installment absorbs the rounding). Should rounding up leave the last
// share negative, all shares round down instead.
func (f *fold) share(total int64, n, k int) int64 {
	each := total / int64(n)
	if r, err := f.amount(total).MulFrac(1, int64(n), f.mode); err == nil && r.Minor()*int64(n-1) <= total {
		each = r.Minor()
	}
	if k == n-1 {
		return total - each*int64(n-1)
	}
	return each
}

// reAge moves the arrears into new installments after the last one
// (Fineract's re-age: startDate, numberOfInstallments, frequency), so the
// loan is no longer past due. Fineract re-ages only non-interest-bearing
// loans at or after maturity, moving the outstanding principal; here any
// loan in arrears may be re-aged, and everything outstanding on the
// installments fallen due moves (principal, interest, penalty, fee), the
// installments not yet due keeping their schedule. The new installments
// bear no interest of their own.
func (f *fold) reAge(e *Entry) error {
	x, r := e.ValueDate, e.ReAging
	if !f.pastDue(x) {
		return f.errorf("value_date", "the loan is current on %s: nothing in arrears to re-age", x)
	}
	last := f.inst[len(f.inst)-1]
	if !r.FirstDue.After(last.due) {
		return f.errorf("re_aging.first_due", "must be after the last installment's due date %s", last.due)
	}
	if end := r.due(r.Installments - 1); end.After(f.l.lastDate()) {
		return f.errorf("re_aging.installments", "the last new installment, due %s, is past %s", end, f.l.lastDate())
	}
	moved := f.takeArrears(x)
	prev := last.due
	for k := range r.Installments {
		in := inst{number: last.number + 1 + int32(k), from: prev, due: r.due(k)}
		for c := range componentCount {
			in.owed[c] = f.share(moved[c], r.Installments, k)
		}
		f.inst = append(f.inst, in)
		prev = in.due
	}
	return nil
}

// reAmortize spreads the arrears over the installments not yet due,
// evenly, the last taking the rounding: Fineract's re-amortisation, which
// moves the overdue principal of the installments due on or before the
// transaction date to the future ones. Here every component outstanding on
// them moves (Fineract re-amortises non-interest-bearing loans).
func (f *fold) reAmortize(e *Entry) error {
	x := e.ValueDate
	if !f.pastDue(x) {
		return f.errorf("value_date", "the loan is current on %s: nothing in arrears to re-amortise", x)
	}
	k := f.nextDue
	n := len(f.inst) - k
	if n == 0 {
		return f.errorf("value_date", "no installment falls due after %s to re-amortise over", x)
	}
	moved := f.takeArrears(x)
	for j := range n {
		for c := range componentCount {
			f.inst[k+j].owed[c] += f.share(moved[c], n, j)
		}
	}
	return nil
}

// settle is a settlement (和解): the borrower pays less than the claim, a
// second person approved it (the entry's approver), and the rest is
// waived. On a loan on the books the claim is the payoff amount without
// the prepayment fee; on a written-off loan, the claim still pursued.
func (f *fold) settle(ix int, e *Entry) error {
	a, x := e.Amount.Minor(), e.ValueDate
	acc := &f.l.policy.Accounts
	if f.status == WrittenOff {
		claim := f.claim()
		if a >= claim {
			return f.errorf("amount", "%s is not below the written-off claim %s: post a recovery", e.Amount, f.amount(claim))
		}
		f.received += a
		f.book.pair(f, x, acc.Cash, acc.RecoveryIncome, a)
		f.recoverClaim(ix, a)
		for i := range f.inst {
			in := &f.inst[i]
			for c := range componentCount {
				if n := f.claimOf(in, c); n != 0 {
					f.coldFor(in).forgiven[c] += n
				}
			}
		}
		f.settledByEntry, f.settledOn = true, x
		return nil
	}
	total, prepayFee := f.quote()
	if claim := total - prepayFee; a+f.credit >= claim {
		return f.errorf("amount", "%s and the credit balance %s cover the payoff amount %s: post a payoff",
			e.Amount, f.amount(f.credit), f.amount(claim))
	}
	f.received += a
	if err := f.collapse(x, f.l.policy.Prepayment.Interest, 0); err != nil {
		return err
	}
	f.settleCredit()
	f.toCredit(f.pay(ix, a, fromCash))
	f.forgive(x)
	f.settledByEntry, f.settledOn = true, x
	return nil
}

// sell transfers the loan to an external owner on the value date (the
// settlement date): Fineract's external asset owner transfer (SALE).
func (f *fold) sell(e *Entry) error {
	switch {
	case f.l.policy.Accounts.AssetTransfer == "":
		return f.errorf("policy.accounts.asset_transfer", "missing: a sale moves the loan's balances through it")
	case f.owner != "":
		return f.errorf("transfer.owner", "the loan is owned by %s: buy it back before selling it again", f.owner)
	case f.status == WrittenOff && !f.l.policy.Sale.AllowWrittenOff:
		return f.errorf("kind", "a written-off loan may not be sold: policy.sale.allow_written_off is off")
	}
	f.transfer(e.ValueDate, e.Transfer.Owner)
	f.buyer, f.priceRatio, f.soldOn, f.sold, f.boughtBack = e.Transfer.Owner, e.Transfer.PriceRatio, e.ValueDate, true, false
	return nil
}

// buyBack transfers the loan back from its external owner (Fineract's
// BUYBACK), which must be the entry's owner when it names one.
func (f *fold) buyBack(e *Entry) error {
	switch {
	case f.owner == "":
		return f.errorf("kind", "the loan has no external owner to buy it back from")
	case f.l.policy.Accounts.AssetTransfer == "":
		return f.errorf("policy.accounts.asset_transfer", "missing: a buyback moves the loan's balances through it")
	case e.owner() != "" && e.owner() != f.owner:
		return f.errorf("transfer.owner", "the loan is owned by %s, not %s", f.owner, e.owner())
	}
	f.transfer(e.ValueDate, "")
	f.boughtBack, f.boughtBackOn = true, e.ValueDate
	return nil
}

// transfer moves the loan's balances from the books of the current owner
// to those of owner to through the asset-transfer account, as Fineract's
// asset transfer journal entries do (the seller credits each receivable
// and debits asset transfer; the buyer debits each receivable and credits
// asset transfer), and makes to the owner of every posting after.
func (f *fold) transfer(x date.Date, to string) {
	b := f.book
	if b == nil {
		f.owner = to
		return
	}
	acc := &f.l.policy.Accounts
	accounts := [...]string{acc.LoansReceivable, acc.InterestReceivable, acc.PenaltyReceivable, acc.FeeReceivable,
		acc.Overpayment}
	var bal [len(accounts)]int64
	for i := range b.postings {
		p := &b.postings[i]
		if p.Owner != f.owner {
			continue
		}
		for j, a := range accounts {
			if p.Debit == a {
				bal[j] += p.Amount.Minor()
			}
			if p.Credit == a {
				bal[j] -= p.Amount.Minor()
			}
		}
	}
	for j, a := range accounts {
		b.pair(f, x, acc.AssetTransfer, a, bal[j])
	}
	f.owner = to
	for j, a := range accounts {
		b.pair(f, x, a, acc.AssetTransfer, bal[j])
	}
}

// saleRecord returns the loan's latest sale, or nil.
func (f *fold) saleRecord() *SaleRecord {
	if !f.sold {
		return nil
	}
	return &SaleRecord{Owner: f.buyer, PriceRatio: f.priceRatio, SettledOn: f.soldOn,
		BoughtBackOn: datePtr(f.boughtBack, f.boughtBackOn)}
}

// SaleRecord is a loan's latest sale to an external owner.
type SaleRecord struct {
	Owner        string     `json:"owner"`
	PriceRatio   money.Rate `json:"price_ratio"`
	SettledOn    date.Date  `json:"settled_on"`
	BoughtBackOn *date.Date `json:"bought_back_on,omitempty"`
}

// fallDueToday makes the installments due on the fold's day fall due at
// once: a down payment due on a disbursement date, which the day's
// entries may pay.
func (f *fold) fallDueToday() {
	for f.nextDue < len(f.inst) && !f.inst[f.nextDue].due.After(f.day) {
		f.fallDue(f.nextDue)
		f.nextDue++
	}
}

// tranche pays out a later tranche of a loan disbursed in tranches and
// re-plans the installments not yet due through schedule.Terms.Plan: the
// installments due on or before the tranche stay; the plan's rows after
// it (and the tranche's own down payment, due on its date) replace the
// rest. Fees and penalty already on the replaced installments move to the
// first new one. The plan is the terms' own, so a loan re-amortised
// since its last disbursement (prepaid, restructured, re-aged) cannot take
// a tranche.
func (f *fold) tranche(e *Entry) error {
	t := &f.l.terms
	if len(t.Tranches) == 0 {
		return f.errorf("kind", "the terms plan no tranches (terms.tranches): the loan is disbursed at once")
	}
	x, a := e.ValueDate, e.Amount.Minor()
	disbursed := append(slices.Clone(f.disbursed), schedule.Tranche{Date: x, Amount: e.Amount})
	s, err := t.Plan(disbursed)
	if err != nil {
		return f.planError(err)
	}
	k := f.nextDue
	f.unpayAhead(k)
	var principal, carry [componentCount]int64
	for i := k; i < len(f.inst); i++ {
		principal[Principal] += f.inst[i].out(Principal)
		carry[Penalty] += f.inst[i].out(Penalty)
		// Fees charged to them carry over; the scheduled ones not yet due
		// come back with the new plan's rows.
		carry[Fee] += f.inst[i].chargedFees()
	}
	number := int32(1)
	if k > 0 {
		number = f.inst[k-1].number + 1
	}
	rows := make([]inst, 0, len(s.Installments))
	var sum int64
	for _, r := range s.Installments {
		if r.Due.After(x) || r.AtDisbursement() && r.Due == x && isNew(r, f.disbursed) {
			rows = append(rows, inst{number: number + int32(len(rows)), from: r.From, due: r.Due, fee: r.Fee.Minor(),
				owed: [componentCount]int64{r.Principal.Minor(), r.Interest.Minor(), 0, r.Fee.Minor()}})
			sum += r.Principal.Minor()
		}
	}
	if sum != principal[Principal]+a || len(rows) == 0 {
		return f.errorf("kind", "the schedule was re-amortised since the last disbursement: a tranche re-plans only the terms' own schedule")
	}
	first := 0 // the first row after the tranche's own down payment
	for first < len(rows)-1 && !rows[first].due.After(x) {
		first++
	}
	rows[first].owed[Penalty] += carry[Penalty]
	rows[first].owed[Fee] += carry[Fee]
	f.inst = append(f.inst[:k], rows...)
	f.disbursed = disbursed
	f.disbursedTotal += a
	acc := &f.l.policy.Accounts
	f.book.pair(f, x, acc.LoansReceivable, acc.Cash, a)
	f.fallDueToday()
	return nil
}

// isNew reports whether plan row r, due at a disbursement, belongs to a
// tranche not among those disbursed before (its own down payment).
func isNew(r schedule.Installment, before []schedule.Tranche) bool {
	for _, tr := range before {
		if tr.Date == r.Due {
			return false
		}
	}
	return true
}

// planError names the fields of an error schedule's Plan gave as the
// entry spells them: the tranche's date is its value date, its amount
// (or the total disbursed beyond the principal) its amount.
func (f *fold) planError(err error) error {
	var bad *fault.Fields
	if !errors.As(err, &bad) {
		return f.errorf("kind", "cannot re-plan the schedule: %v", err)
	}
	out := &fault.Fields{Kind: ErrInvalidInput}
	for _, x := range bad.List {
		switch {
		case strings.HasSuffix(x.Name, ".date"):
			out.Add("value_date", x.Problem)
		case strings.HasPrefix(x.Name, "disbursed"):
			out.Add("amount", x.Problem)
		default:
			out.Add(fault.Join("terms", x.Name), x.Problem)
		}
	}
	return out
}

// downPayment receives a down payment on a disbursement date: it pays the
// installments due then (the down payment the schedule shows due at
// disbursement) by the down-payment allocation, the rest becoming credit
// — Fineract's DOWN_PAYMENT transaction.
func (f *fold) downPayment(ix int, e *Entry) error {
	if f.l.terms.DownPayment.IsZero() {
		return f.errorf("kind", "the terms have no down payment (terms.down_payment)")
	}
	x := e.ValueDate
	on := x == f.l.terms.Start
	for _, tr := range f.disbursed {
		on = on || tr.Date == x
	}
	if !on {
		return f.errorf("value_date", "%s is not a disbursement date", x)
	}
	a := e.Amount.Minor()
	f.received += a
	f.toCredit(f.pay(ix, a, fromCash))
	return nil
}
