package main

import (
	"encoding/json"

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
// starting at the disbursement date on the first close, and evaluates the
// collateral register on each closed day. A day already closed is not
// closed again.
func (r *runner) closeTo(_ int, field string, day date.Date, _ *scenarioEvent) error {
	if day.Before(r.terms.Start) {
		return bad(field+".date", "before the loan's start %s: there is nothing to close", r.terms.Start)
	}
	if day.Sub(r.terms.Start) > maxCloseDays {
		return bad(field+".date", "the close runs at most %d days past the start %s", maxCloseDays, r.terms.Start)
	}
	from := r.terms.Start
	if !r.closed.IsZero() {
		from = r.closed.Add(1)
	}
	for d := from; !d.After(day); d = d.Add(1) {
		reports, err := r.e.CloseOfDay(r.ctx, d)
		if err != nil {
			return bad(field, "%v", err)
		}
		for _, rep := range reports {
			if len(rep.Failed) > 0 {
				return bad(field, "close of %s: %s", rep.Day, rep.Failed[0].Err)
			}
		}
		r.closed = d
		if r.reg.Len() > 0 {
			pos, err := r.position(field, d)
			if err != nil {
				return err
			}
			if err := r.evaluate(field, d, &pos); err != nil {
				return err
			}
		}
	}
	return nil
}

// reportLine is what a report event prints. The parts after Postings
// appear once they are available: State and Messages after a daily close,
// Collateral and Guarantees once registered, Collection once a contact,
// promise or proceeding is recorded, Limitation after a close or a demand,
// Investors for a funded loan.
type reportLine struct {
	Event      int             `json:"event"`
	Date       date.Date       `json:"date"`
	Report     string          `json:"report"`
	Position   *loan.Position  `json:"position,omitempty"`
	Ledger     any             `json:"ledger,omitempty"`
	Postings   any             `json:"postings,omitempty"`
	State      *stateLine      `json:"state,omitempty"`
	Messages   []messageLine   `json:"messages,omitempty"`
	Collateral *collateralLine `json:"collateral,omitempty"`
	Guarantees *guaranteeLine  `json:"guarantees,omitempty"`
	Collection *collectionLine `json:"collection,omitempty"`
	Limitation *limitationLine `json:"limitation,omitempty"`
	Investors  []investorLine  `json:"investors,omitempty"`
	Refused    *refusedContact `json:"refused,omitempty"`
}

// stateLine is what the last daily close derived for the loan.
type stateLine struct {
	ClosedOn        date.Date      `json:"closed_on"`
	DPD             int            `json:"dpd"`
	MaxDPD          int            `json:"max_dpd"`
	Bucket          string         `json:"bucket"`
	Grade           classify.Grade `json:"grade"`
	Stage           classify.Stage `json:"stage"`
	Level           classify.Level `json:"level"`
	Rules           string         `json:"rules,omitempty"`
	Provision       money.Amount   `json:"provision"`
	Collection      collect.Stage  `json:"collection"`
	CollectionSince date.Date      `json:"collection_since,omitzero"`
}

// messageLine is one outbox message of the report day: a reminder, a
// collection action or an investor distribution or transfer.
type messageLine struct {
	Topic   string          `json:"topic"`
	Payload json.RawMessage `json:"payload"`
}

func (r *runner) report(i int, field string, day date.Date, ev *scenarioEvent) error {
	if err := checkFields(field, ev, "report"); err != nil {
		return bad(field, "a report takes only date and report")
	}
	out := reportLine{Event: i, Date: day, Report: ev.Report}
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
		if err := r.extend(&out, field, l, &p, day); err != nil {
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
	default:
		return bad(field+".report", "must be position, summary, ledger or postings, not %q", ev.Report)
	}
	if err != nil {
		return fieldError(field, err)
	}
	return r.print(out)
}

// extend adds to a position report the parts that are available.
func (r *runner) extend(out *reportLine, field string, l *loan.Loan, pos *loan.Position, day date.Date) error {
	grade := classify.GradeNone
	if !r.closed.IsZero() {
		st, err := r.e.State(r.ctx, r.id)
		if err != nil {
			return fieldError(field, err)
		}
		grade = st.Grade
		out.State = stateOf(r.closed, &st)
		if out.Messages, err = r.messages(field, day); err != nil {
			return err
		}
	}
	var err error
	if out.Collateral, err = r.collateralReport(field, day, pos); err != nil {
		return err
	}
	if out.Guarantees, err = r.guaranteeReport(field, day, pos); err != nil {
		return err
	}
	if out.Collection, err = r.collectionReport(field, l, day); err != nil {
		return err
	}
	if !r.closed.IsZero() || len(r.demands) > 0 {
		out.Limitation = r.limitationReport(l, pos, grade, day)
	}
	out.Investors, err = r.investorReport(field, day, pos, l.Terms())
	return err
}

func stateOf(closed date.Date, st *lendcore.LoanState) *stateLine {
	return &stateLine{ClosedOn: closed, DPD: st.DPD, MaxDPD: st.MaxDPD, Bucket: st.Bucket, Grade: st.Grade,
		Stage: st.Stage, Level: st.Level, Rules: st.Rules, Provision: st.Provision,
		Collection: st.Collection, CollectionSince: st.CollectionSince}
}

// messages are the outbox messages the Engine wrote for the loan on day,
// postings left out (the postings report has them), in outbox order.
func (r *runner) messages(field string, day date.Date) ([]messageLine, error) {
	msgs, err := r.e.Store().Outbox().Pending(r.ctx, 1<<30)
	if err != nil {
		return nil, fieldError(field, err)
	}
	var out []messageLine
	for _, m := range msgs {
		if m.LoanID == r.id && m.Day == day && m.Topic != lendcore.TopicPosting {
			out = append(out, messageLine{Topic: m.Topic, Payload: m.Payload})
		}
	}
	return out, nil
}

// print writes one report document, indented, with a newline.
func (r *runner) print(out reportLine) error {
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fieldError("events", err)
	}
	b = append(b, '\n')
	_, err = r.w.Write(b)
	return err
}
