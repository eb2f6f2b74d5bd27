package scenario

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/money"
)

// The collateral events call the Engine's collateral commands: the Engine
// keeps the register (items, valuations, margin calls, guarantors) and its
// daily close evaluates the loan's coverage day by day, raising, curing
// and escalating margin calls.

// inStep refuses a register change dated after the day following the
// last daily close: the close evaluates the register day by day as it
// stands, so the days in between must be closed first or they would be
// evaluated with a change that had not happened yet.
func (r *runner) inStep(field string, day date.Date) error {
	if !r.closed.IsZero() && day.After(r.closed.Add(1)) {
		return invalid(field+".date", fmt.Sprintf("the daily close has reached %s: close up to %s first, so the days between see the collateral as it was",
			r.closed, day.Add(-1)))
	}
	return nil
}

// addCollateral registers an item securing the loan (Engine.RegisterCollateral),
// pledged (the security perfected) on the event date (Engine.Pledge), with
// its first valuation when an amount is given (Engine.AddValuation).
func (r *runner) addCollateral(_ int, field string, day date.Date, ev *Event) error {
	if err := r.inStep(field, day); err != nil {
		return err
	}
	it := collateral.Item{Owner: ev.Owner, Description: ev.Description, Currency: r.sc.Currency}
	if err := text(field+".kind", ev.Kind, &it.Kind); err != nil {
		return err
	}
	rank := ev.Rank
	if rank == 0 {
		rank = 1
	}
	it.Liens = []collateral.Lien{{LoanID: r.id, Rank: rank}}
	prior, err := r.amount(field+".prior_claims", ev.PriorClaims)
	if err != nil {
		return err
	}
	it.Registration = collateral.Registration{RegisteredOn: day, Rank: rank, PriorClaims: prior}
	v, err := r.valuation(field, day, ev)
	if err != nil {
		return err
	}
	// The label is taken only once the Engine accepted the item.
	it.ID, _ = r.items.id(ev.Item, false)
	if err := r.e.RegisterCollateral(r.ctx, it); err != nil {
		return fieldError(field, err)
	}
	r.items.id(ev.Item, true)
	if err := r.e.Pledge(r.ctx, it.ID, day); err != nil {
		return fieldError(field, err)
	}
	if v != nil {
		return fieldError(field, r.e.AddValuation(r.ctx, it.ID, *v, day))
	}
	return nil
}

// valuation reads an event's valuation (amount, method, source); nil when
// the event gives no amount.
func (r *runner) valuation(field string, day date.Date, ev *Event) (*collateral.Valuation, error) {
	if ev.Amount == "" {
		return nil, nil
	}
	a, err := r.amount(field+".amount", ev.Amount)
	if err != nil {
		return nil, err
	}
	v := collateral.Valuation{Date: day, Amount: a, Method: collateral.Appraisal, Source: ev.Source}
	if err := text(field+".method", ev.Method, &v.Method); err != nil {
		return nil, err
	}
	if v.Source == "" {
		v.Source = "scenario"
	}
	return &v, nil
}

// item returns the id of a registered item label for a change dated day
// (inStep).
func (r *runner) item(field string, day date.Date, label string) (uuid.UUID, error) {
	if err := r.inStep(field, day); err != nil {
		return uuid.Nil, err
	}
	id, ok := r.items.id(label, false)
	if !ok {
		return uuid.Nil, invalid(field+".item", fmt.Sprintf("no collateral item %q", label))
	}
	return id, nil
}

// addValuation records a (re)valuation of an item (Engine.AddValuation).
func (r *runner) addValuation(_ int, field string, day date.Date, ev *Event) error {
	id, err := r.item(field, day, ev.Item)
	if err != nil {
		return err
	}
	v, err := r.valuation(field, day, ev)
	if err != nil {
		return err
	}
	return fieldError(field, r.e.AddValuation(r.ctx, id, *v, day))
}

