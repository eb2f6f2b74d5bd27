package collateral

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// AlertKind is what a guarantor alert is about.
type AlertKind uint8

// Guarantor alert kinds.
const (
	// AlertCapacityShortfall: the latest assessed capacity is below what
	// the guarantor currently guarantees here.
	AlertCapacityShortfall AlertKind = iota + 1
	// AlertReassessmentDue: no assessment, or the latest is older than the
	// policy's ReassessEvery.
	AlertReassessmentDue
	// AlertPeriodLapsing: the guarantee period ends within
	// LapseWarningDays and no demand has been made.
	AlertPeriodLapsing
	// AlertPeriodLapsed: the period ended with no demand and the loan is
	// still outstanding; the guarantor is discharged.
	AlertPeriodLapsed
)

var alertKindNames = enum.New[AlertKind](ErrInvalidInput, "alert_kind", "", "capacity-shortfall", "reassessment-due",
	"period-lapsing", "period-lapsed")

// String returns the kind's name.
func (k AlertKind) String() string { return alertKindNames.String(k) }

// MarshalText encodes the kind's name.
func (k AlertKind) MarshalText() ([]byte, error) { return alertKindNames.MarshalText(k) }

// UnmarshalText decodes a kind's name.
func (k *AlertKind) UnmarshalText(b []byte) error { return alertKindNames.UnmarshalText(b, k) }

// Alert is one guarantor-monitoring finding, returned as a value for the
// host to route.
type Alert struct {
	Kind        AlertKind `json:"kind"`
	GuarantorID uuid.UUID `json:"guarantor_id"`
	GuaranteeID uuid.UUID `json:"guarantee_id,omitzero"` // zero for guarantor-level alerts
	LoanID      uuid.UUID `json:"loan_id,omitzero"`      // zero for guarantor-level alerts
	// Due is the guarantee period's last day (period alerts) or when the
	// re-assessment fell due (zero if never assessed).
	Due date.Date `json:"due,omitzero"`
	// Capacity and Guaranteed are set on capacity alerts.
	Capacity   money.Amount `json:"capacity,omitzero"`
	Guaranteed money.Amount `json:"guaranteed,omitzero"`
}

// GuarantorAlerts checks every guarantor and guarantee as of day against
// the loans' outstanding amounts: capacity below the amount guaranteed,
// re-assessments due, and guarantee periods about to lapse or lapsed with
// no demand. Guarantees of loans not listed, or listed with nothing
// outstanding, raise no period alert and count for nothing. Alerts come
// per guarantor in the register's order (registration order, or the order
// given to Restore).
//
// Every input is checked before any alert is made: a guarantee capped in a
// currency other than its loan's exposure, a guarantor guaranteeing loans
// in two currencies, or one assessed in another currency than it
// guarantees gives one *fault.Fields naming each exposures[j] (and the
// guarantee or guarantor) concerned.
func (r *Register) GuarantorAlerts(day date.Date, exposures []Exposure) ([]Alert, error) {
	b, err := r.newBook(exposures)
	if err != nil {
		return nil, err
	}
	if err := r.checkCaps(b, exposures, true); err != nil {
		return nil, err
	}
	v := invalid(ErrInvalidInput)
	pol := r.policy.Guarantees
	var alerts []Alert
	for _, gr := range r.guars {
		var guaranteed money.Amount
		guaranteedBy := -1 // the exposure that set guaranteed's currency
		var latest *Assessment
		for i := len(gr.Assessments) - 1; i >= 0; i-- {
			if !gr.Assessments[i].Date.After(day) {
				latest = &gr.Assessments[i]
				break
			}
		}
		for i := range gr.Guarantees {
			g := &gr.Guarantees[i]
			j, ok := b.find(r, g.LoanID)
			if !ok || !b.out(j).IsPositive() {
				continue
			}
			out := b.out(j)
			if g.enforceable(day) {
				amt := g.guaranteed(out)
				if !guaranteed.SameCurrency(amt) {
					v.Addf(fmt.Sprintf("exposures[%d]", j), "guarantor %s guarantees loan %s in %s and exposures[%d] in %s (guarantee %s)",
						gr.ID, g.LoanID, amt.Currency(), guaranteedBy, guaranteed.Currency(), g.ID)
					continue
				}
				guaranteed = guaranteed.Add(amt)
				guaranteedBy = j
			}
			if !g.DemandedOn.IsZero() {
				continue
			}
			switch left := int(g.PeriodEnd.Sub(day)); {
			case left < 0:
				alerts = append(alerts, Alert{Kind: AlertPeriodLapsed, GuarantorID: gr.ID, GuaranteeID: g.ID, LoanID: g.LoanID, Due: g.PeriodEnd})
			case left <= pol.LapseWarningDays:
				alerts = append(alerts, Alert{Kind: AlertPeriodLapsing, GuarantorID: gr.ID, GuaranteeID: g.ID, LoanID: g.LoanID, Due: g.PeriodEnd})
			}
		}
		switch {
		case latest == nil:
			alerts = append(alerts, Alert{Kind: AlertReassessmentDue, GuarantorID: gr.ID})
		case !pol.ReassessEvery.After(latest.Date).After(day):
			alerts = append(alerts, Alert{Kind: AlertReassessmentDue, GuarantorID: gr.ID, Due: pol.ReassessEvery.After(latest.Date)})
		}
		if latest != nil && guaranteed.IsPositive() {
			capacity := latest.Capacity()
			if !capacity.SameCurrency(guaranteed) {
				v.Addf(fmt.Sprintf("exposures[%d]", guaranteedBy), "guarantor %s is assessed in %s but guarantees %s",
					gr.ID, capacity.Currency(), guaranteed.Currency())
				continue
			}
			if capacity.Less(guaranteed) {
				alerts = append(alerts, Alert{Kind: AlertCapacityShortfall, GuarantorID: gr.ID, Capacity: capacity, Guaranteed: guaranteed})
			}
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return alerts, nil
}
