package collect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// Record is what has been recorded about collecting one loan: promises to
// pay and what came of them, demands and other interruptions of the
// limitation period, legal proceedings.
//
// It is the unit a host stores and versions per loan: every decision about
// it (is this promise new, is it kept, has the ladder been told it broke)
// is a method here, so two processes that read, decide and write it with
// optimistic versions reach the same result as one.
type Record struct {
	Loan        uuid.UUID         `json:"loan"`
	Promises    []PromiseRecord   `json:"promises,omitempty"`
	Demands     []LimitationEvent `json:"demands,omitempty"` // kept sorted by day (stable)
	Proceedings []Proceeding      `json:"proceedings,omitempty"`
}

// PromiseRecord is a promise to pay and what came of it.
type PromiseRecord struct {
	Promise
	// Status is Pending until Review settles the promise: Kept once the
	// borrower's payments from the day it was made cover it, Broken when
	// its deadline passed without that.
	Status PromiseStatus `json:"status"`
	// Settled is the business day the close settled it; Paid what the
	// borrower had paid towards it by then.
	Settled date.Date    `json:"settled,omitzero"`
	Paid    money.Amount `json:"paid"`
	// Fed is the day the close fed a broken promise to the ladder
	// (Facts.BrokenPromise), after which it moves the loan no further.
	Fed date.Date `json:"fed,omitzero"`
}

// NewRecord returns the empty record of a loan.
func NewRecord(loan uuid.UUID) *Record { return &Record{Loan: loan} }

// AddPromise validates p and records it Pending. Besides Promise.Validate,
// p must be about this loan (a zero p.Loan is taken to mean it), in the
// loan's currency cur, and made on or after the loan's start. A zero p.ID is
// derived from p's content, so recording the same promise again returns
// the record already there with added false and no error; an ID already
// recorded with other terms is a *fault.Fields naming "id". A bad promise
// returns a *fault.Fields listing every bad field; nothing changes on
// error.
//
// The Engine also refuses a promise made after today, which needs the
// clock this package does not read.
func (r *Record) AddPromise(p Promise, cur money.Currency, loanStart date.Date) (PromiseRecord, bool, error) {
	if p.Loan == uuid.Nil {
		p.Loan = r.Loan
	}
	bad := invalid()
	if err := p.Validate(); err != nil && !bad.Merge("", err) {
		return PromiseRecord{}, false, err
	}
	if p.Loan != r.Loan {
		bad.Add("loan", "is not the loan "+r.Loan.String())
	}
	if p.Amount.Currency() != cur {
		bad.Addf("amount", "%s is not in the loan's currency %s", p.Amount, cur)
	}
	if p.Made.IsZero() {
		bad.Add("made", "missing")
	} else if p.Made.Before(loanStart) {
		bad.Addf("made", "%s is before the loan started (%s)", p.Made, loanStart)
	}
	if bad.Len() > 0 {
		return PromiseRecord{}, false, bad
	}
	if p.ID == uuid.Nil {
		raw, err := json.Marshal(p)
		if err != nil {
			return PromiseRecord{}, false, fault.Invalid(ErrInvalidInput, "promise", err.Error())
		}
		p.ID = uuid.NewSHA1(r.Loan, raw)
	}
	for _, old := range r.Promises {
		if old.ID != p.ID {
			continue
		}
		if old.Promise == p {
			return old, false, nil
		}
		return PromiseRecord{}, false, fault.Invalid(ErrInvalidInput, "id", p.ID.String()+" already records a promise with other terms")
	}
	pr := PromiseRecord{Promise: p, Status: Pending, Paid: money.Zero(cur)}
	r.Promises = append(r.Promises, pr)
	return pr, true, nil
}

