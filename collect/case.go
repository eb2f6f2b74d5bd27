package collect

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/lifecycle"
)

// CaseStatus is where a collection case is in its lifecycle.
type CaseStatus uint8

// Case statuses.
const (
	Open          CaseStatus = iota + 1 // opened, not yet worked
	InProgress                          // a collector is working it
	PromiseToPay                        // the debtor promised to pay (承诺还款)
	BrokenPromise                       // the promise was not kept
	Restructuring                       // a restructuring or repayment plan is being agreed
	Legal                               // litigation, arbitration or enforcement
	Settled                             // settled: paid in full or by an agreed settlement
	Cured                               // arrears cleared, the loan is current again
	WrittenOff                          // written off (核销); the claim is still pursued (账销案存)
	Closed                              // closed (final)
)

var caseStatusNames = enum.New[CaseStatus](ErrInvalidInput, "case status", "", "open", "in-progress", "promise-to-pay",
	"broken-promise", "restructuring", "legal", "settled", "cured", "written-off", "closed")

// String returns the status's name.
func (s CaseStatus) String() string { return caseStatusNames.String(s) }

// Valid reports whether s is a defined status.
func (s CaseStatus) Valid() bool { return caseStatusNames.Valid(s) }

// MarshalText encodes the status's name.
func (s CaseStatus) MarshalText() ([]byte, error) { return caseStatusNames.MarshalText(s) }

// UnmarshalText decodes a status's name.
func (s *CaseStatus) UnmarshalText(b []byte) error { return caseStatusNames.UnmarshalText(b, s) }

// CaseEvent moves a case from one status to another.
type CaseEvent uint8

// Case events.
const (
	EventAssign       CaseEvent = iota + 1 // a collector takes the case
	EventPromise                           // the debtor promises to pay
	EventKeepPromise                       // the promise was kept, arrears remain
	EventBreakPromise                      // the promise was broken
	EventResume                            // back to ordinary collection
	EventRestructure                       // start restructuring
	EventSue                               // start legal action
	EventSettle                            // settle the claim
	EventCure                              // arrears cleared
	EventWriteOff                          // write the loan off
	EventClose                             // close the case
)

var caseEventNames = enum.New[CaseEvent](ErrInvalidInput, "case event", "", "assign", "promise", "keep-promise", "break-promise",
	"resume", "restructure", "sue", "settle", "cure", "write-off", "close")

// String returns the event's name.
func (e CaseEvent) String() string { return caseEventNames.String(e) }

// Valid reports whether e is a defined event.
func (e CaseEvent) Valid() bool { return caseEventNames.Valid(e) }

// MarshalText encodes the event's name.
func (e CaseEvent) MarshalText() ([]byte, error) { return caseEventNames.MarshalText(e) }

// UnmarshalText decodes an event's name.
func (e *CaseEvent) UnmarshalText(b []byte) error { return caseEventNames.UnmarshalText(b, e) }

// caseMove is one row of the case lifecycle.
type caseMove = lifecycle.Move[CaseStatus, CaseEvent]

// caseLifecycle is the case lifecycle: open → in progress ↔ promise to pay
// / broken promise → restructuring → legal → settled / cured / written off →
// closed. A status and event missing from the table is an illegal move.
var caseLifecycle = lifecycle.New("collection case", ErrIllegalTransition,
	caseMove{From: Open, On: EventAssign, To: InProgress},
	caseMove{From: Open, On: EventCure, To: Cured},

	caseMove{From: InProgress, On: EventPromise, To: PromiseToPay},
	caseMove{From: InProgress, On: EventRestructure, To: Restructuring},
	caseMove{From: InProgress, On: EventSue, To: Legal},
	caseMove{From: InProgress, On: EventSettle, To: Settled},
	caseMove{From: InProgress, On: EventCure, To: Cured},
	caseMove{From: InProgress, On: EventWriteOff, To: WrittenOff},

	caseMove{From: PromiseToPay, On: EventKeepPromise, To: InProgress},
	caseMove{From: PromiseToPay, On: EventBreakPromise, To: BrokenPromise},
	caseMove{From: PromiseToPay, On: EventSettle, To: Settled},
	caseMove{From: PromiseToPay, On: EventCure, To: Cured},

	caseMove{From: BrokenPromise, On: EventPromise, To: PromiseToPay},
	caseMove{From: BrokenPromise, On: EventResume, To: InProgress},
	caseMove{From: BrokenPromise, On: EventRestructure, To: Restructuring},
	caseMove{From: BrokenPromise, On: EventSue, To: Legal},
	caseMove{From: BrokenPromise, On: EventSettle, To: Settled},
	caseMove{From: BrokenPromise, On: EventCure, To: Cured},
	caseMove{From: BrokenPromise, On: EventWriteOff, To: WrittenOff},

	caseMove{From: Restructuring, On: EventResume, To: InProgress},
	caseMove{From: Restructuring, On: EventSue, To: Legal},
	caseMove{From: Restructuring, On: EventSettle, To: Settled},
	caseMove{From: Restructuring, On: EventCure, To: Cured},

	caseMove{From: Legal, On: EventSettle, To: Settled},
	caseMove{From: Legal, On: EventCure, To: Cured},
	caseMove{From: Legal, On: EventWriteOff, To: WrittenOff},

	caseMove{From: WrittenOff, On: EventSettle, To: Settled},
	caseMove{From: WrittenOff, On: EventClose, To: Closed},

	caseMove{From: Settled, On: EventClose, To: Closed},
	caseMove{From: Cured, On: EventClose, To: Closed},
)

// CaseMoves returns the case lifecycle's transition table, row by row, for
// a host to print or to check its own workflow against.
func CaseMoves() []lifecycle.Move[CaseStatus, CaseEvent] { return caseLifecycle.Moves() }

