package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

const appCols = "id, version, status, submitted_on, loan_id, document"

type apps struct{ repo }

// appTable's saves are updates: the day submitted is written by Create
// only.
var appTable = record{what: "application", table: "lendcore_applications", key: "id",
	cols: []string{"status", "loan_id", "document"}}

func scanApp(r rowScanner) (storage.Application, error) {
	var a storage.Application
	err := r.Scan(&a.ID, &a.Version, &a.Status, dateCol{&a.SubmittedOn}, nullID{&a.LoanID}, jsonCol{&a.Document})
	return a, err
}

func appArgs(a *storage.Application) []any {
	return []any{a.Status, uuidArg(a.LoanID), string(a.Document)}
}

// Create stores a new application; see storage.Applications.
func (r apps) Create(ctx context.Context, a storage.Application) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return r.write(ctx, func(c conn) error {
		_, err := c.exec(ctx, "INSERT INTO lendcore_applications ("+appCols+") VALUES ($1, 1, $2, $3, $4, $5)",
			a.ID.String(), a.Status, dateArg(a.SubmittedOn), uuidArg(a.LoanID), string(a.Document))
		if isUnique(err) {
			return fmt.Errorf("%w: application %s exists", storage.ErrDuplicate, a.ID)
		}
		return err
	})
}

// Get returns an application; see storage.Applications.
func (r apps) Get(ctx context.Context, id uuid.UUID) (storage.Application, error) {
	return readRow(ctx, r.repo, scanApp, "application "+id.String(),
		"SELECT "+appCols+" FROM lendcore_applications WHERE id = $1", id.String())
}

func getApp(ctx context.Context, c conn, id uuid.UUID) (storage.Application, error) {
	return getRow(ctx, c, scanApp, "application "+id.String(),
		"SELECT "+appCols+" FROM lendcore_applications WHERE id = $1", id.String())
}

// Update replaces an application at its expected version; see
// storage.Applications.
func (r apps) Update(ctx context.Context, a storage.Application) (storage.Application, error) {
	if err := a.Validate(); err != nil {
		return storage.Application{}, err
	}
	var out storage.Application
	err := r.write(ctx, func(c conn) error {
		err := fmt.Errorf("%w: application %s: no version %d is ever stored", storage.ErrConflict, a.ID, a.Version)
		if a.Version > 0 {
			_, err = appTable.save(ctx, c, a.ID.String(), a.Version, appArgs(&a)...)
		}
		if errors.Is(err, storage.ErrConflict) {
			if _, gerr := getApp(ctx, c, a.ID); gerr != nil {
				return gerr // ErrNotFound
			}
		}
		if err != nil {
			return err
		}
		out, err = getApp(ctx, c, a.ID)
		return err
	})
	if err != nil {
		return storage.Application{}, err
	}
	return out, nil
}

// Scan yields matching applications in id order, one query per batch; see
// storage.Applications.
func (r apps) Scan(ctx context.Context, f storage.ApplicationFilter) iter.Seq2[storage.Application, error] {
	q := idScan("SELECT "+appCols+" FROM lendcore_applications", "id",
		func(a *storage.Application) uuid.UUID { return a.ID }, f.Batch(), scanApp)
	q.w.in("status", f.Statuses)
	q.w.dates("submitted_on", f.Submitted)
	return q.run(ctx, r.repo)
}
