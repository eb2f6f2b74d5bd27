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
		return appendNext(t, r.s.products, p.Name, p.Version, p, "product "+p.Name+" version")
	})
}

// appendNext appends v to the list m holds under key as its seq-th
// element, undone with t: a seq that is not the next is ErrConflict. A
// product's versions and a loan's moves are such lists, written once.
func appendNext[K comparable, V any](t *txn, m map[K][]V, key K, seq int64, v V, what string) error {
	list := m[key]
	if next := int64(len(list)) + 1; seq != next {
		return fmt.Errorf("%w: %s %d is stored or skips one: the next is %d", storage.ErrConflict, what, seq, next)
	}
	m[key] = append(list, v)
	t.onUndo(func() {
		if len(list) == 0 {
			delete(m, key)
		} else {
			m[key] = list
		}
	})
	return nil
}

// yieldAll yields what read copies out under the read lock when the loop
// starts, or read's error once.
func yieldAll[T any](read func() ([]T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		out, err := read()
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for _, v := range out {
			if !yield(v, nil) {
				return
			}
		}
	}
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
	return yieldAll(func() (out []storage.Product, err error) {
		err = r.s.read(ctx, r.t, func() error {
			for _, name := range slices.Sorted(maps.Keys(r.s.products)) {
				for _, p := range r.s.products[name] {
					out = append(out, p.Clone())
				}
			}
			return nil
		})
		return out, err
	})
}

// Move records a loan's next move; see storage.Products.
func (r products) Move(ctx context.Context, m storage.ProductMove) error {
	if err := m.Validate(); err != nil {
		return err
	}
	m = m.Clone()
	return r.s.write(ctx, r.t, func(t *txn) error {
		return appendNext(t, r.s.moves, m.LoanID, m.Seq, m, "loan "+m.LoanID.String()+" product move")
	})
}

// Moves yields the matching moves by loan and Seq; see storage.Products.
func (r products) Moves(ctx context.Context, f storage.MoveFilter) iter.Seq2[storage.ProductMove, error] {
	return yieldAll(func() (out []storage.ProductMove, err error) {
		err = r.s.read(ctx, r.t, func() error {
			for _, id := range slices.SortedFunc(maps.Keys(r.s.moves), func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }) {
				for i := range r.s.moves[id] {
					if m := &r.s.moves[id][i]; f.Matches(m) {
						out = append(out, m.Clone())
					}
				}
			}
			return nil
		})
		return out, err
	})
}
