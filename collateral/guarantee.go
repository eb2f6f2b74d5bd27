package collateral

import (
	"fmt"

	"github.com/google/uuid"
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

var guarantorKindNames = enumNames{"GuarantorKind", []string{"", "person", "company", "guarantee-company"}}

// String returns the kind's name.
func (k GuarantorKind) String() string { return guarantorKindNames.String(uint8(k)) }

// GuaranteeKind is the guarantor's mode of liability.
type GuaranteeKind uint8

// Guarantee kinds (Civil Code art. 686: when the contract is silent, the
// guarantee is general; evidence S).
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

var guaranteeKindNames = enumNames{"GuaranteeKind", []string{"", "general", "joint-and-several"}}

// String returns the kind's name.
func (k GuaranteeKind) String() string { return guaranteeKindNames.String(uint8(k)) }

// Guarantor is a person or company that guarantees loans.
type Guarantor struct {
	ID   uuid.UUID
	Name string
	Kind GuarantorKind
	// Assessments are the capacity re-assessments, oldest first.
	Assessments []Assessment
}

// Assessment is one assessment of a guarantor's capacity to pay.
type Assessment struct {
	Date     date.Date
	NetWorth money.Amount
	// OtherGuarantees is what the guarantor has guaranteed elsewhere.
	OtherGuarantees money.Amount
	Rating          string // the lender's or an agency's rating, as text
}

// Capacity is net worth less other guarantees outstanding, never below zero.
func (a Assessment) Capacity() money.Amount { return floorZero(a.NetWorth.Sub(a.OtherGuarantees)) }

// Guarantee is one guarantor's guarantee of one loan.
type Guarantee struct {
	ID          uuid.UUID
	GuarantorID uuid.UUID
	LoanID      uuid.UUID
	Kind        GuaranteeKind
	// Cap limits the guaranteed amount; zero means the whole debt.
	Cap money.Amount
	// DebtMaturity is when the guaranteed debt falls due.
	DebtMaturity date.Date
	// AgreedPeriodEnd is the guarantee period's end as the contract states
	// it; zero if none. One ending on or before DebtMaturity counts as none
	// (Civil Code art. 692).
	AgreedPeriodEnd date.Date
	// PeriodEnd is the last day a demand can be made; AddGuarantee sets it.
	PeriodEnd date.Date
	// DemandedOn is when the demand was made (suit or arbitration against
	// the debtor for a general guarantee, a demand on the guarantor for a
	// joint-and-several one); zero until then.
	DemandedOn date.Date
}

// enforceable reports whether the guarantor is still liable on day.
func (g *Guarantee) enforceable(day date.Date) bool {
	return !g.DemandedOn.IsZero() || !day.After(g.PeriodEnd)
}

// AddGuarantor registers a guarantor (with any assessments already made).
func (r *Register) AddGuarantor(g Guarantor) error {
	v := newValidation(ErrInvalidInput)
	if g.ID == uuid.Nil {
		v.Add("guarantor.id", "must not be the nil uuid")
	} else if _, dup := r.guarByID[g.ID]; dup {
		v.Addf("guarantor.id", "guarantor %s is already registered", g.ID)
	}
	checkText(v, "guarantor.name", g.Name, true)
	if !guarantorKindNames.valid(uint8(g.Kind)) {
		v.Addf("guarantor.kind", "unknown kind %d", uint8(g.Kind))
	}
	for i, a := range g.Assessments {
		checkAssessment(v, fmt.Sprintf("guarantor.assessments[%d]", i), a)
		if i > 0 && a.Date.Before(g.Assessments[i-1].Date) {
			v.Addf(fmt.Sprintf("guarantor.assessments[%d].date", i), "%s is before the assessment above", a.Date)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	c := g
	c.Assessments = append([]Assessment(nil), g.Assessments...)
	r.guarByID[c.ID] = len(r.guars)
	r.guars = append(r.guars, &c)
	return nil
}

func checkAssessment(v *ValidationError, f string, a Assessment) {
	if a.NetWorth.Currency().IsZero() {
		v.Add(f+".net_worth", "missing currency")
	}
	if a.NetWorth.Minor() < -money.MaxMinor || a.NetWorth.Minor() > money.MaxMinor {
		v.Addf(f+".net_worth", "%s is out of range", a.NetWorth)
	}
	checkAmount(v, f+".other_guarantees", a.OtherGuarantees, a.NetWorth.Currency(), false)
	checkText(v, f+".rating", a.Rating, false)
}

// Reassess records a new capacity assessment of guarantor id, made no
// later than asOf and no earlier than the last one.
func (r *Register) Reassess(id uuid.UUID, a Assessment, asOf date.Date) error {
	i, ok := r.guarByID[id]
	if !ok {
		return notFound("guarantor", id)
	}
	g := r.guars[i]
	v := newValidation(ErrInvalidInput)
	checkAssessment(v, "assessment", a)
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
	return nil
}

// AddGuarantee registers a guarantee by a registered guarantor and sets
// its PeriodEnd: the agreed end, or DebtMaturity plus the policy's
// DefaultPeriod when none (or one not after maturity) was agreed.
func (r *Register) AddGuarantee(g Guarantee) error {
	v := newValidation(ErrInvalidInput)
	if g.ID == uuid.Nil {
		v.Add("guarantee.id", "must not be the nil uuid")
	} else if _, dup := r.gteeByID[g.ID]; dup {
		v.Addf("guarantee.id", "guarantee %s is already registered", g.ID)
	}
	if _, ok := r.guarByID[g.GuarantorID]; !ok {
		v.Addf("guarantee.guarantor_id", "no guarantor %s", g.GuarantorID)
	}
	if g.LoanID == uuid.Nil {
		v.Add("guarantee.loan_id", "must not be the nil uuid")
	}
	if !guaranteeKindNames.valid(uint8(g.Kind)) {
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
	r.gteeByID[c.ID] = len(r.gtees)
	r.gtees = append(r.gtees, &c)
	return nil
}

// Guarantee returns a copy of guarantee id.
func (r *Register) Guarantee(id uuid.UUID) (Guarantee, error) {
	i, ok := r.gteeByID[id]
	if !ok {
		return Guarantee{}, notFound("guarantee", id)
	}
	return *r.gtees[i], nil
}

// RecordDemand records the demand that preserves guarantee id, made on day.
// A zero day, or a second demand, is a *ValidationError naming "day"; a
// demand after the guarantee period is refused with ErrGuaranteeLapsed: the
// guarantor is discharged (Civil Code art. 693).
func (r *Register) RecordDemand(id uuid.UUID, day date.Date) error {
	i, ok := r.gteeByID[id]
	if !ok {
		return notFound("guarantee", id)
	}
	g := r.gtees[i]
	v := newValidation(ErrInvalidInput)
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
	return nil
}

// GuaranteeCoverage is how much of a loan its guarantees cover as of a day.
type GuaranteeCoverage struct {
	LoanID      uuid.UUID
	Outstanding money.Amount
	// Guaranteed is Σ min(cap, outstanding) over the enforceable
	// guarantees, limited to the outstanding.
	Guaranteed money.Amount
	Guarantees int // enforceable guarantees counted
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
// than its loan's exposure gives a *ValidationError naming every such
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
	for _, g := range r.gtees {
		j, ok := b.find(r, g.LoanID)
		if !ok || !g.enforceable(day) {
			continue
		}
		out := exposures[j].Outstanding
		c := &res[j]
		c.Guaranteed = money.Min(c.Guaranteed.Add(g.guaranteed(out)), out)
		c.Guarantees++
	}
	return res, nil
}

// checkCaps checks, before anything is computed, that every guarantee of a
// listed loan caps in the currency of the loan's exposure (only of those
// with something outstanding when positiveOnly), and returns one
// *ValidationError naming each exposures[j] and guarantee that does not.
func (r *Register) checkCaps(b *book, exposures []Exposure, positiveOnly bool) error {
	v := newValidation(ErrInvalidInput)
	for _, g := range r.gtees {
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
	return v.Err()
}
