package storagetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// openAccount opens a CNY account of role on 2024-03-01.
func openAccount(t testing.TB, s storage.Store, role string) uuid.UUID {
	t.Helper()
	id := uuid.New()
	require.NoError(t, s.Accounts().Open(context.Background(), storage.Account{ID: id, Role: role, Currency: money.CNY, Opened: day(2024, 3, 1)}))
	return id
}

// cash is an entry of account a on 2024-03-d moving the balance by amount
// and the frozen part by frozen fen.
func cash(k string, a uuid.UUID, kind string, d int, amount, frozen int64) storage.AccountEntry {
	return storage.AccountEntry{Key: k, AccountID: a, Kind: kind, Ref: "ref-" + k, Day: day(2024, 3, d), Amount: cny(amount), Frozen: cny(frozen)}
}

func account(t testing.TB, s storage.Store, id uuid.UUID) storage.Account {
	t.Helper()
	a, err := s.Accounts().Get(context.Background(), id)
	require.NoError(t, err)
	return a
}

// testAccountRoundTrip: an account opens at version 1 with zero totals; a
// second opening with the same content is a replay, with other content
// ErrDuplicate; the platform's accounts share one currency; an unknown
// account is ErrNotFound.
func testAccountRoundTrip(t *testing.T, s storage.Store) {
	ctx := context.Background()
	in := storage.Account{ID: uuid.New(), Role: "investor", Currency: money.CNY, Opened: day(2024, 3, 1)}
	require.NoError(t, s.Accounts().Open(ctx, in))
	require.NoError(t, s.Accounts().Open(ctx, in), "a replay")
	got := account(t, s, in.ID)
	assert.Equal(t, storage.Account{ID: in.ID, Role: "investor", Currency: money.CNY, Opened: day(2024, 3, 1), Version: 1,
		Balance: cny(0), Frozen: cny(0)}, got)
	other := in
	other.Role = "borrower"
	assert.ErrorIs(t, s.Accounts().Open(ctx, other), storage.ErrDuplicate)
	usd := storage.Account{ID: uuid.New(), Role: "investor", Currency: money.USD, Opened: day(2024, 3, 1)}
	assertInvalid(t, s.Accounts().Open(ctx, usd), "currency")
	_, err := s.Accounts().Get(ctx, usd.ID)
	assert.ErrorIs(t, err, storage.ErrNotFound)
	assertInvalid(t, s.Accounts().Open(ctx, storage.Account{}), "id", "role", "currency", "opened")
}

