package line

import (
	"fmt"
	"slices"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// Change is a requested limit change: a new permanent limit, or a
// temporary one in force from the approval day until Until.
type Change struct {
	// Limit is the new limit, in the line's currency; zero is allowed (a
	// decrease to nothing stops every drawdown).
	Limit money.Amount `json:"limit"`
	// Until, when set, makes the change temporary: Limit applies from the
	// approval until Until inclusive, and the permanent limit after it.
	Until       date.Date `json:"until,omitzero"`
	RequestedBy string    `json:"requested_by"`
	RequestedOn date.Date `json:"requested_on"`
	Reason      string    `json:"reason"`
}

// Adjusted is what an approved limit change did.
type Adjusted struct {
	// From and To are the limits in force on the approval day, before and
	// after.
	From money.Amount `json:"from"`
	To   money.Amount `json:"to"`
	// Excess is how far the outstanding is above the new limit (zero when
	// it is within): new drawdowns wait until it is repaid.
	Excess money.Amount `json:"excess"`
	// Call is set when the policy calls the excess due (ExcessCall) and
	// there is one. The loans are not accelerated here: the host demands
	// the excess or accelerates loans as the contracts allow.
	Call bool `json:"call,omitempty"`
}

// RequestChange files a limit change for a second officer to approve
// (the maker of four-eyes). One change may wait at a time.
//
// Errors, each leaving the line unchanged: *fault.Transition when the
// line's status allows no limit change (expired, closed); *fault.Fields
// naming every bad field, and "change" when another change is pending.
func (l *Line) RequestChange(c Change) error {
	if _, err := l.next(EventAdjust); err != nil {
		return err
	}
	v := fault.Fields{Kind: ErrInvalidInput}
	if l.pending != nil {
		v.Add("change", "another limit change is pending")
	}
	switch {
	case c.Limit.Currency() != l.Currency() && !(c.Limit.IsZero() && c.Limit.Currency().IsZero()):
		v.Add("limit", "is not in the line's currency "+l.Currency().Code())
	case c.Limit.IsNegative():
		v.Add("limit", "must not be negative")
	}
	if c.RequestedBy == "" {
		v.Add("requested_by", "is missing")
	}
	if c.RequestedOn.IsZero() {
		v.Add("requested_on", "is missing")
	} else if last := l.history[len(l.history)-1].On; c.RequestedOn.Before(last) {
		v.Add("requested_on", "is before the line's last event on "+last.String())
	}
	if c.Reason == "" {
		v.Add("reason", "is missing")
	}
	if !c.Until.IsZero() && !c.RequestedOn.IsZero() && c.Until.Before(c.RequestedOn) {
		v.Add("until", "is before requested_on")
	}
	if err := v.Err(); err != nil {
		return err
	}
	c.Limit = money.Zero(l.Currency()).Add(c.Limit)
	l.pending = &c
	l.history = append(l.history, Record{Event: EventAdjust, Officer: c.RequestedBy, On: c.RequestedOn,
		Reason: "requested: " + c.Reason, Outcome: l.status, Limit: c.Limit})
	return nil
}

// ApproveChange approves the pending limit change as officer act.Officer
// (the checker), under p's authority: the officer is one of p's, is not
// the one who requested the change, and for an increase has the authority
// of the new limit. outstanding is the outstanding principal of the
// line's loans on act.On (a non-revolving line counts what was drawn).
//
// Errors, each leaving the line unchanged: *fault.Transition when the
// status allows no change; *fault.Fields naming "change" when none is
// pending, and every bad field of act or p; *loan.AuthorityError when
// the officer is unknown, is the maker, or lacks the authority.
func (l *Line) ApproveChange(act loan.Action, p Policy, outstanding money.Amount) (Adjusted, error) {
	c, err := l.decidable(act)
	if err != nil {
		return Adjusted{}, err
	}
	if err := p.Validate(); err != nil {
		return Adjusted{}, err
	}
	o, ok := officer(&p.Authority, act.Officer)
	deny := func(r loan.AuthorityRule, format string, args ...any) (Adjusted, error) {
		return Adjusted{}, &loan.AuthorityError{Officer: act.Officer, Rule: r, Detail: fmt.Sprintf(format, args...)}
	}
	before := l.Limit(act.On)
	switch {
	case !ok:
		return deny(loan.RuleUnknownOfficer, "not an officer of the line policy's authority")
	case act.Officer == c.RequestedBy:
		return deny(loan.RuleFourEyesSubmitter, "may not approve a limit change they requested")
	case c.Limit.Cmp(before) > 0 && !o.Limit.SameCurrency(c.Limit):
		return Adjusted{}, fault.Invalid(ErrInvalidInput, "authority", "officer limits are not in the line's currency")
	case c.Limit.Cmp(before) > 0 && c.Limit.Cmp(o.Limit) > 0:
		return deny(loan.RuleAboveLimit, "%s exceeds the officer's limit %s", c.Limit.Number(), o.Limit.Number())
	}
	if c.Until.IsZero() {
		l.limit = c.Limit
		l.temporary = nil
	} else {
		l.temporary = &Temporary{Limit: c.Limit, From: act.On, Until: c.Until}
	}
	l.pending = nil
	after := l.Limit(act.On)
	out := Adjusted{From: before, To: after, Excess: money.Zero(l.Currency())}
	if used := l.Used(outstanding); used.Cmp(after) > 0 {
		out.Excess = used.Sub(after)
		out.Call = p.Excess == ExcessCall
	}
	l.history = append(l.history, Record{Event: EventAdjust, Officer: act.Officer, On: act.On,
		Reason: "approved: " + act.Reason, Outcome: l.status, Limit: c.Limit})
	return out, nil
}

// RejectChange refuses the pending limit change; act.Reason is required.
// Errors as ApproveChange's, without the authority ones: anyone but the
// maker may refuse.
func (l *Line) RejectChange(act loan.Action) error {
	c, err := l.decidable(act)
	if err != nil {
		return err
	}
	if act.Reason == "" {
		return fault.Invalid(ErrInvalidInput, "reason", "is missing")
	}
	if act.Officer == c.RequestedBy {
		return &loan.AuthorityError{Officer: act.Officer, Rule: loan.RuleFourEyesSubmitter,
			Detail: "may not decide a limit change they requested"}
	}
	l.pending = nil
	l.history = append(l.history, Record{Event: EventAdjust, Officer: act.Officer, On: act.On,
		Reason: "rejected: " + act.Reason, Outcome: l.status, Limit: c.Limit})
	return nil
}

// decidable returns the pending change when act may decide it.
func (l *Line) decidable(act loan.Action) (Change, error) {
	if _, err := l.next(EventAdjust); err != nil {
		return Change{}, err
	}
	v := fault.Fields{Kind: ErrInvalidInput}
	validateAction(act, false, &v)
	if l.pending == nil {
		v.Add("change", "no limit change is pending")
	} else if !act.On.IsZero() && act.On.Before(l.pending.RequestedOn) {
		v.Add("on", "is before the change was requested")
	}
	if err := v.Err(); err != nil {
		return Change{}, err
	}
	return *l.pending, nil
}

func officer(p *loan.AuthorityPolicy, id string) (loan.Officer, bool) {
	i := slices.IndexFunc(p.Officers, func(o loan.Officer) bool { return o.ID == id })
	if i < 0 {
		return loan.Officer{}, false
	}
	return p.Officers[i], true
}

// Apply moves the line by one of the status events — EventFreeze,
// EventUnfreeze, EventSuspend, EventResume, EventExpire or EventClose —
// recording who, when and why. A reason is required for all but
// EventExpire; an expiry is legal only after the validity's last day.
//
// Errors, each leaving the line unchanged: *fault.Transition when the
// move is not in Lifecycle(); *fault.Fields naming every bad field.
func (l *Line) Apply(e Event, act loan.Action) error {
	v := fault.Fields{Kind: ErrInvalidInput}
	switch e {
	case EventFreeze, EventUnfreeze, EventSuspend, EventResume, EventExpire, EventClose:
	default:
		v.Add("event", "is not a status event")
		return v.Err()
	}
	to, err := l.next(e)
	if err != nil {
		return err
	}
	validateAction(act, e != EventExpire, &v)
	if last := l.history[len(l.history)-1].On; !act.On.IsZero() && act.On.Before(last) {
		v.Add("on", "is before the line's last event on "+last.String())
	}
	if e == EventExpire && !act.On.IsZero() && !act.On.After(l.terms.Until) {
		v.Add("on", "is within the line's validity, which ends on "+l.terms.Until.String())
	}
	if err := v.Err(); err != nil {
		return err
	}
	l.status = to
	l.history = append(l.history, Record{Event: e, Officer: act.Officer, On: act.On, Reason: act.Reason, Outcome: to})
	return nil
}
