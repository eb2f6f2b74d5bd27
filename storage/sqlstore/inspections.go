package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/storage"
)

const inspectionCols = "id, loan_id, version, day, status, document"

type inspections struct{ repo }

var inspectionTable = record{what: "inspection", table: "lendcore_inspections", key: "id",
	fixed: []string{"loan_id", "day"}, cols: []string{"status", "document"}}

func scanInspection(r rowScanner) (storage.Inspection, error) {
	var i storage.Inspection
	err := r.Scan(&i.ID, &i.LoanID, &i.Version, dateCol{&i.Date}, &i.Status, jsonCol{&i.Document})
	return i, err
}

func getInspection(ctx context.Context, c conn, id uuid.UUID) (storage.Inspection, error) {
	return getRow(ctx, c, scanInspection, "inspection "+id.String(),
		"SELECT "+inspectionCols+" FROM lendcore_inspections WHERE id = $1", id.String())
}

// Get returns an inspection; see storage.Inspections.
func (r inspections) Get(ctx context.Context, id uuid.UUID) (storage.Inspection, error) {
	return readRow(ctx, r.repo, scanInspection, "inspection "+id.String(),
		"SELECT "+inspectionCols+" FROM lendcore_inspections WHERE id = $1", id.String())
}

// Last returns a loan's latest inspection; see storage.Inspections.
func (r inspections) Last(ctx context.Context, loanID uuid.UUID) (storage.Inspection, error) {
	return readRow(ctx, r.repo, scanInspection, "inspection of loan "+loanID.String(),
		"SELECT "+inspectionCols+" FROM lendcore_inspections WHERE loan_id = $1 ORDER BY day DESC, id DESC LIMIT 1",
		loanID.String())
}

// Save stores an inspection at the version read; see storage.Inspections.
// The loan and day of a stored inspection are part of the update's
// condition, so the usual write is one statement; only a write that
// updates nothing reads the row to say why.
func (r inspections) Save(ctx context.Context, i storage.Inspection) (storage.Inspection, error) {
	if err := i.Validate(); err != nil {
		return storage.Inspection{}, err
	}
	var out storage.Inspection
	err := r.write(ctx, func(c conn) error {
		version, err := inspectionTable.save(ctx, c, i.ID.String(), i.Version,
			i.LoanID.String(), dateArg(i.Date), i.Status, string(i.Document))
		if err == nil {
			out = i.Clone()
			out.Version = version
			return nil
		}
		if !errors.Is(err, storage.ErrConflict) {
			return err // ErrNotFound: a version of an inspection never saved
		}
		stored, gerr := getInspection(ctx, c, i.ID)
		switch {
		case gerr != nil:
			return gerr
		case i.Version == 0:
			if stored.LoanID == i.LoanID && stored.Date == i.Date && stored.Status == i.Status &&
				storage.SameJSON(stored.Document, i.Document) {
				out = stored // a replay of the inspection's first save
				return nil
			}
			return fmt.Errorf("%w: inspection %s is stored with other content", storage.ErrDuplicate, i.ID)
		case stored.LoanID != i.LoanID || stored.Date != i.Date:
			bad := &fault.Fields{Kind: storage.ErrInvalid}
			if stored.LoanID != i.LoanID {
				bad.Addf("loan_id", "is %s in the stored inspection and cannot change", stored.LoanID)
			}
			if stored.Date != i.Date {
				bad.Addf("date", "is %s in the stored inspection and cannot change", stored.Date)
			}
			return bad
		}
		return err
	})
	if err != nil {
		return storage.Inspection{}, err
	}
	return out, nil
}

// Scan yields matching inspections by loan, day and id; see
// storage.Inspections.
func (r inspections) Scan(ctx context.Context, f storage.InspectionFilter) iter.Seq2[storage.Inspection, error] {
	q := scan[storage.Inspection]{sel: "SELECT " + inspectionCols + " FROM lendcore_inspections",
		keys: []string{"loan_id", "day", "id"}, batch: f.Batch(), read: scanInspection,
		cursor: func(i *storage.Inspection) []any { return []any{i.LoanID.String(), dateArg(i.Date), i.ID.String()} }}
	q.w.id("loan_id", f.LoanID)
	q.w.dates("day", f.Dates)
	q.w.in("status", f.Statuses)
	return q.run(ctx, r.repo)
}
