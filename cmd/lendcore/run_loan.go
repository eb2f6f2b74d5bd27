package main

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/loan"
)

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

// disburse files the application, approves it and disburses it through
// the Engine, with the investors' funding if any. The application lists
// the collateral items and guarantees registered so far.
func (r *runner) disburse(i int, field string, day date.Date, ev *scenarioEvent) error {
	if r.disbursed {
		return bad(field+".type", "the loan is already disbursed")
	}
	if ev.ID != "" || ev.Reverses != "" || ev.Component != "" || ev.Change != nil || ev.Approver != "" ||
		ev.Installment != 0 || ev.Payoff || ev.Reamortize != "" {
		return bad(field, "a disburse takes only date, amount, actor, reason, key and funding")
	}
	if day != r.terms.Start {
		return bad(field+".date", "a disbursement is dated the terms' start %s", r.terms.Start)
	}
	if ev.Amount != "" {
		a, err := parseAmount(ev.Amount, r.cur)
		if err != nil {
			return bad(field+".amount", "%v", err)
		}
		if a != r.terms.Principal {
			return bad(field+".amount", "the whole principal %s is disbursed, not %s", r.terms.Principal, a)
		}
	}
	funding, err := r.funding(field+".funding", ev.Funding)
	if err != nil {
		return err
	}
	var findings []loan.Finding
	for a := loan.BasicEligibility; a <= loan.Guarantees; a++ {
		findings = append(findings, loan.Finding{Area: a, Summary: "scenario"})
	}
	req := loan.Request{ID: r.id, Terms: r.terms, Borrower: uuid.NewSHA1(scenarioNS, []byte("borrower")),
		BorrowerKind: loan.Individual, Purpose: "scenario",
		Guarantees: append([]uuid.UUID(nil), r.guarantees...), Collateral: r.items.ids(),
		Dossier: loan.Dossier{Findings: findings, Investigators: [2]string{"investigator-a", "investigator-b"},
			SignedOn: day},
		SubmittedBy: "scenario-officer", SubmittedOn: day}
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
	r.book(day) // the Engine books the disbursement at its clock: r.booked
	if _, err := r.e.Disburse(r.ctx, r.id, d); err != nil {
		return fieldError(field, err)
	}
	r.disbursed = true
	return nil
}

// post posts a journal entry through the Engine.
func (r *runner) post(i int, field string, day date.Date, ev *scenarioEvent) error {
	e, err := r.entry(i, field, day, ev)
	if err != nil {
		return err
	}
	if _, err := r.e.Post(r.ctx, r.id, e); err != nil {
		return fieldError(field, err)
	}
	if ev.ID != "" {
		r.ids[ev.ID] = e.ID
	}
	return nil
}

// entry builds the journal entry of a posting event.
func (r *runner) entry(i int, field string, day date.Date, ev *scenarioEvent) (loan.Entry, error) {
	kind := eventKinds[ev.Type]
	if ev.ID != "" {
		if _, dup := r.ids[ev.ID]; dup {
			return loan.Entry{}, bad(field+".id", "label %q used twice", ev.ID)
		}
	}
	e := loan.Entry{
		ID: uuid.NewSHA1(r.id, fmt.Appendf(nil, "event-%d", i)), Kind: kind, ValueDate: day,
		Actor: ev.Actor, Reason: ev.Reason, IdempotencyKey: ev.Key,
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
	if ev.Amount != "" {
		a, err := parseAmount(ev.Amount, r.cur)
		if err != nil {
			return loan.Entry{}, bad(field+".amount", "%v", err)
		}
		e.Amount = a
	}
	if err := text(field+".component", ev.Component, &e.Component); err != nil {
		return loan.Entry{}, err
	}
	if err := text(field+".reamortize", ev.Reamortize, &e.Reamortize); err != nil {
		return loan.Entry{}, err
	}
	if ev.Reverses != "" {
		id, ok := r.ids[ev.Reverses]
		if !ok {
			return loan.Entry{}, bad(field+".reverses", "no earlier event labelled %q", ev.Reverses)
		}
		e.Reverses = id
	}
	e.BookedAt = r.book(day)
	return e, nil
}

// book returns the booking time of the next entry: noon UTC of its value
// date, or a minute after the previous booking when the entry is backdated,
// so booking times only move forward, as a real ledger's do. It is also the
// Engine's clock.
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
		return nil, bad(field, "nothing to report before the disbursement")
	}
	l, err := r.e.Loan(r.ctx, r.id)
	if err != nil {
		return nil, fieldError(field, err)
	}
	return l, nil
}

// position is the loan's position on day.
func (r *runner) position(field string, day date.Date) (loan.Position, error) {
	l, err := r.loan(field)
	if err != nil {
		return loan.Position{}, err
	}
	p, err := l.PositionAt(day)
	if err != nil {
		return p, fieldError(field, err)
	}
	return p, nil
}
