package line

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// Terms are what a line is granted on (授信): who, what product, how much,
// for how long, and what each drawdown may look like. Open validates
// every field.
type Terms struct {
	// ID identifies the line; the host generates it.
	ID           uuid.UUID         `json:"id"`
	Borrower     uuid.UUID         `json:"borrower"`
	BorrowerKind loan.BorrowerKind `json:"borrower_kind"`
	// Product is the host's name of the credit product ("consumer-revolving").
	Product string `json:"product"`
	// Purpose is the declared use of the funds each drawdown carries into
	// its loan, one of the codes the compliance policy allows.
	Purpose string `json:"purpose"`
	// Limit is the line's limit when it opens; its currency is the line's.
	Limit money.Amount `json:"limit"`
	// Revolving lines regain what is repaid: available = limit −
	// outstanding principal. A non-revolving line is used up by what was
	// drawn: available = limit − drawn.
	Revolving bool `json:"revolving"`
	// From and Until bound the validity: drawdowns start on one of these
	// days, inclusive.
	From  date.Date `json:"from"`
	Until date.Date `json:"until"`
	// Committed lines are those the lender may not cancel unconditionally
	// at any time without notice: their undrawn amount converts to
	// exposure at the policy's committed factor (Policy.Conversion).
	Committed bool `json:"committed,omitempty"`
	// Allowed bounds each drawdown's terms.
	Allowed Allowed `json:"allowed"`
	// Dossier is the credit investigation the line was granted on
	// (授信调查); each drawdown's application carries it.
	Dossier  loan.Dossier `json:"dossier"`
	OpenedBy string       `json:"opened_by"`
}

// Allowed is what a drawdown's terms may be. A zero bound is not checked.
type Allowed struct {
	// MinAmount and MaxAmount bound one drawdown's principal.
	MinAmount money.Amount `json:"min_amount,omitzero"`
	MaxAmount money.Amount `json:"max_amount,omitzero"`
	// MinTerm and MaxTerm bound the maturity counted from the start.
	MinTerm loan.Term `json:"min_term,omitzero"`
	MaxTerm loan.Term `json:"max_term,omitzero"`
	// MinRate and MaxRate bound the nominal annual rate.
	MinRate money.Rate `json:"min_rate,omitzero"`
	MaxRate money.Rate `json:"max_rate,omitzero"`
	// Methods are the repayment methods allowed; empty allows any.
	Methods []schedule.Method `json:"methods,omitempty"`
	// WithinValidity requires each drawdown to mature by the line's Until.
	WithinValidity bool `json:"within_validity,omitempty"`
}

// Temporary is a limit in force for a while (临时额度): from From to
// Until inclusive it replaces the permanent limit.
type Temporary struct {
	Limit money.Amount `json:"limit"`
	From  date.Date    `json:"from"`
	Until date.Date    `json:"until"`
}

// Drawdown is one loan drawn under the line.
type Drawdown struct {
	Loan   uuid.UUID    `json:"loan"`
	Amount money.Amount `json:"amount"`
	On     date.Date    `json:"on"`
	By     string       `json:"by"`
	// Key is the drawdown's idempotency key.
	Key string `json:"key"`
}

// Record is one entry of the line's history: what happened, who did it,
// when and why, and the status and limit it left the line with.
type Record struct {
	Event   Event        `json:"event"`
	Officer string       `json:"officer"`
	On      date.Date    `json:"on"`
	Reason  string       `json:"reason,omitempty"`
	Outcome Status       `json:"outcome"`
	Limit   money.Amount `json:"limit,omitzero"`
}

// Line is a credit line: its terms, status, limit, drawdowns, the limit
// change awaiting approval and its history. Its state changes only through
// its methods, each of which validates fully and leaves the line
// unchanged on error.
type Line struct {
	terms     Terms
	status    Status
	limit     money.Amount
	temporary *Temporary
	drawdowns []Drawdown
	pending   *Change
	history   []Record
}