// release releases an item to its owner (Engine.Release); the Engine
// refuses a release that would leave the loan above the allowed LTV.
func (r *runner) release(_ int, field string, day date.Date, ev *Event) error {
	id, err := r.item(field, day, ev.Item)
	if err != nil {
		return err
	}
	return refusal(field, ".item", r.e.Release(r.ctx, id, day))
}

// addGuarantor registers a guarantor (Engine.AddGuarantor), its first
// capacity assessment when a net worth is given, and its guarantee of the
// loan (Engine.AddGuarantee). Guarantors registered before the
// disbursement are on the application, so the Engine sends them
// reminders and demands.
func (r *runner) addGuarantor(_ int, field string, day date.Date, ev *Event) error {
	g := collateral.Guarantor{Name: ev.Guarantor, Kind: collateral.PersonGuarantor}
	gt := collateral.Guarantee{LoanID: r.id, Kind: collateral.General, DebtMaturity: r.sc.maturity}
	var err error
	if err = text(field+".guarantor_kind", ev.GuarantorKind, &g.Kind); err != nil {
		return err
	}
	if err = text(field+".guarantee", ev.Guarantee, &gt.Kind); err != nil {
		return err
	}
	if gt.Cap, err = r.amount(field+".cap", ev.Cap); err != nil {
		return err
	}
	if ev.NetWorth != "" {
		a, err := r.assessment(field, day, ev)
		if err != nil {
			return err
		}
		g.Assessments = []collateral.Assessment{a}
	}
	g.ID, _ = r.guarantors.id(ev.Guarantor, false)
	gt.ID, gt.GuarantorID = uuid.NewSHA1(g.ID, []byte("guarantee")), g.ID
	if err := r.e.AddGuarantor(r.ctx, g); err != nil {
		return fieldError(field, err)
	}
	r.guarantors.id(ev.Guarantor, true)
	if err := r.e.AddGuarantee(r.ctx, gt); err != nil {
		return fieldError(field, err)
	}
	r.guarantees = append(r.guarantees, gt.ID)
	return nil
}

// assessment reads a capacity assessment made on day.
func (r *runner) assessment(field string, day date.Date, ev *Event) (collateral.Assessment, error) {
	a := collateral.Assessment{Date: day, Rating: ev.Rating}
	var err error
	if a.NetWorth, err = r.amount(field+".net_worth", ev.NetWorth); err != nil {
		return a, err
	}
	a.OtherGuarantees, err = r.amount(field+".other_guarantees", ev.OtherGuarantees)
	return a, err
}

// assess records a re-assessment of a guarantor's capacity (Engine.Reassess).
func (r *runner) assess(_ int, field string, day date.Date, ev *Event) error {
	id, ok := r.guarantors.id(ev.Guarantor, false)
	if !ok {
		return invalid(field+".guarantor", fmt.Sprintf("no guarantor %q", ev.Guarantor))
	}
	a, err := r.assessment(field, day, ev)
	if err != nil {
		return err
	}
	return fieldError(field, r.e.Reassess(r.ctx, id, a, day))
}

// CollateralPart is the collateral part of a report.
type CollateralPart struct {
	EvaluatedOn  date.Date    `json:"evaluated_on"`
	Outstanding  money.Amount `json:"outstanding"`
	MarketValue  money.Amount `json:"market_value"`
	LendingValue money.Amount `json:"lending_value"`
	// LTV is outstanding ÷ lending value, as a percentage to 2 places.
	LTV       string            `json:"ltv,omitempty"`
	Shortfall money.Amount      `json:"shortfall"`
	Action    collateral.Action `json:"action"`
	Call      *Call             `json:"call,omitempty"`
	Items     []Item            `json:"items"`
	// RevaluationsDue lists the items whose revaluation is due.
	RevaluationsDue []string `json:"revaluations_due,omitempty"`
}

