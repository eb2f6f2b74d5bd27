package collect

import (
	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
)

// Stage is a step on the escalation ladder (逐级催收). Stages are ordered:
// a later constant is a harsher stage.
type Stage uint8

// Ladder stages of the default preset. A host ladder may leave some out.
const (
	PreDue           Stage = iota + 1 // nothing past due: reminders only
	M1                                // 1–30 days past due
	M2                                // 31–60 days past due
	M3                                // 61–90 days past due
	LegalReview                       // litigation, enforcement, claims on guarantors, insurers or the reserve
	WriteOffProposal                  // write-off (核销) proposed; the claim is still pursued (账销案存)
	stageEnd
)

var stageNames = enum.New[Stage](ErrInvalidInput, "stage", "", "pre-due", "m1", "m2", "m3", "legal-review", "write-off-proposal")

// String returns the stage's name.
func (s Stage) String() string { return stageNames.String(s) }

// Valid reports whether s is a defined stage.
func (s Stage) Valid() bool { return stageNames.Valid(s) }

// MarshalText encodes the stage's name.
func (s Stage) MarshalText() ([]byte, error) { return stageNames.MarshalText(s) }

// UnmarshalText decodes a stage's name.
func (s *Stage) UnmarshalText(b []byte) error { return stageNames.UnmarshalText(b, s) }

// Action is something a collector (or the lender's legal team) does.
type Action uint8

// Actions.
const (
	Remind           Action = iota + 1 // a reminder (还款提醒)
	SendSMS                            // a collection text message
	CallBorrower                       // a collection phone call
	CollectionLetter                   // a formal collection letter (催收函); a demand that interrupts limitation
	NotifyGuarantor                    // notice to each guarantor that the borrower is in arrears
	FieldVisit                         // a visit in person
	DemandGuarantor                    // demand on each guarantor (督促履行保证责任通知书)
	DemandDealer                       // demand on the dealer under its buy-back or guarantee
	ClaimInsurer                       // claim under the credit insurance
	ReviewLegal                        // internal review: sue, enforce, claim on security
	Litigate                           // file suit or arbitration
	Enforce                            // apply for enforcement of a judgment
	ClaimReserve                       // claim on the risk reserve
	ProposeWriteOff                    // propose write-off (核销)
	actionEnd
)

var actionNames = enum.New[Action](ErrInvalidInput, "action", "", "remind", "sms", "call", "collection-letter",
	"notify-guarantor", "field-visit", "demand-guarantor", "demand-dealer", "claim-insurer",
	"legal-review", "litigate", "enforce", "claim-reserve", "propose-write-off")

// actionInfo says whom an action addresses and which product feature it
// needs; a zero party is an internal action that contacts nobody.
var actionInfo = [actionEnd]struct {
	party Party
	needs Features
}{
	Remind:           {Borrower, 0},
	SendSMS:          {Borrower, 0},
	CallBorrower:     {Borrower, 0},
	CollectionLetter: {Borrower, 0},
	NotifyGuarantor:  {Guarantor, 0},
	FieldVisit:       {Borrower, 0},
	DemandGuarantor:  {Guarantor, 0},
	DemandDealer:     {Dealer, HasDealer},
	ClaimInsurer:     {Insurer, HasInsurer},
	ReviewLegal:      {0, 0},
	Litigate:         {Borrower, 0},
	Enforce:          {Borrower, 0},
	ClaimReserve:     {Reserve, HasReserve},
	ProposeWriteOff:  {0, 0},
}

// String returns the action's name.
func (a Action) String() string { return actionNames.String(a) }

// Valid reports whether a is a defined action.
func (a Action) Valid() bool { return actionNames.Valid(a) }

// MarshalText encodes the action's name.
func (a Action) MarshalText() ([]byte, error) { return actionNames.MarshalText(a) }

// UnmarshalText decodes an action's name.
func (a *Action) UnmarshalText(b []byte) error { return actionNames.UnmarshalText(b, a) }

// Party returns the party the action addresses, or zero for an internal
// action.
func (a Action) Party() Party {
	if a.Valid() {
		return actionInfo[a].party
	}
	return 0
}

// ActionSet is a set of actions.
type ActionSet uint32

// Actions returns the set holding as.
func Actions(as ...Action) ActionSet {
	var s ActionSet
	for _, a := range as {
		s |= 1 << a
	}
	return s
}

// Has reports whether a is in the set.
func (s ActionSet) Has(a Action) bool { return s&(1<<a) != 0 }

func (s ActionSet) valid() bool { return s&1 == 0 && s>>actionEnd == 0 }

// MarshalJSON encodes the set as a list of action names.
func (s ActionSet) MarshalJSON() ([]byte, error) { return actionNames.MarshalSet(uint64(s)) }

// UnmarshalJSON decodes a list of action names; on error s is unchanged.
func (s *ActionSet) UnmarshalJSON(b []byte) error {
	v, err := unmarshalSet(actionNames, "action set", b)
	if err == nil {
		*s = ActionSet(v)
	}
	return err
}

// ActionDue is one action the ladder asks for on a day, returned for the
// host to carry out (or to queue for a collector).
type ActionDue struct {
	Loan      uuid.UUID `json:"loan"`
	Day       date.Date `json:"day"`
	Stage     Stage     `json:"stage"`
	Action    Action    `json:"action"`
	Party     Party     `json:"party,omitempty"`     // zero for an internal action
	Guarantor int       `json:"guarantor,omitempty"` // 1-based guarantor number when Party is Guarantor
}

// appendActions appends one ActionDue per applicable action in set (one
// per guarantor for guarantor actions), skipping actions whose product
// feature the loan lacks.
func appendActions(dst []ActionDue, set ActionSet, day date.Date, st Stage, f *Facts) []ActionDue {
	for a := Action(1); a < actionEnd; a++ {
		if !set.Has(a) {
			continue
		}
		info := actionInfo[a]
		if info.needs != 0 && f.Features&info.needs == 0 {
			continue
		}
		ad := ActionDue{Loan: f.Loan, Day: day, Stage: st, Action: a, Party: info.party}
		if info.party != Guarantor {
			dst = append(dst, ad)
			continue
		}
		for g := 1; g <= f.Guarantors; g++ {
			ad.Guarantor = g
			dst = append(dst, ad)
		}
	}
	return dst
}
