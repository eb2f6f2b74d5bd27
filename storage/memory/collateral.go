package memory

import (
	"context"
	"iter"
	"slices"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

type collateral struct {
	s *Store
	t *txn
}

// getFrom reads a record of x; see storage.Collateral.
func getFrom[T any](ctx context.Context, s *Store, t *txn, x *table[T], id uuid.UUID) (T, error) {
	var out T
	err := s.read(ctx, t, func() (err error) {
		out, err = x.get(id)
		return err
	})
	return out, err
}

// saveTo stores a record of x at the version read; see storage.Collateral.
func saveTo[T any](ctx context.Context, s *Store, t *txn, x *table[T], id uuid.UUID, rec T, valid error) (T, error) {
	var out T
	if valid != nil {
		return out, valid
	}
	err := s.write(ctx, t, func(t *txn) (err error) {
		out, err = x.save(t, id, rec, nil)
		return err
	})
	return out, err
}

// Item returns a collateral item; see storage.Collateral.
func (r collateral) Item(ctx context.Context, id uuid.UUID) (storage.Item, error) {
	return getFrom(ctx, r.s, r.t, &r.s.items, id)
}

// SaveItem stores an item; see storage.Collateral.
func (r collateral) SaveItem(ctx context.Context, it storage.Item) (storage.Item, error) {
	it.Loans = cloneIDs(it.Loans)
	return saveTo(ctx, r.s, r.t, &r.s.items, it.ID, it, it.Validate())
}

// Items yields matching items in id order; see storage.Collateral.
func (r collateral) Items(ctx context.Context, f storage.ItemFilter) iter.Seq2[storage.Item, error] {
	f.Statuses = slices.Clone(f.Statuses)
	f.RevaluationDue, f.DocumentOut = cloneRange(f.RevaluationDue), cloneRange(f.DocumentOut)
	return func(yield func(storage.Item, error) bool) {
		scanIndex(ctx, r.s, r.t, &r.s.items.ids, f.Batch(), func(p *storage.Item, buf []storage.Item, sl *slab) []storage.Item {
			if !f.Matches(p) {
				return buf
			}
			it := *p
			it.Loans = slices.Clone(it.Loans)
			it.Document = sl.clone(it.Document)
			return append(buf, it)
		}, yield)
	}
}

// Cover returns a loan's cover; see storage.Collateral.
func (r collateral) Cover(ctx context.Context, loanID uuid.UUID) (storage.Cover, error) {
	return getFrom(ctx, r.s, r.t, &r.s.covers, loanID)
}

// SaveCover stores a loan's cover; see storage.Collateral.
func (r collateral) SaveCover(ctx context.Context, c storage.Cover) (storage.Cover, error) {
	return saveTo(ctx, r.s, r.t, &r.s.covers, c.LoanID, c, c.Validate())
}

// Covers yields matching covers in loan id order; see storage.Collateral.
func (r collateral) Covers(ctx context.Context, f storage.CoverFilter) iter.Seq2[storage.Cover, error] {
	f.Calls = slices.Clone(f.Calls)
	return func(yield func(storage.Cover, error) bool) {
		scanIndex(ctx, r.s, r.t, &r.s.covers.ids, f.Batch(), func(p *storage.Cover, buf []storage.Cover, sl *slab) []storage.Cover {
			if !f.Matches(p) {
				return buf
			}
			c := *p
			c.Document = sl.clone(c.Document)
			return append(buf, c)
		}, yield)
	}
}

// Guarantor returns a guarantor; see storage.Collateral.
func (r collateral) Guarantor(ctx context.Context, id uuid.UUID) (storage.Guarantor, error) {
	return getFrom(ctx, r.s, r.t, &r.s.guars, id)
}

// SaveGuarantor stores a guarantor; see storage.Collateral.
func (r collateral) SaveGuarantor(ctx context.Context, g storage.Guarantor) (storage.Guarantor, error) {
	g.Loans = cloneIDs(g.Loans)
	return saveTo(ctx, r.s, r.t, &r.s.guars, g.ID, g, g.Validate())
}

// Guarantors yields matching guarantors in id order; see
// storage.Collateral.
func (r collateral) Guarantors(ctx context.Context, f storage.GuarantorFilter) iter.Seq2[storage.Guarantor, error] {
	f.PeriodEnd = cloneRange(f.PeriodEnd)
	return func(yield func(storage.Guarantor, error) bool) {
		scanIndex(ctx, r.s, r.t, &r.s.guars.ids, f.Batch(), func(p *storage.Guarantor, buf []storage.Guarantor, sl *slab) []storage.Guarantor {
			if !f.Matches(p) {
				return buf
			}
			g := *p
			g.Loans = slices.Clone(g.Loans)
			g.Document = sl.clone(g.Document)
			return append(buf, g)
		}, yield)
	}
}
