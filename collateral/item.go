package collateral

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// Item is one asset offered or held as security, with the title documents
// kept for it. Register.Add takes the descriptive fields; Status, History,
// Valuations, Documents and Announced are kept by the Register and change
// only through its methods.
//
// An Item is one of the three parts a Register is stored as (with Cover and
// Guarantor): it round-trips through JSON, and Restore checks it on the way
// back in.
type Item struct {
	ID          uuid.UUID `json:"id"`
	Kind        Kind      `json:"kind"`
	Owner       string    `json:"owner"` // the pledgor or mortgagor, as the host names them
	Description string    `json:"description,omitempty"`
	// Currency is the currency the item is valued and lent against in.
	Currency     money.Currency `json:"currency"`
	Registration Registration   `json:"registration"`
	// Liens are the lender's loans this item secures, with their priority.
	Liens []Lien `json:"liens"`

	// Cost and AcquiredOn are the base of a depreciation schedule: the
	// purchase price and the purchase or first-registration date.
	Cost       money.Amount `json:"cost,omitzero"`
	AcquiredOn date.Date    `json:"acquired_on,omitzero"`
	// Region names the price index a real-estate item follows.
	Region string `json:"region,omitempty"`
	// Instrument and Units identify listed securities: the instrument code
	// the market price is quoted under, and the number of units pledged.
	Instrument string `json:"instrument,omitempty"`
	Units      int64  `json:"units,omitempty"`

	Status     Status         `json:"status"`
	History    []StatusChange `json:"history,omitempty"`
	Valuations []Valuation    `json:"valuations,omitempty"` // in date order; the same date keeps entry order

	// firstSlot is where the register's slots of the Liens' loans start in
	// Register.lienSlots (one per lien, in order). An offset rather than a
	// slice of its own keeps an Item in the allocator's 320-byte class, as
	// it was before Documents and Announced came: BenchmarkEvaluateAndDue-
	// Revaluations, which walks a million items, ran some 5–10 % slower
	// with the larger items.
	firstSlot int32
	// nextDue caches when the latest valuation's revaluation falls due, so
	// DueRevaluations compares two day numbers per item.
	nextDue date.Date

	// Documents are the item's original title documents in custody, in
	// the order they were deposited (Register.Deposit).
	Documents []Document `json:"documents,omitempty"`
	// Announced is the revaluation due that Register.Monitor last
	// reported for the item; nil when none is standing. It is kept with the
	// item so that a restart, or another replica, does not report it again.
	Announced *DueRevaluation `json:"announced,omitempty"`
}

// Registration records how the security interest is perfected.
type Registration struct {
	CertificateNumber string    `json:"certificate_number,omitempty"` // the registration certificate or receipt number (他项权证号)
	Authority         string    `json:"authority,omitempty"`          // the registry: real-estate registry, vehicle office, CSDC, ...
	RegisteredOn      date.Date `json:"registered_on,omitzero"`       // zero until registered
	// Rank is the charge's rank on the asset among all creditors: 1 for a
	// first mortgage, 2 for a second.
	Rank int `json:"rank"`
	// PriorClaims is what creditors ranking ahead are owed (已抵押价值): it
	// comes off the value before anything is lent against it. Zero for a
	// first charge.
	PriorClaims money.Amount `json:"prior_claims,omitzero"`
}

// Lien links an item to one of the lender's loans it secures.
type Lien struct {
	LoanID uuid.UUID `json:"loan_id"`
	// Rank orders this lender's loans on the item: rank 1 is paid in full
	// before rank 2 gets anything; loans of equal rank share pro rata.
	Rank int `json:"rank"`
}

// StatusChange is one lifecycle move of an item.
type StatusChange struct {
	Day   date.Date `json:"day"`
	From  Status    `json:"from"`
	To    Status    `json:"to"`
	Event Event     `json:"event"`
}

// maxText bounds free-text fields.
const maxText = 1000

func (it *Item) check() error {
	v := invalid(ErrInvalidInput)
	it.describe(v)
	if it.Status != 0 || len(it.History) > 0 || len(it.Valuations) > 0 || len(it.Documents) > 0 || it.Announced != nil {
		v.Add("status", "a new item starts proposed with no history, valuations or documents: "+
			"add valuations with AddValuation and documents with Deposit")
	}
	return v.Err()
}

// describe checks the descriptive fields of an item. It names them as
// the item's JSON does, and formats a name only for a field found bad, so
// checking a valid item allocates nothing.
func (it *Item) describe(v *fault.Fields) {
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
	var seen map[uuid.UUID]bool // for many liens; a few are compared pairwise
	if len(it.Liens) > 16 {
		seen = make(map[uuid.UUID]bool, len(it.Liens))
	}
	for i, l := range it.Liens {
		if l.LoanID == uuid.Nil {
			v.Add(fmt.Sprintf("liens[%d].loan_id", i), "must not be the nil uuid")
		} else if twice(it.Liens[:i], l.LoanID, seen) {
			v.Addf(fmt.Sprintf("liens[%d].loan_id", i), "loan %s appears twice", l.LoanID)
		}
		if l.Rank < 1 || l.Rank > 99 {
			v.Addf(fmt.Sprintf("liens[%d].rank", i), "%d must be 1 to 99", l.Rank)
		}
	}
}

