package lendcore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

// inspectionRecorded is the status of a stored inspection.
const inspectionRecorded = "recorded"

// RecordInspection records a post-loan inspection (贷后检查) of a loan.
// Every inspection is kept; the daily close restarts the inspection
// cadence from the latest one on or before the day it closes, and from
// the inspection's day grades the loan with the signals its findings raise
// (InspectionRecord.Signals, recorded as an inspection fact in the
// borrower's journal; a later inspection's findings replace them). Recording
// the same inspection again adds nothing. A bad record (or one dated after
// the Engine's clock) is a *fault.Fields; an unknown loan
// storage.ErrNotFound and a *fault.Fields naming "loan"; nothing is
// stored.
func (e *Engine) RecordInspection(ctx context.Context, id uuid.UUID, rec classify.InspectionRecord) error {
	if rec.Loan == "" {
		rec.Loan = id.String()
	}
	bad := &fault.Fields{Kind: classify.ErrInvalidInput}
	bad.Merge("", rec.Validate())
	if rec.Loan != id.String() {
		bad.Add("loan", "is not the loan "+id.String())
	}
	if today := e.latestToday(); rec.Date.After(today) {
		bad.Addf("date", "%s is after today (%s): an inspection is recorded once it is done", rec.Date, today)
	}
	if err := bad.Err(); err != nil {
		return err
	}
	doc, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	ins := storage.Inspection{ID: uuid.NewSHA1(id, doc), LoanID: id, Date: rec.Date, Status: inspectionRecorded, Document: doc}
	return e.command(ctx, "record inspection", func(tx storage.Tx) error {
		lrec, err := tx.Loans().Get(ctx, id)
		if isNotFound(err) {
			return fmt.Errorf("%w: %w", err, fault.Invalid(classify.ErrInvalidInput, "loan", "unknown loan "+id.String()))
		}
		if err != nil {
			return err
		}
		if _, err := tx.Inspections().Save(ctx, ins); err != nil {
			return err
		}
		// The findings go to the borrower's facts journal, where the
		// close reads them: the latest inspection's replace earlier ones.
		subject := subjectOf(&lrec)
		j, err := tx.Facts().Get(ctx, subject)
		if err != nil && !isNotFound(err) {
			return err
		}
		return appendFacts(ctx, tx, subject, j.Version, classify.Fact{Kind: classify.InspectionFindings,
			Key: "inspection/" + ins.ID.String(), Day: rec.Date, Loan: id.String(), Signals: rec.Signals(),
			Source: "inspection", Reference: ins.ID.String(), RecordedBy: rec.Inspector})
	})
}

// Inspections returns a loan's post-loan inspections, oldest first.
// Errors: storage.ErrNotFound for an unknown loan.
func (e *Engine) Inspections(ctx context.Context, id uuid.UUID) ([]classify.InspectionRecord, error) {
	if _, err := e.store.Loans().Get(ctx, id); err != nil {
		return nil, err
	}
	var out []classify.InspectionRecord
	for ins, err := range e.store.Inspections().Scan(ctx, storage.InspectionFilter{LoanID: id}) {
		if err != nil {
			return nil, err
		}
		var r classify.InspectionRecord
		if err := guardedUnmarshal(ins.Document, &r); err != nil {
			return nil, fmt.Errorf("%w: inspection %s: %v", storage.ErrCorrupt, ins.ID, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// lastInspection returns the day of a loan's latest inspection on or
// before day; the zero Date when none.
func (e *Engine) lastInspection(ctx context.Context, id uuid.UUID, day date.Date) (date.Date, error) {
	var last date.Date
	for ins, err := range e.store.Inspections().Scan(ctx, storage.InspectionFilter{LoanID: id, Dates: &storage.DateRange{To: day}}) {
		if err != nil {
			return date.Date{}, err
		}
		last = last.Max(ins.Date)
	}
	return last, nil
}

// inspectionDue works out whether a post-loan inspection is due on day for
// the loan in state s (updating s.LastInspection from a newly recorded
// inspection) and returns the day it fell due, or the zero Date.
func (e *Engine) inspectionDue(ctx context.Context, p *policySet, id uuid.UUID, s *LoanState, pos *loan.Position, day date.Date) (date.Date, error) {
	if pos.Status != loan.Active && pos.Status != loan.Accelerated {
		return date.Date{}, nil
	}
	subject := []classify.InspectionSubject{{Loan: id.String(), Grade: s.Grade, LastInspection: s.LastInspection,
		DPD: s.DPD, Level: s.Level, LevelSince: s.LevelSince}}
	if len(pos.Installments) > 0 {
		subject[0].Disbursed = pos.Installments[0].From
	}
	due, err := p.Inspection.InspectionsDue(day, subject)
	if err != nil || len(due) == 0 {
		return date.Date{}, err
	}
	last, err := e.lastInspection(ctx, id, day)
	if err != nil || !last.After(s.LastInspection) {
		return due[0].Due, err
	}
	s.LastInspection = last
	subject[0].LastInspection = last
	if due, err = p.Inspection.InspectionsDue(day, subject); err != nil || len(due) == 0 {
		return date.Date{}, err
	}
	return due[0].Due, nil
}

// nextCadence is the latest day a loan in good standing may go without an
// inspection being due by cadence: its last inspection (or disbursement)
// plus the good-standing interval; the zero Date when the policy has none.
func (ps *policySet) nextCadence(s *LoanState) date.Date {
	p := &ps.Inspection
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
