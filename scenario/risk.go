package scenario

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// The post-loan risk loop's events: inspections and their sign-off, facts
// about the borrower and their withdrawal, fund-flow reports, and a
// second loan of the same borrower for the debtor-level rules. Each goes
// through the Engine's command, as a host's would.

// SecondLoanID is the id of the scenario's second loan (a "second-loan"
// event), the name-based UUID of "second-loan" under LoanID.
var SecondLoanID = uuid.NewSHA1(LoanID, []byte("second-loan"))

// inspected is an inspection the run recorded: its date and id.
type inspected struct {
	day date.Date
	id  uuid.UUID
}

// inspect records a post-loan inspection (贷后检查) with
// Engine.RecordInspection; the close restarts the inspection cadence from
// it, and its findings raise signals.
func (r *runner) inspect(_ int, field string, day date.Date, ev *Event) error {
	rec := classify.InspectionRecord{Loan: r.id.String(), Date: day, Inspector: ev.Inspector, Findings: ev.Findings}
	if err := text(field+".conclusion", ev.Conclusion, &rec.Conclusion); err != nil {
		return err
	}
	if err := text(field+".inspection_kind", ev.InspectionKind, &rec.Kind); err != nil {
		return err
	}
	if err := r.e.RecordInspection(r.ctx, r.id, rec); err != nil {
		return fieldError(field, err)
	}
	r.inspections = append(r.inspections, inspected{day: day, id: lendcore.InspectionID(r.id, rec)})
	return nil
}

// signOff signs off an inspection (Engine.SignOffInspection): the one
// dated by the event's inspection field, else the latest recorded.
func (r *runner) signOff(_ int, field string, day date.Date, ev *Event) error {
	if len(r.inspections) == 0 {
		return invalid(field, "no inspection recorded to sign off")
	}
	target := r.inspections[len(r.inspections)-1]
	if ev.Inspection != "" {
		on, _ := date.ParseISO(ev.Inspection) // Parse checked it
		found := false
		for _, ins := range r.inspections {
			if ins.day == on {
				target, found = ins, true
			}
		}
		if !found {
			return invalid(field+".inspection", "no inspection recorded on "+ev.Inspection)
		}
	}
	s := classify.SignOff{Supervisor: ev.Supervisor, On: day, Note: ev.Note}
	return fieldError(field, r.e.SignOffInspection(r.ctx, r.id, target.id, s))
}

// fact records a dated fact about the borrower, or with on_loan about the
// loan (Engine.RecordFact).
func (r *runner) fact(i int, field string, day date.Date, ev *Event) error {
	f := r.newFact(i, day, ev)
	if err := text(field+".fact", ev.Fact, &f.Kind); err != nil {
		return err
	}
	if err := text(field+".severity", ev.Severity, &f.Severity); err != nil {
		return err
	}
	if ev.Signals != nil {
		f.Signals = *ev.Signals
	}
	if ev.OnLoan {
		f.Loan = r.id.String()
	}
	if ev.Amount != "" || ev.ExternalDebt != "" {
		// A credit-bureau refresh: amount is the debt over 90 days past
		// due of external_debt at all lenders.
		f.ExternalOverdue90 = money.Zero(r.sc.Currency)
		f.ExternalDebt = money.Zero(r.sc.Currency)
		var err error
		if ev.Amount != "" {
			if f.ExternalOverdue90, err = parseAmount(ev.Amount, r.sc.Currency); err != nil {
				return invalid(field+".amount", problem(err))
			}
		}
		if ev.ExternalDebt != "" {
			if f.ExternalDebt, err = parseAmount(ev.ExternalDebt, r.sc.Currency); err != nil {
				return invalid(field+".external_debt", problem(err))
			}
		}
	}
	return fieldError(field, r.e.RecordFact(r.ctx, borrower, f))
}

