package sqlstore

import (
	"context"
	"iter"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

// linesRepo is the credit-line repository: lines, each linked to the
// loans drawn under it.
type linesRepo struct{ repo }

var lineTable = linked[storage.Line]{
	rec: record{what: "line", table: "lendcore_lines", key: "id",
		fixed: []string{"borrower"}, cols: []string{"status", "valid_until", "document"}},
	links: links{table: "lendcore_line_loans", owner: "line_id", target: "loan_id"},
	sel:   "SELECT id, borrower, version, status, valid_until, document FROM lendcore_lines",
	read: func(r rowScanner) (storage.Line, error) {
		var l storage.Line
		err := r.Scan(&l.ID, &l.Borrower, &l.Version, &l.Status, dateCol{&l.Until}, jsonCol{&l.Document})
		return l, err
	},
	id:    func(l *storage.Line) uuid.UUID { return l.ID },
	loans: func(l *storage.Line) *[]uuid.UUID { return &l.Loans },
}

// Lines returns the credit-line repository.
func (r repo) Lines() storage.Lines { return linesRepo{r} }

// Get returns a line; see storage.Lines.
func (r linesRepo) Get(ctx context.Context, id uuid.UUID) (storage.Line, error) {
	return lineTable.get(ctx, r.repo, id)
}

// Save stores a line at the version read; see storage.Lines. The
// borrower is a fixed column: a save naming another borrower matches no
// row and is a conflict.
func (r linesRepo) Save(ctx context.Context, l storage.Line) (storage.Line, error) {
	if err := l.Validate(); err != nil {
		return storage.Line{}, err
	}
	l = l.Clone()
	var err error
	l.Version, err = lineTable.save(ctx, r.repo, &l, l.Version,
		l.Borrower.String(), l.Status, dateArg(l.Until), string(l.Document))
	if err != nil {
		return storage.Line{}, err
	}
	return l, nil
}

// Scan yields matching lines in id order; see storage.Lines.
func (r linesRepo) Scan(ctx context.Context, f storage.LineFilter) iter.Seq2[storage.Line, error] {
	q := lineTable.scan(f.Batch())
	q.w.id("borrower", f.Borrower)
	q.w.linked("id", lineTable.links, f.LoanID)
	q.w.in("status", f.Statuses)
	q.w.dates("valid_until", f.Until)
	return q.run(ctx, r.repo)
}