// Review settles the pending promises as of the close of day. received(d)
// is the borrower's cumulative payments by value date through day d, in
// the loan's currency. A promise is kept once what came in from the day it
// was made to its deadline — received(min(deadline, day)) −
// received(made − 1) — reaches its amount less the tolerated shortfall,
// which may settle it before its deadline; it is broken the day after its
// deadline otherwise (Promise.Evaluate); a promise made after day waits.
// Review returns the records it settled, with Settled = day and Paid set.
//
// Value dates make the verdict the same whenever the close runs, so a late
// or repeated review settles nothing differently. An error from received,
// or an amount in another currency, returns the error and settles nothing.
func (r *Record) Review(day date.Date, received func(through date.Date) (money.Amount, error)) ([]PromiseRecord, error) {
	type verdict struct {
		i      int
		status PromiseStatus
		paid   money.Amount
	}
	var found []verdict
	for i := range r.Promises {
		pr := &r.Promises[i]
		if pr.Status != Pending || day.Before(pr.Made) {
			continue
		}
		before, err := received(pr.Made.Add(-1))
		if err != nil {
			return nil, err
		}
		by, err := received(pr.Deadline().Min(day))
		if err != nil {
			return nil, err
		}
		if !by.SameCurrency(before) || !by.SameCurrency(pr.Amount) {
			return nil, fault.Invalid(ErrInvalidInput, "received",
				fmt.Sprintf("%s and %s: payments must be in the promise's currency, %s", before, by, pr.Amount.Currency()))
		}
		paid := money.Zero(pr.Amount.Currency()).Add(by.Sub(before))
		// One payment dated the day the promise was made stands for all
		// of them: Evaluate counts what falls between then and the
		// deadline, which is what paid already is.
		st, err := pr.Evaluate([]Payment{{Day: pr.Made, Amount: paid}}, day)
		if err != nil {
			return nil, err
		}
		if st != Pending {
			found = append(found, verdict{i, st, paid})
		}
	}
	var out []PromiseRecord
	for _, v := range found {
		pr := &r.Promises[v.i]
		pr.Status, pr.Settled, pr.Paid = v.status, day, v.paid
		out = append(out, *pr)
	}
	return out, nil
}

// NextDeadline returns the earliest Deadline of the pending promises, or
// the zero date when none is pending: the day by which the close must
// review the record at the latest (it may settle a promise earlier, once
// payments cover it).
func (r *Record) NextDeadline() date.Date {
	var next date.Date
	for i := range r.Promises {
		pr := &r.Promises[i]
		if pr.Status == Pending && (next.IsZero() || pr.Deadline().Before(next)) {
			next = pr.Deadline()
		}
	}
	return next
}

// unfed reports whether pr is a broken promise not yet fed to the ladder.
func (pr *PromiseRecord) unfed() bool { return pr.Status == Broken && pr.Fed.IsZero() }

// Unfed returns the earliest day a broken promise not yet fed to the ladder
// was found broken (its Settled day), or the zero date when there is none.
func (r *Record) Unfed() date.Date {
	var first date.Date
	for i := range r.Promises {
		pr := &r.Promises[i]
		if pr.unfed() && (first.IsZero() || pr.Settled.Before(first)) {
			first = pr.Settled
		}
	}
	return first
}

// BrokenBefore reports whether a promise found broken before day has not
// been fed to the ladder yet: the close of day sets Facts.BrokenPromise.
// A promise found broken on day itself waits for the next day's close, so
// a re-run of the close of day does not feed it early.
func (r *Record) BrokenBefore(day date.Date) bool {
	for i := range r.Promises {
		if pr := &r.Promises[i]; pr.unfed() && pr.Settled.Before(day) {
			return true
		}
	}
	return false
}

// MarkFed marks the broken promises found before day, not yet fed, as fed
// on day, and returns how many it marked. The close calls it once it has
// got through the loan's day with Facts.BrokenPromise set.
func (r *Record) MarkFed(day date.Date) int {
	n := 0
	for i := range r.Promises {
		if pr := &r.Promises[i]; pr.unfed() && pr.Settled.Before(day) {
			pr.Fed = day
			n++
		}
	}
	return n
}

// AddDemand records a demand or another interruption of the borrower's
// limitation period (LimitationEvent.Validate checks it) and keeps Demands
// sorted by day, events of one day in the order recorded. The same event
// again — same day, kind and evidence — adds nothing and returns false. A
// bad event returns a *fault.Fields and changes nothing.
func (r *Record) AddDemand(ev LimitationEvent) (bool, error) {
	if err := ev.Validate(); err != nil {
		return false, err
	}
	for _, d := range r.Demands {
		if d.Day == ev.Day && d.Kind == ev.Kind && d.Evidence == ev.Evidence {
			return false, nil
		}
	}
	r.Demands = append(r.Demands, ev)
	// A total order — by day, kind, then evidence — so the record is the
	// same whichever of two demands of one day was recorded first (two
	// replicas may record them in either order).
	slices.SortFunc(r.Demands, func(a, b LimitationEvent) int {
		if c := byDay(a, b); c != 0 {
			return c
		}
		if a.Kind != b.Kind {
			return int(a.Kind) - int(b.Kind)
		}
		return strings.Compare(a.Evidence, b.Evidence)
	})
	return true, nil
}

