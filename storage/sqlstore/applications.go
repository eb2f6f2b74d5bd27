package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"iter"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

const appCols = "id, version, status, submitted_on, loan_id, document"

type apps struct {
	s *Store
	t *txn
}

func scanApp(r rowScanner) (storage.Application, error) {
	var a storage.Application
	var loan uuid.NullUUID
	err := r.Scan(&a.ID, &a.Version, &a.Status, dateCol{&a.SubmittedOn}, &loan, jsonCol{&a.Document})
	a.LoanID = loan.UUID
	return a, err
}

// Create stores a new application; see storage.Applications.
func (r apps) Create(ctx context.Context, a storage.Application) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return r.s.write(ctx, r.t, func(c conn) error {
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
	var a storage.Application
	err := r.s.read(ctx, r.t, func(c conn) error {
		var err error
		a, err = scanApp(c.row(ctx, "SELECT "+appCols+" FROM lendcore_applications WHERE id = $1", id.String()))
		if err == sql.ErrNoRows {
			return fmt.Errorf("%w: application %s", storage.ErrNotFound, id)
		}
		return err
	})
	return a, err
}

// Update replaces an application at its expected version; see
// storage.Applications.
func (r apps) Update(ctx context.Context, a storage.Application) (storage.Application, error) {
	if err := a.Validate(); err != nil {
		return storage.Application{}, err
	}
	var out storage.Application
	err := r.s.write(ctx, r.t, func(c conn) error {
		n, err := affected(c.exec(ctx, "UPDATE lendcore_applications SET version = version + 1, status = $1, "+
			"loan_id = $2, document = $3 WHERE id = $4 AND version = $5",
			a.Status, uuidArg(a.LoanID), string(a.Document), a.ID.String(), a.Version))
		if err != nil {
			return err
		}
		out, err = scanApp(c.row(ctx, "SELECT "+appCols+" FROM lendcore_applications WHERE id = $1", a.ID.String()))
		switch {
		case err == sql.ErrNoRows:
			return fmt.Errorf("%w: application %s", storage.ErrNotFound, a.ID)
		case err != nil:
			return err
		case n == 0:
			return fmt.Errorf("%w: application %s is at version %d, not %d", storage.ErrConflict, a.ID, out.Version, a.Version)
		}
		return nil
	})
	if err != nil {
		return storage.Application{}, err
	}
	return out, nil
}

// Scan yields matching applications in id order, one query per batch; see
// storage.Applications.
func (r apps) Scan(ctx context.Context, f storage.ApplicationFilter) iter.Seq2[storage.Application, error] {
	var a args
	var where []string
	if len(f.Statuses) > 0 {
		where = append(where, "status IN ("+a.list(stringsToAny(f.Statuses)...)+")")
	}
	if r := f.Submitted; r != nil {
		if !r.From.IsZero() {
			where = append(where, "submitted_on >= "+a.add(dateArg(r.From)))
		}
		if !r.To.IsZero() {
			where = append(where, "submitted_on <= "+a.add(dateArg(r.To)))
		}
	}
	return batches(ctx, r.s, r.t, "SELECT "+appCols+" FROM lendcore_applications", where, a, f.Batch(),
		scanApp, func(a *storage.Application) uuid.UUID { return a.ID },
		func(conn, []storage.Application) error { return nil })
}