// Open validates t and returns an Active line. Every bad field is listed
// in a *fault.Fields.
func Open(t Terms, on date.Date) (*Line, error) {
	v := fault.Fields{Kind: ErrInvalidInput}
	t.validate(&v)
	if on.IsZero() {
		v.Add("on", "is missing")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	t = t.clone()
	return &Line{terms: t, status: Active, limit: t.Limit,
		history: []Record{{Event: EventOpen, Officer: t.OpenedBy, On: on, Outcome: Active, Limit: t.Limit}}}, nil
}

func (t *Terms) clone() Terms {
	c := *t
	c.Allowed.Methods = slices.Clone(t.Allowed.Methods)
	c.Dossier.Findings = slices.Clone(t.Dossier.Findings)
	return c
}

func (t *Terms) validate(v *fault.Fields) {
	if t.ID == uuid.Nil {
		v.Add("id", "is missing")
	}
	if t.Product == "" {
		v.Add("product", "is missing")
	}
	if t.OpenedBy == "" {
		v.Add("opened_by", "is missing")
	}
	cur := t.Limit.Currency()
	switch {
	case cur.IsZero():
		v.Add("limit", "is missing")
	case !t.Limit.IsPositive():
		v.Add("limit", "must be positive")
	}
	if t.From.IsZero() {
		v.Add("from", "is missing")
	}
	if t.Until.IsZero() {
		v.Add("until", "is missing")
	} else if !t.From.IsZero() && t.Until.Before(t.From) {
		v.Add("until", "is before from")
	}
	// The borrower, kind, purpose and dossier are what each drawdown's
	// application carries: loan's own validation of a request checks them.
	probe := loan.Request{ID: t.ID, Borrower: t.Borrower, BorrowerKind: t.BorrowerKind, Purpose: t.Purpose,
		Dossier: t.Dossier, SubmittedBy: "line", SubmittedOn: t.From,
		Terms: schedule.Terms{Principal: money.New(1, cur), Method: schedule.Bullet, Frequency: schedule.Days,
			Periods: 1, TermDays: 1, Start: t.From}}
	if cur.IsZero() {
		probe.Terms.Principal = money.MustParse("1", money.CNY)
	}
	if probe.Terms.Start.IsZero() {
		probe.Terms.Start = date.New(2000, 1, 1)
		probe.SubmittedOn = probe.Terms.Start
	}
	if _, err := loan.NewApplication(probe); err != nil {
		var f *fault.Fields
		if errors.As(err, &f) {
			for _, x := range f.List {
				if x.Name == "borrower" || x.Name == "borrower_kind" || x.Name == "purpose" ||
					strings.HasPrefix(x.Name, "dossier") {
					v.Add(x.Name, x.Problem)
				}
			}
		}
	}
	t.Allowed.validate(cur, v)
}

func (a *Allowed) validate(cur money.Currency, v *fault.Fields) {
	amount := func(x money.Amount, name string) {
		switch {
		case x.IsZero():
		case x.Currency() != cur:
			v.Add(name, "is not in the limit's currency")
		case x.IsNegative():
			v.Add(name, "must not be negative")
		}
	}
	amount(a.MinAmount, "allowed.min_amount")
	amount(a.MaxAmount, "allowed.max_amount")
	if !a.MaxAmount.IsZero() && a.MinAmount.SameCurrency(a.MaxAmount) && a.MaxAmount.Cmp(a.MinAmount) < 0 {
		v.Add("allowed.max_amount", "is below min_amount")
	}
	term := func(t loan.Term, name string) {
		if t.Months < 0 || t.Months > 1200 {
			v.Add(name+".months", "must be between 0 and 1200")
		}
		if t.Days < 0 || t.Days > 36600 {
			v.Add(name+".days", "must be between 0 and 36600")
		}
	}
	term(a.MinTerm, "allowed.min_term")
	term(a.MaxTerm, "allowed.max_term")
	if a.MinRate.IsNegative() {
		v.Add("allowed.min_rate", "must not be negative")
	}
	if a.MaxRate.IsNegative() {
		v.Add("allowed.max_rate", "must not be negative")
	} else if !a.MaxRate.IsZero() && a.MaxRate.Cmp(a.MinRate) < 0 {
		v.Add("allowed.max_rate", "is below min_rate")
	}
	for i, m := range a.Methods {
		name := fmt.Sprintf("allowed.methods[%d]", i)
		switch {
		case !m.Valid():
			v.Add(name, "is not a repayment method")
		case slices.Contains(a.Methods[:i], m):
			v.Add(name, "repeats "+m.String())
		}
	}
}

// ID returns the line's id.
func (l *Line) ID() uuid.UUID { return l.terms.ID }

// Borrower returns the borrower's id.
func (l *Line) Borrower() uuid.UUID { return l.terms.Borrower }

// Terms returns a copy of what the line was granted on (Terms.Limit is
// the limit at opening; Limit says what it is now).
func (l *Line) Terms() Terms { return l.terms.clone() }

// Status returns the line's status.
func (l *Line) Status() Status { return l.status }

// Currency returns the line's currency.
func (l *Line) Currency() money.Currency { return l.terms.Limit.Currency() }

// Revolving reports whether repayments restore availability.
func (l *Line) Revolving() bool { return l.terms.Revolving }

// PermanentLimit returns the limit outside any temporary limit.
func (l *Line) PermanentLimit() money.Amount { return l.limit }

// Temporary returns the temporary limit, in force or not, and false when
// there is none.
func (l *Line) Temporary() (Temporary, bool) {
	if l.temporary == nil {
		return Temporary{}, false
	}
	return *l.temporary, true
}

// Limit returns the limit in force on day: a temporary limit between its
// From and Until, the permanent limit otherwise.
func (l *Line) Limit(day date.Date) money.Amount {
	if t := l.temporary; t != nil && !day.Before(t.From) && !day.After(t.Until) {
		return t.Limit
	}
	return l.limit
}

// Drawdowns returns a copy of the drawdowns, oldest first.
func (l *Line) Drawdowns() []Drawdown { return slices.Clone(l.drawdowns) }

// Loans returns the ids of the loans drawn under the line, oldest first.
func (l *Line) Loans() []uuid.UUID {
	ids := make([]uuid.UUID, len(l.drawdowns))
	for i, d := range l.drawdowns {
		ids[i] = d.Loan
	}
	return ids
}

// Drawn returns the principal drawn over the line's life.
func (l *Line) Drawn() money.Amount {
	sum := money.Zero(l.Currency())
	for _, d := range l.drawdowns {
		sum = sum.Add(d.Amount)
	}
	return sum
}

// Used returns what counts against the limit: the outstanding principal
// of the line's loans (the caller's figure) on a revolving line, what was
// drawn on a non-revolving one.
func (l *Line) Used(outstanding money.Amount) money.Amount {
	if l.terms.Revolving {
		return outstanding
	}
	return l.Drawn()
}

// Available returns what may still be drawn on day: the limit in force
// less what is used, never below zero. outstanding is the outstanding
// principal of the line's loans on day; a non-revolving line ignores it.
// A limit decreased below the outstanding leaves nothing available: new
// drawdowns wait until repayments bring the outstanding under it.
func (l *Line) Available(day date.Date, outstanding money.Amount) money.Amount {
	a := l.Limit(day).Sub(l.Used(outstanding))
	if a.IsNegative() {
		return money.Zero(l.Currency())
	}
	return a
}

// DrawdownByKey returns the drawdown made with idempotency key, and false
// when there is none.
func (l *Line) DrawdownByKey(key string) (Drawdown, bool) {
	i := slices.IndexFunc(l.drawdowns, func(d Drawdown) bool { return d.Key == key })
	if i < 0 {
		return Drawdown{}, false
	}
	return l.drawdowns[i], true
}

// Pending returns the limit change awaiting approval, and false when none
// is.
func (l *Line) Pending() (Change, bool) {
	if l.pending == nil {
		return Change{}, false
	}
	return *l.pending, true
}

// History returns a copy of the line's history, oldest first; the first
// record is the opening.
func (l *Line) History() []Record { return slices.Clone(l.history) }

// Clone returns a deep copy, for a caller that must keep the line as it
// was while another copy takes a change.
func (l *Line) Clone() *Line {
	c := *l
	c.terms = l.terms.clone()
	if l.temporary != nil {
		t := *l.temporary
		c.temporary = &t
	}
	if l.pending != nil {
		p := *l.pending
		c.pending = &p
	}
	c.drawdowns = slices.Clone(l.drawdowns)
	c.history = slices.Clone(l.history)
	return &c
}

// next checks that event e is legal from the line's status.
func (l *Line) next(e Event) (Status, error) { return lineLifecycle.Next(l.status, e) }

// validateAction checks who, when and (when needReason) why.
func validateAction(act loan.Action, needReason bool, v *fault.Fields) {
	if act.Officer == "" {
		v.Add("officer", "is missing")
	}
	if act.On.IsZero() {
		v.Add("on", "is missing")
	}
	if needReason && act.Reason == "" {
		v.Add("reason", "is missing")
	}
}
