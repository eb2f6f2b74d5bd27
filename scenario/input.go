package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/account"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// Event is one dated event of a scenario. Type says which fields apply
// (EventTypes lists them); the rest must be left out.
type Event struct {
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
	Excess      string       `json:"excess"` // a repayment's excess: the payer's choice over the policy's

	// Servicing conventions: a delinquency pause's last day (a credit
	// line's validity or temporary limit's for line events), a re-age's new
	// installments, a sale's or buyback's external owner and price ratio.
	Until    string         `json:"until"`
	ReAging  *loan.ReAging  `json:"re_aging"`
	Transfer *loan.Transfer `json:"transfer"`

	Report string `json:"report"` // position (default), summary, ledger or postings

	// Investors: funding at disbursement, claim transfers.
	Funding []FundingLine `json:"funding"`
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

	// Post-loan inspections and their sign-off: the inspection's kind,
	// the supervisor, and which inspection (its date; default the latest).
	Inspector      string             `json:"inspector"`
	Conclusion     string             `json:"conclusion"`
	Findings       []classify.Finding `json:"findings"`
	InspectionKind string             `json:"inspection_kind"`
	Supervisor     string             `json:"supervisor"`
	Inspection     string             `json:"inspection"`

	// Facts about the borrower (or, with on_loan, the loan) and their
	// withdrawal; fund-flow reports (an inflow over from..date, a use of
	// the funds for a purpose).
	Fact         string            `json:"fact"`
	Severity     string            `json:"severity"`
	Signals      *classify.Signals `json:"signals"`
	ExternalDebt string            `json:"external_debt"`
	OnLoan       bool              `json:"on_loan"`
	Withdraws    string            `json:"withdraws"`
	From         string            `json:"from"`
	Purpose      string            `json:"purpose"`
	OffPurpose   bool              `json:"off_purpose"`

	// The borrower's kind (disburse): individual (default) or a legal
	// entity, whose loans the debtor-level rules grade together.
	BorrowerKind string `json:"borrower_kind"`

	// Credit lines (and Until above: the validity's or a temporary
	// limit's last day): whether the line revolves and whether it is
	// committed.
	Revolving bool `json:"revolving"`
	Committed bool `json:"committed"`

	// The platform's side (P2P): a member's cash account (the label
	// "borrower" is the scenario's borrower, any other an investor) and
	// its role; a listing's smallest and largest bid and the borrower's
	// reward (and Until above: the last day it takes bids).
	Member string `json:"member"`
	Role   string `json:"role"`
	MinBid string `json:"min_bid"`
	MaxBid string `json:"max_bid"`
	Reward string `json:"reward"`
}

// FundingLine is one investor's share of the principal at disbursement.
type FundingLine struct {
	Investor string `json:"investor"`
	Amount   string `json:"amount"`
}

// eventFields maps each JSON field name of Event to its index;
// eventFieldNames lists the names in the struct's order, the order bad
// fields are reported in.
var eventFields, eventFieldNames = func() (map[string]int, []string) {
	out := map[string]int{}
	var names []string
	t := reflect.TypeFor[Event]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		out[name] = i
		names = append(names, name)
	}
	return out, names
}()

