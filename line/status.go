package line

import (
	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/lifecycle"
)

// Status is a stage in the life of a credit line.
type Status uint8

// Line statuses. Only an Active line accepts drawdowns; the loans already
// drawn are serviced whatever the line's status.
const (
	Active    Status = iota + 1 // drawdowns allowed within the available amount
	Frozen                      // drawdowns stopped on a risk signal (冻结), until unfrozen
	Suspended                   // drawdowns stopped by the lender for a reason other than risk (暂停), until resumed
	Expired                     // the validity ended; no drawdowns, the loans run on
	Closed                      // terminated (final)
	statusEnd
)

var statusNames = enum.New[Status](ErrInvalidInput, "status", "", "active", "frozen", "suspended", "expired", "closed")

// String returns the status name used in JSON and storage.
func (s Status) String() string { return statusNames.String(s) }

// MarshalText encodes the status name.
func (s Status) MarshalText() ([]byte, error) { return statusNames.MarshalText(s) }

// UnmarshalText decodes a status name; on an error s is unchanged.
func (s *Status) UnmarshalText(b []byte) error { return statusNames.UnmarshalText(b, s) }

// ParseStatus returns the status named s.
func ParseStatus(s string) (Status, error) { return statusNames.Parse(s) }

// Event is something that happens to a line.
type Event uint8

// Line events. EventDraw and EventAdjust keep the status: their rows say in
// which statuses a drawdown or a limit change may happen.
const (
	EventOpen     Event = iota + 1 // the line is granted (history only: a line starts Active)
	EventDraw                      // a drawdown
	EventAdjust                    // a limit change is requested, approved or rejected
	EventFreeze                    // risk stops drawdowns
	EventUnfreeze                  // the risk is cleared
	EventSuspend                   // the lender stops drawdowns
	EventResume                    // the suspension ends
	EventExpire                    // the validity ends
	EventClose                     // the line is terminated
	eventEnd
)

var eventNames = enum.New[Event](ErrInvalidInput, "event", "", "open", "draw", "adjust", "freeze", "unfreeze",
	"suspend", "resume", "expire", "close")

// String returns the event name.
func (e Event) String() string { return eventNames.String(e) }

// MarshalText encodes the event name.
func (e Event) MarshalText() ([]byte, error) { return eventNames.MarshalText(e) }

// UnmarshalText decodes an event name; on an error e is unchanged.
func (e *Event) UnmarshalText(b []byte) error { return eventNames.UnmarshalText(b, e) }

type move = lifecycle.Move[Status, Event]

// Lifecycle returns the line's transition table: every legal move, and
// nothing else. A frozen or suspended line may still have its limit
// changed (a decrease is the usual companion of a freeze) and may expire
// or close; an expired line may only close.
func Lifecycle() *lifecycle.Table[Status, Event] { return lineLifecycle }

var lineLifecycle = lifecycle.New("credit line", ErrIllegalTransition,
	move{From: Active, On: EventDraw, To: Active},
	move{From: Active, On: EventAdjust, To: Active},
	move{From: Frozen, On: EventAdjust, To: Frozen},
	move{From: Suspended, On: EventAdjust, To: Suspended},
	move{From: Active, On: EventFreeze, To: Frozen},
	move{From: Suspended, On: EventFreeze, To: Frozen},
	move{From: Frozen, On: EventUnfreeze, To: Active},
	move{From: Active, On: EventSuspend, To: Suspended},
	move{From: Suspended, On: EventResume, To: Active},
	move{From: Active, On: EventExpire, To: Expired},
	move{From: Frozen, On: EventExpire, To: Expired},
	move{From: Suspended, On: EventExpire, To: Expired},
	move{From: Active, On: EventClose, To: Closed},
	move{From: Frozen, On: EventClose, To: Closed},
	move{From: Suspended, On: EventClose, To: Closed},
	move{From: Expired, On: EventClose, To: Closed},
)
