package storagetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/storage"
)

// productVersions returns "name/version" of every stored product, in the
// order List yields them.
func productVersions(t *testing.T, s storage.Store) []string {
	t.Helper()
	var out []string
	for p, err := range s.Products().List(context.Background()) {
		require.NoError(t, err)
		out = append(out, key("%s/%d", p.Name, p.Version))
	}
	return out
}

// testProducts: versions are stored in order and come back byte for byte;
// Latest is the last; a version that is stored or skips one is a conflict
// that changes nothing; List yields by name then version; a failed unit of
// work keeps nothing.
func testProducts(t *testing.T, s storage.Store) {
	ctx := context.Background()
	_, err := s.Products().Latest(ctx, "cash")
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = s.Products().Get(ctx, "cash", 1)
	require.ErrorIs(t, err, storage.ErrNotFound)
	assert.Empty(t, productVersions(t, s))

	require.NoError(t, s.Products().Put(ctx, storage.Product{Name: "mortgage", Version: 1, Document: doc(`1`)}))
	require.NoError(t, s.Products().Put(ctx, storage.Product{Name: "cash", Version: 1, Document: doc(`1`)}))
	require.NoError(t, s.Products().Put(ctx, storage.Product{Name: "cash", Version: 2, Document: doc(`2`)}))

	got, err := s.Products().Get(ctx, "cash", 1)
	require.NoError(t, err)
	assert.Equal(t, storage.Product{Name: "cash", Version: 1, Document: doc(`1`)}, got)
	got.Document[0] = 'x' // a copy: changing it changes nothing stored
	latest, err := s.Products().Latest(ctx, "cash")
	require.NoError(t, err)
	assert.Equal(t, storage.Product{Name: "cash", Version: 2, Document: doc(`2`)}, latest)
	_, err = s.Products().Get(ctx, "cash", 3)
	require.ErrorIs(t, err, storage.ErrNotFound)

	// A version is written once: again, or skipping one, is a conflict.
	err = s.Products().Put(ctx, storage.Product{Name: "cash", Version: 2, Document: doc(`99`)})
	require.ErrorIs(t, err, storage.ErrConflict)
	err = s.Products().Put(ctx, storage.Product{Name: "cash", Version: 4, Document: doc(`4`)})
	require.ErrorIs(t, err, storage.ErrConflict)
	err = s.Products().Put(ctx, storage.Product{Name: "new", Version: 2, Document: doc(`2`)})
	require.ErrorIs(t, err, storage.ErrConflict)
	again, err := s.Products().Get(ctx, "cash", 2)
	require.NoError(t, err)
	assert.Equal(t, doc(`2`), again.Document, "the first write of a version stands")
	assert.Equal(t, []string{"cash/1", "cash/2", "mortgage/1"}, productVersions(t, s))

	// Inside a unit of work that fails, nothing is kept.
	boom := errors.New("boom")
	err = s.WithTx(ctx, func(tx storage.Tx) error {
		require.NoError(t, tx.Products().Put(ctx, storage.Product{Name: "cash", Version: 3, Document: doc(`3`)}))
		require.NoError(t, tx.Products().Put(ctx, storage.Product{Name: "staff", Version: 1, Document: doc(`1`)}))
		p, err := tx.Products().Latest(ctx, "cash")
		require.NoError(t, err)
		assert.Equal(t, int64(3), p.Version, "the unit of work reads its own write")
		return boom
	})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, []string{"cash/1", "cash/2", "mortgage/1"}, productVersions(t, s))
	require.NoError(t, s.Products().Put(ctx, storage.Product{Name: "cash", Version: 3, Document: doc(`3`)}))
}

// testProductValidation: a product version without a name, version or
// document is refused with every bad field named.
func testProductValidation(t *testing.T, s storage.Store) {
	err := s.Products().Put(context.Background(), storage.Product{Version: 0, Document: []byte(`{`)})
	assertInvalid(t, err, "name", "version", "document")
	assert.Empty(t, productVersions(t, s))
}

// testConcurrentProducts: writers on both stores publishing the same new
// version: exactly one wins, every other gets ErrConflict; then each
// publishes the next version read from Latest, retrying on conflict, and
// the versions have no gaps.
func testConcurrentProducts(t *testing.T, s [2]storage.Store) {
	ctx := context.Background()
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s[i%2].Products().Put(ctx, storage.Product{Name: "cash", Version: 1, Document: doc(`%d`, i)})
		}()
	}
	wg.Wait()
	stored, err := s[0].Products().Get(ctx, "cash", 1)
	require.NoError(t, err)
	won := 0
	for i, err := range errs {
		if string(stored.Document) == string(doc(`%d`, i)) {
			assert.NoError(t, err, "writer %d wrote the stored version", i)
			won++
		} else {
			assert.ErrorIs(t, err, storage.ErrConflict, "writer %d", i)
		}
	}
	assert.Equal(t, 1, won)

	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				p, err := s[i%2].Products().Latest(ctx, "cash")
				if err != nil {
					errs[i] = err
					return
				}
				err = s[i%2].Products().Put(ctx, storage.Product{Name: "cash", Version: p.Version + 1, Document: doc(`%d`, i)})
				if !isConflict(err) {
					errs[i] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	latest, err := s[1].Products().Latest(ctx, "cash")
	require.NoError(t, err)
	assert.Equal(t, int64(1+len(errs)), latest.Version)
	assert.Len(t, productVersions(t, s[0]), 1+len(errs))
}

