package collect

import (
	"slices"

	"github.com/google/uuid"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
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

var proceedingStatusNames = enumNames{"proceeding status", []string{"", "filed", "judgment", "enforcement", "concluded"}}

// String returns the status's name.
func (s ProceedingStatus) String() string { return proceedingStatusNames.name(uint8(s)) }

// MarshalText encodes the status's name.
func (s ProceedingStatus) MarshalText() ([]byte, error) {
	return proceedingStatusNames.marshal(uint8(s))
}

// UnmarshalText decodes a status's name.
func (s *ProceedingStatus) UnmarshalText(b []byte) error {
	return unmarshalEnum(proceedingStatusNames, b, s)
}

// proceedingMoves is the proceeding lifecycle: filed → judgment →
// enforcement → concluded; a suit may also end before judgment (withdrawn,
// mediated) or after judgment without enforcement (paid).
var proceedingMoves = map[ProceedingStatus][]ProceedingStatus{
	Filed:       {Judgment, Concluded},
	Judgment:    {Enforcement, Concluded},
	Enforcement: {Concluded},
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
	e := &ValidationError{}
	if forum == "" {
		e.add("forum", "missing")
	}
	if !claimed.IsPositive() {
		e.add("claimed", "%s must be positive", claimed)
	}
	if err := e.err(); err != nil {
		return nil, err
	}
	cur := claimed.Currency()
	return &Proceeding{ID: id, Loan: loan, Forum: forum, Status: Filed, Filed: day, Claimed: claimed,
		Awarded: money.Zero(cur), Recovered: money.Zero(cur), Costs: money.Zero(cur),
		Steps: []ProceedingStep{{Day: day, To: Filed}}}, nil
}

func (p *Proceeding) move(day date.Date, to ProceedingStatus) error {
	if !slices.Contains(proceedingMoves[p.Status], to) {
		return &TransitionError{Lifecycle: "proceeding", From: p.Status.String(), Event: "move to " + to.String()}
	}
	return p.checkDay(day)
}

// checkDay refuses a day before the last step, or before the filing day
// when the proceeding records no steps (one decoded from JSON, say).
func (p *Proceeding) checkDay(day date.Date) error {
	last := p.Filed
	if n := len(p.Steps); n > 0 {
		last = p.Steps[n-1].Day
	}
	if day.Before(last) {
		e := &ValidationError{}
		e.add("day", "%s is before the last step (%s)", day, last)
		return e
	}
	return nil
}

func (p *Proceeding) amountIn(field string, a money.Amount, e *ValidationError) {
	if a.IsNegative() || !a.SameCurrency(p.Claimed) {
		e.add(field, "%s must be zero or more, in %s", a, p.Claimed.Currency())
	}
}

// Judge records the judgment or award on day.
func (p *Proceeding) Judge(day date.Date, awarded money.Amount) error {
	if err := p.move(day, Judgment); err != nil {
		return err
	}
	e := &ValidationError{}
	p.amountIn("awarded", awarded, e)
	if err := e.err(); err != nil {
		return err
	}
	p.Awarded, p.Status = awarded, Judgment
	p.Steps = append(p.Steps, ProceedingStep{Day: day, To: Judgment})
	return nil
}

// Enforce records the application for enforcement on day.
func (p *Proceeding) Enforce(day date.Date) error {
	if err := p.move(day, Enforcement); err != nil {
		return err
	}
	p.Status = Enforcement
	p.Steps = append(p.Steps, ProceedingStep{Day: day, To: Enforcement})
	return nil
}

// Conclude closes the proceeding on day; note says how it ended.
func (p *Proceeding) Conclude(day date.Date, note string) error {
	if err := p.move(day, Concluded); err != nil {
		return err
	}
	p.Status = Concluded
	p.Steps = append(p.Steps, ProceedingStep{Day: day, To: Concluded, Note: note})
	return nil
}

// AddRecovery adds money recovered through the proceeding and legal costs
// incurred. A concluded proceeding takes no more.
func (p *Proceeding) AddRecovery(recovered, costs money.Amount) error {
	if p.Status == Concluded {
		return &TransitionError{Lifecycle: "proceeding", From: p.Status.String(), Event: "add recovery"}
	}
	e := &ValidationError{}
	p.amountIn("recovered", recovered, e)
	p.amountIn("costs", costs, e)
	if err := e.err(); err != nil {
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
