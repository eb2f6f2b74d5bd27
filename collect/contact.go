package collect

import (
	"time"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
)

// Outcome is what came of a contact attempt.
type Outcome uint8

// Contact outcomes.
const (
	Reached     Outcome = iota + 1 // spoke to the party
	NoAnswer                       // no answer
	WrongNumber                    // the number or address is not the party's
	Refused                        // the party refused to talk or to pay
	PromisedPay                    // the party promised to pay (record the Promise too)
	Disputed                       // the party disputes the debt (opens a dispute)
	Hardship                       // the party reports hardship (opens a hardship review)
	Delivered                      // a written message (SMS, e-mail, push, letter) reached the party
	Undelivered                    // a written message did not reach the party
	outcomeEnd
)

var outcomeNames = enum.New[Outcome](ErrInvalidInput, "outcome", "", "reached", "no-answer", "wrong-number", "refused",
	"promised-to-pay", "disputed", "hardship", "delivered", "undelivered")

// String returns the outcome's name.
func (o Outcome) String() string { return outcomeNames.String(o) }

// Valid reports whether o is a defined outcome.
func (o Outcome) Valid() bool { return outcomeNames.Valid(o) }

// MarshalText encodes the outcome's name.
func (o Outcome) MarshalText() ([]byte, error) { return outcomeNames.MarshalText(o) }

// UnmarshalText decodes an outcome's name.
func (o *Outcome) UnmarshalText(b []byte) error { return outcomeNames.UnmarshalText(b, o) }

// Spoke reports whether the outcome means the party was spoken to.
func (o Outcome) Spoke() bool {
	return o == Reached || o == Refused || o == PromisedPay || o == Disputed || o == Hardship
}

// ContactRecord is one contact attempt: reminders delivered, calls, visits.
type ContactRecord struct {
	Loan uuid.UUID `json:"loan"`
	// At is when the attempt was made, passed in by the host (this package
	// never reads the clock). Its offset is kept in JSON.
	At time.Time `json:"at"`
	// Location is the party's time zone, in which quiet hours and "a day"
	// are judged; nil means At's own location. It is not encoded: give At
	// in the party's zone to keep the local time through JSON.
	Location  *time.Location `json:"-"`
	Collector string         `json:"collector"`        // collector id
	Agency    string         `json:"agency,omitempty"` // outsourcing agency id; empty = the lender's own staff
	Channel   Channel        `json:"channel"`
	Party     Party          `json:"party"`
	Guarantor int            `json:"guarantor,omitempty"` // 1-based guarantor number when Party is Guarantor
	Outcome   Outcome        `json:"outcome"`
	// MentionsDebt is set when the message or call discloses the debt.
	// To a third party (an emergency contact) that is refused: such
	// contacts may only be asked where the borrower can be reached.
	MentionsDebt bool   `json:"mentions_debt"`
	Note         string `json:"note,omitempty"`
}

// Local returns At in the party's time zone.
func (r *ContactRecord) Local() time.Time {
	if r.Location != nil {
		return r.At.In(r.Location)
	}
	return r.At
}

// ConnectedCall reports whether the record is a phone call in which the
// party was spoken to, the unit COL-1 counts.
func (r *ContactRecord) ConnectedCall() bool { return r.Channel == Phone && r.Outcome.Spoke() }

// validate reports every bad field of the record, now being the host's
// current time: a record after it is bad input.
func (r *ContactRecord) validate(now time.Time) error {
	e := invalid()
	r.check(e, "", &now)
	return e.Err()
}

// check adds the bad fields of the record to e under prefix; a nil now
// leaves out the one check that needs the clock (a record in the future),
// for a record read back from storage.
func (r *ContactRecord) check(e *fault.Fields, prefix string, now *time.Time) {
	if r.At.IsZero() {
		e.Add(fault.Join(prefix, "at"), "missing")
	} else if now != nil && r.At.After(*now) {
		e.Addf(fault.Join(prefix, "at"), "%s is after now (%s): a contact record cannot be in the future", r.At.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	if r.Collector == "" {
		e.Add(fault.Join(prefix, "collector"), "missing")
	}
	if !r.Channel.Valid() {
		e.Addf(fault.Join(prefix, "channel"), "undefined channel %d", uint8(r.Channel))
	}
	if !r.Party.Valid() {
		e.Addf(fault.Join(prefix, "party"), "undefined party %d", uint8(r.Party))
	}
	if r.Guarantor < 0 || r.Guarantor > 0 && r.Party != Guarantor {
		e.Add(fault.Join(prefix, "guarantor"), "only a positive number for a guarantor")
	}
	if !r.Outcome.Valid() {
		e.Addf(fault.Join(prefix, "outcome"), "undefined outcome %d", uint8(r.Outcome))
	}
}

// ContactState is what the conduct rules need to know about the debtor
// beyond the contact history.
type ContactState struct {
	OutOfHoursConsent bool `json:"out_of_hours_consent"` // the debtor agreed to contact in the quiet hours (COL-2)
	DisputeOpen       bool `json:"dispute_open"`         // the debtor disputes the debt and the review is open
	HardshipOpen      bool `json:"hardship_open"`        // a hardship review is open
	OutsourceNotified bool `json:"outsource_notified"`   // the debtor was told collection is outsourced (COL-5)
}

// ContactLog is the contact history of one debtor (all loans, all parties,
// the lender and its agencies together), against which new attempts are
// checked.
type ContactLog struct {
	Records []ContactRecord `json:"records"`
}

// Record checks rec against the policy and appends it. now is the host's
// current time, passed in: a record after now is bad input. A bad record
// returns a *fault.Fields, a refused one a *RuleError naming the rule;
// either way nothing is recorded.
func (l *ContactLog) Record(p *ContactPolicy, st ContactState, rec ContactRecord, now time.Time) error {
	if err := rec.validate(now); err != nil {
		return err
	}
	if err := p.Check(&rec, st, l.Records); err != nil {
		return err
	}
	l.Records = append(l.Records, rec)
	return nil
}
