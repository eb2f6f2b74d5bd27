package lendcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

// scopeInspection is the checkpoint scope of each loan's last post-loan
// inspection (贷后检查), keyed by loan id.
const scopeInspection = "inspection"

// RecordInspection records a post-loan inspection of a loan. The daily
// close reads it when the loan's next inspection falls due, so the
// inspection cadence restarts from rec.Date; its findings' signals are the
// host's to feed into classification. A record older than the one stored
// is refused.
func (e *Engine) RecordInspection(ctx context.Context, id uuid.UUID, rec classify.InspectionRecord) error {
	if rec.Loan == "" {
		rec.Loan = id.String()
	}
	if rec.Loan != id.String() {
		return fault.Invalid(loan.ErrInvalidInput, "loan", "is not the loan "+id.String())
	}
	if err := rec.Validate(); err != nil {
		return err
	}
	return e.store.WithTx(ctx, func(tx storage.Tx) error {
		if _, err := tx.Loans().Get(ctx, id); err != nil {
			return err
		}
		if old, err := tx.Checkpoints().Get(ctx, scopeInspection, id.String()); err == nil && old.Day.After(rec.Date) {
			return fault.Invalid(loan.ErrInvalidInput, "date", fmt.Sprintf("%s is before the last inspection on %s", rec.Date, old.Day))
		} else if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		payload, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		return tx.Checkpoints().Put(ctx, storage.Checkpoint{Scope: scopeInspection, Key: id.String(), Day: rec.Date, Payload: payload})
	})
}

// inspectionDue works out whether a post-loan inspection is due on day for
// the loan in state s (updating s.LastInspection from a newly recorded
// inspection) and returns the day it fell due, or the zero Date.
func (e *Engine) inspectionDue(ctx context.Context, id uuid.UUID, s *LoanState, pos *loan.Position, day date.Date) (date.Date, error) {
	if pos.Status != loan.Active && pos.Status != loan.Accelerated {
		return date.Date{}, nil
	}
	subject := []classify.InspectionSubject{{Loan: id.String(), Grade: s.Grade, LastInspection: s.LastInspection,
		DPD: s.DPD, Level: s.Level, LevelSince: s.LevelSince}}
	if len(pos.Installments) > 0 {
		subject[0].Disbursed = pos.Installments[0].From
	}
	due, err := e.policies.Inspection.InspectionsDue(day, subject)
	if err != nil || len(due) == 0 {
		return date.Date{}, err
	}
	cp, err := e.store.Checkpoints().Get(ctx, scopeInspection, id.String())
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return due[0].Due, nil
	case err != nil:
		return date.Date{}, err
	case !cp.Day.After(s.LastInspection) || cp.Day.After(day):
		return due[0].Due, nil
	}
	s.LastInspection = cp.Day
	subject[0].LastInspection = cp.Day
	if due, err = e.policies.Inspection.InspectionsDue(day, subject); err != nil || len(due) == 0 {
		return date.Date{}, err
	}
	return due[0].Due, nil
}

// nextCadence is the latest day a loan in good standing may go without an
// inspection being due by cadence: its last inspection (or disbursement)
// plus the good-standing interval; the zero Date when the policy has none.
func (e *Engine) nextCadence(s *LoanState) date.Date {
	p := &e.policies.Inspection
	standing, ok := p.ByGrade[classify.Normal]
	if !ok {
		return date.Date{}
	}
	base := s.LastInspection
	if base.IsZero() {
		base = s.Disbursed
	}
	for _, c := range p.Cadence {
		if c.Standing == standing && !base.IsZero() {
			return base.AddDate(0, c.Months, c.Days)
		}
	}
	return date.Date{}
}