// testAccountPost: the totals are the sums of the entries; credits need
// no version and leave it alone; a post that takes states the version of
// every account it takes from and counts one version per account; a stale
// version conflicts and writes nothing, not even the credits beside it;
// an overdraft is refused naming the entry, and nothing is written.
func testAccountPost(t *testing.T, s storage.Store) {
	ctx := context.Background()
	a, b := openAccount(t, s, "investor"), openAccount(t, s, "borrower")
	n, err := s.Accounts().Post(ctx, storage.AccountPost{Entries: []storage.AccountEntry{
		cash("d1", a, "deposit", 1, 1000_00, 0), cash("d2", b, "deposit", 1, 50_00, 0)}})
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Equal(t, int64(1), account(t, s, a).Version, "credits leave the version")

	// A bid: freeze 300 of a's 1000.
	_, err = s.Accounts().Post(ctx, storage.AccountPost{Versions: map[uuid.UUID]int64{a: 1},
		Entries: []storage.AccountEntry{cash("f1", a, "freeze", 2, 0, 300_00)}})
	require.NoError(t, err)
	got := account(t, s, a)
	assert.Equal(t, cny(1000_00), got.Balance)
	assert.Equal(t, cny(300_00), got.Frozen)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, int64(2), got.Entries)

	// Stale: nothing written, the credit to b included.
	_, err = s.Accounts().Post(ctx, storage.AccountPost{Versions: map[uuid.UUID]int64{a: 1},
		Entries: []storage.AccountEntry{cash("s1", a, "settle", 3, -300_00, -300_00), cash("p1", b, "proceeds", 3, 300_00, 0)}})
	require.ErrorIs(t, err, storage.ErrConflict)
	assert.Equal(t, cny(50_00), account(t, s, b).Balance)

	// The settlement at the right version.
	_, err = s.Accounts().Post(ctx, storage.AccountPost{Versions: map[uuid.UUID]int64{a: 2},
		Entries: []storage.AccountEntry{cash("s1", a, "settle", 3, -300_00, -300_00), cash("p1", b, "proceeds", 3, 300_00, 0)}})
	require.NoError(t, err)
	assert.Equal(t, cny(700_00), account(t, s, a).Balance)
	assert.Equal(t, cny(0), account(t, s, a).Frozen)
	assert.Equal(t, cny(350_00), account(t, s, b).Balance)
	assert.Equal(t, int64(1), account(t, s, b).Version)

	// Overdrafts: taking more than the balance, freezing more than is
	// available, releasing more than is frozen.
	for name, e := range map[string]storage.AccountEntry{
		"withdraw":      cash("o1", a, "transfer-out", 4, -700_01, 0),
		"freeze":        cash("o2", a, "freeze", 4, 0, 700_01),
		"release":       cash("o3", a, "release", 4, 0, -1),
		"settle frozen": cash("o4", a, "settle", 4, -1, -1),
	} {
		_, err = s.Accounts().Post(ctx, storage.AccountPost{Versions: map[uuid.UUID]int64{a: 3},
			Entries: []storage.AccountEntry{cash("c0", b, "deposit", 4, 1, 0), e}})
		assertInvalid(t, err, "entries[1].amount")
		_ = name
	}
	got = account(t, s, a)
	assert.Equal(t, int64(3), got.Version, "nothing written")
	assert.Equal(t, cny(350_00), account(t, s, b).Balance)

	tot, err := s.Accounts().Totals(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{"investor": 1, "borrower": 1}, tot.Accounts)
	assert.Equal(t, cny(1050_00), tot.Balance)
	assert.Equal(t, cny(0), tot.Frozen)
	assert.Equal(t, storage.KindTotal{Amount: cny(-300_00), Frozen: cny(-300_00), Entries: 1}, tot.Kinds["settle"])
	assert.Equal(t, storage.KindTotal{Amount: cny(1050_00), Frozen: cny(0), Entries: 2}, tot.Kinds["deposit"])

	_, err = s.Accounts().Post(ctx, storage.AccountPost{Entries: []storage.AccountEntry{cash("x", uuid.New(), "deposit", 1, 1, 0)}})
	assert.ErrorIs(t, err, storage.ErrNotFound)
}

// testAccountIdempotency: an entry whose key is stored with the same
// content is skipped — a retried taking post too, whatever version it
// states — and one with other content is ErrDuplicate.
func testAccountIdempotency(t *testing.T, s storage.Store) {
	ctx := context.Background()
	a := openAccount(t, s, "investor")
	d := cash("d", a, "deposit", 1, 100_00, 0)
	w := cash("w", a, "withdrawal-requested", 2, 0, 40_00)
	_, err := s.Accounts().Post(ctx, storage.AccountPost{Entries: []storage.AccountEntry{d}})
	require.NoError(t, err)
	_, err = s.Accounts().Post(ctx, storage.AccountPost{Versions: map[uuid.UUID]int64{a: 1}, Entries: []storage.AccountEntry{w}})
	require.NoError(t, err)
	n, err := s.Accounts().Post(ctx, storage.AccountPost{Versions: map[uuid.UUID]int64{a: 1}, Entries: []storage.AccountEntry{d, w}})
	require.NoError(t, err, "a retry of a post whose answer was lost")
	assert.Zero(t, n)
	changed := d
	changed.Amount = cny(100_01)
	_, err = s.Accounts().Post(ctx, storage.AccountPost{Entries: []storage.AccountEntry{cash("e", a, "deposit", 1, 1, 0), changed}})
	assert.ErrorIs(t, err, storage.ErrDuplicate)
	got := account(t, s, a)
	assert.Equal(t, cny(100_00), got.Balance)
	assert.Equal(t, cny(40_00), got.Frozen)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, int64(2), got.Entries)
}

