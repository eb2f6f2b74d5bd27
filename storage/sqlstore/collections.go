package sqlstore

import (
	"context"
	"iter"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

const collectionCols = "loan_id, version, next_deadline, unfed, document"

type collections struct{ repo }

var collectionTable = record{what: "collection record of loan", table: "lendcore_collections", key: "loan_id",
	cols: []string{"next_deadline", "unfed", "document"}}

func scanCollection(r rowScanner) (storage.Collection, error) {
	var x storage.Collection
	err := r.Scan(&x.LoanID, &x.Version, dateCol{&x.NextDeadline}, dateCol{&x.Unfed}, jsonCol{&x.Document})
	return x, err
}

// Get returns a loan's collection record; see storage.Collections.
func (r collections) Get(ctx context.Context, loanID uuid.UUID) (storage.Collection, error) {
	return readRow(ctx, r.repo, scanCollection, "collection record of loan "+loanID.String(),
		"SELECT "+collectionCols+" FROM lendcore_collections WHERE loan_id = $1", loanID.String())
}

// Save stores a record at the version read; see storage.Collections.
func (r collections) Save(ctx context.Context, x storage.Collection) (storage.Collection, error) {
	if err := x.Validate(); err != nil {
		return storage.Collection{}, err
	}
	err := r.write(ctx, func(c conn) error {
		var err error
		x.Version, err = collectionTable.save(ctx, c, x.LoanID.String(), x.Version,
			dateArg(x.NextDeadline), dateArg(x.Unfed), string(x.Document))
		return err
	})
	if err != nil {
		return storage.Collection{}, err
	}
	return x.Clone(), nil
}

// Scan yields matching records in loan id order; see storage.Collections.
func (r collections) Scan(ctx context.Context, f storage.CollectionFilter) iter.Seq2[storage.Collection, error] {
	q := idScan("SELECT "+collectionCols+" FROM lendcore_collections", "loan_id",
		func(x *storage.Collection) uuid.UUID { return x.LoanID }, f.Batch(), scanCollection)
	q.w.dates("next_deadline", f.NextDeadline)
	q.w.dates("unfed", f.Unfed)
	return q.run(ctx, r.repo)
}
