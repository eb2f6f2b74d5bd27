package collect

import (
	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/lifecycle"
	"github.com/lendcore/lendcore/money"
)

// ProceedingStatus is where a legal proceeding stands.
type ProceedingStatus uint8

// Proceeding statuses.
const (
	Filed       ProceedingStatus = iota + 1 // suit or arbitration filed
	Judgment                                // judgment or award given
	Enforcement                             // enforcement applied for
	Concluded                               // closed: paid, settled, withdrawn, or enforcement terminated
)

var proceedingStatusNames = enum.New[ProceedingStatus](ErrInvalidInput, "proceeding status", "", "filed", "judgment", "enforcement", "concluded")

// String returns the status's name.
func (s ProceedingStatus) String() string { return proceedingStatusNames.String(s) }

// MarshalText encodes the status's name.
func (s ProceedingStatus) MarshalText() ([]byte, error) {
	return proceedingStatusNames.MarshalText(s)
}

// UnmarshalText decodes a status's name.
func (s *ProceedingStatus) UnmarshalText(b []byte) error {
	return proceedingStatusNames.UnmarshalText(b, s)
}

// Valid reports whether s is a defined status.
func (s ProceedingStatus) Valid() bool { return proceedingStatusNames.Valid(s) }

// proceedingEvent moves a proceeding: the steps Proceeding's methods take.
type proceedingEvent uint8

const (
	proceedingJudge       proceedingEvent = iota + 1 // Judge
	proceedingEnforce                                // Enforce
	proceedingConclude                               // Conclude
	proceedingAddRecovery                            // AddRecovery, which leaves the status as it is
)

var proceedingEventNames = enum.New[proceedingEvent](ErrInvalidInput, "proceeding event", "",
	"judge", "enforce", "conclude", "add-recovery")

func (e proceedingEvent) String() string { return proceedingEventNames.String(e) }

type proceedingMove = lifecycle.Move[ProceedingStatus, proceedingEvent]

// proceedingLifecycle is the proceeding lifecycle: filed → judgment →
// enforcement → concluded; a suit may also end before judgment (withdrawn,
// mediated) or after judgment without enforcement (paid). Money recovered
// and costs are added in any status but the last.
var proceedingLifecycle = lifecycle.New("legal proceeding", ErrIllegalTransition,
	proceedingMove{From: Filed, On: proceedingJudge, To: Judgment},
	proceedingMove{From: Filed, On: proceedingConclude, To: Concluded},
	proceedingMove{From: Judgment, On: proceedingEnforce, To: Enforcement},
	proceedingMove{From: Judgment, On: proceedingConclude, To: Concluded},
	proceedingMove{From: Enforcement, On: proceedingConclude, To: Concluded},
	proceedingMove{From: Filed, On: proceedingAddRecovery, To: Filed},
	proceedingMove{From: Judgment, On: proceedingAddRecovery, To: Judgment},
	proceedingMove{From: Enforcement, On: proceedingAddRecovery, To: Enforcement},
)

// proceedingStep reports whether a proceeding may step from status from
// to status to (a move of the table that changes the status).
func proceedingStep(from, to ProceedingStatus) bool {
	for _, ev := range proceedingLifecycle.Events(from) {
		if next, _ := proceedingLifecycle.Next(from, ev); next == to && to != from {
			return true
		}
	}
	return false
}

// ProceedingStep records one move of a proceeding.
type ProceedingStep struct {
	Day  date.Date        `json:"day"`
	To   ProceedingStatus `json:"to"`
	Note string           `json:"note,omitempty"`
}

// Proceeding is a lawsuit or arbitration and its enforcement, as a record.
type Proceeding struct {
	ID        uuid.UUID        `json:"id"`
	Loan      uuid.UUID        `json:"loan"`
	Forum     string           `json:"forum"` // court or arbitration body
	Status    ProceedingStatus `json:"status"`
	Filed     date.Date        `json:"filed"`
	Claimed   money.Amount     `json:"claimed"`
	Awarded   money.Amount     `json:"awarded"`
	Recovered money.Amount     `json:"recovered"`
	Costs     money.Amount     `json:"costs"`
	Steps     []ProceedingStep `json:"steps"`
}