// twice reports whether loan is among the liens before it: looked up in
// seen (which it adds loan to) when there is one, compared one by one
// otherwise.
func twice(before []Lien, loan uuid.UUID, seen map[uuid.UUID]bool) bool {
	if seen != nil {
		dup := seen[loan]
		seen[loan] = true
		return dup
	}
	for _, l := range before {
		if l.LoanID == loan {
			return true
		}
	}
	return false
}

// checkDay records a problem when day is unset (the zero date) or before
// last, the day of the latest entry of the record it extends (what names
// that record in the message). A zero last means there is no entry yet.
func checkDay(v *fault.Fields, field string, day, last date.Date, what string) {
	if p := dayProblem(day, last, what); p != "" {
		v.Add(field, p)
	}
}

// dayProblem is checkDay's problem, or "" when there is none.
func dayProblem(day, last date.Date, what string) string {
	switch {
	case day.IsZero():
		return "must be set"
	case !last.IsZero() && day.Before(last):
		return fmt.Sprintf("%s is before the last %s (%s)", day, what, last)
	}
	return ""
}

// lastChange returns the day of the item's latest status change, or the
// zero date when it has none.
func (it *Item) lastChange() date.Date {
	if n := len(it.History); n > 0 {
		return it.History[n-1].Day
	}
	return date.Date{}
}

func checkText(v *fault.Fields, field, s string, required bool) {
	if p := textProblem(s, required); p != "" {
		v.Add(field, p)
	}
}

// textProblem is checkText's problem, or "" when there is none.
func textProblem(s string, required bool) string {
	switch {
	case required && strings.TrimSpace(s) == "":
		return "missing"
	case len(s) > maxText:
		return fmt.Sprintf("longer than %d bytes", maxText)
	}
	return ""
}

// checkAmount records a problem when a is negative, out of range, or in a
// currency other than cur (a zero amount of no currency is accepted).
func checkAmount(v *fault.Fields, field string, a money.Amount, cur money.Currency, positive bool) {
	if p := amountProblem(a, cur, positive); p != "" {
		v.Add(field, p)
	}
}

// amountProblem is checkAmount's problem, or "" when there is none.
func amountProblem(a money.Amount, cur money.Currency, positive bool) string {
	switch {
	case !a.IsZero() && a.Currency() != cur:
		return fmt.Sprintf("%s is not in %s", a, cur)
	case a.IsNegative():
		return fmt.Sprintf("%s must not be negative", a)
	case positive && !a.IsPositive():
		return fmt.Sprintf("%s must be positive", a)
	case a.Minor() > money.MaxMinor:
		return fmt.Sprintf("%s is out of range", a)
	}
	return ""
}

// clone returns a deep copy, so callers cannot alter the register's state.
func (it *Item) clone() Item {
	c := *it
	c.Liens = slices.Clone(it.Liens)
	c.History = slices.Clone(it.History)
	c.Valuations = slices.Clone(it.Valuations)
	if it.Documents != nil {
		c.Documents = make([]Document, len(it.Documents))
		for i := range it.Documents {
			c.Documents[i] = it.Documents[i].clone()
		}
	}
	if it.Announced != nil {
		a := *it.Announced
		c.Announced = &a
	}
	return c
}

// public returns a deep copy without the register's caches: what Item and
// Parts hand out, equal to the item after a JSON round trip.
func (it *Item) public() Item {
	c := it.clone()
	c.firstSlot, c.nextDue = 0, date.Date{}
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

// SecuredLoans returns the loans the item's liens secure, sorted, each
// once: the index a store keeps to find the items of a loan.
func (it *Item) SecuredLoans() []uuid.UUID {
	out := make([]uuid.UUID, 0, len(it.Liens))
	for _, l := range it.Liens {
		out = append(out, l.LoanID)
	}
	return sortedIDs(out)
}

// DocumentOut returns the earliest OutSince among the item's documents out
// of the vault, or the zero date when none is out: the index a store keeps
// to find the originals that may be overdue.
func (it *Item) DocumentOut() date.Date {
	var first date.Date
	for i := range it.Documents {
		d := &it.Documents[i]
		if d.State == CheckedOut && (first.IsZero() || d.OutSince.Before(first)) {
			first = d.OutSince
		}
	}
	return first
}

// sortedIDs sorts ids in place, drops repeats and returns them.
func sortedIDs(ids []uuid.UUID) []uuid.UUID {
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return slices.Compact(ids)
}
