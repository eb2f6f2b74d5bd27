package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

// ErrInvalid is the kind of every bad scenario: the error Parse, Load and
// Run return is a *fault.Fields wrapping it, naming each bad field by its
// JSON path ("events[3].amount").
var ErrInvalid = fault.New(fault.CodeInvalid, "scenario: invalid scenario")

// LoanID is the scenario loan's id, and the namespace of the name-based
// (SHA-1) UUIDs a scenario gives its entries, investors, collateral and
// guarantors, so every run is byte-for-byte the same. Entries are
// uuid.NewSHA1(LoanID, "event-<index>"), exactly the ids the Engine
// derives from a loan id and an idempotency key.
var LoanID = uuid.MustParse("6c656e64-636f-5265-8000-7363656e6172")

// Scenario is a parsed and validated scenario file (docs/scenarios.md):
// the loan's terms, its policies and the dated events to replay.
type Scenario struct {
	// Currency is the scenario's currency; bare amounts are in it.
	Currency money.Currency
	// Terms are the loan's repayment terms.
	Terms schedule.Terms
	// Servicing is the loan's servicing policy (the file's "policy").
	Servicing loan.Policy
	// Policies are the Engine's policies (the file's "policies", over the
	// defaults), with Servicing and the scenario's approval set.
	Policies lendcore.Policies
	// Zone is the borrower's time zone (the file's "utc_offset"), in which
	// contact times are given and quiet hours judged.
	Zone *time.Location
	// Events are the events in file order, the order they are posted in.
	Events []Event
	// Product is the lender's product the loan is sold as (the file's
	// "product"), Segment the borrower's segment in it; nil when the
	// file names none. Servicing and Policies are then its.
	Product *lendcore.Product
	Segment string

	maturity date.Date // the contractual maturity (guarantees' debt maturity)
}

// file is the JSON form of a scenario, its parts left raw until checked.
type file struct {
	Currency  string            `json:"currency"`
	Terms     *json.RawMessage  `json:"terms"`
	Policy    *json.RawMessage  `json:"policy"`
	Policies  *json.RawMessage  `json:"policies"`
	Product   *json.RawMessage  `json:"product"`
	UTCOffset string            `json:"utc_offset"`
	Events    []json.RawMessage `json:"events"`
}

// Load reads and parses the scenario file at path. A file that cannot be
// read is an *fs.PathError; a bad one a *fault.Fields (see Parse).
func Load(path string) (*Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parse(bytes.NewReader(b), filepath.Dir(path))
}

// Parse reads a scenario from r and validates it: unknown fields, bad
// values, fields an event type does not take and missing required ones
// are reported all at once, as a *fault.Fields wrapping ErrInvalid that
// names each by its JSON path. What depends on the loan's history (an
// amount above what is owed, a transfer too early) is found by Run. A
// product file the scenario names is read relative to the current
// directory (Load reads it relative to the scenario file).
func Parse(r io.Reader) (*Scenario, error) { return parse(r, "") }

