package memory

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

type products struct {
	s *Store
	t *txn
}

// Products returns the repository of product versions.
func (s *Store) Products() storage.Products { return products{s, nil} }

// Put stores the next version of a product; see storage.Products.
func (r products) Put(ctx context.Context, p storage.Product) error {
	if err := p.Validate(); err != nil {
		return err
	}
	p = p.Clone()
	return r.s.write(ctx, r.t, func(t *txn) error {
		versions := r.s.products[p.Name]
		if next := int64(len(versions)) + 1; p.Version != next {
			return fmt.Errorf("%w: product %s is at version %d: the next is %d, not %d",
				storage.ErrConflict, p.Name, next-1, next, p.Version)
		}
		r.s.products[p.Name] = append(versions, p)
		t.onUndo(func() {
			if len(versions) == 0 {
				delete(r.s.products, p.Name)
			} else {
				r.s.products[p.Name] = versions
			}
		})
		return nil
	})
}

// Get returns one version of a product; see storage.Products.
func (r products) Get(ctx context.Context, name string, version int64) (storage.Product, error) {
	var out storage.Product
	err := r.s.read(ctx, r.t, func() error {
		versions := r.s.products[name]
		if version < 1 || version > int64(len(versions)) {
			return fmt.Errorf("%w: product %s version %d", storage.ErrNotFound, name, version)
		}
		out = versions[version-1].Clone()
		return nil
	})
	return out, err
}

// Latest returns the latest version of a product; see storage.Products.
func (r products) Latest(ctx context.Context, name string) (storage.Product, error) {
	var out storage.Product
	err := r.s.read(ctx, r.t, func() error {
		versions := r.s.products[name]
		if len(versions) == 0 {
			return fmt.Errorf("%w: product %s", storage.ErrNotFound, name)
		}
		out = versions[len(versions)-1].Clone()
		return nil
	})
	return out, err
}

// List yields every version by name and version; see storage.Products. A
// lender has a few products: they are copied under one read lock.
func (r products) List(ctx context.Context) iter.Seq2[storage.Product, error] {
	return func(yield func(storage.Product, error) bool) {
		var out []storage.Product
		err := r.s.read(ctx, r.t, func() error {
			for _, name := range slices.Sorted(maps.Keys(r.s.products)) {
				for _, p := range r.s.products[name] {
					out = append(out, p.Clone())
				}
			}
			return nil
		})
		if err != nil {
			yield(storage.Product{}, err)
			return
		}
		for _, p := range out {
			if !yield(p, nil) {
				return
			}
		}
	}
}

// Move records a loan's next move; see storage.Products.
func (r products) Move(ctx context.Context, m storage.ProductMove) error {
	if err := m.Validate(); err != nil {
		return err
	}
	m = m.Clone()
	return r.s.write(ctx, r.t, func(t *txn) error {
		moves := r.s.moves[m.LoanID]
		if next := int64(len(moves)) + 1; m.Seq != next {
			return fmt.Errorf("%w: loan %s has %d product moves: the next is %d, not %d",
				storage.ErrConflict, m.LoanID, next-1, next, m.Seq)
		}
		r.s.moves[m.LoanID] = append(moves, m)
		t.onUndo(func() {
			if len(moves) == 0 {
				delete(r.s.moves, m.LoanID)
			} else {
				r.s.moves[m.LoanID] = moves
			}
		})
		return nil
	})
}

// Moves yields the matching moves by loan and Seq; see storage.Products.
func (r products) Moves(ctx context.Context, f storage.MoveFilter) iter.Seq2[storage.ProductMove, error] {
	return func(yield func(storage.ProductMove, error) bool) {
		var out []storage.ProductMove
		err := r.s.read(ctx, r.t, func() error {
			for _, id := range slices.SortedFunc(maps.Keys(r.s.moves), func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }) {
				for i := range r.s.moves[id] {
					if m := &r.s.moves[id][i]; f.Matches(m) {
						out = append(out, m.Clone())
					}
				}
			}
			return nil
		})
		if err != nil {
			yield(storage.ProductMove{}, err)
			return
		}
		for _, m := range out {
			if !yield(m, nil) {
				return
			}
		}
	}
}