// Call is the loan's live or last margin call.
type Call struct {
	Status    string       `json:"status"`
	RaisedOn  date.Date    `json:"raised_on"`
	Deadline  date.Date    `json:"deadline"`
	Demanded  money.Amount `json:"demanded"`
	Shortfall money.Amount `json:"shortfall"`
	ClosedOn  date.Date    `json:"closed_on,omitzero"`
}

// Item is one item and its latest valuation.
type Item struct {
	Item     string            `json:"item"`
	Kind     collateral.Kind   `json:"kind"`
	Status   collateral.Status `json:"status"`
	Value    money.Amount      `json:"value,omitzero"`
	ValuedOn date.Date         `json:"valued_on,omitzero"`
}

// Guarantees is the guarantee part of a report.
type Guarantees struct {
	Guaranteed money.Amount `json:"guaranteed"`
	Guarantees int          `json:"guarantees"`
	Alerts     []string     `json:"alerts,omitempty"`
}

// securityReport is the collateral and guarantee parts of a report on day
// (Engine.Coverage): the coverage evaluated on the day, the items, the
// revaluations due, the guarantees; nil parts when nothing is registered.
func (r *runner) securityReport(field string, day date.Date) (*CollateralPart, *Guarantees, error) {
	if len(r.items.order) == 0 && len(r.guarantees) == 0 {
		return nil, nil, nil
	}
	cov, err := r.e.Coverage(r.ctx, r.id, day)
	if err != nil {
		return nil, nil, fieldError(field, err)
	}
	var col *CollateralPart
	if len(r.items.order) > 0 {
		if col, err = r.collateralPart(field, day, &cov); err != nil {
			return nil, nil, err
		}
	}
	var gs *Guarantees
	if len(r.guarantees) > 0 {
		gs = &Guarantees{Guaranteed: cov.Guarantees.Guaranteed, Guarantees: cov.Guarantees.Guarantees}
		for _, a := range cov.Alerts {
			gs.Alerts = append(gs.Alerts, fmt.Sprintf("%s: %s", r.guarantors.byID[a.GuarantorID], a.Kind))
		}
	}
	return col, gs, nil
}

// collateralPart is the collateral part of a report from the loan's
// coverage on day.
func (r *runner) collateralPart(field string, day date.Date, cov *lendcore.Coverage) (*CollateralPart, error) {
	c := &cov.Collateral
	out := &CollateralPart{EvaluatedOn: day, Outstanding: c.Outstanding, MarketValue: c.MarketValue,
		LendingValue: c.LendingValue, Shortfall: c.Shortfall, Action: c.Action}
	if ltv, ok := c.LTV(); ok {
		out.LTV = ltv.Percent(2)
	}
	if call := cov.Cover.Call; call != nil {
		out.Call = callOf(call)
	} else if n := len(cov.Cover.Cured); n > 0 {
		out.Call = callOf(&cov.Cover.Cured[n-1])
	}
	for _, id := range r.items.order {
		it, err := r.e.CollateralItem(r.ctx, id)
		if err != nil {
			return nil, fieldError(field, err)
		}
		line := Item{Item: r.items.byID[id], Kind: it.Kind, Status: it.Status}
		for _, v := range it.Valuations {
			if !v.Date.After(day) {
				line.Value, line.ValuedOn = v.Value, v.Date
			}
		}
		out.Items = append(out.Items, line)
	}
	for _, d := range cov.Revaluations {
		out.RevaluationsDue = append(out.RevaluationsDue, r.items.byID[d.ItemID])
	}
	return out, nil
}

// callOf is the report's form of a margin call; a live one has no
// ClosedOn.
func callOf(c *collateral.MarginCall) *Call {
	return &Call{Status: c.Status.String(), RaisedOn: c.RaisedOn, Deadline: c.Deadline,
		Demanded: c.Demanded, Shortfall: c.Shortfall, ClosedOn: c.ClosedOn}
}
