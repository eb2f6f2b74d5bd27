package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// runUsage is the help text of `lendcore run`.
const runUsage = `usage: lendcore run scenario.json

Replays a declarative loan scenario (terms, servicing policy, dated events)
and prints the position as JSON at every "report" event. The format is
described in docs/scenarios.md. Exit status: 0 success, 1 I/O failure,
2 bad scenario (one line on stderr naming the field).`

// cmdRun is the `lendcore run` subcommand: args are the arguments after
// "run". It returns the process exit status.
func cmdRun(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] == "-h" || args[0] == "--help" {
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

// oneLine keeps an error message on a single line.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// scenarioFile is the JSON form of a scenario (docs/scenarios.md).
type scenarioFile struct {
	Currency string           `json:"currency"`
	Terms    *json.RawMessage `json:"terms"`
	Policy   *json.RawMessage `json:"policy"`
	Events   []scenarioEvent  `json:"events"`
}

// scenarioEvent is one dated event of a scenario. Type says which fields
// apply; the rest must be left out.
type scenarioEvent struct {
	Type        string       `json:"type"`
	Date        string       `json:"date"`
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
}

// eventKinds maps a scenario event type to the journal entry it posts.
var eventKinds = map[string]loan.Kind{
	"disburse":    loan.Disbursement,
	"repay":       loan.Repayment,
	"prepay":      loan.Prepayment,
	"fee":         loan.FeeCharge,
	"waive":       loan.Waiver,
	"restructure": loan.Restructure,
	"accelerate":  loan.Acceleration,
	"write-off":   loan.WriteOff,
	"recover":     loan.Recovery,
	"refund":      loan.Refund,
	"reverse":     loan.Reversal,
}

// scenarioNS is the namespace of the name-based (SHA-1) UUIDs a scenario
// gives its loan and entries, so every run is byte-for-byte the same.
var scenarioNS = uuid.MustParse("6c656e64-636f-5265-8000-7363656e6172")

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

// runScenario replays the scenario in b and writes the reports to w.
func runScenario(b []byte, w io.Writer) error {
	sc, err := decodeScenario(b)
	if err != nil {
		return err
	}
	cur, err := money.CurrencyOf(sc.Currency)
	if err != nil {
		return bad("currency", "%v", err)
	}
	if sc.Terms == nil {
		return bad("terms", "missing")
	}
	var terms schedule.Terms
	if err := guard(func() error { return json.Unmarshal(*sc.Terms, &terms) }); err != nil {
		return bad("terms", "%v", err)
	}
	if terms.Principal.Currency() != cur {
		return bad("terms.principal", "must be in the scenario currency %s", cur.Code())
	}
	policy := loan.DefaultPolicy()
	if sc.Policy != nil {
		dec := json.NewDecoder(bytes.NewReader(*sc.Policy))
		dec.DisallowUnknownFields()
		if err := guard(func() error { return dec.Decode(&policy) }); err != nil {
			return bad("policy", "%v", err)
		}
	}
	l, err := loan.New(uuid.NewSHA1(scenarioNS, []byte("loan")), terms, policy)
	if err != nil {
		return fieldError("", err)
	}
	r := runner{l: l, cur: cur, w: w, ids: map[string]uuid.UUID{}}
	for i := range sc.Events {
		if err := r.event(i, &sc.Events[i]); err != nil {
			return err
		}
	}
	return nil
}

// decodeScenario parses the file strictly: unknown fields are errors, and a
// panic inside a decoder becomes an error.
func decodeScenario(b []byte) (*scenarioFile, error) {
	var sc scenarioFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := guard(func() error { return dec.Decode(&sc) })
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te) && te.Field != "":
		return nil, bad(te.Field, "must be a JSON %s, not %s", te.Type, te.Value)
	case err != nil:
		return nil, bad("scenario", "%v", err)
	case dec.More():
		return nil, bad("scenario", "trailing data after the JSON object")
	}
	return &sc, nil
}

func guard(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed value: %v", r)
		}
	}()
	return f()
}

// fieldError turns a loan error into a field-naming input error: each field
// of a *loan.ValidationError gets the prefix; other errors name the prefix.
func fieldError(prefix string, err error) error {
	var ve *loan.ValidationError
	if errors.As(err, &ve) && len(ve.Fields) > 0 {
		f := ve.Fields[0]
		name := f.Field
		if prefix != "" {
			name = prefix + "." + f.Field
		}
		msg := f.Problem
		if len(ve.Fields) > 1 {
			msg += fmt.Sprintf(" (and %d more)", len(ve.Fields)-1)
		}
		return &inputError{name, errors.New(msg)}
	}
	if prefix == "" {
		prefix = "scenario"
	}
	return &inputError{prefix, err}
}

// runner replays events against one loan.
type runner struct {
	l      *loan.Loan
	cur    money.Currency
	w      io.Writer
	ids    map[string]uuid.UUID // event labels → entry ids
	booked time.Time            // booking time of the last entry
}

