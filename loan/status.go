package loan

import (
	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/lifecycle"
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
	statusEnd
)

var statusNames = enum.New[Status](ErrInvalidInput, "status", "", "submitted", "approved", "rejected",
	"withdrawn", "cancelled", "active", "accelerated", "written-off", "closed")

// String returns the status name used in JSON and reports.
func (s Status) String() string { return statusNames.String(s) }

// MarshalText encodes the status name.
func (s Status) MarshalText() ([]byte, error) { return statusNames.MarshalText(s) }

// UnmarshalText decodes a status name; on an error s is unchanged.
func (s *Status) UnmarshalText(b []byte) error { return statusNames.UnmarshalText(b, s) }

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
	EventPause           // a delinquency pause begins
	EventResume          // a delinquency pause ends early
	EventReAge           // the arrears move to the end of the schedule
	EventReAmortize      // the arrears spread over the installments not yet due
	EventSettle          // a settlement for less than the claim
	EventSell            // the loan is sold to an external owner
	EventBuyBack         // the loan is bought back from its external owner
	EventDisburseTranche // a later tranche is paid out
	EventDownPay         // a down payment is received
	EventNonaccrual      // nonaccrual status is decided or lifted
	eventEnd
)

var eventNames = enum.New[Event](ErrInvalidInput, "event", "", "approve", "reject", "withdraw", "cancel",
	"disburse", "accelerate", "write-off", "pay-off", "reopen",
	"repay", "prepay", "charge", "waive", "restructure", "recover", "refund", "reverse",
	"pause", "resume", "re-age", "re-amortize", "settle", "sell", "buy-back", "disburse-tranche", "down-pay", "nonaccrual")

// String returns the event name.
func (e Event) String() string { return eventNames.String(e) }

// MarshalText encodes the event name.
func (e Event) MarshalText() ([]byte, error) { return eventNames.MarshalText(e) }

// UnmarshalText decodes an event name; on an error e is unchanged.
func (e *Event) UnmarshalText(b []byte) error { return eventNames.UnmarshalText(b, e) }

// move is one row of a lifecycle table.
type move = lifecycle.Move[Status, Event]

