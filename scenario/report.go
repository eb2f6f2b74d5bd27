package scenario

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// maxCloseDays bounds how far past the start a scenario may close (50
// years), so a mistyped year cannot run millions of daily closes.
const maxCloseDays = 50 * 366

// closeTo runs the Engine's daily close day by day up to the event date,
// starting at the disbursement date on the first close. A day already
// closed is not closed again.
func (r *runner) closeTo(_ int, field string, day date.Date, _ *Event) error {
	from := r.sc.Terms.Start // Parse checked the day is after it, and not too far
	if !r.closed.IsZero() {
		from = r.closed.Add(1)
	}
	for d := from; !d.After(day); d = d.Add(1) {
		reports, err := r.e.CloseOfDay(r.ctx, d)
		if err != nil {
			return fieldError(field, err)
		}
		for _, rep := range reports {
			if len(rep.Failed) > 0 {
				return invalid(field, fmt.Sprintf("close of %s: %s", rep.Day, rep.Failed[0].Err))
			}
		}
		r.closed = d
	}
	return nil
}

// Report is what a run produced: one Document per report event and per
// refused contact, in file order.
type Report struct {
	Documents []Document
}

// WriteJSON writes each document as indented JSON followed by a newline,
// as `lendcore run` prints them.
func (rep *Report) WriteJSON(w io.Writer) error {
	for i := range rep.Documents {
		b, err := json.MarshalIndent(&rep.Documents[i], "", "  ")
		if err != nil {
			return err
		}
		if _, err := w.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	return nil
}

// Document is what a report event produces. Report says which: position,
// summary (the position without installments), ledger, postings, or
// contact-refused for a contact the conduct rules refused (Refused). The
// parts after Postings appear once they are available: State and
// Messages after a daily close, Collateral and Guarantees once
// registered, Collection once a contact, promise or proceeding is
// recorded, Limitation after a close or a demand, Investors for a funded
// loan, Line for a loan drawn on a credit line or one opened, Platform
// once a cash account is opened or the loan listed (and alone in an
// "accounts" document).
type Document struct {
	Event      int              `json:"event"`
	Date       date.Date        `json:"date"`
	Report     string           `json:"report"`
	Position   *loan.Position   `json:"position,omitempty"`
	Ledger     []loan.LedgerRow `json:"ledger,omitempty"`
	Postings   []loan.Posting   `json:"postings,omitempty"`
	State      *State           `json:"state,omitempty"`
	Messages   []Message        `json:"messages,omitempty"`
	Collateral *CollateralPart  `json:"collateral,omitempty"`
	Guarantees *Guarantees      `json:"guarantees,omitempty"`
	Collection *Collection      `json:"collection,omitempty"`
	Limitation *Limitation      `json:"limitation,omitempty"`
	Investors  []Investor       `json:"investors,omitempty"`
	Line       *LinePart        `json:"line,omitempty"`
	Platform   *Platform        `json:"platform,omitempty"`
	Refused    *RefusedContact  `json:"refused,omitempty"`
}

// State is what the last daily close derived for the loan.
type State struct {
	ClosedOn date.Date      `json:"closed_on"`
	DPD      int            `json:"dpd"`
	MaxDPD   int            `json:"max_dpd"`
	Bucket   string         `json:"bucket"`
	Grade    classify.Grade `json:"grade"`
	Stage    classify.Stage `json:"stage"`
	Level    classify.Level `json:"level"`
	// Signals are the early-warning signals in force, by severity.
	Signals         classify.Signals `json:"signals,omitzero"`
	Rules           string           `json:"rules,omitempty"`
	Provision       money.Amount     `json:"provision"`
	Collection      collect.Stage    `json:"collection"`
	CollectionSince date.Date        `json:"collection_since,omitzero"`
}

// Message is one outbox message of the report day: a reminder, a
// collection action or record, an inspection due, a collateral
// announcement, an investor distribution or transfer.
type Message struct {
	Topic   string          `json:"topic"`
	Payload json.RawMessage `json:"payload"`
}

// reportKinds are the reports a report event can ask for.
var reportKinds = []string{"position", "summary", "ledger", "postings"}

// reportEvent adds the document a report event asks for.
func (r *runner) reportEvent(i int, field string, day date.Date, ev *Event) error {
	out := Document{Event: i, Date: day, Report: ev.Report}
	l, err := r.loan(field)
	if err != nil {
		return err
	}
	switch ev.Report {
	case "", "position", "summary":
		if out.Report == "" {
			out.Report = "position"
		}
		var p loan.Position
		if p, err = l.PositionAt(day); err != nil {
			return fieldError(field, err)
		}
		if err := r.extend(&out, field, day); err != nil {
			return err
		}
		if ev.Report == "summary" {
			p.Installments = nil
		}
		out.Position = &p
	case "ledger":
		out.Ledger, err = l.Ledger(day)
	case "postings":
		out.Postings, err = l.Postings(day)
	}
	if err != nil {
		return fieldError(field, err)
	}
	r.report.Documents = append(r.report.Documents, out)
	return nil
}

// extend adds to a position report the parts that are available.
func (r *runner) extend(out *Document, field string, day date.Date) error {
	if !r.closed.IsZero() {
		st, err := r.e.State(r.ctx, r.id)
		if err != nil {
			return fieldError(field, err)
		}
		out.State = stateOf(r.closed, &st)
		if out.Messages, err = r.messages(field, day); err != nil {
			return err
		}
	}
	var err error
	if out.Collateral, out.Guarantees, err = r.securityReport(field, day); err != nil {
		return err
	}
	if out.Collection, err = r.collectionReport(field); err != nil {
		return err
	}
	rec, err := r.e.Collection(r.ctx, r.id)
	if err != nil {
		return fieldError(field, err)
	}
	if !r.closed.IsZero() || len(rec.Demands) > 0 || len(rec.Proceedings) > 0 {
		if out.Limitation, err = r.limitationReport(field, day); err != nil {
			return err
		}
	}
	l, err := r.loan(field)
	if err != nil {
		return err
	}
	pos, err := l.PositionAt(day)
	if err != nil {
		return fieldError(field, err)
	}
	if out.Investors, err = r.investorReport(field, day, &pos, l.Terms()); err != nil {
		return err
	}
	if out.Line, err = r.lineReport(field, day); err != nil {
		return err
	}
	out.Platform, err = r.platformReport(field, day)
	return err
}

func stateOf(closed date.Date, st *lendcore.LoanState) *State {
	return &State{ClosedOn: closed, DPD: st.DPD, MaxDPD: st.MaxDPD, Bucket: st.Bucket, Grade: st.Grade,
		Stage: st.Stage, Level: st.Level, Signals: st.Signals, Rules: st.Rules, Provision: st.Provision,
		Collection: st.Collection, CollectionSince: st.CollectionSince}
}

// messages are the outbox messages the Engine wrote for the loan on day,
// postings left out (the postings report has them), in outbox order.
func (r *runner) messages(field string, day date.Date) ([]Message, error) {
	msgs, err := r.e.Store().Outbox().Pending(r.ctx, 1<<30)
	if err != nil {
		return nil, fieldError(field, err)
	}
	var out []Message
	for _, m := range msgs {
		if m.LoanID == r.id && m.Day == day && m.Topic != lendcore.TopicPosting {
			out = append(out, Message{Topic: m.Topic, Payload: m.Payload})
		}
	}
	return out, nil
}