// testAccountValidation: bad posts are refused naming every bad field,
// an entry in another currency than its account's among them.
func testAccountValidation(t *testing.T, s storage.Store) {
	ctx := context.Background()
	a := openAccount(t, s, "investor")
	_, err := s.Accounts().Post(ctx, storage.AccountPost{Versions: map[uuid.UUID]int64{a: 0}})
	assertInvalid(t, err, "entries", "versions."+a.String())
	_, err = s.Accounts().Post(ctx, storage.AccountPost{Entries: []storage.AccountEntry{
		{},
		cash("k1", a, "deposit", 1, 0, 0),
		{Key: "k2", AccountID: a, Kind: "deposit", Day: day(2024, 3, 1), Amount: cny(1), Frozen: money.New(0, money.USD)},
		cash("k3", a, "freeze", 1, 0, 1),
		cash("k3", a, "deposit", 1, 1, 0),
	}})
	assertInvalid(t, err, "entries[0].account_id", "entries[0].kind", "entries[0].day", "entries[0].amount", "entries[0].key",
		"entries[1].amount", "entries[2].frozen", "entries[3].account_id", "entries[4].key")
	_, err = s.Accounts().Post(ctx, storage.AccountPost{Entries: []storage.AccountEntry{
		{Key: "u", AccountID: a, Kind: "deposit", Day: day(2024, 3, 1), Amount: money.New(1, money.USD), Frozen: money.New(0, money.USD)}}})
	assertInvalid(t, err, "entries[0].amount")
	assert.Equal(t, int64(0), account(t, s, a).Entries)
}

