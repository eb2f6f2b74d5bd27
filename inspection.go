package lendcore

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

// RecordInspection records a post-loan inspection (贷后检查) of a loan.
// Every inspection is kept; the daily close restarts the inspection
// cadence from the latest one on or before the day it closes, and from
// the inspection's day grades the loan with the signals its findings raise
// (InspectionRecord.Signals, recorded as an inspection fact in the
// borrower's journal; a later signed-off inspection's findings replace
// them). It returns nothing: InspectionID gives its id. Recording
// the same inspection again adds nothing. A bad record (or one dated after
// the Engine's clock, or one that carries a sign-off: sign off with
// SignOffInspection) is a *fault.Fields; an unknown loan
// storage.ErrNotFound and a *fault.Fields naming "loan"; nothing is
// stored.
//
// Its findings count from its date whether or not it is signed off, but
// until a supervisor signs it off they add to the signals of the last
// signed-off inspection rather than replace them (classify.ApplyFacts):
// a bank acts on an adverse finding the day it is made, and lets a clean
// report clear earlier findings only once a second person has reviewed it
// (four eyes, the 岗位制衡 the 2010 working-capital Measures, art. 5, ask
// of every step of the loan's management).
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
	if rec.SignOff != nil {
		bad.Add("sign_off", "an inspection is signed off after it is recorded, with SignOffInspection")
	}
	if err := bad.Err(); err != nil {
		return err
	}
	ins, err := newInspection(id, rec)
	if err != nil {
		return err
	}
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

// newInspection is the stored form of a new inspection of loan id: its id
// is derived from the loan and the record, so recording it again is a
// replay.
func newInspection(id uuid.UUID, rec classify.InspectionRecord) (storage.Inspection, error) {
	doc, err := json.Marshal(rec)
	if err != nil {
		return storage.Inspection{}, err
	}
	return storage.Inspection{ID: InspectionID(id, rec), LoanID: id, Date: rec.Date,
		Status: classify.Recorded.String(), Document: doc}, nil
}

// InspectionID returns the id RecordInspection gives the record rec of
// loan id (the same record always gets the same id), for a host that
// signs it off without reading it back.
func InspectionID(id uuid.UUID, rec classify.InspectionRecord) uuid.UUID {
	if rec.Loan == "" {
		rec.Loan = id.String()
	}
	doc, _ := json.Marshal(rec) // a record always encodes: its fields are text, dates and enums
	return uuid.NewSHA1(id, doc)
}

// Inspection is a stored post-loan inspection as the reads return it: its
// id (to sign it off by) and version, and the record with its sign-off.
type Inspection struct {
	ID      uuid.UUID `json:"id"`
	Version int64     `json:"version"`
	classify.InspectionRecord
	Status classify.InspectionStatus `json:"status"`
}

