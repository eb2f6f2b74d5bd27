package loan

import (
	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
)

// Posting is one balanced double-entry line: Amount debited to Debit and
// credited to Credit, so debits equal credits by construction for every
// entry and for the whole journal. Postings are derived from the fold; they
// are never stored, so a backdated entry or a reversal restates them.
type Posting struct {
	Date date.Date `json:"date"`
	// Entry and Seq name the journal entry that caused the posting; both are
	// zero for what the passage of time does: interest falling due, penalty
	// accruing, credit balance settling an installment.
	Entry  uuid.UUID    `json:"entry,omitzero"`
	Seq    int          `json:"seq,omitempty"`
	Kind   string       `json:"kind"` // the entry's kind, or "accrual"
	Debit  string       `json:"debit"`
	Credit string       `json:"credit"`
	Amount money.Amount `json:"amount"`
	// Owner is the external owner in whose books the accounts are, from
	// the sale of the loan to its buyback; "": the lender's own books.
	Owner string `json:"owner,omitempty"`
}

// book collects postings during a fold.
type book struct {
	postings   []Posting
	entry      int // journal index of the entry being applied; -1 for the passage of time
	recognised int64
	// accrued is the balance of the interest and penalty receivable
	// accounts as posted so far, suspended what of it InterestSuspense
	// holds (see AccrualPolicy.NonaccrualDPD).
	accrued, suspended [2]int64
	// ahead is the interest accrueAhead booked ahead of its due date.
	ahead int64
}

func (b *book) begin(ix int) {
	if b != nil {
		b.entry = ix
	}
}

// pair records a posting; a negative amount swaps the sides, zero records
// nothing.
func (b *book) pair(f *fold, d date.Date, debit, credit string, a int64) {
	if b == nil || a == 0 {
		return
	}
	if a < 0 {
		debit, credit, a = credit, debit, -a
	}
	if acc := &f.l.policy.Accounts; acc.InterestSuspense != "" {
		for k, r := range [2]string{acc.InterestReceivable, acc.PenaltyReceivable} {
			if debit == r {
				b.accrued[k] += a
			}
			if credit == r {
				b.accrued[k] -= a
			}
		}
	}
	p := Posting{Date: d, Kind: "accrual", Debit: debit, Credit: credit, Amount: f.amount(a), Owner: f.owner}
	if b.entry >= 0 {
		e := &f.journal[b.entry]
		p.Entry, p.Seq, p.Kind = e.ID, e.Seq, e.Kind.String()
	}
	b.postings = append(b.postings, p)
}

// recognise books income of component c as receivable.
func (b *book) recognise(f *fold, d date.Date, c Component, a int64) {
	acc := &f.l.policy.Accounts
	b.pair(f, d, acc.receivable(c), acc.income(c), a)
}

// recognisePenalty books the penalty accrued since the last call.
func (b *book) recognisePenalty(f *fold, d date.Date) {
	if b == nil {
		return
	}
	f.chargeAccrued()
	var owed int64
	for i := range f.inst {
		owed += f.inst[i].owed[Penalty]
	}
	saved := b.entry
	b.entry = -1
	b.recognise(f, d, Penalty, owed-b.recognised)
	b.entry = saved
	b.recognised = owed
	if f.nonaccrual {
		f.reconcileSuspense(d)
	}
}

// accrueAhead books, at the end of a fold to asOf, the running period's
// interest accrued and not yet due, to the day the policy's accrual
// frequency books it to (AccrualPolicy.Frequency): Dr interest
// receivable, Cr interest income, dated that day. It is the last posting
// of the fold and depends on asOf alone, so a ledger kept as of another
// day restates it (the close books the difference); at the due date the
// period's whole interest is recognised instead. A loan in nonaccrual
// status accrues nothing ahead: what was booked ahead is restated away.
func (b *book) accrueAhead(f *fold, asOf date.Date) {
	if b == nil || f.nonaccrual || f.status != Active && f.status != Accelerated {
		return
	}
	cut, ok := f.l.policy.Accrual.Frequency.cut(asOf)
	if !ok {
		return
	}
	saved := b.entry
	b.entry = -1
	b.ahead = f.accruedInterest(f.nextDue, cut)
	b.recognise(f, cut, Interest, b.ahead)
	b.entry = saved
}

