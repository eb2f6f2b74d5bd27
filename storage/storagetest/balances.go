package storagetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/storage"
)

// folded sums account id's entries read back one by one: the totals Get
// must give however the store keeps them.
func folded(t testing.TB, s storage.Store, id uuid.UUID) (balance, frozen, n int64) {
	t.Helper()
	for e, err := range s.Accounts().Entries(context.Background(), storage.EntryFilter{AccountID: id}) {
		require.NoError(t, err)
		balance, frozen, n = balance+e.Amount.Minor(), frozen+e.Frozen.Minor(), n+1
	}
	return balance, frozen, n
}

// agrees checks that Get and Scan give account id the sums of its entries.
func agrees(t testing.TB, s storage.Store, id uuid.UUID) storage.Account {
	t.Helper()
	b, f, n := folded(t, s, id)
	got := account(t, s, id)
	assert.Equal(t, cny(b), got.Balance, "balance")
	assert.Equal(t, cny(f), got.Frozen, "frozen")
	assert.Equal(t, n, got.Entries, "entries")
	for a, err := range s.Accounts().Scan(context.Background(), storage.AccountFilter{IDs: []uuid.UUID{id}}) {
		require.NoError(t, err)
		assert.Equal(t, got, a, "Scan reads what Get reads")
	}
	return got
}

// testAccountRunningBalance: a long-lived account whose history mixes
// credits (which state no version) and takes (which do) reads, after every
// post, exactly the sums of its entries — whether the store keeps running
// totals, folds the entries into them on a take, or sums them all — and
// an overdraft is refused against the exact totals, credits not yet taken
// into a running total included. A replayed post changes nothing.
func testAccountRunningBalance(t *testing.T, s storage.Store) {
	ctx := context.Background()
	a := openAccount(t, s, "investor")
	version := int64(1)
	for i := range 40 {
		// Three distributions of 1.00 then a bid freezing 2.00 and, every
		// other round, the settlement of the last two bids.
		for j := range 3 {
			_, err := s.Accounts().Post(ctx, storage.AccountPost{Entries: []storage.AccountEntry{
				cash(key("c%d-%d", i, j), a, "distribution", 1+i%28, 1_00, 0)}})
			require.NoError(t, err)
		}
		agrees(t, s, a)
		take := []storage.AccountEntry{cash(key("f%d", i), a, "freeze", 1+i%28, 0, 2_00)}
		if i%2 == 1 {
			take = append(take, cash(key("s%d", i), a, "settle", 1+i%28, -4_00, -4_00))
		}
		_, err := s.Accounts().Post(ctx, storage.AccountPost{Versions: map[uuid.UUID]int64{a: version}, Entries: take})
		require.NoError(t, err)
		version++
		got := agrees(t, s, a)
		assert.Equal(t, version, got.Version)
		// The same post again is a replay, whatever version it states.
		n, err := s.Accounts().Post(ctx, storage.AccountPost{Versions: map[uuid.UUID]int64{a: 1}, Entries: take})
		require.NoError(t, err)
		assert.Zero(t, n)
		assert.Equal(t, got, agrees(t, s, a))
	}
	// 120 distributions of 1.00 less 20 settlements of 4.00: 40.00, all
	// of it free (every bid settled).
	got := agrees(t, s, a)
	assert.Equal(t, cny(40_00), got.Balance)
	assert.Equal(t, cny(0), got.Frozen)
	assert.Equal(t, int64(40*3+40+20), got.Entries)

	// A credit, then a take of exactly the balance it makes possible: the
	// overdraft check counts the credit.
	_, err := s.Accounts().Post(ctx, storage.AccountPost{Entries: []storage.AccountEntry{cash("late", a, "deposit", 28, 5_00, 0)}})
	require.NoError(t, err)
	_, err = s.Accounts().Post(ctx, storage.AccountPost{Versions: map[uuid.UUID]int64{a: version},
		Entries: []storage.AccountEntry{cash("all+1", a, "freeze", 28, 0, 45_01)}})
	assertInvalid(t, err, "entries[0].amount")
	assert.Equal(t, version, account(t, s, a).Version, "nothing written")
	_, err = s.Accounts().Post(ctx, storage.AccountPost{Versions: map[uuid.UUID]int64{a: version},
		Entries: []storage.AccountEntry{cash("all", a, "freeze", 28, 0, 45_00)}})
	require.NoError(t, err)
	got = agrees(t, s, a)
	assert.Equal(t, cny(45_00), got.Frozen)

	tot, err := s.Accounts().Totals(ctx)
	require.NoError(t, err)
	assert.Equal(t, got.Balance, tot.Balance)
	assert.Equal(t, got.Frozen, tot.Frozen)
}

// testConcurrentRunningBalance: half the writers pay into one account
// (no version) while the other half take from it (at the version read,
// retrying on conflict) until nothing is available: no credit is lost or
// counted twice, the account is never overdrawn, and its totals are the
// sums of its entries.
func testConcurrentRunningBalance(t *testing.T, ss [2]storage.Store) {
	const unit = 1_00
	ctx := context.Background()
	a := openAccount(t, ss[0], "investor")
	_, err := ss[0].Accounts().Post(ctx, storage.AccountPost{Entries: []storage.AccountEntry{cash("seed", a, "deposit", 1, 10*unit, 0)}})
	require.NoError(t, err)
	var froze atomic.Int32
	race(t, ss, func(w int, s storage.Store) error {
		if w%2 == 1 {
			for i := range perWriter {
				if _, err := s.Accounts().Post(ctx, storage.AccountPost{Entries: []storage.AccountEntry{
					cash(key("c%d-%d", w, i), a, "distribution", 2, unit, 0)}}); err != nil {
					return fmt.Errorf("a credit failed: %w", err)
				}
			}
			return nil
		}
		return freezeAll(ctx, s, a, w, unit, &froze, 200, func() {})
	})
	got := agrees(t, ss[1], a)
	assert.Equal(t, cny(10*unit+Writers/2*perWriter*unit), got.Balance, "every credit counted once")
	assert.Equal(t, cny(int64(froze.Load())*unit), got.Frozen)
	assert.Equal(t, 1+int64(froze.Load()), got.Version)
	assert.False(t, got.Overdrawn())
}
