package main

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// The runner keeps the collateral register itself: the Engine does not
// manage collateral yet. It evaluates the loan's coverage on every day the
// daily close runs and on every report day, which raises, cures and
// escalates margin calls as a host's daily collateral job would.

// inStep refuses a register change dated after the day following the
// last daily close: the close evaluates the register day by day as it
// stands, so the days in between must be closed first or they would be
// evaluated with a change that had not happened yet.
func (r *runner) inStep(field string, day date.Date) error {
	if !r.closed.IsZero() && day.After(r.closed.Add(1)) {
		return bad(field+".date", "the daily close has reached %s: close up to %s first, so the days between see the collateral as it was",
			r.closed, day.Add(-1))
	}
	return nil
}

// addCollateral registers an item securing the loan, pledged (the security
// perfected) on the event date, with its first valuation when an amount is
// given.
func (r *runner) addCollateral(_ int, field string, day date.Date, ev *scenarioEvent) error {
	if err := r.inStep(field, day); err != nil {
		return err
	}
	if ev.Item == "" {
		return bad(field+".item", "missing")
	}
	if _, dup := r.items.id(ev.Item, false); dup {
		return bad(field+".item", "item %q registered twice", ev.Item)
	}
	it := collateral.Item{Owner: ev.Owner, Description: ev.Description, Currency: r.cur}
	if ev.Kind == "" {
		return bad(field+".kind", "missing")
	}
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
	// Validate in full before registering: the label is taken only once
	// the register accepted the item.
	it.ID, _ = r.items.id(ev.Item, false)
	if err := r.reg.Add(it); err != nil {
		return fieldError(field, err)
	}
	r.items.id(ev.Item, true)
	if err := r.reg.Pledge(it.ID, day); err != nil {
		return fieldError(field, err)
	}
	if v != nil {
		if err := r.reg.AddValuation(it.ID, *v, day); err != nil {
			return fieldError(field, err)
		}
	}
	return nil
}