// Postings returns the double-entry postings of the journal folded up to
// asOf, in fold order (value date, then posting order).
func (l *Loan) Postings(asOf date.Date) ([]Posting, error) {
	ps, _, err := l.PostingsAhead(asOf)
	return ps, err
}

// PostingsAhead returns the postings of the journal folded up to asOf and
// the interest among them booked ahead of its due date (the last
// posting, when not zero; see AccrualPolicy.Frequency). A close that
// keeps it can book the next day's accrual of a loan on which nothing
// else happened from it and the next position alone.
func (l *Loan) PostingsAhead(asOf date.Date) ([]Posting, money.Amount, error) {
	f := getFold(0)
	defer putFold(f)
	b := &book{entry: -1, postings: make([]Posting, 0, 4*len(l.journal)+2*l.plan.len())}
	f.book = b
	if err := f.run(l, l.journal, l.order, asOf, l.memo); err != nil {
		return nil, money.Amount{}, err
	}
	return b.postings, f.amount(b.ahead), nil
}

// PostingsAt returns the postings of the loan as it stood at version (its
// first version journal entries, the later ones — reversals included —
// not yet posted), folded up to asOf: what Postings returned then. A
// ledger that took the postings of version v up to day d and now wants the
// loan's current ledger books the difference (see the Engine's close).
func (l *Loan) PostingsAt(version int, asOf date.Date) ([]Posting, error) {
	switch {
	case version >= len(l.journal):
		return l.Postings(asOf)
	case version <= 0:
		return nil, nil
	}
	journal := l.journal[:version]
	var order []int32
	if l.order != nil {
		order = make([]int32, 0, version)
		for _, ix := range l.order {
			if int(ix) < version {
				order = append(order, ix)
			}
		}
	}
	f := getFold(0)
	defer putFold(f)
	b := &book{entry: -1, postings: make([]Posting, 0, 4*version+2*l.plan.len())}
	f.book = b
	if err := f.run(l, journal, order, asOf, l.memo); err != nil {
		return nil, err
	}
	return b.postings, nil
}

// TrialBalance returns the balance of every account the postings touch,
// debits less credits (an asset's balance positive, income's and a
// liability's negative): what a general ledger fed with them holds. The
// balances of any balanced set of postings add up to zero.
func TrialBalance(ps []Posting) map[string]money.Amount {
	out := map[string]money.Amount{}
	for _, p := range ps {
		out[p.Debit] = out[p.Debit].Add(p.Amount)
		out[p.Credit] = out[p.Credit].Sub(p.Amount)
	}
	return out
}

// LedgerRow is one line of the loan ledger (台帐): a posting and the loan's
// balances after it.
type LedgerRow struct {
	Posting
	Principal     money.Amount `json:"principal"`      // loans receivable
	Interest      money.Amount `json:"interest"`       // interest receivable
	Penalty       money.Amount `json:"penalty"`        // penalty receivable
	Fee           money.Amount `json:"fee"`            // fee receivable
	CreditBalance money.Amount `json:"credit_balance"` // overpayment owed to the borrower
}

