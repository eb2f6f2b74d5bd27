package invest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// A book is stored the way a loan is: its Opening and an append-only log
// of operations (BookOp) since. OpenBook replays the log through the same
// methods that made it, so the stored form can never disagree with the
// package's rules, and a host writes one small operation per change
// instead of rewriting the holdings.

// The kinds of book operation, as BookOp.Kind names them.
const (
	OpDistribution = "distribution"
	OpTransfer     = "transfer"
	OpPayout       = "payout"
)

// Opening is what a book is opened with: the header a host stores, to
// which the operations are appended.
type Opening struct {
	// On is the funding date (the loan's disbursement).
	On date.Date `json:"on"`
	// Fundings are the investors' shares, in holding order.
	Fundings []Funding `json:"fundings"`
	// Policy is the book policy the loan was funded under. Replaying under
	// it keeps the stored operations valid — and the fees the investors
	// agreed to — when the host's policy for new loans changes later.
	Policy BookPolicy `json:"policy"`
}

// UnmarshalJSON decodes an opening; malformed text is an error, never a
// panic (see decodeGuarded).
func (o *Opening) UnmarshalJSON(b []byte) error {
	type plain Opening
	var p plain
	if err := decodeGuarded(b, &p); err != nil {
		return err
	}
	*o = Opening(p)
	return nil
}

// Open is OpenBook with the opening's date, fundings and policy.
func (o Opening) Open(loanID uuid.UUID, ops ...BookOp) (*Book, error) {
	return OpenBook(loanID, o.On, o.Fundings, o.Policy, ops...)
}

// BookOp is one operation on a book as stored: exactly one field is set.
type BookOp struct {
	// Distribute is a borrower repayment split among the claimants.
	Distribute *Repayment `json:"distribute,omitempty"`
	// Transfer is a claim transfer (债权转让).
	Transfer *TransferOp `json:"transfer,omitempty"`
	// Payout is a compensation payout (代偿) by a reserve or guarantor.
	Payout *PayoutOp `json:"payout,omitempty"`
}

// TransferOp is a claim transfer as stored: the request and the facts
// about the loan that priced and checked it, so the replay prices it the
// same way.
type TransferOp struct {
	Request TransferRequest `json:"request"`
	Status  LoanStatus      `json:"status"`
}

// PayoutOp is a compensation payout as stored: who paid, and what.
type PayoutOp struct {
	Payer  uuid.UUID `json:"payer"`
	Payout Payout    `json:"payout"`
}

// UnmarshalJSON decodes an operation; malformed text is an error, never a
// panic (see decodeGuarded).
func (op *BookOp) UnmarshalJSON(b []byte) error {
	type plain BookOp
	var p plain
	if err := decodeGuarded(b, &p); err != nil {
		return err
	}
	*op = BookOp(p)
	return nil
}

// decodeGuarded decodes JSON into v, turning a panic into an error
// wrapping ErrInvalidInput. The date package (github.com/rickb777/date
// v1.21.1) panics on some malformed dates ("00000-00") instead of
// returning an error, and a stored book is outside input: a corrupt row
// must not bring a host down. The guard costs a second scan of each
// operation's bytes, which decoding a log can afford.
func decodeGuarded(b []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: malformed JSON: %v", ErrInvalidInput, r)
		}
	}()
	return json.Unmarshal(b, v)
}

// set returns how many of the operation's fields are set.
func (op BookOp) set() int {
	n := 0
	if op.Distribute != nil {
		n++
	}
	if op.Transfer != nil {
		n++
	}
	if op.Payout != nil {
		n++
	}
	return n
}

// Kind names the operation: OpDistribution, OpTransfer or OpPayout; ""
// unless exactly one field is set.
func (op BookOp) Kind() string {
	switch {
	case op.set() != 1:
		return ""
	case op.Distribute != nil:
		return OpDistribution
	case op.Transfer != nil:
		return OpTransfer
	}
	return OpPayout
}

// Day returns the operation's business date: the repayment's, the
// transfer's or the payout's; the zero Date unless exactly one field is set.
func (op BookOp) Day() date.Date {
	switch {
	case op.set() != 1:
		return date.Date{}
	case op.Distribute != nil:
		return op.Distribute.On
	case op.Transfer != nil:
		return op.Transfer.Request.On
	}
	return op.Payout.Payout.On
}

