package loan

import (
	"fmt"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
)

// Advanced allocation rules: the order in which a payment settles what a
// loan owes, as data, per transaction kind. They are Apache Fineract's
// advanced payment allocation (loan product "paymentAllocation": an
// ordered list of PAST_DUE_PENALTY … IN_ADVANCE_PRINCIPAL per transaction
// type, a future installment allocation rule, and horizontal or vertical
// schedule processing; AdvancedPaymentScheduleTransactionProcessor). A
// loan whose policy has none allocates by its waterfalls, which are such
// rules too (Waterfall.Rule).

// Bucket is one cell of the allocation grid: where an installment stands
// on the payment's value date (past due, due that day, or due later: in
// advance) and the component taken from it.
type Bucket uint8

// Allocation buckets, named as Fineract's PaymentAllocationType.
const (
	PastDuePenalty Bucket = iota + 1
	PastDueFee
	PastDueInterest
	PastDuePrincipal
	DuePenalty
	DueFee
	DueInterest
	DuePrincipal
	InAdvancePenalty
	InAdvanceFee
	InAdvanceInterest
	InAdvancePrincipal
	bucketEnd
)

var bucketNames = enum.New[Bucket](ErrInvalidInput, "bucket", "",
	"past-due-penalty", "past-due-fee", "past-due-interest", "past-due-principal",
	"due-penalty", "due-fee", "due-interest", "due-principal",
	"in-advance-penalty", "in-advance-fee", "in-advance-interest", "in-advance-principal")

// String returns the bucket's name.
func (b Bucket) String() string { return bucketNames.String(b) }

// MarshalText encodes the bucket's name.
func (b Bucket) MarshalText() ([]byte, error) { return bucketNames.MarshalText(b) }

// UnmarshalText decodes a bucket's name; on an error b is unchanged.
func (b *Bucket) UnmarshalText(t []byte) error { return bucketNames.UnmarshalText(t, b) }

// stage is where an installment stands on a payment's value date.
type stage uint8

const (
	pastDue   stage = iota // due date before the value date
	dueToday               // due date on the value date
	inAdvance              // due date after the value date
)

var bucketComponents = [4]Component{Penalty, Fee, Interest, Principal}

// stage returns the installments b takes from.
func (b Bucket) stage() stage { return stage((b - 1) / 4) }

// component returns the component b takes.
func (b Bucket) component() Component { return bucketComponents[(b-1)%4] }

// bucketOf returns the bucket of component c at stage s.
func bucketOf(s stage, c Component) Bucket {
	for i, x := range bucketComponents {
		if x == c {
			return Bucket(int(s)*4 + i + 1)
		}
	}
	return 0
}

// Transaction names the transactions an allocation rule is for.
type Transaction uint8

// Transactions that allocate money over installments.
const (
	// AnyTransaction is the default rule: every transaction without a rule
	// of its own (Fineract's DEFAULT).
	AnyTransaction Transaction = iota
	RepaymentTransaction
	PrepaymentTransaction // the part of a prepayment that settles what is due
	// CreditTransaction is credit balance settling installments as they
	// fall due.
	CreditTransaction
	SettlementTransaction
	DownPaymentTransaction // Fineract's DOWN_PAYMENT
	transactionEnd
)

var transactionNames = enum.New[Transaction](ErrInvalidInput, "transaction",
	"default", "repayment", "prepayment", "credit", "settlement", "down-payment")

// String returns the transaction's name.
func (t Transaction) String() string { return transactionNames.String(t) }

// MarshalText encodes the transaction's name.
func (t Transaction) MarshalText() ([]byte, error) { return transactionNames.MarshalText(t) }

// UnmarshalText decodes a transaction's name; on an error t is unchanged.
func (t *Transaction) UnmarshalText(b []byte) error { return transactionNames.UnmarshalText(b, t) }

