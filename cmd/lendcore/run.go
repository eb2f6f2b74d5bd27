package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage/memory"
)

// runUsage is the help text of `lendcore run`.
const runUsage = `usage: lendcore run scenario.json

Replays a declarative scenario (terms, policies, dated events) through the
lendcore Engine on an in-memory store and prints a JSON document at every
"report" event: the loan's position and, once available, its bucket, grade
and stage, collection stage, reminders and actions, collateral coverage,
limitation expiry and investors' positions. The format is described in
docs/scenarios.md. Exit status: 0 success, 1 I/O failure, 2 bad scenario
(one line on stderr naming the field).`

// cmdRun is the `lendcore run` subcommand: args are the arguments after
// "run". It returns the process exit status.
func cmdRun(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprintln(stdout, runUsage)
		return 0
	}
	if len(args) != 1 {
		fmt.Fprintln(stderr, runUsage)
		return 2
	}
	b, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "lendcore run: %v\n", err)
		return 1
	}
	var out bytes.Buffer
	if err := runScenario(b, &out); err != nil {
		fmt.Fprintf(stderr, "lendcore run: %s\n", oneLine(err))
		return 2
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "lendcore run: %v\n", err)
		return 1
	}
	return 0
}

// scenarioFile is the JSON form of a scenario (docs/scenarios.md).
type scenarioFile struct {
	Currency string           `json:"currency"`
	Terms    *json.RawMessage `json:"terms"`
	Policy   *json.RawMessage `json:"policy"`
	Policies *json.RawMessage `json:"policies"`
	// UTCOffset is the borrower's time zone, in which contact times are
	// given and quiet hours judged: "+08:00" by default.
	UTCOffset string          `json:"utc_offset"`
	Events    []scenarioEvent `json:"events"`
}

// scenarioNS is the scenario loan's id, and the namespace of the name-based
// (SHA-1) UUIDs a scenario gives its entries, investors, collateral and
// guarantors, so every run is byte-for-byte the same. Entries are
// uuid.NewSHA1(scenarioNS, "event-<index>"), exactly the ids the Engine
// derives from a loan id and an idempotency key.
var scenarioNS = uuid.MustParse("6c656e64-636f-5265-8000-7363656e6172")

// runScenario replays the scenario in b and writes the reports to w.
func runScenario(b []byte, w io.Writer) error {
	sc, err := decodeScenario(b)
	if err != nil {
		return err
	}
	r, err := newRunner(sc, w)
	if err != nil {
		return err
	}
	for i := range sc.Events {
		if err := r.event(i, &sc.Events[i]); err != nil {
			return err
		}
	}
	return nil
}

