package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// scenarioEvent is one dated event of a scenario. Type says which fields
// apply (handlers lists them); the rest must be left out.
type scenarioEvent struct {
	Type string `json:"type"`
	Date string `json:"date"`

	// Journal entries (and labels for promises).
	ID          string       `json:"id"`  // a label that a later "reverse" names
	Key         string       `json:"key"` // idempotency key; default "event-<n>"
	Actor       string       `json:"actor"`
	Reason      string       `json:"reason"`
	Approver    string       `json:"approver"`
	Amount      string       `json:"amount"`
	Component   string       `json:"component"`
	Installment int          `json:"installment"`
	Payoff      bool         `json:"payoff"`
	Reamortize  string       `json:"reamortize"`
	Change      *loan.Change `json:"change"`
	Reverses    string       `json:"reverses"`
	Report      string       `json:"report"` // position (default), summary, ledger or postings

	// Investors: funding at disbursement, claim transfers.
	Funding []fundingLine `json:"funding"`
	Seller  string        `json:"seller"`
	Buyer   string        `json:"buyer"`
	Holding int           `json:"holding"`
	Premium string        `json:"premium"`

	// Collateral items and valuations.
	Item        string `json:"item"`
	Kind        string `json:"kind"`
	Owner       string `json:"owner"`
	Description string `json:"description"`
	Method      string `json:"method"`
	Source      string `json:"source"`
	Rank        int    `json:"rank"`
	PriorClaims string `json:"prior_claims"`

	// Guarantors and guarantees.
	Guarantor       string `json:"guarantor"`
	GuarantorKind   string `json:"guarantor_kind"`
	Guarantee       string `json:"guarantee"`
	Cap             string `json:"cap"`
	NetWorth        string `json:"net_worth"`
	OtherGuarantees string `json:"other_guarantees"`
	Rating          string `json:"rating"`

	// Contact attempts and the debtor's contact state.
	Time              string `json:"time"`
	Channel           string `json:"channel"`
	Party             string `json:"party"`
	Outcome           string `json:"outcome"`
	Collector         string `json:"collector"`
	Agency            string `json:"agency"`
	MentionsDebt      bool   `json:"mentions_debt"`
	Note              string `json:"note"`
	OutOfHoursConsent *bool  `json:"out_of_hours_consent"`
	DisputeOpen       *bool  `json:"dispute_open"`
	HardshipOpen      *bool  `json:"hardship_open"`
	OutsourceNotified *bool  `json:"outsource_notified"`

	// Promises to pay.
	Due           string `json:"due"`
	ToleranceDays int    `json:"tolerance_days"`
	Shortfall     string `json:"shortfall"`

	// Legal steps.
	Step  string `json:"step"`
	Forum string `json:"forum"`
	Costs string `json:"costs"`

	// Demands and other limitation events.
	Interruption  string `json:"interruption"`
	Delivered     *bool  `json:"delivered"`
	SignedReceipt bool   `json:"signed_receipt"`
	Evidence      string `json:"evidence"`
}

// fundingLine is one investor's share of the principal at disbursement.
type fundingLine struct {
	Investor string `json:"investor"`
	Amount   string `json:"amount"`
}

// checkFields refuses any field set on ev that its type does not take:
// allowed lists the JSON names it takes besides type and date.
func checkFields(field string, ev *scenarioEvent, allowed string) error {
	ok := map[string]bool{"type": true, "date": true}
	for _, f := range strings.Fields(allowed) {
		ok[f] = true
	}
	v := reflect.ValueOf(ev).Elem()
	t := v.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if !ok[name] && !v.Field(i).IsZero() {
			return bad(field+"."+name, "does not apply to a %s event", ev.Type)
		}
	}
	return nil
}

// inputError is a bad scenario: the field path and the problem.
type inputError struct {
	field string
	err   error
}

func (e *inputError) Error() string { return e.field + ": " + e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

func bad(field string, format string, args ...any) error {
	return &inputError{field, fmt.Errorf(format, args...)}
}

// oneLine keeps an error message on a single line.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

func guard(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed value: %v", r)
		}
	}()
	return f()
}

// decodeStrict decodes raw into v (which holds the defaults: fields given
// replace them), refusing unknown fields and turning panics into errors.
func decodeStrict(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return guard(func() error { return dec.Decode(v) })
}

// fieldError turns a domain error into a field-naming input error: the
// first field of a package's field error gets the prefix; other errors
// name the prefix.
func fieldError(prefix string, err error) error {
	if name, msg, ok := firstField(err); ok {
		if prefix != "" {
			name = prefix + "." + name
		}
		return &inputError{name, errors.New(msg)}
	}
	if prefix == "" {
		prefix = "scenario"
	}
	return &inputError{prefix, err}
}

// firstField returns the first bad field of a validation error of any of
// the domain packages, with "(and n more)" when there are others.
func firstField(err error) (name, problem string, ok bool) {
	var bad *fault.Fields // one vocabulary: every package's bad input
	if !errors.As(err, &bad) || bad.Len() == 0 {
		return "", "", false
	}
	name, problem = bad.List[0].Name, bad.List[0].Problem
	if n := bad.Len(); n > 1 {
		problem += fmt.Sprintf(" (and %d more)", n-1)
	}
	return name, problem, true
}

// parseAmount reads "1234.56" in the scenario currency, or "CNY 1234.56".
func parseAmount(s string, cur money.Currency) (money.Amount, error) {
	if strings.Contains(strings.TrimSpace(s), " ") {
		a, err := money.ParseWithCode(s)
		if err == nil && a.Currency() != cur {
			return money.Amount{}, fmt.Errorf("%s is not in the scenario currency %s", s, cur.Code())
		}
		return a, err
	}
	return money.Parse(s, cur)
}

// amount parses an optional amount field: "" gives the zero amount.
func (r *runner) amount(field, s string) (money.Amount, error) {
	if s == "" {
		return money.Zero(r.cur), nil
	}
	a, err := parseAmount(s, r.cur)
	if err != nil {
		return money.Amount{}, bad(field, "%v", err)
	}
	return a, nil
}

// positive parses a required amount that must be above zero.
func (r *runner) positive(field, s string) (money.Amount, error) {
	if s == "" {
		return money.Amount{}, bad(field, "missing")
	}
	a, err := r.amount(field, s)
	if err == nil && !a.IsPositive() {
		err = bad(field, "must be positive, not %s", s)
	}
	return a, err
}

// text decodes a name ("real-estate", "phone") into a domain enum through
// its UnmarshalText; an empty name leaves v unchanged.
func text(field, s string, v interface{ UnmarshalText([]byte) error }) error {
	if s == "" {
		return nil
	}
	if err := v.UnmarshalText([]byte(s)); err != nil {
		return bad(field, "%v", err)
	}
	return nil
}

// parseOffset reads a fixed UTC offset "+08:00" (the default when empty).
func parseOffset(s string) (*time.Location, error) {
	if s == "" {
		s = "+08:00"
	}
	t, err := time.Parse("-07:00", s)
	if err != nil {
		return nil, fmt.Errorf("%q is not an offset like +08:00", s)
	}
	_, off := t.Zone()
	return time.FixedZone("UTC"+s, off), nil
}