// transactionOf returns the transaction the journal entry at ix allocates
// as (ix < 0: credit balance).
func (f *fold) transactionOf(ix int) Transaction {
	if ix < 0 {
		return CreditTransaction
	}
	switch f.journal[ix].Kind {
	case Repayment:
		return RepaymentTransaction
	case Prepayment:
		return PrepaymentTransaction
	case Settlement:
		return SettlementTransaction
	case DownPayment:
		return DownPaymentTransaction
	}
	return AnyTransaction
}

// Seniority orders the past-due installments a rule walks.
type Seniority uint8

// Past-due orders.
const (
	OldestFirst Seniority = iota // the installment due longest ago first
	NewestFirst                  // the most recently due first
)

var seniorityNames = enum.New[Seniority](ErrInvalidInput, "past_due", "oldest-first", "newest-first")

// String returns the order's name.
func (s Seniority) String() string { return seniorityNames.String(s) }

// MarshalText encodes the order's name.
func (s Seniority) MarshalText() ([]byte, error) { return seniorityNames.MarshalText(s) }

// UnmarshalText decodes an order's name; on an error s is unchanged.
func (s *Seniority) UnmarshalText(b []byte) error { return seniorityNames.UnmarshalText(b, s) }

// FutureOrder orders the installments not yet due a rule walks: Fineract's
// future installment allocation rule.
type FutureOrder uint8

// Future installment orders.
const (
	NextInstallment FutureOrder = iota // the next installment first (NEXT_INSTALLMENT)
	LastInstallment                    // the last installment first (LAST_INSTALLMENT)
)

var futureOrderNames = enum.New[FutureOrder](ErrInvalidInput, "in_advance", "next-installment", "last-installment")

// String returns the order's name.
func (o FutureOrder) String() string { return futureOrderNames.String(o) }

// MarshalText encodes the order's name.
func (o FutureOrder) MarshalText() ([]byte, error) { return futureOrderNames.MarshalText(o) }

// UnmarshalText decodes an order's name; on an error o is unchanged.
func (o *FutureOrder) UnmarshalText(b []byte) error { return futureOrderNames.UnmarshalText(b, o) }

// AllocationRule is how one kind of transaction settles what a loan owes.
//
// Vertical takes each bucket in Order across every installment it covers
// before the next bucket. Horizontal takes the buckets stage by stage (in
// the order the stages first appear in Order): within a stage,
// installment by installment, each one's components in Order — as
// Fineract's horizontal processing groups the allocation types by due
// type. Buckets not listed are not paid by the transaction: what is left
// is the transaction's excess (see PaymentPolicy.Excess).
type AllocationRule struct {
	Transaction Transaction `json:"transaction"`
	Order       []Bucket    `json:"order"`
	Direction   Direction   `json:"direction"`
	// PastDue walks past-due installments oldest first (zero value) or
	// newest first.
	PastDue Seniority `json:"past_due,omitempty"`
	// InAdvance walks installments not yet due from the next (zero value)
	// or from the last.
	InAdvance FutureOrder `json:"in_advance,omitempty"`
}

// Rule returns the waterfall as an allocation rule for every transaction:
// each component past due, then due, in the waterfall's order, in its
// direction; nothing in advance. A loan allocating by this rule allocates
// exactly as by the waterfall.
func (w Waterfall) Rule() AllocationRule {
	r := AllocationRule{Transaction: AnyTransaction, Direction: w.Direction, Order: make([]Bucket, 0, 2*componentCount)}
	if w.Direction == Vertical {
		for _, c := range w.Order {
			r.Order = append(r.Order, bucketOf(pastDue, c), bucketOf(dueToday, c))
		}
		return r
	}
	for _, s := range []stage{pastDue, dueToday} {
		for _, c := range w.Order {
			r.Order = append(r.Order, bucketOf(s, c))
		}
	}
	return r
}