// closedCase is the error for an operation on a closed case, which no
// event of the table leaves.
func closedCase(s CaseStatus, op string) error {
	return &fault.Transition{Kind: ErrIllegalTransition, Machine: caseLifecycle.Machine(), From: s.String(), Event: op}
}

// clearedBy is the event that ends a case in status s when the arrears are
// cleared: a case in court or written off is settled, any other is cured.
func clearedBy(s CaseStatus) CaseEvent {
	if s == Legal || s == WrittenOff {
		return EventSettle
	}
	return EventCure
}

// CaseTransition records one move of a case.
type CaseTransition struct {
	Day   date.Date  `json:"day"`
	From  CaseStatus `json:"from"`
	To    CaseStatus `json:"to"`
	Event CaseEvent  `json:"event"`
	By    string     `json:"by"` // collector or system id
}

// ActionTaken records an action carried out on a case.
type ActionTaken struct {
	Day    date.Date `json:"day"`
	Stage  Stage     `json:"stage"`
	Action Action    `json:"action"`
	By     string    `json:"by"`
}

// Case is a collection case for one loan: its lifecycle status, its place
// on the escalation ladder and what was done.
type Case struct {
	ID         uuid.UUID        `json:"id"`
	Loan       uuid.UUID        `json:"loan"`
	Opened     date.Date        `json:"opened"`
	Status     CaseStatus       `json:"status"`
	Stage      Stage            `json:"stage"`
	StageSince date.Date        `json:"stage_since"`
	History    []CaseTransition `json:"history"`
	Actions    []ActionTaken    `json:"actions"`
	// PendingBrokenPromise is set by EventBreakPromise and consumed by the next
	// Review, which escalates the case by the ladder's broken-promise rule.
	PendingBrokenPromise bool `json:"pending_broken_promise,omitempty"`
}

// NewCase opens a case for a loan on day, at the ladder's first stage.
func NewCase(id, loan uuid.UUID, day date.Date, l *Ladder) (*Case, error) {
	if len(l.Stages) == 0 {
		return nil, fault.Invalid(ErrUnknownStage, "stages", "empty ladder: a case starts on the ladder's first stage")
	}
	return &Case{ID: id, Loan: loan, Opened: day, Status: Open, Stage: l.Stages[0].Stage, StageSince: day}, nil
}

// Final reports whether the case is closed.
func (c *Case) Final() bool { return c.Status == Closed }

// lastDay is the latest day anything was recorded on the case.
func (c *Case) lastDay() date.Date {
	d := c.Opened.Max(c.StageSince)
	if n := len(c.History); n > 0 {
		d = d.Max(c.History[n-1].Day)
	}
	return d
}

func (c *Case) checkDay(day date.Date) error {
	if last := c.lastDay(); day.Before(last) {
		e := invalid()
		e.Addf("day", "%s is before %s, the case's last entry: a case's record is append-only", day, last)
		return e
	}
	return nil
}

// Apply moves the case by event ev on day. An illegal move returns a
// *fault.Transition and changes nothing.
func (c *Case) Apply(day date.Date, ev CaseEvent, by string) error {
	to, err := caseLifecycle.Next(c.Status, ev)
	if err != nil {
		return err
	}
	if err := c.checkDay(day); err != nil {
		return err
	}
	c.History = append(c.History, CaseTransition{Day: day, From: c.Status, To: to, Event: ev, By: by})
	c.Status = to
	if ev == EventBreakPromise {
		c.PendingBrokenPromise = true
	}
	return nil
}

// Review places the case on ladder l for day with the loan's facts (their
// Stage, StageSince and BrokenPromise are taken from the case), records the
// new stage, and returns the decision and the actions due, appended to dst.
// When the facts show nothing past due the case cures (or, in court or after
// write-off, settles) and closes by itself. On error nothing changes.
func (c *Case) Review(l *Ladder, day date.Date, f Facts, dst []ActionDue) (Decision, []ActionDue, error) {
	if c.Final() {
		return Decision{}, dst, closedCase(c.Status, "review")
	}
	if err := c.checkDay(day); err != nil {
		return Decision{}, dst, err
	}
	f.Loan, f.Stage, f.StageSince = c.Loan, c.Stage, c.StageSince
	f.BrokenPromise = f.BrokenPromise || c.PendingBrokenPromise
	n := len(dst)
	d, dst, err := l.Decide(day, &f, dst)
	if err != nil {
		return Decision{}, dst[:n], err
	}
	c.Stage, c.StageSince, c.PendingBrokenPromise = d.Stage, d.Since, false
	if f.current() {
		// Every status but Closed (excluded above) reaches Settled or Cured
		// by clearedBy, and both close; the table guarantees both moves.
		if c.Status != Settled && c.Status != Cured {
			_ = c.Apply(day, clearedBy(c.Status), "system")
		}
		_ = c.Apply(day, EventClose, "system")
	}
	return d, dst, nil
}

// RecordAction records that action a was taken on day. An action the
// case's stage does not allow returns an error wrapping ErrActionNotAllowed;
// a closed case returns a *fault.Transition; nothing changes on error.
func (c *Case) RecordAction(l *Ladder, day date.Date, a Action, by string) error {
	if c.Final() {
		return closedCase(c.Status, "record "+a.String())
	}
	r, err := l.Rule(c.Stage)
	if err != nil {
		return err
	}
	if !r.Allowed.Has(a) || !a.Valid() {
		return fmt.Errorf("%w: %s in stage %s", ErrActionNotAllowed, a, c.Stage)
	}
	if err := c.checkDay(day); err != nil {
		return err
	}
	c.Actions = append(c.Actions, ActionTaken{Day: day, Stage: c.Stage, Action: a, By: by})
	return nil
}