// parse is Parse with product files read relative to dir.
func parse(r io.Reader, dir string) (*Scenario, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var raw file
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err = guard(func() error { return dec.Decode(&raw) })
	switch {
	case err != nil:
		return nil, decodeError("", err)
	case dec.More():
		return nil, invalid("scenario", "trailing data after the JSON object")
	}
	bad := &fault.Fields{Kind: ErrInvalid}
	sc := &Scenario{Events: make([]Event, len(raw.Events))}
	sc.header(bad, &raw, dir)
	seq := newSequence(sc)
	for i, ev := range raw.Events {
		field := fmt.Sprintf("events[%d]", i)
		if err := decodeStrict(ev, &sc.Events[i]); err != nil {
			if !nestedErrors(bad, field, ev) {
				bad.Merge("", decodeError(field, err))
			}
			continue
		}
		sc.Events[i].check(bad, field, sc.Currency)
		seq.step(bad, field, &sc.Events[i])
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	return sc, nil
}

// header checks and decodes the parts before the events.
func (sc *Scenario) header(bad *fault.Fields, raw *file, dir string) {
	cur, err := money.CurrencyOf(raw.Currency)
	if err != nil {
		bad.Add("currency", err.Error())
	}
	sc.Currency = cur
	if sc.Zone, err = parseOffset(raw.UTCOffset); err != nil {
		bad.Add("utc_offset", err.Error())
	}
	if raw.Terms == nil {
		bad.Add("terms", "missing")
	} else if err := guard(func() error { return json.Unmarshal(*raw.Terms, &sc.Terms) }); err != nil {
		bad.Add("terms", err.Error())
		raw.Terms = nil
	} else if cur != (money.Currency{}) && sc.Terms.Principal.Currency() != cur {
		bad.Addf("terms.principal", "must be in the scenario currency %s", cur.Code())
	}
	sc.Servicing = loan.DefaultPolicy()
	if raw.Policy != nil {
		if err := decodeStrict(*raw.Policy, &sc.Servicing); err != nil {
			bad.Add("policy", err.Error())
			raw.Policy = nil
		}
	}
	if raw.Product != nil && raw.Terms != nil {
		sc.decodeProduct(bad, raw, dir)
	}
	termsOK := raw.Terms != nil
	if termsOK {
		// loan.New checks the terms and the servicing policy and names
		// every bad field ("terms.periods", "policy.penalty.year_days").
		if _, err := loan.New(LoanID, sc.Terms, sc.Servicing); err != nil {
			termsOK = false
			if !bad.Merge("", err) {
				bad.Add("terms", err.Error())
			}
		}
	}
	if termsOK {
		sched, err := schedule.Generate(sc.Terms)
		if err != nil {
			bad.Add("terms", err.Error())
		} else {
			sc.maturity = sched.Installments[len(sched.Installments)-1].Due
		}
	}
	if sc.Product == nil {
		sc.Policies = decodePolicies(bad, raw.Policies, sc.Servicing, sc.Terms.Principal)
	}
}

// decodeError names the field a decoding error is about, under prefix.
func decodeError(prefix string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return invalid(fault.Join(prefix, te.Field), fmt.Sprintf("must be a JSON %s, not %s", te.Type, te.Value))
	}
	if prefix == "" {
		prefix = "scenario"
	}
	var f *fault.Fields
	if errors.As(err, &f) {
		// A value's own decoder named its field (an unknown signal).
		out := &fault.Fields{Kind: ErrInvalid}
		out.Merge(prefix, f)
		return out
	}
	return invalid(prefix, err.Error())
}

// Options tune a run.
type Options struct {
	// Store is the store the run's Engine works on; a new in-memory store
	// when nil. It must hold nothing of the scenario's ids.
	Store storage.Store
	// Engine options added after the run's own (policies, clock, one
	// worker): a logger, say. One that replaces the clock or the policies
	// makes the run another scenario's. A bad one is returned as
	// lendcore.New returns it.
	Engine []lendcore.Option
}

// Run replays the scenario's events through a new Engine, in file order,
// and returns the documents its report events (and refused contacts)
// produced. The first event the Engine refuses stops the run: the error
// is a *fault.Fields wrapping ErrInvalid that names the event's field
// ("events[5].amount"); a failure of the store or ctx is returned as it is.
func (sc *Scenario) Run(ctx context.Context, opts Options) (*Report, error) {
	r, err := sc.newRunner(ctx, opts)
	if err != nil {
		return nil, err
	}
	for i := range sc.Events {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := r.event(i, &sc.Events[i]); err != nil {
			return nil, err
		}
	}
	return &r.report, nil
}

// runner replays a scenario's events through an Engine. It plays the host:
// it files and approves the application and calls the Engine's commands
// for every event; what it keeps itself are only the scenario's labels for
// things and the days it closed.
type runner struct {
	ctx    context.Context
	sc     *Scenario
	e      *lendcore.Engine
	id     uuid.UUID // the loan (and application) id: LoanID
	report Report

	ids       map[string]uuid.UUID // event labels → entry ids
	booked    time.Time            // booking time of the last entry
	now       time.Time            // the Engine's clock
	disbursed bool
	closed    date.Date // last day the daily close ran; zero before the first close

	investors  labels
	items      labels      // collateral item labels → ids, in registration order
	guarantors labels      // guarantor labels → ids
	guarantees []uuid.UUID // the guarantees of the loan, in registration order
	refused    []RefusedContact
	proceeding uuid.UUID // the legal proceeding filed; uuid.Nil before
	line       uuid.UUID // the credit line opened; uuid.Nil before
	members    []string  // the members' labels, in the order their accounts were opened

	borrowerKind loan.BorrowerKind // the borrower's kind, set at disbursement
	inspections  []inspected       // the inspections recorded, in event order
	second       bool              // the second loan was disbursed
}

