package loan

import (
	"encoding/json"
	"fmt"

	"github.com/lendcore/lendcore/fault"
)

// applicationJSON is the stored form of an Application: the request's
// fields, the status and the decisions.
type applicationJSON struct {
	Request
	Status    Status     `json:"status"`
	Decisions []Decision `json:"decisions"`
}

// MarshalJSON encodes the application with its status and decisions.
func (a *Application) MarshalJSON() ([]byte, error) {
	return json.Marshal(applicationJSON{a.req, a.status, a.decisions})
}

// UnmarshalJSON decodes and fully re-validates an application: the request
// as NewApplication does, and the decisions replayed through the lifecycle
// table so that the stored status is the one they lead to. On error the
// receiver is unchanged. Malformed dates yield an error, never a panic.
func (a *Application) UnmarshalJSON(b []byte) error {
	var w applicationJSON
	if err := guardedUnmarshal(b, &w); err != nil {
		return err
	}
	v := fault.Fields{Kind: ErrInvalidInput}
	w.Request.validate(&v)
	if err := v.Err(); err != nil {
		return err
	}
	replay := Application{req: w.Request, status: Submitted}
	for i, d := range w.Decisions {
		at := fmt.Sprintf("decisions[%d]", i)
		var dv fault.Fields
		replay.validateAction(Action{d.Officer, d.On, d.Reason}, d.Event == EventReject || d.Event == EventCancel, &dv)
		v.Merge(at, &dv)
		to, err := applicationLifecycle.Next(replay.status, d.Event)
		switch {
		case !isApplicationEvent(d.Event):
			v.Add(at+".event", d.Event.String()+" is not a decision on an application")
		case err != nil:
			v.Add(at+".event", err.Error())
		case d.Event == EventApprove && d.Outcome == Submitted:
			// a committee vote short of the quorum
		case d.Outcome != to:
			v.Add(at+".outcome", fmt.Sprintf("%s cannot follow from %s of a %s application", d.Outcome, d.Event, replay.status))
		}
		if err := v.Err(); err != nil {
			return err
		}
		replay.record(d.Event, Action{d.Officer, d.On, d.Reason}, d.Outcome)
	}
	if w.Status != replay.status {
		v.Add("status", fmt.Sprintf("is %s but the decisions lead to %s", w.Status, replay.status))
		return v.Err()
	}
	*a = replay
	return nil
}

// isApplicationEvent reports whether e is one of the decisions an
// application records (an event of its lifecycle table); servicing events
// belong to the loan's journal.
func isApplicationEvent(e Event) bool {
	for _, m := range applicationLifecycle.Moves() {
		if m.On == e {
			return true
		}
	}
	return false
}

// guardedUnmarshal decodes JSON, turning a panic inside a third-party
// decoder (rickb777/date's ParseISO indexes malformed input unchecked) into
// an error wrapping ErrInvalidInput.
func guardedUnmarshal(b []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: malformed JSON value: %v", ErrInvalidInput, r)
		}
	}()
	if err := json.Unmarshal(b, v); err != nil {
		return decodeError(err)
	}
	return nil
}

// decodeError makes a JSON decoding error wrap ErrInvalidInput; a
// *fault.Fields of this package (an unknown name) is returned as it is.
func decodeError(err error) error {
	if bad, ok := err.(*fault.Fields); ok && bad.Kind == ErrInvalidInput {
		return err
	}
	return fmt.Errorf("%w: %w", ErrInvalidInput, err)
}

// MarshalJSON encodes the decision with its event's name.
func (d Decision) MarshalJSON() ([]byte, error) {
	type plain Decision
	return json.Marshal(plain(d))
}

// UnmarshalJSON decodes a decision; the event is given by name. Malformed
// dates yield an error, never a panic.
func (d *Decision) UnmarshalJSON(b []byte) error {
	type plain Decision
	var w plain
	if err := guardedUnmarshal(b, &w); err != nil {
		return err
	}
	*d = Decision(w)
	return nil
}
