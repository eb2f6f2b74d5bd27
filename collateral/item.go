package collateral

import (
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// Item is one asset offered or held as security. Register.Add takes the
// descriptive fields; Status, History and Valuations are kept by the
// Register and change only through its methods.
type Item struct {
	ID          uuid.UUID
	Kind        Kind
	Owner       string // the pledgor or mortgagor, as the host names them
	Description string
	// Currency is the currency the item is valued and lent against in.
	Currency     money.Currency
	Registration Registration
	// Liens are the lender's loans this item secures, with their priority.
	Liens []Lien

	// Cost and AcquiredOn are the base of a depreciation schedule: the
	// purchase price and the purchase or first-registration date.
	Cost       money.Amount
	AcquiredOn date.Date
	// Region names the price index a real-estate item follows.
	Region string
	// Instrument and Units identify listed securities: the instrument code
	// the market price is quoted under, and the number of units pledged.
	Instrument string
	Units      int64

	Status     Status
	History    []StatusChange
	Valuations []Valuation // in date order; the same date keeps entry order

	// slots are the register's slots of the Liens' loans.
	slots []int32
	// nextDue caches when the latest valuation's revaluation falls due, so
	// DueRevaluations compares two day numbers per item.
	nextDue date.Date
}

// Registration records how the security interest is perfected.
type Registration struct {
	CertificateNumber string    // the registration certificate or receipt number (他项权证号)
	Authority         string    // the registry: real-estate registry, vehicle office, CSDC, ...
	RegisteredOn      date.Date // zero until registered
	// Rank is the charge's rank on the asset among all creditors: 1 for a
	// first mortgage, 2 for a second.
	Rank int
	// PriorClaims is what creditors ranking ahead are owed (已抵押价值): it
	// comes off the value before anything is lent against it. Zero for a
	// first charge.
	PriorClaims money.Amount
}

// Lien links an item to one of the lender's loans it secures.
type Lien struct {
	LoanID uuid.UUID
	// Rank orders this lender's loans on the item: rank 1 is paid in full
	// before rank 2 gets anything; loans of equal rank share pro rata.
	Rank int
}

// StatusChange is one lifecycle move of an item.
type StatusChange struct {
	Day      date.Date
	From, To Status
	Event    Event
}

// maxText bounds free-text fields.
const maxText = 1000

func (it *Item) check() error {
	v := newValidation(ErrInvalidInput)
	if it.ID == uuid.Nil {
		v.Add("id", "must not be the nil uuid")
	}
	if !it.Kind.Valid() {
		v.Addf("kind", "unknown kind %d", uint8(it.Kind))
	}
	if it.Currency.IsZero() {
		v.Add("currency", "missing")
	}
	checkText(v, "owner", it.Owner, true)
	checkText(v, "description", it.Description, false)
	checkText(v, "registration.certificate_number", it.Registration.CertificateNumber, false)
	checkText(v, "registration.authority", it.Registration.Authority, false)
	checkText(v, "region", it.Region, false)
	checkText(v, "instrument", it.Instrument, false)
	if it.Registration.Rank < 1 || it.Registration.Rank > 99 {
		v.Addf("registration.rank", "%d must be 1 (first charge) to 99", it.Registration.Rank)
	}
	checkAmount(v, "registration.prior_claims", it.Registration.PriorClaims, it.Currency, false)
	if it.Registration.Rank == 1 && it.Registration.PriorClaims.IsPositive() {
		v.Add("registration.prior_claims", "a first charge has no prior claims")
	}
	checkAmount(v, "cost", it.Cost, it.Currency, false)
	if it.Units < 0 {
		v.Addf("units", "%d must not be negative", it.Units)
	}
	if len(it.Liens) == 0 {
		v.Add("liens", "an item must secure at least one loan")
	}
	seen := map[uuid.UUID]bool{}
	for i, l := range it.Liens {
		f := fmt.Sprintf("liens[%d]", i)
		if l.LoanID == uuid.Nil {
			v.Add(f+".loan_id", "must not be the nil uuid")
		} else if seen[l.LoanID] {
			v.Addf(f+".loan_id", "loan %s appears twice", l.LoanID)
		}
		seen[l.LoanID] = true
		if l.Rank < 1 || l.Rank > 99 {
			v.Addf(f+".rank", "%d must be 1 to 99", l.Rank)
		}
	}
	if it.Status != 0 || len(it.History) > 0 || len(it.Valuations) > 0 {
		v.Add("status", "a new item starts proposed with no history or valuations: add valuations with AddValuation")
	}
	return v.Err()
}

// checkDay records a problem when day is unset (the zero date) or before
// last, the day of the latest entry of the record it extends (what names
// that record in the message). A zero last means there is no entry yet.
func checkDay(v *ValidationError, field string, day, last date.Date, what string) {
	switch {
	case day.IsZero():
		v.Add(field, "must be set")
	case !last.IsZero() && day.Before(last):
		v.Addf(field, "%s is before the last %s (%s)", day, what, last)
	}
}

// lastChange returns the day of the item's latest status change, or the
// zero date when it has none.
func (it *Item) lastChange() date.Date {
	if n := len(it.History); n > 0 {
		return it.History[n-1].Day
	}
	return date.Date{}
}

func checkText(v *ValidationError, field, s string, required bool) {
	switch {
	case required && strings.TrimSpace(s) == "":
		v.Add(field, "missing")
	case len(s) > maxText:
		v.Addf(field, "longer than %d bytes", maxText)
	}
}

// checkAmount records a problem when a is negative, out of range, or in a
// currency other than cur (a zero amount of no currency is accepted).
func checkAmount(v *ValidationError, field string, a money.Amount, cur money.Currency, positive bool) {
	switch {
	case !a.IsZero() && a.Currency() != cur:
		v.Addf(field, "%s is not in %s", a, cur)
	case a.IsNegative():
		v.Addf(field, "%s must not be negative", a)
	case positive && !a.IsPositive():
		v.Addf(field, "%s must be positive", a)
	case a.Minor() > money.MaxMinor:
		v.Addf(field, "%s is out of range", a)
	}
}

// clone returns a deep copy, so callers cannot alter the register's state.
func (it *Item) clone() Item {
	c := *it
	c.Liens = append([]Lien(nil), it.Liens...)
	c.slots = append([]int32(nil), it.slots...)
	c.History = append([]StatusChange(nil), it.History...)
	c.Valuations = append([]Valuation(nil), it.Valuations...)
	return c
}

// securesLoan reports whether the item has a lien for the loan.
func (it *Item) securesLoan(loan uuid.UUID) bool {
	for _, l := range it.Liens {
		if l.LoanID == loan {
			return true
		}
	}
	return false
}