func (r *runner) event(i int, ev *scenarioEvent) error {
	field := fmt.Sprintf("events[%d]", i)
	day, err := schedule.ParseDate(ev.Date)
	if err != nil {
		return bad(field+".date", "%v", err)
	}
	if ev.Type == "report" {
		return r.report(i, field, day, ev)
	}
	e, err := r.entry(i, field, day, ev)
	if err != nil {
		return err
	}
	if _, err := r.l.Post(e); err != nil {
		return fieldError(field, err)
	}
	if ev.ID != "" {
		r.ids[ev.ID] = e.ID
	}
	return nil
}

// entry builds the journal entry of a posting event.
func (r *runner) entry(i int, field string, day date.Date, ev *scenarioEvent) (loan.Entry, error) {
	kind, ok := eventKinds[ev.Type]
	if !ok {
		return loan.Entry{}, bad(field+".type", "unknown event type %q", ev.Type)
	}
	if ev.Report != "" {
		return loan.Entry{}, bad(field+".report", "only a report event has one")
	}
	if ev.ID != "" {
		if _, dup := r.ids[ev.ID]; dup {
			return loan.Entry{}, bad(field+".id", "label %q used twice", ev.ID)
		}
	}
	e := loan.Entry{
		ID: uuid.NewSHA1(scenarioNS, fmt.Appendf(nil, "event-%d", i)), Kind: kind, ValueDate: day,
		BookedAt: r.book(day), Actor: ev.Actor, Reason: ev.Reason, IdempotencyKey: ev.Key,
		Installment: ev.Installment, Payoff: ev.Payoff, Change: ev.Change, Approver: ev.Approver,
	}
	if e.Actor == "" {
		e.Actor = "scenario"
	}
	if e.IdempotencyKey == "" {
		e.IdempotencyKey = fmt.Sprintf("event-%d", i)
	}
	if e.Reason == "" && (kind == loan.Waiver || kind == loan.Reversal || kind == loan.Restructure || kind == loan.WriteOff) {
		e.Reason = ev.Type
	}
	switch {
	case ev.Amount != "":
		a, err := parseAmount(ev.Amount, r.cur)
		if err != nil {
			return loan.Entry{}, bad(field+".amount", "%v", err)
		}
		e.Amount = a
	case kind == loan.Disbursement:
		e.Amount = r.l.Terms().Principal
	}
	if ev.Component != "" {
		if err := e.Component.UnmarshalText([]byte(ev.Component)); err != nil {
			return loan.Entry{}, bad(field+".component", "%v", err)
		}
	}
	if ev.Reamortize != "" {
		if err := e.Reamortize.UnmarshalText([]byte(ev.Reamortize)); err != nil {
			return loan.Entry{}, bad(field+".reamortize", "%v", err)
		}
	}
	if ev.Reverses != "" {
		id, ok := r.ids[ev.Reverses]
		if !ok {
			return loan.Entry{}, bad(field+".reverses", "no earlier event labelled %q", ev.Reverses)
		}
		e.Reverses = id
	}
	return e, nil
}

// book returns the booking time of the next entry: noon UTC of its value
// date, or a minute after the previous booking when the entry is backdated,
// so booking times only move forward, as a real ledger's do.
func (r *runner) book(day date.Date) time.Time {
	t := day.UTC().Add(12 * time.Hour)
	if !t.After(r.booked) {
		t = r.booked.Add(time.Minute)
	}
	r.booked = t
	return t
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

// reportLine is what a report event prints.
type reportLine struct {
	Event    int            `json:"event"`
	Date     date.Date      `json:"date"`
	Report   string         `json:"report"`
	Position *loan.Position `json:"position,omitempty"`
	Ledger   any            `json:"ledger,omitempty"`
	Postings any            `json:"postings,omitempty"`
}

func (r *runner) report(i int, field string, day date.Date, ev *scenarioEvent) error {
	if ev.Amount != "" || ev.Component != "" || ev.Change != nil || ev.Reverses != "" || ev.Approver != "" ||
		ev.Installment != 0 || ev.Payoff || ev.Reamortize != "" || ev.ID != "" || ev.Key != "" {
		return bad(field, "a report takes only date and report")
	}
	out := reportLine{Event: i, Date: day, Report: ev.Report}
	var err error
	switch ev.Report {
	case "", "position", "summary":
		if out.Report == "" {
			out.Report = "position"
		}
		var p loan.Position
		p, err = r.l.PositionAt(day)
		if ev.Report == "summary" {
			p.Installments = nil
		}
		out.Position = &p
	case "ledger":
		out.Ledger, err = r.l.Ledger(day)
	case "postings":
		out.Postings, err = r.l.Postings(day)
	default:
		return bad(field+".report", "must be position, summary, ledger or postings, not %q", ev.Report)
	}
	if err != nil {
		return fieldError(field, err)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fieldError(field, err)
	}
	b = append(b, '\n')
	_, err = r.w.Write(b)
	return err
}