// moveDays returns "seq@day" of the moves f selects, in the order Moves
// yields them.
func moveDays(t *testing.T, s storage.Store, f storage.MoveFilter) []string {
	t.Helper()
	var out []string
	for m, err := range s.Products().Moves(context.Background(), f) {
		require.NoError(t, err)
		out = append(out, key("%s/%d@%s", m.LoanID.String()[:1], m.Seq, m.Day))
	}
	return out
}

// testProductMoves: a loan's moves are stored in order, written once (a
// move stored or skipping one is a conflict), and come back by loan and
// Seq, filtered by loan and day, byte for byte.
func testProductMoves(t *testing.T, s storage.Store) {
	ctx := context.Background()
	a, b := uuid.MustParse("a0000000-0000-4000-8000-000000000000"), uuid.MustParse("b0000000-0000-4000-8000-000000000000")
	assert.Empty(t, moveDays(t, s, storage.MoveFilter{}))
	require.NoError(t, s.Products().Move(ctx, storage.ProductMove{LoanID: b, Seq: 1, Day: day(2024, 3, 1), Document: doc(`1`)}))
	require.NoError(t, s.Products().Move(ctx, storage.ProductMove{LoanID: a, Seq: 1, Day: day(2024, 2, 1), Document: doc(`1`)}))
	require.NoError(t, s.Products().Move(ctx, storage.ProductMove{LoanID: a, Seq: 2, Day: day(2024, 4, 1), Document: doc(`2`)}))

	err := s.Products().Move(ctx, storage.ProductMove{LoanID: a, Seq: 2, Day: day(2024, 5, 1), Document: doc(`9`)})
	require.ErrorIs(t, err, storage.ErrConflict)
	err = s.Products().Move(ctx, storage.ProductMove{LoanID: b, Seq: 3, Day: day(2024, 5, 1), Document: doc(`9`)})
	require.ErrorIs(t, err, storage.ErrConflict)

	assert.Equal(t, []string{"a/1@2024-02-01", "a/2@2024-04-01", "b/1@2024-03-01"}, moveDays(t, s, storage.MoveFilter{}))
	assert.Equal(t, []string{"a/1@2024-02-01", "b/1@2024-03-01"},
		moveDays(t, s, storage.MoveFilter{Days: &storage.DateRange{To: day(2024, 3, 31)}}))
	assert.Equal(t, []string{"b/1@2024-03-01"}, moveDays(t, s, storage.MoveFilter{LoanID: b}))
	for m, err := range s.Products().Moves(ctx, storage.MoveFilter{LoanID: a, Days: &storage.DateRange{From: day(2024, 4, 1)}}) {
		require.NoError(t, err)
		assert.Equal(t, storage.ProductMove{LoanID: a, Seq: 2, Day: day(2024, 4, 1), Document: doc(`2`)}, m)
	}
	assertInvalid(t, s.Products().Move(ctx, storage.ProductMove{Document: []byte(`{`)}), "loan_id", "seq", "day", "document")
}

// testConcurrentProductMoves: writers on both stores moving one loan, each
// reading the moves and writing the next, retrying on conflict: every move
// is stored once, without gaps.
func testConcurrentProductMoves(t *testing.T, s [2]storage.Store) {
	ctx := context.Background()
	id := uuid.New()
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := int64(0)
				for _, err := range s[i%2].Products().Moves(ctx, storage.MoveFilter{LoanID: id}) {
					if err != nil {
						errs[i] = err
						return
					}
					n++
				}
				err := s[i%2].Products().Move(ctx, storage.ProductMove{LoanID: id, Seq: n + 1, Day: day(2024, 1, 1+i), Document: doc(`%d`, i)})
				if !isConflict(err) {
					errs[i] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	var seqs []int64
	for m, err := range s[0].Products().Moves(ctx, storage.MoveFilter{LoanID: id}) {
		require.NoError(t, err)
		seqs = append(seqs, m.Seq)
	}
	assert.Equal(t, []int64{1, 2, 3, 4, 5, 6, 7, 8}, seqs)
}