// FileProceeding records a suit or arbitration filed on day for claimed.
func FileProceeding(id, loan uuid.UUID, forum string, day date.Date, claimed money.Amount) (*Proceeding, error) {
	e := invalid()
	if forum == "" {
		e.Add("forum", "missing")
	}
	if !claimed.IsPositive() {
		e.Addf("claimed", "%s must be positive", claimed)
	}
	if err := e.Err(); err != nil {
		return nil, err
	}
	cur := claimed.Currency()
	return &Proceeding{ID: id, Loan: loan, Forum: forum, Status: Filed, Filed: day, Claimed: claimed,
		Awarded: money.Zero(cur), Recovered: money.Zero(cur), Costs: money.Zero(cur),
		Steps: []ProceedingStep{{Day: day, To: Filed}}}, nil
}

// move returns the status event ev leads to on day, or a *fault.Transition
// or a bad day.
func (p *Proceeding) move(day date.Date, ev proceedingEvent) (ProceedingStatus, error) {
	to, err := proceedingLifecycle.Next(p.Status, ev)
	if err != nil {
		return p.Status, err
	}
	return to, p.checkDay(day)
}

// checkDay refuses a day before the last step, or before the filing day
// when the proceeding records no steps (one decoded from JSON, say).
func (p *Proceeding) checkDay(day date.Date) error {
	last := p.Filed
	if n := len(p.Steps); n > 0 {
		last = p.Steps[n-1].Day
	}
	if day.Before(last) {
		e := invalid()
		e.Addf("day", "%s is before the last step (%s)", day, last)
		return e
	}
	return nil
}

func (p *Proceeding) amountIn(field string, a money.Amount, e *fault.Fields) {
	if a.IsNegative() || !a.SameCurrency(p.Claimed) {
		e.Addf(field, "%s must be zero or more, in %s", a, p.Claimed.Currency())
	}
}

// Judge records the judgment or award on day.
func (p *Proceeding) Judge(day date.Date, awarded money.Amount) error {
	to, err := p.move(day, proceedingJudge)
	if err != nil {
		return err
	}
	e := invalid()
	p.amountIn("awarded", awarded, e)
	if err := e.Err(); err != nil {
		return err
	}
	p.Awarded, p.Status = awarded, to
	p.Steps = append(p.Steps, ProceedingStep{Day: day, To: to})
	return nil
}

// Enforce records the application for enforcement on day.
func (p *Proceeding) Enforce(day date.Date) error {
	to, err := p.move(day, proceedingEnforce)
	if err != nil {
		return err
	}
	p.Status = to
	p.Steps = append(p.Steps, ProceedingStep{Day: day, To: to})
	return nil
}

// Conclude closes the proceeding on day; note says how it ended.
func (p *Proceeding) Conclude(day date.Date, note string) error {
	to, err := p.move(day, proceedingConclude)
	if err != nil {
		return err
	}
	p.Status = to
	p.Steps = append(p.Steps, ProceedingStep{Day: day, To: to, Note: note})
	return nil
}

// AddRecovery adds money recovered through the proceeding and legal costs
// incurred. A concluded proceeding takes no more.
func (p *Proceeding) AddRecovery(recovered, costs money.Amount) error {
	if _, err := proceedingLifecycle.Next(p.Status, proceedingAddRecovery); err != nil {
		return err
	}
	e := invalid()
	p.amountIn("recovered", recovered, e)
	p.amountIn("costs", costs, e)
	if err := e.Err(); err != nil {
		return err
	}
	p.Recovered, p.Costs = p.Recovered.Add(recovered), p.Costs.Add(costs)
	return nil
}

// Net returns the amount recovered less the costs.
func (p *Proceeding) Net() money.Amount { return p.Recovered.Sub(p.Costs) }

// Outcome summarises the proceeding for a write-off proposal. It is
// Unrecovered when the proceeding is concluded and its net recovery (Net:
// recovered less costs) falls short of the amount claimed. The claim, not
// the award, is the measure: a dismissed suit (nothing awarded) or a
// partial award leaves the rest of the claim unrecovered.
func (p *Proceeding) Outcome() LegalOutcome {
	return LegalOutcome{Proceeding: p.ID, Status: p.Status, Awarded: p.Awarded, Recovered: p.Recovered,
		Unrecovered: p.Concluded() && p.Net().Less(p.Claimed)}
}

// Concluded reports whether the proceeding is closed.
func (p *Proceeding) Concluded() bool { return p.Status == Concluded }

// LegalOutcome is what legal action achieved, the evidence a write-off
// policy may require.
type LegalOutcome struct {
	Proceeding  uuid.UUID        `json:"proceeding"`
	Status      ProceedingStatus `json:"status"`
	Awarded     money.Amount     `json:"awarded"`
	Recovered   money.Amount     `json:"recovered"`
	Unrecovered bool             `json:"unrecovered"` // concluded with less recovered, net of costs, than claimed
}