// Ledger returns the loan ledger (台帐) up to asOf: every posting in
// chronological order with the running balances of the loan's accounts.
func (l *Loan) Ledger(asOf date.Date) ([]LedgerRow, error) {
	ps, err := l.Postings(asOf)
	if err != nil {
		return nil, err
	}
	acc := &l.policy.Accounts
	cur := l.terms.Principal.Currency()
	var bal [5]int64 // principal, interest, penalty, fee receivable; overpayment
	accounts := [5]string{acc.LoansReceivable, acc.InterestReceivable, acc.PenaltyReceivable, acc.FeeReceivable, acc.Overpayment}
	sign := [5]int64{1, 1, 1, 1, -1} // assets grow by debits, the liability by credits
	rows := make([]LedgerRow, len(ps))
	for i, p := range ps {
		for j, a := range accounts {
			if p.Debit == a {
				bal[j] += sign[j] * p.Amount.Minor()
			}
			if p.Credit == a {
				bal[j] -= sign[j] * p.Amount.Minor()
			}
		}
		rows[i] = LedgerRow{Posting: p, Principal: money.New(bal[0], cur), Interest: money.New(bal[1], cur),
			Penalty: money.New(bal[2], cur), Fee: money.New(bal[3], cur), CreditBalance: money.New(bal[4], cur)}
	}
	return rows, nil
}

// nonaccrualDay returns the day the loan's days past due reach the
// nonaccrual threshold, when that is still ahead of the fold and postings
// are wanted: the oldest unsettled installment fallen due, plus the
// threshold.
func (f *fold) nonaccrualDay() (date.Date, bool) {
	n := f.l.policy.Accrual.NonaccrualDPD
	if f.book == nil || n == 0 || f.nonaccrual || f.status != Active && f.status != Accelerated {
		return date.Date{}, false
	}
	for i := f.firstOpen; i < f.nextDue; i++ {
		if !f.inst[i].settled {
			// On the fold's own day too (another milestone may have
			// reached it first), once.
			c := f.inst[i].due.Add(date.PeriodOfDays(n))
			return c, !c.Before(f.day) && c != f.naChecked
		}
	}
	return date.Date{}, false
}

// checkAccrual puts the loan's postings into nonaccrual status on day d
// when its days past due have reached the policy's threshold, and back to
// accrual when it is current again, then moves interest and penalty
// between income and suspense to match (reconcileSuspense).
//
// A Nonaccrual entry in force keeps the loan in nonaccrual status whatever
// its days past due; once lifted (AccrualRestored), the days past due
// decide again.
func (f *fold) checkAccrual(d date.Date) {
	n := f.l.policy.Accrual.NonaccrualDPD
	if f.book == nil || n == 0 && !f.decided && !f.nonaccrual {
		return
	}
	switch {
	case f.status != Active && f.status != Accelerated:
		f.nonaccrual = false
	case f.decided:
		f.nonaccrual = true
	case n == 0:
		f.nonaccrual = false
	case !f.nonaccrual && f.dpd(d) >= n:
		f.nonaccrual = true
	case f.nonaccrual && f.dpd(d) == 0:
		f.nonaccrual = false
	}
	f.reconcileSuspense(d)
}

// reconcileSuspense posts what makes the suspense account hold, for each
// of interest and penalty, the receivable recognised and unpaid while the
// loan is in nonaccrual status, and nothing otherwise: income reversed
// into suspense on entering it and as interest and penalty are recognised
// during it; suspense back to income as they are paid (cash basis) or the
// loan is cured; back against the write-off account when it is written
// off (the charge covers only what was recognised as income).
func (f *fold) reconcileSuspense(d date.Date) {
	b := f.book
	if b == nil || f.l.policy.Accounts.InterestSuspense == "" {
		return
	}
	acc := &f.l.policy.Accounts
	saved := b.entry
	b.entry = -1
	for k, c := range [2]Component{Interest, Penalty} {
		var target int64
		if f.nonaccrual {
			target = max(0, b.accrued[k])
		}
		diff := target - b.suspended[k]
		if diff == 0 {
			continue
		}
		counter := acc.income(c)
		if diff < 0 && f.status == WrittenOff {
			counter = acc.WriteOff
		}
		b.pair(f, d, counter, acc.InterestSuspense, diff)
		b.suspended[k] = target
	}
	b.entry = saved
}