// decodeScenario parses the file strictly: unknown fields are errors, and a
// panic inside a decoder becomes an error. Events are decoded one by one,
// so an error inside one names it: "events[3].amount".
func decodeScenario(b []byte) (*scenarioFile, error) {
	var raw struct { // scenarioFile with its events left raw
		Currency  string            `json:"currency"`
		Terms     *json.RawMessage  `json:"terms"`
		Policy    *json.RawMessage  `json:"policy"`
		Policies  *json.RawMessage  `json:"policies"`
		UTCOffset string            `json:"utc_offset"`
		Events    []json.RawMessage `json:"events"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := guard(func() error { return dec.Decode(&raw) })
	switch {
	case err != nil:
		return nil, decodeError("", err)
	case dec.More():
		return nil, bad("scenario", "trailing data after the JSON object")
	}
	sc := scenarioFile{Currency: raw.Currency, Terms: raw.Terms, Policy: raw.Policy, Policies: raw.Policies,
		UTCOffset: raw.UTCOffset, Events: make([]scenarioEvent, len(raw.Events))}
	for i, ev := range raw.Events {
		if err := decodeStrict(ev, &sc.Events[i]); err != nil {
			return nil, decodeError(fmt.Sprintf("events[%d]", i), err)
		}
	}
	return &sc, nil
}

// decodeError names the field a decoding error is about, under prefix.
func decodeError(prefix string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		field := te.Field
		if prefix != "" {
			field = prefix + "." + field
		}
		return bad(field, "must be a JSON %s, not %s", te.Type, te.Value)
	}
	if prefix == "" {
		prefix = "scenario"
	}
	return bad(prefix, "%v", err)
}

// runner replays a scenario's events through an Engine on a memory store.
// It plays the host: it files and approves the application, keeps the
// collateral register, the contact log, promises, legal proceedings and
// demand records (which the Engine does not manage), and prints reports.
type runner struct {
	ctx      context.Context
	e        *lendcore.Engine
	id       uuid.UUID // the loan (and application) id: scenarioNS
	terms    schedule.Terms
	cur      money.Currency
	zone     *time.Location
	policies scenarioPolicies
	w        io.Writer

	ids       map[string]uuid.UUID // event labels → entry ids
	booked    time.Time            // booking time of the last entry: the Engine's clock
	disbursed bool
	closed    date.Date // last day the daily close ran; zero before the first close

	investors labels

	reg        *collateral.Register
	maturity   date.Date   // the contractual maturity (guarantees' debt maturity)
	items      labels      // collateral item labels → ids, in registration order
	guarantors labels      // guarantor labels → ids
	guarantees []uuid.UUID // the guarantees of the loan, in registration order
	evaluated  date.Date   // last day the register was evaluated
	coverage   *collateral.LoanCoverage

	contacts   collect.ContactLog
	contactSt  collect.ContactState
	refused    []refusedContact
	promises   []collect.Promise
	proceeding *collect.Proceeding
	demands    []collect.LimitationEvent
}

// newRunner validates the scenario's header and builds the Engine.
func newRunner(sc *scenarioFile, w io.Writer) (*runner, error) {
	cur, err := money.CurrencyOf(sc.Currency)
	if err != nil {
		return nil, bad("currency", "%v", err)
	}
	if sc.Terms == nil {
		return nil, bad("terms", "missing")
	}
	var terms schedule.Terms
	if err := guard(func() error { return json.Unmarshal(*sc.Terms, &terms) }); err != nil {
		return nil, bad("terms", "%v", err)
	}
	if terms.Principal.Currency() != cur {
		return nil, bad("terms.principal", "must be in the scenario currency %s", cur.Code())
	}
	servicing := loan.DefaultPolicy()
	if sc.Policy != nil {
		if err := decodeStrict(*sc.Policy, &servicing); err != nil {
			return nil, bad("policy", "%v", err)
		}
	}
	// loan.New checks the terms and the servicing policy and names the
	// bad field ("terms.periods", "policy.penalty.year_days").
	if _, err := loan.New(scenarioNS, terms, servicing); err != nil {
		return nil, fieldError("", err)
	}
	pol, err := decodePolicies(sc.Policies, servicing, terms.Principal)
	if err != nil {
		return nil, err
	}
	zone, err := parseOffset(sc.UTCOffset)
	if err != nil {
		return nil, bad("utc_offset", "%v", err)
	}
	reg, err := collateral.NewRegister(pol.Collateral)
	if err != nil {
		return nil, fieldError("policies.collateral", err)
	}
	sched, err := schedule.Generate(terms)
	if err != nil {
		return nil, bad("terms", "%v", err)
	}
	r := &runner{ctx: context.Background(), id: scenarioNS, terms: terms, cur: cur, zone: zone,
		policies: pol, w: w, ids: map[string]uuid.UUID{}, reg: reg,
		maturity:  sched.Installments[len(sched.Installments)-1].Due,
		investors: labels{kind: "investor"}, items: labels{kind: "item"}, guarantors: labels{kind: "guarantor"}}
	r.e, err = lendcore.New(memory.New(), lendcore.WithPolicies(pol.Policies), lendcore.WithWorkers(1),
		lendcore.WithClock(func() time.Time { return r.booked }))
	if err != nil {
		return nil, fieldError("policies", err)
	}
	return r, nil
}

// event validates and applies one event.
func (r *runner) event(i int, ev *scenarioEvent) error {
	field := fmt.Sprintf("events[%d]", i)
	day, err := schedule.ParseDate(ev.Date)
	if err != nil {
		return bad(field+".date", "%v", err)
	}
	if ev.Type == "report" {
		return r.report(i, field, day, ev)
	}
	h, ok := handlers[ev.Type]
	if !ok {
		return bad(field+".type", "unknown event type %q", ev.Type)
	}
	if err := checkFields(field, ev, h.fields); err != nil {
		return err
	}
	if h.needsLoan && !r.disbursed {
		return bad(field+".type", "a %s event needs the loan disbursed first", ev.Type)
	}
	return h.apply(r, i, field, day, ev)
}

// handler is how one event type is applied, and which fields it takes.
type handler struct {
	fields    string // the optional fields it takes, besides type and date
	needsLoan bool   // the loan must have been disbursed
	apply     func(r *runner, i int, field string, day date.Date, ev *scenarioEvent) error
}

// entryFields are the fields of the events that post a journal entry.
const entryFields = "id key actor reason approver amount component installment payoff reamortize change reverses"

// handlers maps each event type (but report) to its handler. The journal
// entry events map further to a loan.Kind in eventKinds.
var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"disburse":      {entryFields + " funding", false, (*runner).disburse},
		"transfer":      {"seller buyer holding amount premium", true, (*runner).transfer},
		"collateral":    {"item kind owner description amount method source rank prior_claims", false, (*runner).addCollateral},
		"valuation":     {"item amount method source", false, (*runner).addValuation},
		"release":       {"item", true, (*runner).release},
		"guarantor":     {"guarantor guarantor_kind guarantee cap net_worth other_guarantees rating", false, (*runner).addGuarantor},
		"assessment":    {"guarantor net_worth other_guarantees rating", false, (*runner).assess},
		"contact":       {"time channel party guarantor outcome collector agency mentions_debt note", true, (*runner).contact},
		"contact-state": {"out_of_hours_consent dispute_open hardship_open outsource_notified", true, (*runner).setContactState},
		"promise":       {"id amount due tolerance_days shortfall collector", true, (*runner).promise},
		"legal":         {"step forum amount costs note", true, (*runner).legal},
		"demand":        {"guarantor interruption channel delivered signed_receipt evidence", true, (*runner).demand},
		"close":         {"", true, (*runner).closeTo},
	}
	for typ := range eventKinds {
		if typ != "disburse" {
			handlers[typ] = handler{entryFields, true, (*runner).post}
		}
	}
}