// valuation reads an event's valuation (amount, method, source); nil when
// the event gives no amount.
func (r *runner) valuation(field string, day date.Date, ev *scenarioEvent) (*collateral.Valuation, error) {
	if ev.Amount == "" {
		if ev.Method != "" || ev.Source != "" {
			return nil, bad(field+".amount", "missing: a valuation needs an amount")
		}
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

// item returns the id of a registered item label.
func (r *runner) item(field, label string) (uuid.UUID, error) {
	if label == "" {
		return uuid.Nil, bad(field, "missing")
	}
	id, ok := r.items.id(label, false)
	if !ok {
		return uuid.Nil, bad(field, "no collateral item %q", label)
	}
	return id, nil
}

// addValuation records a (re)valuation of an item.
func (r *runner) addValuation(_ int, field string, day date.Date, ev *scenarioEvent) error {
	if err := r.inStep(field, day); err != nil {
		return err
	}
	id, err := r.item(field+".item", ev.Item)
	if err != nil {
		return err
	}
	if ev.Amount == "" {
		return bad(field+".amount", "missing")
	}
	v, err := r.valuation(field, day, ev)
	if err != nil {
		return err
	}
	if err := r.reg.AddValuation(id, *v, day); err != nil {
		return fieldError(field, err)
	}
	return nil
}

// release releases an item to its owner; the register refuses a release
// that would leave the loan above the allowed LTV.
func (r *runner) release(_ int, field string, day date.Date, ev *scenarioEvent) error {
	if err := r.inStep(field, day); err != nil {
		return err
	}
	id, err := r.item(field+".item", ev.Item)
	if err != nil {
		return err
	}
	pos, err := r.position(field, day)
	if err != nil {
		return err
	}
	if err := r.reg.Release(id, day, r.exposures(&pos)); err != nil {
		if _, _, ok := firstField(err); ok {
			return fieldError(field, err)
		}
		return bad(field+".item", "%v", err)
	}
	return nil
}

// exposures is the loan's exposure for the register: principal on the
// books plus overdue interest, penalty and fees; for a written-off loan
// the claim still pursued.
func (r *runner) exposures(pos *loan.Position) []collateral.Exposure {
	out := pos.PrincipalBalance.Add(pos.Overdue.Total()).Sub(pos.Overdue.Principal)
	if pos.Status == loan.WrittenOff {
		out = pos.Claim.Total()
	}
	return []collateral.Exposure{{LoanID: r.id, Outstanding: out}}
}

// evaluate works out the loan's collateral coverage on day (raising,
// curing or escalating its margin call). Days before the last evaluation
// are not evaluated again.
func (r *runner) evaluate(field string, day date.Date, pos *loan.Position) error {
	if r.reg.Len() == 0 || (!r.evaluated.IsZero() && day.Before(r.evaluated)) {
		return nil
	}
	cov, err := r.reg.Evaluate(day, r.exposures(pos))
	if err != nil {
		return fieldError(field, err)
	}
	r.coverage, r.evaluated = &cov[0], day
	return nil
}

// guarantorKinds and guaranteeKinds name the collateral package's enums,
// which have no text decoding of their own.
var (
	guarantorKinds = map[string]collateral.GuarantorKind{"person": collateral.PersonGuarantor,
		"company": collateral.CompanyGuarantor, "guarantee-company": collateral.GuaranteeCompany}
	guaranteeKinds = map[string]collateral.GuaranteeKind{"general": collateral.General,
		"joint-and-several": collateral.JointAndSeveral}
)

// addGuarantor registers a guarantor, its first capacity assessment when a
// net worth is given, and its guarantee of the loan. Guarantors registered
// before the disbursement are on the application, so the Engine sends them
// reminders and demands.
func (r *runner) addGuarantor(_ int, field string, day date.Date, ev *scenarioEvent) error {
	if ev.Guarantor == "" {
		return bad(field+".guarantor", "missing")
	}
	if _, dup := r.guarantors.id(ev.Guarantor, false); dup {
		return bad(field+".guarantor", "guarantor %q registered twice", ev.Guarantor)
	}
	g := collateral.Guarantor{Name: ev.Guarantor, Kind: collateral.PersonGuarantor}
	if ev.GuarantorKind != "" {
		k, ok := guarantorKinds[ev.GuarantorKind]
		if !ok {
			return bad(field+".guarantor_kind", "must be person, company or guarantee-company, not %q", ev.GuarantorKind)
		}
		g.Kind = k
	}
	gt := collateral.Guarantee{LoanID: r.id, Kind: collateral.General, DebtMaturity: r.maturity}
	if ev.Guarantee != "" {
		k, ok := guaranteeKinds[ev.Guarantee]
		if !ok {
			return bad(field+".guarantee", "must be general or joint-and-several, not %q", ev.Guarantee)
		}
		gt.Kind = k
	}
	var err error
	if gt.Cap, err = r.amount(field+".cap", ev.Cap); err != nil {
		return err
	}
	if ev.NetWorth != "" {
		a, err := r.assessment(field, day, ev)
		if err != nil {
			return err
		}
		g.Assessments = []collateral.Assessment{a}
	} else if ev.OtherGuarantees != "" || ev.Rating != "" {
		return bad(field+".net_worth", "missing: an assessment needs the net worth")
	}
	g.ID, _ = r.guarantors.id(ev.Guarantor, false)
	gt.ID, gt.GuarantorID = uuid.NewSHA1(g.ID, []byte("guarantee")), g.ID
	if err := r.reg.AddGuarantor(g); err != nil {
		return fieldError(field, err)
	}
	r.guarantors.id(ev.Guarantor, true)
	if err := r.reg.AddGuarantee(gt); err != nil {
		return fieldError(field, err)
	}
	r.guarantees = append(r.guarantees, gt.ID)
	return nil
}

// assessment reads a capacity assessment made on day.
func (r *runner) assessment(field string, day date.Date, ev *scenarioEvent) (collateral.Assessment, error) {
	a := collateral.Assessment{Date: day, Rating: ev.Rating}
	var err error
	if a.NetWorth, err = r.amount(field+".net_worth", ev.NetWorth); err != nil {
		return a, err
	}
	if ev.NetWorth == "" {
		return a, bad(field+".net_worth", "missing")
	}
	a.OtherGuarantees, err = r.amount(field+".other_guarantees", ev.OtherGuarantees)
	return a, err
}

// assess records a re-assessment of a guarantor's capacity.
func (r *runner) assess(_ int, field string, day date.Date, ev *scenarioEvent) error {
	if ev.Guarantor == "" {
		return bad(field+".guarantor", "missing")
	}
	id, ok := r.guarantors.id(ev.Guarantor, false)
	if !ok {
		return bad(field+".guarantor", "no guarantor %q", ev.Guarantor)
	}
	a, err := r.assessment(field, day, ev)
	if err != nil {
		return err
	}
	if err := r.reg.Reassess(id, a, day); err != nil {
		return fieldError(field, err)
	}
	return nil
}

// collateralLine is the collateral part of a report.
type collateralLine struct {
	EvaluatedOn  date.Date    `json:"evaluated_on"`
	Outstanding  money.Amount `json:"outstanding"`
	MarketValue  money.Amount `json:"market_value"`
	LendingValue money.Amount `json:"lending_value"`
	// LTV is outstanding ÷ lending value, as a percentage to 2 places.
	LTV       string            `json:"ltv,omitempty"`
	Shortfall money.Amount      `json:"shortfall"`
	Action    collateral.Action `json:"action"`
	Call      *callLine         `json:"call,omitempty"`
	Items     []itemLine        `json:"items"`
	// RevaluationsDue lists the items whose revaluation is due.
	RevaluationsDue []string `json:"revaluations_due,omitempty"`
}

// callLine is the loan's live or last margin call.
type callLine struct {
	Status    string       `json:"status"`
	RaisedOn  date.Date    `json:"raised_on"`
	Deadline  date.Date    `json:"deadline"`
	Demanded  money.Amount `json:"demanded"`
	Shortfall money.Amount `json:"shortfall"`
	ClosedOn  date.Date    `json:"closed_on,omitzero"`
}

// itemLine is one item and its latest valuation.
type itemLine struct {
	Item     string            `json:"item"`
	Kind     collateral.Kind   `json:"kind"`
	Status   collateral.Status `json:"status"`
	Value    money.Amount      `json:"value,omitzero"`
	ValuedOn date.Date         `json:"valued_on,omitzero"`
}

// guaranteeLine is the guarantee part of a report.
type guaranteeLine struct {
	Guaranteed money.Amount `json:"guaranteed"`
	Guarantees int          `json:"guarantees"`
	Alerts     []string     `json:"alerts,omitempty"`
}

// collateralReport is the collateral part of a report on day: the last
// evaluation (made on day when possible), the items, revaluations due.
func (r *runner) collateralReport(field string, day date.Date, pos *loan.Position) (*collateralLine, error) {
	if r.reg.Len() == 0 {
		return nil, nil
	}
	if err := r.evaluate(field, day, pos); err != nil {
		return nil, err
	}
	c := r.coverage
	out := &collateralLine{EvaluatedOn: r.evaluated, Outstanding: c.Outstanding, MarketValue: c.MarketValue,
		LendingValue: c.LendingValue, Shortfall: c.Shortfall, Action: c.Action}
	if ltv, ok := c.LTV(); ok {
		out.LTV = ltv.Percent(2)
	}
	if call, ok := r.reg.Call(r.id); ok {
		out.Call = &callLine{Status: call.Status.String(), RaisedOn: call.RaisedOn, Deadline: call.Deadline,
			Demanded: call.Demanded, Shortfall: call.Shortfall}
	} else if cured := r.reg.CuredCalls(); len(cured) > 0 {
		last := cured[len(cured)-1]
		out.Call = &callLine{Status: last.Status.String(), RaisedOn: last.RaisedOn, Deadline: last.Deadline,
			Demanded: last.Demanded, Shortfall: last.Shortfall, ClosedOn: last.ClosedOn}
	}
	for _, id := range r.items.order {
		it, err := r.reg.Item(id)
		if err != nil {
			return nil, fieldError(field, err)
		}
		line := itemLine{Item: r.items.byID[id], Kind: it.Kind, Status: it.Status}
		for _, v := range it.Valuations {
			if !v.Date.After(day) {
				line.Value, line.ValuedOn = v.Value, v.Date
			}
		}
		out.Items = append(out.Items, line)
	}
	for _, d := range r.reg.DueRevaluations(day) {
		out.RevaluationsDue = append(out.RevaluationsDue, r.items.byID[d.ItemID])
	}
	return out, nil
}

// guaranteeReport is the guarantee part of a report on day.
func (r *runner) guaranteeReport(field string, day date.Date, pos *loan.Position) (*guaranteeLine, error) {
	if len(r.guarantees) == 0 {
		return nil, nil
	}
	exp := r.exposures(pos)
	cov, err := r.reg.GuaranteeCoverage(day, exp)
	if err != nil {
		return nil, fieldError(field, err)
	}
	alerts, err := r.reg.GuarantorAlerts(day, exp)
	if err != nil {
		return nil, fieldError(field, err)
	}
	out := &guaranteeLine{Guaranteed: cov[0].Guaranteed, Guarantees: cov[0].Guarantees}
	for _, a := range alerts {
		out.Alerts = append(out.Alerts, fmt.Sprintf("%s: %s", r.guarantors.byID[a.GuarantorID], a.Kind))
	}
	return out, nil
}