// UnmarshalJSON decodes the form json.Marshal writes: the embedded
// record's own decoder would otherwise take the whole document and drop
// the id, version and status.
func (i *Inspection) UnmarshalJSON(b []byte) error {
	var head struct {
		ID      uuid.UUID                 `json:"id"`
		Version int64                     `json:"version"`
		Status  classify.InspectionStatus `json:"status"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return err
	}
	var rec classify.InspectionRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return err
	}
	*i = Inspection{ID: head.ID, Version: head.Version, InspectionRecord: rec, Status: head.Status}
	return nil
}

// inspectionOf decodes a stored inspection; a bad one is
// storage.ErrCorrupt.
func inspectionOf(ins *storage.Inspection) (Inspection, error) {
	out := Inspection{ID: ins.ID, Version: ins.Version}
	if err := guardedUnmarshal(ins.Document, &out.InspectionRecord); err != nil {
		return out, fmt.Errorf("%w: inspection %s: %v", storage.ErrCorrupt, ins.ID, err)
	}
	out.Status = out.InspectionRecord.Status()
	return out, nil
}

// Inspections returns a loan's post-loan inspections (its inspection
// history), oldest first, each with its sign-off once signed off.
// Errors: storage.ErrNotFound for an unknown loan.
func (e *Engine) Inspections(ctx context.Context, id uuid.UUID) ([]Inspection, error) {
	if _, err := e.store.Loans().Get(ctx, id); err != nil {
		return nil, err
	}
	var out []Inspection
	for ins, err := range e.scanInspections(ctx, storage.InspectionFilter{LoanID: id}) {
		if err != nil {
			return nil, err
		}
		out = append(out, ins)
	}
	return out, nil
}

// UnsignedInspections yields the inspections across the portfolio that
// await a supervisor's sign-off, by loan and date: the queue of the
// four-eyes review.
func (e *Engine) UnsignedInspections(ctx context.Context) iter.Seq2[Inspection, error] {
	return e.scanInspections(ctx, storage.InspectionFilter{Statuses: []string{classify.Recorded.String()}})
}

// scanInspections yields the decoded inspections f selects.
func (e *Engine) scanInspections(ctx context.Context, f storage.InspectionFilter) iter.Seq2[Inspection, error] {
	return func(yield func(Inspection, error) bool) {
		for ins, err := range e.store.Inspections().Scan(ctx, f) {
			if err != nil {
				yield(Inspection{}, err)
				return
			}
			out, err := inspectionOf(&ins)
			if !yield(out, err) || err != nil {
				return
			}
		}
	}
}

// SignOffInspection records a supervisor's sign-off (审核) of inspection
// ins of loan id. Four eyes: the supervisor must be another person than
// the inspector. From s.On on the inspection's findings replace those of
// earlier inspections (a clean one clears them; see RecordInspection).
// Signing off again with the same sign-off adds nothing.
//
// Errors, with nothing stored: a *fault.Fields (classify.ErrInvalidInput)
// naming "supervisor" when it is the inspector or missing, "on" when it
// is before the inspection's date or after today; a *fault.Fields naming
// "inspection" wrapping storage.ErrNotFound for an inspection that is not
// the loan's; a *fault.Transition (classify.ErrIllegalTransition) when it
// is already signed off by another sign-off.
func (e *Engine) SignOffInspection(ctx context.Context, id, ins uuid.UUID, s classify.SignOff) error {
	if today := e.latestToday(); s.On.After(today) {
		return fault.Invalid(classify.ErrInvalidInput, "on", fmt.Sprintf("%s is after today (%s)", s.On, today))
	}
	return e.command(ctx, "sign off inspection", func(tx storage.Tx) error {
		stored, err := tx.Inspections().Get(ctx, ins)
		if err == nil && stored.LoanID != id {
			err = storage.ErrNotFound
		}
		if isNotFound(err) {
			return fmt.Errorf("%w: %w", storage.ErrNotFound,
				fault.Invalid(classify.ErrInvalidInput, "inspection", "no inspection "+ins.String()+" of loan "+id.String()))
		}
		if err != nil {
			return err
		}
		cur, err := inspectionOf(&stored)
		if err != nil {
			return err
		}
		rec := cur.InspectionRecord
		if rec.SignOff != nil && *rec.SignOff == s {
			return nil // signed off already by this very sign-off: a retry
		}
		if err := rec.Sign(s); err != nil {
			return err
		}
		if stored.Document, err = json.Marshal(rec); err != nil {
			return err
		}
		stored.Status = rec.Status().String()
		if _, err := tx.Inspections().Save(ctx, stored); err != nil {
			return err
		}
		lrec, err := tx.Loans().Get(ctx, id)
		if err != nil {
			return err
		}
		subject := subjectOf(&lrec)
		j, err := tx.Facts().Get(ctx, subject)
		if err != nil && !isNotFound(err) {
			return err
		}
		return appendFacts(ctx, tx, subject, j.Version, classify.Fact{Kind: classify.InspectionSignOff,
			Key: "sign-off/" + ins.String(), Day: s.On, Loan: id.String(), Source: "inspection",
			Reference: ins.String(), RecordedBy: s.Supervisor})
	})
}

// InspectionsDue yields the post-loan inspections due across the
// portfolio as of each loan's last close, by loan id: the day each fell
// due, why, the kind of inspection it asks for (the first after
// disbursement, a routine one by the cadence, a special one for an overdue
// or a warning) and whether it is overdue (due longer than the inspection
// policy's CompleteWithinDays).
func (e *Engine) InspectionsDue(ctx context.Context) iter.Seq2[classify.InspectionDue, error] {
	return func(yield func(classify.InspectionDue, error) bool) {
		// The loans are asked about a batch a day at a time: the policy
		// validates itself once per call.
		var day date.Date
		var batch []classify.InspectionSubject
		flush := func() bool {
			due, err := e.policies.Inspection.InspectionsDue(day, batch)
			batch = batch[:0]
			if err != nil {
				yield(classify.InspectionDue{}, err)
				return false
			}
			for _, d := range due {
				if !yield(d, nil) {
					return false
				}
			}
			return true
		}
		f := storage.LoanFilter{InspectionDue: &storage.DateRange{}, Statuses: openForClose, NoDocument: true}
		for rec, err := range e.store.Loans().Scan(ctx, f) {
			if err != nil {
				yield(classify.InspectionDue{}, err)
				return
			}
			s, err := e.stateOf(&rec)
			if err != nil {
				yield(classify.InspectionDue{}, err)
				return
			}
			if len(batch) > 0 && (s.Day != day || len(batch) == storage.DefaultBatchSize) && !flush() {
				return
			}
			day = s.Day
			batch = append(batch, inspectionSubject(rec.ID, &s))
		}
		if len(batch) > 0 {
			flush()
		}
	}
}

// inspectionSubject is what the inspection cadence reads of a loan's
// state.
func inspectionSubject(id uuid.UUID, s *LoanState) classify.InspectionSubject {
	return classify.InspectionSubject{Loan: id.String(), Grade: s.Grade, LastInspection: s.LastInspection,
		Disbursed: s.Disbursed, DPD: s.DPD, Level: s.Level, LevelSince: s.LevelSince}
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
	subject := []classify.InspectionSubject{inspectionSubject(id, s)}
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