// newRunner builds the run's Engine.
func (sc *Scenario) newRunner(ctx context.Context, opts Options) (*runner, error) {
	store := opts.Store
	if store == nil {
		store = memory.New()
	}
	r := &runner{ctx: ctx, sc: sc, id: LoanID, ids: map[string]uuid.UUID{},
		investors: labels{kind: "investor"}, items: labels{kind: "item"}, guarantors: labels{kind: "guarantor"}}
	engineOpts := append([]lendcore.Option{lendcore.WithPolicies(sc.Policies), lendcore.WithWorkers(1),
		lendcore.WithClock(func() time.Time { return r.now })}, opts.Engine...)
	if sc.Product != nil {
		c, err := lendcore.NewCatalogue(*sc.Product)
		if err != nil {
			return nil, fieldError("product", err)
		}
		engineOpts = append(engineOpts, lendcore.WithCatalogue(c))
	}
	var err error
	if r.e, err = lendcore.New(store, engineOpts...); errors.Is(err, lendcore.ErrInvalidOption) {
		return nil, err // the caller's option, not the file
	} else if err != nil {
		return nil, fieldError("policies", err)
	}
	return r, nil
}

// event applies one event.
func (r *runner) event(i int, ev *Event) error {
	field := fmt.Sprintf("events[%d]", i)
	day, _ := schedule.ParseDate(ev.Date) // checked by Parse
	spec := eventTypes[ev.Type]           // Parse checked the type and the order
	// A command's clock is noon UTC of its day (or the contact's time), so
	// the Engine takes nothing the scenario does as dated in its future.
	r.tick(day.UTC().Add(12 * time.Hour))
	return spec.apply(r, i, field, day, ev)
}

// tick moves the Engine's clock forward to t; it never goes back.
func (r *runner) tick(t time.Time) {
	if t.After(r.now) {
		r.now = t
	}
}

// invalid returns a *fault.Fields of kind ErrInvalid with one bad field.
func invalid(field, problem string) error { return fault.Invalid(ErrInvalid, field, problem) }

// fieldError turns an error the Engine or a domain package returned into a
// scenario error: the fields of a *fault.Fields under prefix, any other
// error (a refused rule, an illegal transition) as a problem of prefix.
// A store failure or a cancelled context is returned as it is.
func fieldError(prefix string, err error) error {
	if err == nil {
		return nil
	}
	var f *fault.Fields
	if errors.As(err, &f) {
		out := &fault.Fields{Kind: ErrInvalid}
		out.Merge(prefix, f)
		return out
	}
	switch fault.CodeOf(err) {
	case fault.CodeInternal, fault.CodeConflict, fault.CodeCorrupt:
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
			errors.Is(err, storage.ErrConflict) || errors.Is(err, storage.ErrCorrupt) {
			return err
		}
	}
	if prefix == "" {
		prefix = "scenario"
	}
	return invalid(prefix, err.Error())
}

// refusal is fieldError for a command whose refusal names no field (an
// illegal transition, a rule): that is reported under field+sub, a bad
// field under field.
func refusal(field, sub string, err error) error {
	var f *fault.Fields
	if err == nil || errors.As(err, &f) {
		return fieldError(field, err)
	}
	return fieldError(field+sub, err)
}

// labels maps a scenario's names for things (investors, items, guarantors)
// to their name-based ids, remembering the order they first appeared in.
type labels struct {
	kind  string // "investor", "item", ... : the UUID namespace prefix
	byID  map[uuid.UUID]string
	order []uuid.UUID
}

// id returns the id of name, registering it when add is set; ok is false
// for an unknown name when add is not.
func (l *labels) id(name string, add bool) (uuid.UUID, bool) {
	id := uuid.NewSHA1(LoanID, []byte(l.kind+"/"+name))
	if _, ok := l.byID[id]; ok {
		return id, true
	}
	if !add {
		return id, false
	}
	if l.byID == nil {
		l.byID = map[uuid.UUID]string{}
	}
	l.byID[id] = name
	l.order = append(l.order, id)
	return id, true
}

// ids returns the registered ids in order (nil when none).
func (l *labels) ids() []uuid.UUID { return append([]uuid.UUID(nil), l.order...) }
