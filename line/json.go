package line

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// wire is a line as JSON.
type wire struct {
	Terms     Terms        `json:"terms"`
	Status    Status       `json:"status"`
	Limit     money.Amount `json:"limit"`
	Temporary *Temporary   `json:"temporary,omitempty"`
	Drawdowns []Drawdown   `json:"drawdowns,omitempty"`
	Pending   *Change      `json:"pending,omitempty"`
	History   []Record     `json:"history"`
}

// MarshalJSON encodes the whole line: terms, status, limits, drawdowns,
// the pending change and the history.
func (l *Line) MarshalJSON() ([]byte, error) {
	return json.Marshal(wire{Terms: l.terms, Status: l.status, Limit: l.limit, Temporary: l.temporary,
		Drawdowns: l.drawdowns, Pending: l.pending, History: l.history})
}

// UnmarshalJSON decodes a line and validates it as Open and the methods
// would have left it: a document that no sequence of commands could have
// produced is a *fault.Fields naming every bad field, and l is unchanged.
func (l *Line) UnmarshalJSON(b []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: malformed JSON value: %v", ErrInvalidInput, r)
		}
	}()
	var w wire
	if err := json.Unmarshal(b, &w); err != nil {
		var f *fault.Fields
		if errors.As(err, &f) {
			return f
		}
		return fmt.Errorf("%w: %v", ErrInvalidInput, err)
	}
	v := fault.Fields{Kind: ErrInvalidInput}
	var t fault.Fields
	w.Terms.validate(&t)
	v.Merge("terms", &t)
	w.validate(&v)
	if err := v.Err(); err != nil {
		return err
	}
	*l = Line{terms: w.Terms, status: w.Status, limit: w.Limit, temporary: w.Temporary, drawdowns: w.Drawdowns,
		pending: w.Pending, history: w.History}
	return nil
}

// validate checks what the terms do not: the state the methods keep.
func (w *wire) validate(v *fault.Fields) {
	cur := w.Terms.Limit.Currency()
	amount := func(a money.Amount, name string, positive bool) {
		switch {
		case a.Currency() != cur:
			v.Add(name, "is not in the line's currency")
		case a.IsNegative() || positive && a.IsZero():
			v.Add(name, "is out of range")
		}
	}
	if !statusNames.Valid(w.Status) {
		v.Add("status", "is missing")
	}
	amount(w.Limit, "limit", false)
	if t := w.Temporary; t != nil {
		amount(t.Limit, "temporary.limit", false)
		if t.From.IsZero() || t.Until.Before(t.From) {
			v.Add("temporary.until", "is before from")
		}
	}
	seen := map[uuid.UUID]bool{}
	keys := map[string]bool{}
	for i, d := range w.Drawdowns {
		name := fmt.Sprintf("drawdowns[%d]", i)
		if d.Loan == uuid.Nil || seen[d.Loan] {
			v.Add(name+".loan", "is missing or repeated")
		}
		seen[d.Loan] = true
		amount(d.Amount, name+".amount", true)
		if d.On.IsZero() {
			v.Add(name+".on", "is missing")
		}
		if d.Key == "" || keys[d.Key] {
			v.Add(name+".key", "is missing or repeated")
		}
		keys[d.Key] = true
	}
	if c := w.Pending; c != nil {
		amount(c.Limit, "pending.limit", false)
		if c.RequestedBy == "" || c.RequestedOn.IsZero() {
			v.Add("pending", "has no maker")
		}
	}
	if len(w.History) == 0 {
		v.Add("history", "is empty")
		return
	}
	for i, r := range w.History {
		name := fmt.Sprintf("history[%d]", i)
		if !eventNames.Valid(r.Event) || (i == 0) != (r.Event == EventOpen) {
			v.Add(name+".event", "is out of place")
		}
		if !statusNames.Valid(r.Outcome) {
			v.Add(name+".outcome", "is missing")
		}
		if r.On.IsZero() || i > 0 && r.On.Before(w.History[i-1].On) {
			v.Add(name+".on", "is missing or out of order")
		}
	}
	if last := w.History[len(w.History)-1]; last.Outcome != w.Status {
		v.Add("status", "is not the outcome of the last event")
	}
}