// check reports every bad field of the event that can be told without
// running it: its date, its type, fields its type does not take or needs,
// and values that do not parse (amounts, dates, times, names).
func (ev *Event) check(bad *fault.Fields, field string, cur money.Currency) {
	if _, err := schedule.ParseDate(ev.Date); err != nil {
		bad.Add(field+".date", problem(err))
	}
	spec, ok := eventTypes[ev.Type]
	if !ok {
		bad.AddValue(field+".type", ev.Type, "unknown event type: must be one of "+strings.Join(EventTypes(), ", "))
		return
	}
	allowed := map[string]bool{"type": true, "date": true}
	for _, f := range strings.Fields(spec.fields) {
		allowed[f] = true
	}
	v := reflect.ValueOf(ev).Elem()
	for i, name := range eventFieldNames {
		if !allowed[name] && !v.Field(i).IsZero() {
			bad.Addf(field+"."+name, "does not apply to a %s event", ev.Type)
		}
	}
	for _, name := range strings.Fields(spec.required) {
		if v.Field(eventFields[name]).IsZero() {
			bad.Add(field+"."+name, "missing")
		}
	}
	for i, name := range eventFieldNames {
		parse, ok := valueParsers[name]
		s, _ := v.Field(i).Interface().(string)
		if !ok || s == "" || !allowed[name] {
			continue
		}
		if err := parse(s, cur); err != nil {
			bad.Add(field+"."+name, problem(err))
		}
	}
	for i, f := range ev.Funding {
		line := fmt.Sprintf("%s.funding[%d]", field, i)
		if f.Investor == "" {
			bad.Add(line+".investor", "missing")
		}
		if _, err := positive(f.Amount, cur); err != nil {
			bad.Add(line+".amount", problem(err))
		}
	}
	if spec.check != nil {
		spec.check(bad, field, ev)
	}
}

// valueParsers check the text fields whose values must parse, by JSON
// name; the currency is the scenario's.
var valueParsers = map[string]func(s string, cur money.Currency) error{
	"amount":           anyAmount,
	"premium":          anyAmount,
	"prior_claims":     anyAmount,
	"cap":              anyAmount,
	"net_worth":        anyAmount,
	"other_guarantees": anyAmount,
	"shortfall":        anyAmount,
	"costs":            anyAmount,
	"min_bid":          anyAmount,
	"max_bid":          anyAmount,
	"reward":           anyAmount,
	"role":             name(new(account.Role)),
	"until":            func(s string, _ money.Currency) error { _, err := schedule.ParseDate(s); return err },
	"due":              func(s string, _ money.Currency) error { _, err := schedule.ParseDate(s); return err },
	"time":             func(s string, _ money.Currency) error { _, err := clock(s); return err },
	"component":        name(new(loan.Component)),
	"reamortize":       name(new(loan.ReamortizeMode)),
	"excess":           name(new(loan.ExcessMode)),
	"kind":             name(new(collateral.Kind)),
	"method":           name(new(collateral.Method)),
	"guarantor_kind":   name(new(collateral.GuarantorKind)),
	"guarantee":        name(new(collateral.GuaranteeKind)),
	"channel":          name(new(collect.Channel)),
	"party":            name(new(collect.Party)),
	"outcome":          name(new(collect.Outcome)),
	"interruption":     name(new(collect.Interruption)),
	"conclusion":       name(new(classify.Conclusion)),
	"inspection_kind":  name(new(classify.InspectionKind)),
	"inspection":       func(s string, _ money.Currency) error { _, err := schedule.ParseDate(s); return err },
	"from":             func(s string, _ money.Currency) error { _, err := schedule.ParseDate(s); return err },
	"fact":             name(new(classify.FactKind)),
	"severity":         name(new(classify.Severity)),
	"external_debt":    anyAmount,
	"borrower_kind":    name(new(loan.BorrowerKind)),
	"step":             oneOf(legalStepNames),
	"report":           oneOf(reportKinds),
}

func anyAmount(s string, cur money.Currency) error { _, err := parseAmount(s, cur); return err }

// name checks a name against an enumeration's text.
func name(v interface{ UnmarshalText([]byte) error }) func(string, money.Currency) error {
	return func(s string, _ money.Currency) error { return v.UnmarshalText([]byte(s)) }
}

// oneOf checks a name against a list.
func oneOf(names []string) func(string, money.Currency) error {
	return func(s string, _ money.Currency) error {
		for _, n := range names {
			if n == s {
				return nil
			}
		}
		return fmt.Errorf("must be %s, not %q", strings.Join(names, ", "), s)
	}
}

// problem is what an error says about its field: the problem of the first
// bad field of a *fault.Fields, or its message.
func problem(err error) string {
	var f *fault.Fields
	if errors.As(err, &f) && f.Len() > 0 {
		return f.List[0].Problem
	}
	return err.Error()
}

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