// File records a suit or arbitration filed on day for claimed
// (FileProceeding) and returns it. Filing interrupts the limitation period
// (Civil Code art. 195(3)), so File also records a Lawsuit event in
// Demands with the evidence "proceeding/<id>". A missing or already used
// id, a missing day or forum, or a claim that is not positive is a
// *fault.Fields; nothing changes on error. The pointer returned is into
// Proceedings, valid until the next File.
func (r *Record) File(id uuid.UUID, forum string, day date.Date, claimed money.Amount) (*Proceeding, error) {
	bad := invalid()
	if id == uuid.Nil {
		bad.Add("id", "missing")
	} else if r.proceeding(id) >= 0 {
		bad.Addf("id", "%s already names a proceeding of the loan", id)
	}
	if day.IsZero() {
		bad.Add("day", "missing")
	}
	p, err := FileProceeding(id, r.Loan, forum, day, claimed)
	if err != nil && !bad.Merge("", err) {
		return nil, err
	}
	if bad.Len() > 0 {
		return nil, bad
	}
	r.Proceedings = append(r.Proceedings, *p)
	// Valid by construction: a day, a kind, evidence.
	_, _ = r.AddDemand(LimitationEvent{Day: day, Kind: Lawsuit, Delivered: true, Evidence: "proceeding/" + id.String()})
	return &r.Proceedings[len(r.Proceedings)-1], nil
}

// proceeding returns the index of the proceeding id, or -1.
func (r *Record) proceeding(id uuid.UUID) int {
	return slices.IndexFunc(r.Proceedings, func(p Proceeding) bool { return p.ID == id })
}

// Proceeding returns the legal proceeding id, to take its next step
// (Judge, Enforce, AddRecovery, Conclude) in place; an error wrapping
// ErrNotFound when the loan has none of that id. The pointer is into
// Proceedings, valid until the next File.
func (r *Record) Proceeding(id uuid.UUID) (*Proceeding, error) {
	i := r.proceeding(id)
	if i < 0 {
		return nil, fmt.Errorf("%w: proceeding %s of loan %s", ErrNotFound, id, r.Loan)
	}
	return &r.Proceedings[i], nil
}

// Claim returns the borrower's limitation claim on the loan: the period
// starts on start (the due date of the last installment, or the
// acceleration date: Civil Code art. 189), and the events are the
// acknowledgements given — the borrower's payments, each an acknowledgement
// of the debt (SPC limitation provisions art. 14), which the caller derives
// from the loan's journal — then the recorded demands, sorted by day
// (stable). Neither the record nor acknowledgements is changed.
func (r *Record) Claim(start date.Date, acknowledgements []LimitationEvent) Claim {
	events := make([]LimitationEvent, 0, len(acknowledgements)+len(r.Demands))
	events = append(events, acknowledgements...)
	events = append(events, r.Demands...)
	slices.SortStableFunc(events, byDay)
	return Claim{Loan: r.Loan, Party: Borrower, Start: start, Events: events}
}

// Validate reports in one *fault.Fields wrapping ErrInvalidInput every
// field of a record read from outside (a store, a file) that the methods
// could not work with: a missing loan; promises that fail Promise.Validate,
// belong to another loan, repeat an id or have a status, settlement or
// feed day that does not fit their status; demands that fail
// LimitationEvent.Validate or are out of order; proceedings with a bad
// id, forum, status, amounts in several currencies, or steps that are not
// a path of the proceeding lifecycle ending in their status.
func (r *Record) Validate() error {
	bad := invalid()
	if r.Loan == uuid.Nil {
		bad.Add("loan", "missing")
	}
	seen := map[uuid.UUID]bool{}
	for i := range r.Promises {
		pr := &r.Promises[i]
		f := fmt.Sprintf("promises[%d]", i)
		pr.check(bad, f, r.Loan)
		if pr.ID != uuid.Nil && seen[pr.ID] {
			bad.Addf(f+".id", "%s appears twice", pr.ID)
		}
		seen[pr.ID] = true
	}
	for i := range r.Demands {
		bad.Merge(fmt.Sprintf("demands[%d]", i), r.Demands[i].Validate())
	}
	if !slices.IsSortedFunc(r.Demands, byDay) {
		bad.Add("demands", "not in order of day")
	}
	clear(seen)
	for i := range r.Proceedings {
		p := &r.Proceedings[i]
		f := fmt.Sprintf("proceedings[%d]", i)
		p.check(bad, f, r.Loan)
		if p.ID != uuid.Nil && seen[p.ID] {
			bad.Addf(f+".id", "%s appears twice", p.ID)
		}
		seen[p.ID] = true
	}
	return bad.Err()
}

