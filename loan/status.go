package loan

import (
	"fmt"
)

// Status is a stage in the life of a loan, from application to closure.
type Status uint8

// Loan statuses. An application is a loan in Submitted, Approved, Rejected,
// Withdrawn or Cancelled; disbursement makes it Active.
const (
	Submitted   Status = iota + 1 // application awaiting approval
	Approved                      // approved, not yet disbursed
	Rejected                      // application refused (final)
	Withdrawn                     // application withdrawn by the applicant (final)
	Cancelled                     // approved but cancelled before disbursement (final)
	Active                        // disbursed and being serviced
	Accelerated                   // the whole outstanding has been declared due (宣布提前到期)
	WrittenOff                    // written off (核销); the claim is still pursued (账销案存)
	Closed                        // paid off, settled, or fully recovered (final)
)

var statusNames = [...]string{"", "submitted", "approved", "rejected", "withdrawn", "cancelled",
	"active", "accelerated", "written-off", "closed"}

// String returns the status name used in JSON and reports.
func (s Status) String() string {
	if int(s) < len(statusNames) && s != 0 {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// MarshalText encodes the status name.
func (s Status) MarshalText() ([]byte, error) {
	if s == 0 || int(s) >= len(statusNames) {
		return nil, fmt.Errorf("%w: status %d", ErrInvalidInput, uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a status name.
func (s *Status) UnmarshalText(b []byte) error {
	for i, n := range statusNames {
		if i > 0 && n == string(b) {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("%w: unknown status %q", ErrInvalidInput, b)
}

// Final reports whether no further transition is possible.
func (s Status) Final() bool {
	return s == Rejected || s == Withdrawn || s == Cancelled || s == Closed
}

// Event is something that moves a loan from one status to another.
type Event uint8

// Lifecycle events.
const (
	EventApprove Event = iota + 1
	EventReject
	EventWithdraw
	EventCancel
	EventDisburse
	EventAccelerate
	EventWriteOff
	EventPayOff // outstanding reaches zero: paid off, settled or fully recovered
	EventReopen // a reversal brings a closed loan's outstanding back above zero

	// Servicing events: journal entries that keep the status (the fold of
	// the journal decides whether one pays the loan off). Their rows say in
	// which statuses each entry kind may be posted.
	EventRepay
	EventPrepay
	EventCharge
	EventWaive
	EventRestructure
	EventRecover
	EventRefund
	EventReverse
)

var eventNames = [...]string{"", "approve", "reject", "withdraw", "cancel", "disburse",
	"accelerate", "write-off", "pay-off", "reopen",
	"repay", "prepay", "charge", "waive", "restructure", "recover", "refund", "reverse"}

// String returns the event name.
func (e Event) String() string {
	if int(e) < len(eventNames) && e != 0 {
		return eventNames[e]
	}
	return fmt.Sprintf("Event(%d)", uint8(e))
}

type transition struct {
	from  Status
	event Event
}

// transitions is the loan lifecycle: the only moves there are. A status and
// event missing from the table is an illegal move.
var transitions = map[transition]Status{
	{Submitted, EventApprove}:    Approved,
	{Submitted, EventReject}:     Rejected,
	{Submitted, EventWithdraw}:   Withdrawn,
	{Approved, EventWithdraw}:    Withdrawn,
	{Approved, EventCancel}:      Cancelled,
	{Approved, EventDisburse}:    Active,
	{Active, EventAccelerate}:    Accelerated,
	{Active, EventWriteOff}:      WrittenOff,
	{Active, EventPayOff}:        Closed,
	{Accelerated, EventWriteOff}: WrittenOff,
	{Accelerated, EventPayOff}:   Closed,
	{WrittenOff, EventPayOff}:    Closed,
	{Closed, EventReopen}:        Active,

	// Servicing: the entry kinds each status accepts.
	{Active, EventRepay}:            Active,
	{Active, EventPrepay}:           Active,
	{Active, EventCharge}:           Active,
	{Active, EventWaive}:            Active,
	{Active, EventRestructure}:      Active,
	{Active, EventRefund}:           Active,
	{Active, EventReverse}:          Active,
	{Accelerated, EventRepay}:       Accelerated,
	{Accelerated, EventPrepay}:      Accelerated,
	{Accelerated, EventCharge}:      Accelerated,
	{Accelerated, EventWaive}:       Accelerated,
	{Accelerated, EventRestructure}: Active, // a restructure ends the acceleration
	{Accelerated, EventRefund}:      Accelerated,
	{Accelerated, EventReverse}:     Accelerated,
	{WrittenOff, EventRecover}:      WrittenOff,
	{WrittenOff, EventWaive}:        WrittenOff, // settlement of the claim
	{WrittenOff, EventRefund}:       WrittenOff,
	{WrittenOff, EventReverse}:      WrittenOff,
	{Closed, EventRefund}:           Closed,
	{Closed, EventReverse}:          Closed, // the fold reopens the loan if the outstanding comes back
}

// Next returns the status that event e leads to from s, or a
// *TransitionError when the move is not in the lifecycle table.
func (s Status) Next(e Event) (Status, error) {
	if to, ok := transitions[transition{s, e}]; ok {
		return to, nil
	}
	return s, &TransitionError{From: s, Event: e}
}

// TransitionError reports an illegal lifecycle move; nothing was changed.
type TransitionError struct {
	From  Status
	Event Event
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("loan: cannot %s a loan that is %s", e.Event, e.From)
}

// Unwrap makes errors.Is(err, ErrIllegalTransition) true.
func (e *TransitionError) Unwrap() error { return ErrIllegalTransition }