// positive parses a required amount that must be above zero.
func positive(s string, cur money.Currency) (money.Amount, error) {
	if s == "" {
		return money.Amount{}, errors.New("missing")
	}
	a, err := parseAmount(s, cur)
	if err == nil && !a.IsPositive() {
		err = fmt.Errorf("must be positive, not %s", s)
	}
	return a, err
}

// amount parses an optional amount field: "" gives the zero amount.
func (r *runner) amount(field, s string) (money.Amount, error) {
	if s == "" {
		return money.Zero(r.sc.Currency), nil
	}
	a, err := parseAmount(s, r.sc.Currency)
	if err != nil {
		return money.Amount{}, invalid(field, err.Error())
	}
	return a, nil
}

// positive parses a required amount that must be above zero.
func (r *runner) positive(field, s string) (money.Amount, error) {
	a, err := positive(s, r.sc.Currency)
	if err != nil {
		return a, invalid(field, err.Error())
	}
	return a, nil
}

// text decodes a name ("real-estate", "phone") into a domain enum through
// its UnmarshalText; an empty name leaves v unchanged. Parse checked it.
func text(field, s string, v interface{ UnmarshalText([]byte) error }) error {
	if s == "" {
		return nil
	}
	if err := v.UnmarshalText([]byte(s)); err != nil {
		return invalid(field, problem(err))
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

// clock reads a time of day "HH:MM".
func clock(hm string) (time.Time, error) {
	t, err := time.Parse("15:04", hm)
	if err != nil {
		return t, fmt.Errorf("%q is not a time like 21:30", hm)
	}
	return t, nil
}

// at is the moment of an event: its date at "HH:MM" (default 10:00) in the
// scenario's time zone.
func (r *runner) at(day date.Date, hm string) time.Time {
	if hm == "" {
		hm = "10:00"
	}
	t, _ := clock(hm) // checked by Parse
	y, m, d := day.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), 0, 0, r.sc.Zone)
}

// nestedTypes are the event fields that hold a domain package's object
// as it is ("re_aging": loan.ReAging): a decoding error inside one is
// found again field by field, so it names the field.
var nestedTypes = map[string]reflect.Type{
	"re_aging": reflect.TypeFor[loan.ReAging](),
	"transfer": reflect.TypeFor[loan.Transfer](),
}

// nestedErrors adds the bad fields of the nested objects of the raw event
// (see nestedTypes) under field, each by its path
// ("events[3].re_aging.unit"), and reports whether it found any.
func nestedErrors(bad *fault.Fields, field string, raw json.RawMessage) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return false
	}
	found := false
	for _, key := range slices.Sorted(maps.Keys(nestedTypes)) {
		sub, ok := top[key]
		if !ok || string(sub) == "null" {
			continue
		}
		path := field + "." + key
		var obj map[string]json.RawMessage
		if json.Unmarshal(sub, &obj) != nil {
			bad.Add(path, "must be a JSON object")
			found = true
			continue
		}
		t := nestedTypes[key]
		v := reflect.New(t).Elem()
		for _, name := range slices.Sorted(maps.Keys(obj)) {
			i := jsonField(t, name)
			if i < 0 {
				bad.Add(path+"."+name, "unknown field")
				found = true
				continue
			}
			target := v.Field(i).Addr().Interface()
			if err := guard(func() error { return json.Unmarshal(obj[name], target) }); err != nil {
				var te *json.UnmarshalTypeError
				msg := problem(err)
				if errors.As(err, &te) {
					msg = fmt.Sprintf("must be a JSON %s, not %s", te.Type, te.Value)
				}
				bad.Add(path+"."+name, msg)
				found = true
			}
		}
	}
	return found
}

// jsonField returns the index of the field of struct type t that JSON
// spells name, or -1.
func jsonField(t reflect.Type, name string) int {
	for i := range t.NumField() {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); tag == name && t.Field(i).IsExported() {
			return i
		}
	}
	return -1
}
