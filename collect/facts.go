package collect

import (
	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
)

// Facts are what collections needs to know about one loan on one day. The
// host derives them from its loan records (this package does not import
// loan); Stage and StageSince are the values a previous Ladder.Decide
// returned, which the host stores with the loan or its case.
type Facts struct {
	Loan     uuid.UUID `json:"loan"`
	NextDue  date.Date `json:"next_due"` // due date of the earliest unpaid installment; zero when none
	Maturity date.Date `json:"maturity"` // due date of the last installment

	DPD               int          `json:"dpd"`                // days past due of the oldest unpaid installment
	ConsecutiveMissed int          `json:"consecutive_missed"` // installments missed in a row, now
	CumulativeMissed  int          `json:"cumulative_missed"`  // installments ever missed, cured or not
	Arrears           money.Amount `json:"arrears"`            // amount past due; zero when current
	Grade             Grade        `json:"grade,omitempty"`    // five-category grade; zero when not graded

	Guarantors int      `json:"guarantors,omitempty"` // number of guarantors (reminders and demands go to each)
	Features   Features `json:"features,omitempty"`   // dealer, insurer, reserve

	Preferred ChannelSet `json:"preferred,omitempty"` // the borrower's preferred channels; empty = no preference
	Hours     Window     `json:"hours,omitempty"`     // the borrower's preferred contact hours; zero = none

	Stage         Stage     `json:"stage"`                    // ladder stage after the last decision (zero = first decision)
	StageSince    date.Date `json:"stage_since"`              // day that stage was entered
	BrokenPromise bool      `json:"broken_promise,omitempty"` // a promise to pay was broken since the last decision
}

// current reports whether the loan has nothing past due.
func (f *Facts) current() bool { return f.DPD <= 0 && !f.Arrears.IsPositive() }