// Validate reports every bad field of the operation that can be judged
// without the book, named as its JSON spells it ("distribute.paid.interest",
// "transfer.request.buyer"): exactly one field set, dates present, amounts
// non-negative, within money.MaxMinor and in one currency. A transfer's
// period must name its day count: a stored operation must not depend on
// what the zero value means. What only the book can judge (the holding
// exists, the principal is held, the currency is the loan's, the transfer
// rules) is Apply's.
func (op BookOp) Validate() error {
	v := invalid()
	switch op.set() {
	case 0:
		v.Add("distribute", "exactly one of distribute, transfer and payout must be set; none is")
	case 1:
	default:
		first := ""
		for _, k := range []struct {
			name string
			set  bool
		}{{"distribute", op.Distribute != nil}, {"transfer", op.Transfer != nil}, {"payout", op.Payout != nil}} {
			if !k.set {
				continue
			}
			if first == "" {
				first = k.name
				continue
			}
			v.Addf(k.name, "set together with %s: an operation is exactly one of them", first)
		}
	}
	if v.Len() > 0 {
		return v
	}
	switch {
	case op.Distribute != nil:
		r := op.Distribute
		if r.On.IsZero() {
			v.Add("distribute.on", "missing date")
		}
		if r.Installment < 0 {
			v.Addf("distribute.installment", "%d must not be negative", r.Installment)
		}
		cur := money.Currency{}
		for c := loan.Principal; c <= loan.Fee; c++ {
			checkIn(v, "distribute.paid."+c.String(), r.Paid.Get(c), &cur)
		}
		if v.Len() == 0 {
			if t := r.Paid.Principal.Minor() + r.Paid.Interest.Minor() + r.Paid.Penalty.Minor() + r.Paid.Fee.Minor(); t > money.MaxMinor {
				v.Addf("distribute.paid", "total %d minor units exceeds the largest amount %d", t, int64(money.MaxMinor))
			}
		}
	case op.Transfer != nil:
		q := op.Transfer.Request
		if q.Holding < 0 {
			v.Addf("transfer.request.holding", "%d must not be negative", q.Holding)
		}
		if q.Buyer == uuid.Nil {
			v.Add("transfer.request.buyer", "missing buyer id")
		}
		if !q.Principal.IsPositive() || q.Principal.Minor() > money.MaxMinor || q.Principal.Currency().IsZero() {
			v.Addf("transfer.request.principal", "%s must be a positive amount with a currency, no larger than %d minor units", q.Principal, int64(money.MaxMinor))
		}
		if q.On.IsZero() {
			v.Add("transfer.request.on", "missing date")
		}
		if m := q.Premium.Minor(); m > money.MaxMinor || m < -money.MaxMinor || !q.Premium.SameCurrency(q.Principal) {
			v.Addf("transfer.request.premium", "%s must be in the principal's currency, within %d minor units", q.Premium, int64(money.MaxMinor))
		}
		st := op.Transfer.Status
		st.Period.validate(v, "transfer.status.period")
		if st.Period.DayCount == 0 {
			v.Add("transfer.status.period.day_count", "must be named: a stored transfer must not depend on the zero default")
		}
		if st.DaysPastDue < 0 {
			v.Addf("transfer.status.days_past_due", "%d must not be negative", st.DaysPastDue)
		}
	default:
		p := op.Payout
		if p.Payer == uuid.Nil {
			v.Add("payout.payer", "missing payer id")
		}
		if p.Payout.On.IsZero() {
			v.Add("payout.payout.on", "missing date")
		}
		if p.Payout.Installment < 0 {
			v.Addf("payout.payout.installment", "%d must not be negative", p.Payout.Installment)
		}
		cur := money.Currency{}
		checkIn(v, "payout.payout.principal", p.Payout.Principal, &cur)
		checkIn(v, "payout.payout.interest", p.Payout.Interest, &cur)
		if v.Len() == 0 && p.Payout.Total().IsZero() {
			v.Add("payout.payout.principal", "the payout is zero")
		}
	}
	return v.Err()
}

