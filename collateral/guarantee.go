package collateral

import (
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// GuarantorKind is who stands as guarantor.
type GuarantorKind uint8

// Guarantor kinds.
const (
	PersonGuarantor  GuarantorKind = iota + 1 // a natural person
	CompanyGuarantor                          // an ordinary company
	GuaranteeCompany                          // a licensed financing-guarantee company (融资担保公司)
)

var guarantorKindNames = enum.New[GuarantorKind](ErrInvalidInput, "guarantor_kind", "", "person", "company", "guarantee-company")

// String returns the kind's name.
func (k GuarantorKind) String() string { return guarantorKindNames.String(k) }

// MarshalText encodes the kind's name.
func (k GuarantorKind) MarshalText() ([]byte, error) { return guarantorKindNames.MarshalText(k) }

// UnmarshalText decodes a kind's name.
func (k *GuarantorKind) UnmarshalText(b []byte) error { return guarantorKindNames.UnmarshalText(b, k) }

// GuaranteeKind is the guarantor's mode of liability.
type GuaranteeKind uint8

// Guarantee kinds (Civil Code art. 686: when the contract is silent, the
// guarantee is general; evidence known).
const (
	// General (一般保证): the guarantor may refuse until the debtor's assets
	// have been pursued; the creditor must sue or arbitrate against the
	// debtor within the guarantee period (art. 687, 693).
	General GuaranteeKind = iota + 1
	// JointAndSeveral (连带责任保证): the creditor may demand payment from
	// the guarantor directly, and must do so within the guarantee period
	// (art. 688, 693).
	JointAndSeveral
)

var guaranteeKindNames = enum.New[GuaranteeKind](ErrInvalidInput, "guarantee_kind", "", "general", "joint-and-several")

// String returns the kind's name.
func (k GuaranteeKind) String() string { return guaranteeKindNames.String(k) }

// MarshalText encodes the kind's name.
func (k GuaranteeKind) MarshalText() ([]byte, error) { return guaranteeKindNames.MarshalText(k) }

// UnmarshalText decodes a kind's name.
func (k *GuaranteeKind) UnmarshalText(b []byte) error { return guaranteeKindNames.UnmarshalText(b, k) }

// Guarantor is a person or company that guarantees loans, with its
// guarantees. It is one of the three parts a Register is stored as (with
// Item and Cover).
type Guarantor struct {
	ID   uuid.UUID     `json:"id"`
	Name string        `json:"name"`
	Kind GuarantorKind `json:"kind"`
	// Assessments are the capacity re-assessments, oldest first.
	Assessments []Assessment `json:"assessments,omitempty"`
	// Guarantees are the guarantor's guarantees, in the order they were
	// added (Register.AddGuarantee).
	Guarantees []Guarantee `json:"guarantees,omitempty"`
	// Announced are the alerts about the guarantor that Register.Monitor
	// last reported, in the order it reported them; empty when none is
	// standing.
	Announced []Alert `json:"announced,omitempty"`
}

// Assessment is one assessment of a guarantor's capacity to pay.
type Assessment struct {
	Date     date.Date    `json:"date"`
	NetWorth money.Amount `json:"net_worth"`
	// OtherGuarantees is what the guarantor has guaranteed elsewhere.
	OtherGuarantees money.Amount `json:"other_guarantees,omitzero"`
	Rating          string       `json:"rating,omitempty"` // the lender's or an agency's rating, as text
}

// Capacity is net worth less other guarantees outstanding, never below zero.
func (a Assessment) Capacity() money.Amount { return floorZero(a.NetWorth.Sub(a.OtherGuarantees)) }

// Guarantee is one guarantor's guarantee of one loan.
type Guarantee struct {
	ID          uuid.UUID     `json:"id"`
	GuarantorID uuid.UUID     `json:"guarantor_id"`
	LoanID      uuid.UUID     `json:"loan_id"`
	Kind        GuaranteeKind `json:"kind"`
	// Cap limits the guaranteed amount; zero means the whole debt.
	Cap money.Amount `json:"cap,omitzero"`
	// DebtMaturity is when the guaranteed debt falls due.
	DebtMaturity date.Date `json:"debt_maturity"`
	// AgreedPeriodEnd is the guarantee period's end as the contract states
	// it; zero if none. One ending on or before DebtMaturity counts as none
	// (Civil Code art. 692).
	AgreedPeriodEnd date.Date `json:"agreed_period_end,omitzero"`
	// PeriodEnd is the last day a demand can be made; AddGuarantee sets it.
	PeriodEnd date.Date `json:"period_end"`
	// DemandedOn is when the demand was made (suit or arbitration against
	// the debtor for a general guarantee, a demand on the guarantor for a
	// joint-and-several one); zero until then.
	DemandedOn date.Date `json:"demanded_on,omitzero"`
}

// enforceable reports whether the guarantor is still liable on day.
func (g *Guarantee) enforceable(day date.Date) bool {
	return !g.DemandedOn.IsZero() || !day.After(g.PeriodEnd)
}

// AddGuarantor registers a guarantor (with any assessments already made).
func (r *Register) AddGuarantor(g Guarantor) error {
	v := invalid(ErrInvalidInput)
	if g.ID != uuid.Nil {
		if _, dup := r.guarByID[g.ID]; dup {
			v.Addf("guarantor.id", "guarantor %s is already registered", g.ID)
		}
	}
	var own fault.Fields
	g.describe(&own)
	v.Merge("guarantor", &own)
	if len(g.Guarantees) > 0 || len(g.Announced) > 0 {
		v.Add("guarantor.guarantees", "a new guarantor has no guarantees or alerts yet: add guarantees with AddGuarantee")
	}
	if err := v.Err(); err != nil {
		return err
	}
	c := g.clone()
	r.guarByID[c.ID] = len(r.guars)
	r.guars = append(r.guars, &c)
	r.changes.guar(c.ID)
	return nil
}

// describe checks a guarantor's own fields, naming them as its JSON does;
// a name is formatted only for a field found bad.
func (g *Guarantor) describe(v *fault.Fields) {
	if g.ID == uuid.Nil {
		v.Add("id", "must not be the nil uuid")
	}
	checkText(v, "name", g.Name, true)
	if !guarantorKindNames.Valid(g.Kind) {
		v.Addf("kind", "unknown kind %d", uint8(g.Kind))
	}
	for i, a := range g.Assessments {
		checkAssessment(v, func(f string) string { return fmt.Sprintf("assessments[%d].%s", i, f) }, a)
		if i > 0 && a.Date.Before(g.Assessments[i-1].Date) {
			v.Addf(fmt.Sprintf("assessments[%d].date", i), "%s is before the assessment above", a.Date)
		}
	}
}

// clone returns a deep copy of the guarantor.
func (g *Guarantor) clone() Guarantor {
	c := *g
	c.Assessments = slices.Clone(g.Assessments)
	c.Guarantees = slices.Clone(g.Guarantees)
	c.Announced = slices.Clone(g.Announced)
	return c
}

// Guarantor returns a copy of guarantor id with its guarantees.
func (r *Register) Guarantor(id uuid.UUID) (Guarantor, error) {
	i, ok := r.guarByID[id]
	if !ok {
		return Guarantor{}, notFound("guarantor", id)
	}
	return r.guars[i].clone(), nil
}

// Loans returns the loans the guarantor guarantees, sorted, each once: the
// index a store keeps to find the guarantors of a loan.
func (g *Guarantor) Loans() []uuid.UUID {
	out := make([]uuid.UUID, 0, len(g.Guarantees))
	for i := range g.Guarantees {
		out = append(out, g.Guarantees[i].LoanID)
	}
	return sortedIDs(out)
}

// PeriodEnd returns the earliest PeriodEnd among the guarantor's
// guarantees with no demand made, or the zero date when there is none: the
// index a store keeps to find the guarantees about to lapse.
func (g *Guarantor) PeriodEnd() date.Date {
	var first date.Date
	for i := range g.Guarantees {
		gt := &g.Guarantees[i]
		if gt.DemandedOn.IsZero() && (first.IsZero() || gt.PeriodEnd.Before(first)) {
			first = gt.PeriodEnd
		}
	}
	return first
}

// checkAssessment checks an assessment, naming its fields with name
// ("net_worth" → "assessment.net_worth"), called only for a bad one.
func checkAssessment(v *fault.Fields, name func(field string) string, a Assessment) {
	if a.NetWorth.Currency().IsZero() {
		v.Add(name("net_worth"), "missing currency")
	}
	if a.NetWorth.Minor() < -money.MaxMinor || a.NetWorth.Minor() > money.MaxMinor {
		v.Addf(name("net_worth"), "%s is out of range", a.NetWorth)
	}
	if p := amountProblem(a.OtherGuarantees, a.NetWorth.Currency(), false); p != "" {
		v.Add(name("other_guarantees"), p)
	}
	if p := textProblem(a.Rating, false); p != "" {
		v.Add(name("rating"), p)
	}
}

// Reassess records a new capacity assessment of guarantor id, made no
// later than asOf and no earlier than the last one.
func (r *Register) Reassess(id uuid.UUID, a Assessment, asOf date.Date) error {
	i, ok := r.guarByID[id]
	if !ok {
		return notFound("guarantor", id)
	}
	g := r.guars[i]
	v := invalid(ErrInvalidInput)
	checkAssessment(v, func(f string) string { return "assessment." + f }, a)
	if a.Date.After(asOf) {
		v.Addf("assessment.date", "%s is after the as-of date %s", a.Date, asOf)
	}
	if n := len(g.Assessments); n > 0 && a.Date.Before(g.Assessments[n-1].Date) {
		v.Addf("assessment.date", "%s is before the latest assessment (%s)", a.Date, g.Assessments[n-1].Date)
	}
	if err := v.Err(); err != nil {
		return err
	}
	g.Assessments = append(g.Assessments, a)
	r.changes.guar(id)
	return nil
}

// AddGuarantee registers a guarantee by a registered guarantor and sets
// its PeriodEnd: the agreed end, or DebtMaturity plus the policy's
// DefaultPeriod when none (or one not after maturity) was agreed.
func (r *Register) AddGuarantee(g Guarantee) error {
	v := invalid(ErrInvalidInput)
	if g.ID == uuid.Nil {
		v.Add("guarantee.id", "must not be the nil uuid")
	} else if _, dup := r.gtees[g.ID]; dup {
		v.Addf("guarantee.id", "guarantee %s is already registered", g.ID)
	}
	gi, ok := r.guarByID[g.GuarantorID]
	if !ok {
		v.Addf("guarantee.guarantor_id", "no guarantor %s", g.GuarantorID)
	}
	if g.LoanID == uuid.Nil {
		v.Add("guarantee.loan_id", "must not be the nil uuid")
	}
	if !guaranteeKindNames.Valid(g.Kind) {
		v.Addf("guarantee.kind", "unknown kind %d (general is the legal default)", uint8(g.Kind))
	}
	// The loan's currency is not known here (a guarantee-only loan has no
	// item in the register): GuarantorAlerts and GuaranteeCoverage check the
	// cap's currency against each exposure's.
	checkAmount(v, "guarantee.cap", g.Cap, g.Cap.Currency(), false)
	if g.DebtMaturity.IsZero() {
		v.Add("guarantee.debt_maturity", "must be set")
	}
	if !g.DemandedOn.IsZero() {
		v.Add("guarantee.demanded_on", "record demands with RecordDemand")
	}
	if err := v.Err(); err != nil {
		return err
	}
	c := g
	c.PeriodEnd = g.AgreedPeriodEnd
	if !g.AgreedPeriodEnd.After(g.DebtMaturity) {
		c.PeriodEnd = r.policy.Guarantees.DefaultPeriod.After(g.DebtMaturity)
	}
	gr := r.guars[gi]
	r.gtees[c.ID] = gteeRef{guar: gi, k: len(gr.Guarantees)}
	gr.Guarantees = append(gr.Guarantees, c)
	r.changes.guar(gr.ID)
	return nil
}

// guarantee returns guarantee id and its guarantor.
func (r *Register) guarantee(id uuid.UUID) (*Guarantee, *Guarantor, error) {
	ref, ok := r.gtees[id]
	if !ok {
		return nil, nil, notFound("guarantee", id)
	}
	gr := r.guars[ref.guar]
	return &gr.Guarantees[ref.k], gr, nil
}

// Guarantee returns a copy of guarantee id.
func (r *Register) Guarantee(id uuid.UUID) (Guarantee, error) {
	g, _, err := r.guarantee(id)
	if err != nil {
		return Guarantee{}, err
	}
	return *g, nil
}

// RecordDemand records the demand that preserves guarantee id, made on day.
// A zero day, or a second demand, is a *fault.Fields naming "day"; a
// demand after the guarantee period is refused with ErrGuaranteeLapsed: the
// guarantor is discharged (Civil Code art. 693).
func (r *Register) RecordDemand(id uuid.UUID, day date.Date) error {
	g, gr, err := r.guarantee(id)
	if err != nil {
		return err
	}
	v := invalid(ErrInvalidInput)
	switch {
	case day.IsZero():
		v.Add("day", "must be set")
	case !g.DemandedOn.IsZero():
		v.Addf("day", "guarantee %s: demand already made on %s", id, g.DemandedOn)
	}
	if err := v.Err(); err != nil {
		return err
	}
	switch {
	case day.After(g.PeriodEnd):
		return fmt.Errorf("%w: guarantee %s ended on %s, demand on %s", ErrGuaranteeLapsed, id, g.PeriodEnd, day)
	}
	g.DemandedOn = day
	r.changes.guar(gr.ID)
	return nil
}

// GuaranteeCoverage is how much of a loan its guarantees cover as of a day.
type GuaranteeCoverage struct {
	LoanID      uuid.UUID    `json:"loan_id"`
	Outstanding money.Amount `json:"outstanding"`
	// Guaranteed is Σ min(cap, outstanding) over the enforceable
	// guarantees, limited to the outstanding.
	Guaranteed money.Amount `json:"guaranteed"`
	Guarantees int          `json:"guarantees"` // enforceable guarantees counted
}

// Coverage returns Guaranteed ÷ Outstanding; ok is false when nothing is
// outstanding.
func (c GuaranteeCoverage) Coverage() (money.Rate, bool) { return ratio(c.Guaranteed, c.Outstanding) }

// guaranteed is what guarantee g covers of out.
func (g *Guarantee) guaranteed(out money.Amount) money.Amount {
	if g.Cap.IsZero() {
		return out
	}
	return money.Min(g.Cap, out)
}

// GuaranteeCoverage works out, for each exposure, what its guarantees
// still enforceable on day cover. A guarantee capped in a currency other
// than its loan's exposure gives a *fault.Fields naming every such
// exposures[j] and guarantee.
func (r *Register) GuaranteeCoverage(day date.Date, exposures []Exposure) ([]GuaranteeCoverage, error) {
	b, err := r.newBook(exposures)
	if err != nil {
		return nil, err
	}
	if err := r.checkCaps(b, exposures, false); err != nil {
		return nil, err
	}
	res := make([]GuaranteeCoverage, len(exposures))
	for j, e := range exposures {
		res[j] = GuaranteeCoverage{LoanID: e.LoanID, Outstanding: e.Outstanding, Guaranteed: money.Zero(e.Outstanding.Currency())}
	}
	for _, gr := range r.guars {
		for i := range gr.Guarantees {
			g := &gr.Guarantees[i]
			j, ok := b.find(r, g.LoanID)
			if !ok || !g.enforceable(day) {
				continue
			}
			out := exposures[j].Outstanding
			c := &res[j]
			c.Guaranteed = money.Min(c.Guaranteed.Add(g.guaranteed(out)), out)
			c.Guarantees++
		}
	}
	return res, nil
}

// checkCaps checks, before anything is computed, that every guarantee of a
// listed loan caps in the currency of the loan's exposure (only of those
// with something outstanding when positiveOnly), and returns one
// *fault.Fields naming each exposures[j] and guarantee that does not.
func (r *Register) checkCaps(b *book, exposures []Exposure, positiveOnly bool) error {
	v := invalid(ErrInvalidInput)
	for _, gr := range r.guars {
		for i := range gr.Guarantees {
			g := &gr.Guarantees[i]
			j, ok := b.find(r, g.LoanID)
			if !ok {
				continue
			}
			out := exposures[j].Outstanding
			if positiveOnly && !out.IsPositive() {
				continue
			}
			if !g.Cap.SameCurrency(out) {
				v.Addf(fmt.Sprintf("exposures[%d]", j), "loan %s is in %s but guarantee %s caps in %s",
					g.LoanID, out.Currency(), g.ID, g.Cap.Currency())
			}
		}
	}
	return v.Err()
}