// loanLifecycle is the life of a disbursed loan (a Loan starts Approved and
// its disbursement makes it Active): the only moves there are. A status
// and event missing from the table is an illegal move.
var loanLifecycle = lifecycle.New("loan", ErrIllegalTransition,
	move{From: Approved, On: EventDisburse, To: Active},
	move{From: Active, On: EventAccelerate, To: Accelerated},
	move{From: Active, On: EventWriteOff, To: WrittenOff},
	move{From: Active, On: EventPayOff, To: Closed},
	move{From: Accelerated, On: EventWriteOff, To: WrittenOff},
	move{From: Accelerated, On: EventPayOff, To: Closed},
	move{From: WrittenOff, On: EventPayOff, To: Closed},
	move{From: Closed, On: EventReopen, To: Active},

	// Servicing: the entry kinds each status accepts.
	move{From: Active, On: EventRepay, To: Active},
	move{From: Active, On: EventPrepay, To: Active},
	move{From: Active, On: EventCharge, To: Active},
	move{From: Active, On: EventWaive, To: Active},
	move{From: Active, On: EventRestructure, To: Active},
	move{From: Active, On: EventRefund, To: Active},
	move{From: Active, On: EventReverse, To: Active},
	move{From: Accelerated, On: EventRepay, To: Accelerated},
	move{From: Accelerated, On: EventPrepay, To: Accelerated},
	move{From: Accelerated, On: EventCharge, To: Accelerated},
	move{From: Accelerated, On: EventWaive, To: Accelerated},
	move{From: Accelerated, On: EventRestructure, To: Active}, // a restructure ends the acceleration
	move{From: Accelerated, On: EventRefund, To: Accelerated},
	move{From: Accelerated, On: EventReverse, To: Accelerated},
	move{From: WrittenOff, On: EventRecover, To: WrittenOff},
	move{From: WrittenOff, On: EventWaive, To: WrittenOff}, // settlement of the claim
	move{From: WrittenOff, On: EventRefund, To: WrittenOff},
	move{From: WrittenOff, On: EventReverse, To: WrittenOff},
	move{From: Closed, On: EventRefund, To: Closed},
	move{From: Closed, On: EventReverse, To: Closed}, // the fold reopens the loan if the outstanding comes back

	// The servicing conventions of other systems. Delinquency pauses, as
	// Fineract's delinquency actions, apply to a loan on the books.
	move{From: Active, On: EventPause, To: Active},
	move{From: Active, On: EventResume, To: Active},
	move{From: Accelerated, On: EventPause, To: Accelerated},
	move{From: Accelerated, On: EventResume, To: Accelerated},
	// Re-ageing and re-amortisation: Fineract allows them on active loans
	// only (LoanReAgingValidator, LoanReAmortizationValidator).
	move{From: Active, On: EventReAge, To: Active},
	move{From: Active, On: EventReAmortize, To: Active},
	// A settlement pays off a loan on the books or a written-off claim; the
	// fold closes it.
	move{From: Active, On: EventSettle, To: Active},
	move{From: Accelerated, On: EventSettle, To: Accelerated},
	move{From: WrittenOff, On: EventSettle, To: WrittenOff},
	// A sale changes the owner, not the status (a written-off loan only
	// when the policy allows: the fold checks); a buyback is possible
	// whatever became of the loan, a closed one included (Fineract buys
	// back fully paid and overpaid loans).
	move{From: Active, On: EventSell, To: Active},
	move{From: Accelerated, On: EventSell, To: Accelerated},
	move{From: WrittenOff, On: EventSell, To: WrittenOff},
	move{From: Active, On: EventBuyBack, To: Active},
	move{From: Accelerated, On: EventBuyBack, To: Accelerated},
	move{From: WrittenOff, On: EventBuyBack, To: WrittenOff},
	move{From: Closed, On: EventBuyBack, To: Closed},
	// A loan disbursed in tranches takes its later tranches while it is
	// serviced normally; a down payment is received on a disbursement date.
	move{From: Active, On: EventDisburseTranche, To: Active},
	move{From: Active, On: EventDownPay, To: Active},
	// Nonaccrual decisions apply to a loan on the books.
	move{From: Active, On: EventNonaccrual, To: Active},
	move{From: Accelerated, On: EventNonaccrual, To: Accelerated},
)

// loanMoves is loanLifecycle as an array indexed by status and event
// (zero: not in the table). The fold asks for the move of every entry it
// applies, on every post and position: an array index instead of the
// table's map lookup, which was about a tenth of BenchmarkPostRepayment.
var loanMoves = func() (m [statusEnd][eventEnd]Status) {
	for _, mv := range loanLifecycle.Moves() {
		m[mv.From][mv.On] = mv.To
	}
	return m
}()

// next is Next for the fold: the same answer, read from loanMoves.
func (s Status) next(e Event) (Status, error) {
	if s < statusEnd && e < eventEnd {
		if to := loanMoves[s][e]; to != 0 {
			return to, nil
		}
	}
	return s.Next(e)
}

// applicationLifecycle is the life of an application, from submission to
// disbursement, after which the loan's own lifecycle takes over.
var applicationLifecycle = lifecycle.New("loan application", ErrIllegalTransition,
	move{From: Submitted, On: EventApprove, To: Approved},
	move{From: Submitted, On: EventReject, To: Rejected},
	move{From: Submitted, On: EventWithdraw, To: Withdrawn},
	move{From: Approved, On: EventWithdraw, To: Withdrawn},
	move{From: Approved, On: EventCancel, To: Cancelled},
	move{From: Approved, On: EventDisburse, To: Active},
)

// Lifecycle returns the transition table of a disbursed loan (package
// lifecycle): which events each status accepts and where they lead, for a
// host that shows the actions a loan allows or documents the lifecycle.
func Lifecycle() *lifecycle.Table[Status, Event] { return loanLifecycle }

// ApplicationLifecycle returns the transition table of an application,
// from Submitted to Active on disbursement.
func ApplicationLifecycle() *lifecycle.Table[Status, Event] { return applicationLifecycle }

// Next returns the status that event e leads to from s in the lifecycle
// of a disbursed loan, or s and a *fault.Transition wrapping
// ErrIllegalTransition when the move is not in the table.
func (s Status) Next(e Event) (Status, error) { return loanLifecycle.Next(s, e) }
