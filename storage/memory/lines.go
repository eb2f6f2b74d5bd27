package memory

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

type lines struct {
	s *Store
	t *txn
}

// Lines returns the credit-line repository; each call is its own unit of
// work.
func (s *Store) Lines() storage.Lines { return lines{s, nil} }

// Get returns a line; see storage.Lines.
func (r lines) Get(ctx context.Context, id uuid.UUID) (storage.Line, error) {
	return getFrom(ctx, r.s, r.t, &r.s.lines, id)
}

// Save stores a line at the version read; see storage.Lines.
func (r lines) Save(ctx context.Context, l storage.Line) (storage.Line, error) {
	if err := l.Validate(); err != nil {
		return storage.Line{}, err
	}
	var out storage.Line
	err := r.s.write(ctx, r.t, func(t *txn) (err error) {
		if old := r.s.lines.m[l.ID]; old != nil && old.Borrower != l.Borrower {
			return fmt.Errorf("%w: line %s belongs to borrower %s", storage.ErrConflict, l.ID, old.Borrower)
		}
		out, err = r.s.lines.save(t, l.ID, l, nil)
		return err
	})
	return out, err
}

// Scan yields matching lines in id order; see storage.Lines.
func (r lines) Scan(ctx context.Context, f storage.LineFilter) iter.Seq2[storage.Line, error] {
	f.Statuses = slices.Clone(f.Statuses)
	f.Until = cloneRange(f.Until)
	return func(yield func(storage.Line, error) bool) {
		scanIndex(ctx, r.s, r.t, &r.s.lines.ids, f.Batch(), func(p *storage.Line, buf []storage.Line, sl *slab) []storage.Line {
			if !f.Matches(p) {
				return buf
			}
			l := *p
			l.Loans = slices.Clone(l.Loans)
			l.Document = sl.clone(l.Document)
			return append(buf, l)
		}, yield)
	}
}