// checkIn reports an amount that is negative, above money.MaxMinor, or in
// another currency than *cur (which the first non-zero amount sets).
func checkIn(v *fault.Fields, field string, a money.Amount, cur *money.Currency) {
	if a.IsNegative() || a.Minor() > money.MaxMinor {
		v.Addf(field, "%s must be non-negative and no larger than %d minor units", a, int64(money.MaxMinor))
		return
	}
	if a.Currency().IsZero() {
		if !a.IsZero() {
			v.Addf(field, "%s has no currency", a)
		}
		return // a bare zero ("0") is in every currency
	}
	if cur.IsZero() {
		*cur = a.Currency()
	} else if a.Currency() != *cur {
		v.Addf(field, "%s is not in %s, the operation's currency", a, *cur)
	}
}

// Apply performs one stored operation on the book — what OpenBook does per
// operation, and what a host does to record a new one — and returns its
// result for the host to emit: a *Distribution, a *Transfer or a
// *Compensation. The operation is checked with Validate first, then by the
// method it stands for (Distribute, Transfer, Compensate), whose field
// errors are named as the operation's JSON spells them
// ("transfer.request.principal"); a transfer the policy refuses is that
// method's *EligibilityError. Any error leaves the book unchanged.
func (b *Book) Apply(op BookOp) (any, error) {
	if err := op.Validate(); err != nil {
		return nil, err
	}
	switch {
	case op.Distribute != nil:
		d, err := b.Distribute(*op.Distribute)
		if err != nil {
			return nil, reroot(err, func(name string) string { return fault.Join("distribute", name) })
		}
		return d, nil
	case op.Transfer != nil:
		t, err := b.Transfer(op.Transfer.Request, op.Transfer.Status)
		if err != nil {
			return nil, reroot(err, func(name string) string {
				switch {
				case strings.HasPrefix(name, "status"), strings.HasPrefix(name, "policy"):
					return fault.Join("transfer", name)
				}
				return fault.Join("transfer.request", name)
			})
		}
		return &t, nil
	}
	c, err := b.Compensate(op.Payout.Payer, op.Payout.Payout)
	if err != nil {
		return nil, reroot(err, func(name string) string {
			if name == "payer" {
				return "payout.payer"
			}
			return fault.Join("payout.payout", name)
		})
	}
	return c, nil
}

// reroot returns err with the names of its bad fields mapped by path; an
// error that is not a *fault.Fields is returned as it is.
func reroot(err error, path func(string) string) error {
	f, ok := err.(*fault.Fields)
	if !ok {
		return err
	}
	out := &fault.Fields{Kind: f.Kind, List: make([]fault.Field, len(f.List))}
	for i, x := range f.List {
		x.Name = path(x.Name)
		out.List[i] = x
	}
	return out
}

// OpenBook is NewBook followed by the replay of ops, in order, through
// Apply: the book as its stored log left it. Bad fundings or policy are
// NewBook's *fault.Fields. An operation the book refuses means the stored
// log is not one this package wrote (or was written under another policy):
// the error wraps ErrInconsistentOps (code fault.CodeCorrupt) and Apply's
// error, and names the operation ("ops[3] (transfer)").
func OpenBook(loanID uuid.UUID, on date.Date, fundings []Funding, p BookPolicy, ops ...BookOp) (*Book, error) {
	b, err := NewBook(loanID, on, fundings, p)
	if err != nil {
		return nil, err
	}
	for i, op := range ops {
		if _, err := b.Apply(op); err != nil {
			return nil, fmt.Errorf("%w: ops[%d] (%s): %w", ErrInconsistentOps, i, op.Kind(), err)
		}
	}
	return b, nil
}

// Holders returns the investors who hold a part of the loan now, sorted by
// id with no repeats: holders of principal, and payers of compensation with
// a subrogated claim not fully recovered. It is what a host indexes a book
// by, to find an investor's books for a statement.
func (b *Book) Holders() []uuid.UUID {
	var out []uuid.UUID
	for i := range b.holdings {
		if b.holdings[i].Principal.IsPositive() {
			out = append(out, b.holdings[i].Holder)
		}
	}
	for _, c := range b.claims {
		if c.OpenPrincipal().IsPositive() || c.OpenInterest().IsPositive() {
			out = append(out, c.Payer)
		}
	}
	slices.SortFunc(out, func(x, y uuid.UUID) int { return bytes.Compare(x[:], y[:]) })
	return slices.Compact(out)
}

// Op returns the book operation that records the compensation c, for a
// host to append to the book's log.
func (c *Compensation) Op() BookOp {
	return BookOp{Payout: &PayoutOp{Payer: c.Payer, Payout: c.Payout}}
}