// check adds the bad fields of a stored promise record of loan to bad
// under prefix f.
func (pr *PromiseRecord) check(bad *fault.Fields, f string, loan uuid.UUID) {
	bad.Merge(f, pr.Promise.Validate())
	if pr.ID == uuid.Nil {
		bad.Add(f+".id", "missing")
	}
	if pr.Loan != loan {
		bad.Add(f+".loan", "is not the loan "+loan.String())
	}
	if pr.Made.IsZero() {
		bad.Add(f+".made", "missing")
	}
	if !pr.Paid.SameCurrency(pr.Amount) {
		bad.Addf(f+".paid", "%s is not in the promise's currency", pr.Paid)
	}
	switch pr.Status {
	case Pending:
		if !pr.Settled.IsZero() {
			bad.Add(f+".settled", "a pending promise is not settled")
		}
	case Kept, Broken:
		if pr.Settled.IsZero() {
			bad.Addf(f+".settled", "missing for a %s promise", pr.Status)
		} else if pr.Settled.Before(pr.Made) {
			bad.Addf(f+".settled", "%s is before the promise was made (%s)", pr.Settled, pr.Made)
		}
	default:
		bad.Addf(f+".status", "undefined promise status %d", uint8(pr.Status))
	}
	if !pr.Fed.IsZero() && (pr.Status != Broken || !pr.Fed.After(pr.Settled)) {
		bad.Add(f+".fed", "only a broken promise is fed to the ladder, on a day after it was found broken")
	}
}

// check adds the bad fields of a stored proceeding of loan to bad under
// prefix f.
func (p *Proceeding) check(bad *fault.Fields, f string, loan uuid.UUID) {
	if p.ID == uuid.Nil {
		bad.Add(f+".id", "missing")
	}
	if p.Loan != loan {
		bad.Add(f+".loan", "is not the loan "+loan.String())
	}
	if p.Forum == "" {
		bad.Add(f+".forum", "missing")
	}
	if !p.Status.Valid() {
		bad.Addf(f+".status", "undefined proceeding status %d", uint8(p.Status))
	}
	if p.Filed.IsZero() {
		bad.Add(f+".filed", "missing")
	}
	if !p.Claimed.IsPositive() {
		bad.Addf(f+".claimed", "%s must be positive", p.Claimed)
	}
	amounts := invalid()
	p.amountIn("awarded", p.Awarded, amounts)
	p.amountIn("recovered", p.Recovered, amounts)
	p.amountIn("costs", p.Costs, amounts)
	bad.Merge(f, amounts)
	if len(p.Steps) == 0 || p.Steps[0].To != Filed || p.Steps[0].Day != p.Filed {
		bad.Add(f+".steps", "must start with the filing, on the day filed")
		return
	}
	for i := 1; i < len(p.Steps); i++ {
		prev, s := p.Steps[i-1], p.Steps[i]
		if !proceedingStep(prev.To, s.To) {
			bad.Addf(fmt.Sprintf("%s.steps[%d].to", f, i), "a proceeding that is %s cannot move to %s", prev.To, s.To)
		}
		if s.Day.Before(prev.Day) {
			bad.Addf(fmt.Sprintf("%s.steps[%d].day", f, i), "%s is before the step before it (%s)", s.Day, prev.Day)
		}
	}
	if last := p.Steps[len(p.Steps)-1].To; last != p.Status {
		bad.Addf(f+".status", "%s is not the last step's status (%s)", p.Status, last)
	}
}

// UnmarshalJSON decodes a record and validates it (Validate): a record
// read from outside that the methods could not work with is an error, and
// r is left unchanged.
func (r *Record) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil // as encoding/json treats null: nothing to decode
	}
	type plain Record
	var v plain
	if err := guardedUnmarshal(b, &v); err != nil {
		return decodeError("record", err)
	}
	rec := Record(v)
	// An empty list reads as none, so a record encodes back as it came.
	if len(rec.Promises) == 0 {
		rec.Promises = nil
	}
	if len(rec.Demands) == 0 {
		rec.Demands = nil
	}
	if len(rec.Proceedings) == 0 {
		rec.Proceedings = nil
	}
	if err := rec.Validate(); err != nil {
		return err
	}
	*r = rec
	return nil
}

// guardedUnmarshal decodes JSON, turning a panic in a third-party decoder
// into an error: the date library's parser indexes some malformed dates
// ("00000-00") without checking their length.
func guardedUnmarshal(b []byte, v any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("malformed value: %v", p)
		}
	}()
	return json.Unmarshal(b, v)
}

// decodeError returns a JSON decoding error of a document called what as a
// *fault.Fields of kind ErrInvalidInput: the one an enumeration or an
// amount reported, or one naming the field JSON names.
func decodeError(what string, err error) error {
	var bad *fault.Fields
	if errors.As(err, &bad) {
		return bad
	}
	name := what
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		name = te.Field
	}
	return fault.Invalid(ErrInvalidInput, name, err.Error())
}
