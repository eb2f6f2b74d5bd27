package scenario

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/schedule"
)

// disburse files the application, approves it and disburses it through
// the Engine, with the investors' funding if any. The application lists
// the collateral items and guarantees registered so far.
func (r *runner) disburse(i int, field string, day date.Date, ev *Event) error {
	terms := &r.sc.Terms // Parse checked the date, the amount and that it comes once
	funding, err := r.funding(field+".funding", ev.Funding)
	if err != nil {
		return err
	}
	req := loan.Request{ID: r.id, Terms: *terms, Borrower: borrower,
		BorrowerKind: loan.Individual, Purpose: "scenario",
		Guarantees: slices.Clone(r.guarantees), Collateral: r.items.ids(),
		Dossier: dossier(day), SubmittedBy: officer, SubmittedOn: day, Product: r.sc.productRef()}
	if _, err := r.e.Submit(r.ctx, req); err != nil {
		return fieldError(field, err)
	}
	if _, err := r.e.Approve(r.ctx, r.id, loan.Action{Officer: approver, On: day}, loan.Exposure{}); err != nil {
		return fieldError(field, err)
	}
	d := lendcore.Disbursement{Actor: ev.Actor, IdempotencyKey: ev.Key, Funding: funding}
	if d.Actor == "" {
		d.Actor = "scenario"
	}
	if d.IdempotencyKey == "" {
		d.IdempotencyKey = fmt.Sprintf("event-%d", i)
	}
	// The Engine books the disbursement at its clock.
	r.tick(r.book(day))
	r.booked = r.now
	if _, err := r.e.Disburse(r.ctx, r.id, d); err != nil {
		return fieldError(field, err)
	}
	r.disbursed = true
	return nil
}

// borrower is the scenario's borrower, the loan's and the line's.
var borrower = uuid.NewSHA1(LoanID, []byte("borrower"))

// officer is the officer who files the scenario's application and opens
// its line, unless an event names another.
const officer = "scenario-officer"

// dossier is the credit investigation the scenario's application and line
// are granted on: every area found in order by two investigators on day.
func dossier(day date.Date) loan.Dossier {
	var findings []loan.Finding
	for a := loan.BasicEligibility; a <= loan.Guarantees; a++ {
		findings = append(findings, loan.Finding{Area: a, Summary: "scenario"})
	}
	return loan.Dossier{Findings: findings, Investigators: [2]string{"investigator-a", "investigator-b"}, SignedOn: day}
}

// post posts a journal entry through the Engine.
func (r *runner) post(i int, field string, day date.Date, ev *Event) error {
	e, err := r.entry(i, field, day, ev)
	if err != nil {
		return err
	}
	if _, err := r.e.Post(r.ctx, r.id, e); err != nil {
		return fieldError(field, asEvent(err))
	}
	if ev.ID != "" {
		r.ids[ev.ID] = e.ID
	}
	return nil
}

// entry builds the journal entry of a posting event.
func (r *runner) entry(i int, field string, day date.Date, ev *Event) (loan.Entry, error) {
	kind := entryKinds[ev.Type]
	e := loan.Entry{
		ID: uuid.NewSHA1(r.id, fmt.Appendf(nil, "event-%d", i)), Kind: kind, ValueDate: day,
		Actor: ev.Actor, Reason: ev.Reason, IdempotencyKey: ev.Key,
		Installment: ev.Installment, Payoff: ev.Payoff, Change: ev.Change, Approver: ev.Approver,
		ReAging: ev.ReAging, Transfer: ev.Transfer,
	}
	if e.Actor == "" {
		e.Actor = "scenario"
	}
	if e.IdempotencyKey == "" {
		e.IdempotencyKey = fmt.Sprintf("event-%d", i)
	}
	if e.Reason == "" && needsReason[kind] {
		e.Reason = ev.Type
	}
	if ev.Amount != "" {
		a, err := r.amount(field+".amount", ev.Amount)
		if err != nil {
			return loan.Entry{}, err
		}
		e.Amount = a
	}
	if err := text(field+".component", ev.Component, &e.Component); err != nil {
		return loan.Entry{}, err
	}
	if err := text(field+".reamortize", ev.Reamortize, &e.Reamortize); err != nil {
		return loan.Entry{}, err
	}
	if err := text(field+".excess", ev.Excess, &e.Excess); err != nil {
		return loan.Entry{}, err
	}
	if ev.Until != "" {
		d, err := schedule.ParseDate(ev.Until)
		if err != nil {
			return loan.Entry{}, invalid(field+".until", problem(err))
		}
		e.Until = d
	}
	if ev.Reverses != "" {
		id, ok := r.ids[ev.Reverses]
		if !ok {
			return loan.Entry{}, invalid(field+".reverses", fmt.Sprintf("no earlier event labelled %q", ev.Reverses))
		}
		e.Reverses = id
	}
	e.BookedAt = r.book(day)
	return e, nil
}

// eventNames maps the loan's names of an entry's fields to the event's,
// where the two differ; the others are spelled alike.
var eventNames = map[string]string{"value_date": "date", "kind": "type", "idempotency_key": "key"}

// asEvent renames the bad fields of a refused entry as its event spells
// them ("value_date" is the event's "date"), so the error names a path of
// the file; any other error is returned as it is.
func asEvent(err error) error {
	var f *fault.Fields
	if !errors.As(err, &f) {
		return err
	}
	out := &fault.Fields{Kind: f.Kind}
	for _, x := range f.List {
		if n, ok := eventNames[x.Name]; ok {
			x.Name = n
		}
		out.List = append(out.List, x)
	}
	return out
}

// needsReason lists the entry kinds the loan posts only with a reason; a
// scenario event that gives none has its type as the reason.
var needsReason = map[loan.Kind]bool{loan.Waiver: true, loan.Reversal: true, loan.Restructure: true,
	loan.WriteOff: true, loan.ReAge: true, loan.ReAmortize: true, loan.Settlement: true}

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

// loan returns the loan rebuilt from the Engine's store.
func (r *runner) loan(field string) (*loan.Loan, error) {
	if !r.disbursed {
		return nil, invalid(field, "nothing to report before the disbursement")
	}
	l, err := r.e.Loan(r.ctx, r.id)
	if err != nil {
		return nil, fieldError(field, err)
	}
	return l, nil
}