// newFact is the fact an event records, with its defaults: the key
// "event-<n>", the source "scenario", the actor the scenario's officer.
func (r *runner) newFact(i int, day date.Date, ev *Event) classify.Fact {
	f := classify.Fact{Day: day, Key: ev.Key, Source: ev.Source, Reference: ev.Evidence, RecordedBy: ev.Actor}
	if f.Key == "" {
		f.Key = fmt.Sprintf("event-%d", i)
	}
	if f.Source == "" {
		f.Source = "scenario"
	}
	if f.RecordedBy == "" {
		f.RecordedBy = officer
	}
	return f
}

// withdrawFact withdraws the fact recorded under a key from the date on
// (Engine.WithdrawFact).
func (r *runner) withdrawFact(_ int, field string, day date.Date, ev *Event) error {
	actor := ev.Actor
	if actor == "" {
		actor = officer
	}
	return fieldError(field, r.e.WithdrawFact(r.ctx, borrower, ev.Withdraws, day, actor, ev.Reason))
}

// inflow reports the borrower's inflows over from..date for the loan
// (fund-flow monitoring, an inflow fact).
func (r *runner) inflow(i int, field string, day date.Date, ev *Event) error {
	f := r.newFact(i, day, ev)
	f.Kind = classify.Inflow
	f.From, _ = date.ParseISO(ev.From) // Parse checked it
	return r.recordFlow(field, f, ev.Amount, parseAmount)
}

// fundUse reports a use of the loan's funds (fund-flow monitoring, a
// fund-use fact).
func (r *runner) fundUse(i int, field string, day date.Date, ev *Event) error {
	f := r.newFact(i, day, ev)
	f.Kind, f.Purpose, f.OffPurpose = classify.FundUse, ev.Purpose, ev.OffPurpose
	return r.recordFlow(field, f, ev.Amount, positive)
}

// recordFlow records a fund-flow fact about the scenario's loan, of the
// amount parse reads.
func (r *runner) recordFlow(field string, f classify.Fact, amount string,
	parse func(string, money.Currency) (money.Amount, error)) error {
	a, err := parse(amount, r.sc.Currency)
	if err != nil {
		return invalid(field+".amount", problem(err))
	}
	f.Loan, f.Amount = r.id.String(), a
	return fieldError(field, r.e.RecordFact(r.ctx, borrower, f))
}

// secondLoan disburses a second loan to the scenario's borrower
// (SecondLoanID): the scenario's terms from the date, of amount when
// given. Nothing repays it; the close grades it, and the debtor-level
// rules grade the borrower's two loans together.
func (r *runner) secondLoan(i int, field string, day date.Date, ev *Event) error {
	if r.second {
		return invalid(field, "the second loan was disbursed already")
	}
	terms := r.sc.Terms
	terms.Start = day
	if ev.Amount != "" {
		a, err := positive(ev.Amount, r.sc.Currency)
		if err != nil {
			return invalid(field+".amount", problem(err))
		}
		terms.Principal = a
	}
	req := loan.Request{ID: SecondLoanID, Terms: terms, Borrower: borrower, BorrowerKind: r.borrowerKind,
		Purpose: "scenario", Dossier: dossier(day), SubmittedBy: officer, SubmittedOn: day}
	if _, err := r.e.Submit(r.ctx, req); err != nil {
		return fieldError(field, err)
	}
	if _, err := r.e.Approve(r.ctx, SecondLoanID, loan.Action{Officer: approver, On: day}, loan.Exposure{}); err != nil {
		return fieldError(field, err)
	}
	d := lendcore.Disbursement{Actor: ev.Actor, IdempotencyKey: ev.Key}
	if d.Actor == "" {
		d.Actor = "scenario"
	}
	if d.IdempotencyKey == "" {
		d.IdempotencyKey = fmt.Sprintf("event-%d", i)
	}
	if _, err := r.e.Disburse(r.ctx, SecondLoanID, d); err != nil {
		return fieldError(field, err)
	}
	r.second = true
	return nil
}