func validateAllocation(rules []AllocationRule, prefix string, v *fault.Fields) {
	if len(rules) == 0 {
		return
	}
	var seen [transactionEnd]bool
	hasDefault := false
	for i := range rules {
		r := &rules[i]
		p := fmt.Sprintf("%s[%d].", prefix, i)
		switch {
		case r.Transaction >= transactionEnd:
			v.Add(p+"transaction", "unknown transaction")
		case seen[r.Transaction]:
			v.Add(p+"transaction", "a second rule for "+r.Transaction.String())
		default:
			seen[r.Transaction] = true
			hasDefault = hasDefault || r.Transaction == AnyTransaction
		}
		var used [bucketEnd]bool
		if len(r.Order) == 0 {
			v.Add(p+"order", "empty")
		}
		for j, b := range r.Order {
			switch {
			case b == 0 || b >= bucketEnd:
				v.Add(fmt.Sprintf("%sorder[%d]", p, j), "unknown bucket")
			case used[b]:
				v.Add(fmt.Sprintf("%sorder[%d]", p, j), b.String()+" listed twice")
			default:
				used[b] = true
			}
		}
		if r.Direction != Horizontal && r.Direction != Vertical {
			v.Add(p+"direction", "must be horizontal or vertical")
		}
		if !seniorityNames.Valid(r.PastDue) {
			v.Add(p+"past_due", "must be oldest-first or newest-first")
		}
		if !futureOrderNames.Valid(r.InAdvance) {
			v.Add(p+"in_advance", "must be next-installment or last-installment")
		}
	}
	if !hasDefault {
		v.Add(prefix, "needs a default rule (transaction \"default\")")
	}
}

// rule returns the allocation rule for the entry at ix (ix < 0: credit
// balance), or nil when the policy allocates by its waterfalls.
func (f *fold) rule(ix int) *AllocationRule {
	rules := f.l.policy.Allocation
	if len(rules) == 0 {
		return nil
	}
	t := f.transactionOf(ix)
	var def *AllocationRule
	for i := range rules {
		switch rules[i].Transaction {
		case t:
			return &rules[i]
		case AnyTransaction:
			def = &rules[i]
		}
	}
	return def
}

// stageOf returns where installment i stands on the fold's day.
func (f *fold) stageOf(i int) stage {
	switch {
	case i >= f.nextDue:
		return inAdvance
	case f.inst[i].due == f.day:
		return dueToday
	}
	return pastDue
}

// stageRange returns the installments at stage s, in the order r walks
// them: first, past the end and the step.
func (f *fold) stageRange(r *AllocationRule, s stage) (first, end, step int) {
	lo, hi := 0, 0 // [lo, hi)
	switch s {
	case pastDue:
		lo, hi = f.firstUnpaid, f.nextDue
		for hi > lo && f.inst[hi-1].due == f.day {
			hi--
		}
		if r.PastDue == NewestFirst {
			return hi - 1, lo - 1, -1
		}
	case dueToday:
		lo, hi = f.nextDue, f.nextDue
		for lo > f.firstUnpaid && f.inst[lo-1].due == f.day {
			lo--
		}
	case inAdvance:
		lo, hi = f.nextDue, len(f.inst)
		if r.InAdvance == LastInstallment {
			return hi - 1, lo - 1, -1
		}
	}
	return lo, hi, 1
}

// payByRule allocates a over what the loan owes by rule r and returns what
// is left.
func (f *fold) payByRule(ix int, a int64, from source, r *AllocationRule) int64 {
	take := func(i int, c Component) {
		in := &f.inst[i]
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
	if r.Direction == Vertical {
		for _, b := range r.Order {
			if f.noAhead && b.stage() == inAdvance {
				continue
			}
			first, end, step := f.stageRange(r, b.stage())
			for i := first; i != end && a > 0; i += step {
				take(i, b.component())
			}
		}
		return a
	}
	var done [3]bool
	for _, b := range r.Order {
		s := b.stage()
		if done[s] || f.noAhead && s == inAdvance {
			continue
		}
		done[s] = true
		first, end, step := f.stageRange(r, s)
		for i := first; i != end && a > 0; i += step {
			for _, x := range r.Order {
				if x.stage() == s {
					take(i, x.component())
				}
			}
		}
	}
	return a
}