// testScanAccounts: Accounts.Scan by ids and roles in id order, and
// Accounts.Entries by account, ref, kinds and days in Seq order, every
// batch size.
func testScanAccounts(t *testing.T, s storage.Store) {
	ctx := context.Background()
	var ids []uuid.UUID
	for i := range 7 {
		role := "investor"
		if i%3 == 0 {
			role = "borrower"
		}
		ids = append(ids, openAccount(t, s, role))
	}
	var es []storage.AccountEntry
	for i := range 20 {
		e := cash(key("e%d", i), ids[i%7], []string{"deposit", "reward", "distribution"}[i%3], 1+i%5, int64(100+i), 0)
		_, err := s.Accounts().Post(ctx, storage.AccountPost{Entries: []storage.AccountEntry{e}})
		require.NoError(t, err)
		es = append(es, e)
	}
	sorted := slices.Clone(ids)
	slices.SortFunc(sorted, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	pick := func(keep func(id uuid.UUID) bool) []uuid.UUID {
		var out []uuid.UUID
		for _, id := range sorted {
			if keep(id) {
				out = append(out, id)
			}
		}
		return out
	}
	borrowers := map[uuid.UUID]bool{ids[0]: true, ids[3]: true, ids[6]: true}
	for _, tc := range []struct {
		name string
		f    storage.AccountFilter
		want []uuid.UUID
	}{
		{"every account", storage.AccountFilter{}, sorted},
		{"roles", storage.AccountFilter{Roles: []string{"borrower"}}, pick(func(id uuid.UUID) bool { return borrowers[id] })},
		{"ids", storage.AccountFilter{IDs: []uuid.UUID{ids[1], ids[3]}, Roles: []string{"investor"}},
			pick(func(id uuid.UUID) bool { return id == ids[1] })},
	} {
		assertScan(t, tc.name, tc.want, func(a storage.Account) uuid.UUID { return a.ID },
			func(batch int) iter.Seq2[storage.Account, error] {
				f := tc.f
				f.BatchSize = batch
				return s.Accounts().Scan(ctx, f)
			})
	}
	// An account scanned carries its totals.
	for a, err := range s.Accounts().Scan(ctx, storage.AccountFilter{IDs: []uuid.UUID{ids[2]}}) {
		require.NoError(t, err)
		assert.Equal(t, cny(102+109+116), a.Balance)
		assert.Equal(t, int64(3), a.Entries)
	}
	for _, tc := range []struct {
		name string
		f    storage.EntryFilter
		want func(i int) bool
	}{
		{"every entry", storage.EntryFilter{}, func(int) bool { return true }},
		{"account", storage.EntryFilter{AccountID: ids[1]}, func(i int) bool { return i%7 == 1 }},
		{"ref", storage.EntryFilter{Ref: "ref-e4"}, func(i int) bool { return i == 4 }},
		{"kinds and days", storage.EntryFilter{Kinds: []string{"reward", "deposit"}, Days: &storage.DateRange{From: day(2024, 3, 2), To: day(2024, 3, 4)}},
			func(i int) bool { return i%3 != 2 && i%5 >= 1 && i%5 <= 3 }},
	} {
		var want []string
		for i, e := range es {
			if tc.want(i) {
				want = append(want, e.Key)
			}
		}
		assertScan(t, tc.name, want, func(e storage.AccountEntry) string { return e.Key },
			func(batch int) iter.Seq2[storage.AccountEntry, error] {
				f := tc.f
				f.BatchSize = batch
				return s.Accounts().Entries(ctx, f)
			})
	}
	for e, err := range s.Accounts().Entries(ctx, storage.EntryFilter{Ref: "ref-e5"}) {
		require.NoError(t, err)
		want := es[5]
		want.Seq = e.Seq
		assert.Equal(t, want, e)
	}
}

// testListings: a listing round-trips at version 1 without bids; an
// update states the version read (a stale one conflicts and appends
// nothing), never changes the borrower, and appends bids numbered 1, 2,
// ... whose keys are unique on the listing; Bids filters by investor and
// key; scans filter by state, closing day and borrower.
func testListings(t *testing.T, s storage.Store) {
	ctx := context.Background()
	borrower := uuid.New()
	var ls []storage.Listing
	for i := range 6 {
		l := storage.Listing{ID: uuid.New(), State: []string{"open", "full", "failed"}[i%3], Borrower: borrower,
			Closes: day(2024, 3, 1+i), Committed: cny(0), Document: json.RawMessage(fmt.Sprintf(`{"n": %d, "名": "标"}`, i))}
		if i == 5 {
			l.Borrower = uuid.New()
		}
		require.NoError(t, s.Listings().Create(ctx, l))
		l.Version = 1
		ls = append(ls, l)
	}
	assert.ErrorIs(t, s.Listings().Create(ctx, ls[0]), storage.ErrDuplicate)
	got, err := s.Listings().Get(ctx, ls[1].ID)
	require.NoError(t, err)
	assert.Equal(t, ls[1].Document, got.Document)
	got.Document = ls[1].Document
	assert.Equal(t, ls[1], got)

	alice, bob := uuid.New(), uuid.New()
	bid := func(k string, who uuid.UUID, minor int64) storage.ListingBid {
		return storage.ListingBid{Key: k, Investor: who, Amount: cny(minor), Day: day(2024, 3, 2)}
	}
	next := ls[0]
	next.Committed, next.Borrower, next.Document = cny(300_00), uuid.New(), json.RawMessage(`{"n": 100}`)
	out, err := s.Listings().Update(ctx, next, bid("a1", alice, 100_00), bid("b1", bob, 200_00))
	require.NoError(t, err)
	assert.Equal(t, int64(2), out.Version)
	assert.Equal(t, borrower, out.Borrower, "the borrower never changes")
	assert.Equal(t, cny(300_00), out.Committed)
	assert.Equal(t, int64(2), out.Bids)
	_, err = s.Listings().Update(ctx, next, bid("a2", alice, 1))
	assert.ErrorIs(t, err, storage.ErrConflict, "stale")
	next.Version, next.Committed = 2, cny(350_00)
	_, err = s.Listings().Update(ctx, next, bid("a1", alice, 50_00))
	assert.ErrorIs(t, err, storage.ErrDuplicate, "a key on the listing")
	out, err = s.Listings().Update(ctx, next, bid("a2", alice, 50_00))
	require.NoError(t, err)
	assert.Equal(t, int64(3), out.Bids)
	assert.Equal(t, int64(3), out.Version, "nothing of the refused updates")
	// A key is unique per listing, not across listings.
	other := ls[1]
	other.Committed = cny(1)
	_, err = s.Listings().Update(ctx, other, bid("a1", alice, 1))
	require.NoError(t, err)

	for _, tc := range []struct {
		name string
		f    storage.BidFilter
		want []string
	}{
		{"every bid", storage.BidFilter{}, []string{"a1", "b1", "a2"}},
		{"investor", storage.BidFilter{Investor: alice}, []string{"a1", "a2"}},
		{"key", storage.BidFilter{Key: "b1"}, []string{"b1"}},
	} {
		assertScan(t, tc.name, tc.want, func(b storage.ListingBid) string { return b.Key },
			func(batch int) iter.Seq2[storage.ListingBid, error] {
				f := tc.f
				f.BatchSize = batch
				return s.Listings().Bids(ctx, ls[0].ID, f)
			})
	}
	for b, err := range s.Listings().Bids(ctx, ls[0].ID, storage.BidFilter{Key: "a2"}) {
		require.NoError(t, err)
		assert.Equal(t, storage.ListingBid{Seq: 3, Key: "a2", Investor: alice, Amount: cny(50_00), Day: day(2024, 3, 2)}, b)
	}

	next.ID = uuid.New()
	_, err = s.Listings().Update(ctx, next)
	assert.ErrorIs(t, err, storage.ErrNotFound)
	assertInvalid(t, s.Listings().Create(ctx, storage.Listing{Version: -1}), "id", "version", "state", "borrower", "closes", "committed", "document")
	_, err = s.Listings().Update(ctx, ls[2], storage.ListingBid{}, bid("x", alice, 1), bid("x", alice, 1))
	assertInvalid(t, err, "bids[0].key", "bids[0].investor", "bids[0].amount", "bids[0].day", "bids[2].key")

	sorted := slices.Clone(ls)
	slices.SortFunc(sorted, func(a, b storage.Listing) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	for _, tc := range []struct {
		name string
		f    storage.ListingFilter
		want func(l storage.Listing) bool
	}{
		{"every listing", storage.ListingFilter{}, func(storage.Listing) bool { return true }},
		{"state", storage.ListingFilter{States: []string{"full"}}, func(l storage.Listing) bool { return l.State == "full" }},
		{"closing", storage.ListingFilter{States: []string{"open", "full"}, Closes: &storage.DateRange{To: day(2024, 3, 4)}},
			func(l storage.Listing) bool { return l.State != "failed" && !l.Closes.After(day(2024, 3, 4)) }},
		{"borrower", storage.ListingFilter{Borrower: borrower}, func(l storage.Listing) bool { return l.Borrower == borrower }},
	} {
		var want []uuid.UUID
		for _, l := range sorted {
			if tc.want(l) {
				want = append(want, l.ID)
			}
		}
		assertScan(t, tc.name, want, func(l storage.Listing) uuid.UUID { return l.ID },
			func(batch int) iter.Seq2[storage.Listing, error] {
				f := tc.f
				f.BatchSize = batch
				return s.Listings().Scan(ctx, f)
			})
	}
}

// testConcurrentAccounts: an account holds ten freezes' worth; every
// writer reads it first, then tries to freeze a unit at the version it
// read, retrying on conflict until nothing is available, while other
// writers credit it and a second account; exactly ten freezes win, the
// account is never overdrawn, and no credit is lost.
func testConcurrentAccounts(t *testing.T, ss [2]storage.Store) {
	const unit, units = 100_00, 10
	ctx := context.Background()
	a, b := openAccount(t, ss[0], "investor"), openAccount(t, ss[1], "investor")
	_, err := ss[0].Accounts().Post(ctx, storage.AccountPost{Entries: []storage.AccountEntry{cash("seed", a, "deposit", 1, unit*units, 0)}})
	require.NoError(t, err)
	var froze atomic.Int32
	var read sync.WaitGroup
	read.Add(Writers / 2)
	race(t, ss, func(w int, s storage.Store) error {
		if w%2 == 1 { // credits to both accounts, never conflicting
			for i := range perWriter {
				_, err := s.Accounts().Post(ctx, storage.AccountPost{Entries: []storage.AccountEntry{
					cash(key("c%d-%d", w, i), b, "distribution", 2, 1, 0)}})
				if err != nil {
					return fmt.Errorf("a credit failed: %w", err)
				}
			}
			return nil
		}
		return freezeAll(ctx, s, a, w, unit, &froze, 1<<30, func() { read.Done(); read.Wait() })
	})
	assert.Equal(t, int32(units), froze.Load())
	got := account(t, ss[1], a)
	assert.Equal(t, cny(unit*units), got.Frozen)
	assert.Equal(t, int64(1+units), got.Version)
	assert.Equal(t, cny(Writers/2*perWriter), account(t, ss[0], b).Balance)
}

// freezeAll freezes unit after unit of account a's available balance as
// writer w, each at the version read, retrying on conflict, counting the
// freezes made in froze, until less than unit is available or attempts
// run out; first runs after the first read. It fails on an overdrawn
// account.
func freezeAll(ctx context.Context, s storage.Store, a uuid.UUID, w int, unit int64, froze *atomic.Int32, attempts int, first func()) error {
	for attempt := 0; attempt < attempts; attempt++ {
		acc, err := s.Accounts().Get(ctx, a)
		if attempt == 0 {
			first()
		}
		if err != nil {
			return err
		}
		if acc.Overdrawn() {
			return fmt.Errorf("account at %s with %s frozen", acc.Balance, acc.Frozen)
		}
		if acc.Balance.Sub(acc.Frozen).Less(cny(unit)) {
			return nil
		}
		_, err = s.Accounts().Post(ctx, storage.AccountPost{Versions: map[uuid.UUID]int64{a: acc.Version},
			Entries: []storage.AccountEntry{cash(key("f%d-%d", w, attempt), a, "freeze", 2, 0, unit)}})
		switch {
		case err == nil:
			froze.Add(1)
		case !isConflict(err):
			return err
		}
	}
	return nil
}

// testConcurrentBids: the writers each append bids to one listing at the
// version they read, adding their amount to its committed sum, retrying
// on conflict: no bid is lost, the bids are numbered 1 to N without gaps,
// and the sum is theirs.
func testConcurrentBids(t *testing.T, ss [2]storage.Store) {
	ctx := context.Background()
	l := storage.Listing{ID: uuid.New(), State: "open", Borrower: uuid.New(), Closes: day(2024, 3, 9), Committed: cny(0),
		Document: json.RawMessage(`{}`)}
	require.NoError(t, ss[0].Listings().Create(ctx, l))
	race(t, ss, func(w int, s storage.Store) error {
		for i := range perWriter {
			err := retry(func() error {
				cur, err := s.Listings().Get(ctx, l.ID)
				if err != nil {
					return err
				}
				cur.Committed = cur.Committed.Add(cny(int64(w + 1)))
				_, err = s.Listings().Update(ctx, cur, storage.ListingBid{Key: key("w%d-%d", w, i), Investor: uuid.New(),
					Amount: cny(int64(w + 1)), Day: day(2024, 3, 2)})
				return err
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	got, err := ss[1].Listings().Get(ctx, l.ID)
	require.NoError(t, err)
	var sum, seq int64
	for b, err := range ss[0].Listings().Bids(ctx, l.ID, storage.BidFilter{}) {
		require.NoError(t, err)
		seq++
		assert.Equal(t, seq, b.Seq)
		sum += b.Amount.Minor()
	}
	assert.Equal(t, int64(Writers*perWriter), seq)
	assert.Equal(t, int64(Writers*perWriter), got.Bids)
	assert.Equal(t, cny(sum), got.Committed)
	assert.Equal(t, int64(perWriter*Writers*(Writers+1)/2), sum)
}
