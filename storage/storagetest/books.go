package storagetest

import (
	"context"
	"encoding/json"
	"iter"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// bookOp is a distribution with key k whose payload and day follow n.
func bookOp(k string, n int) storage.BookOp {
	return storage.BookOp{Key: k, Day: day(2024, 1, 1+n%28), Kind: "distribution", Payload: doc("%d", n)}
}

func newBook(holders ...uuid.UUID) storage.Book {
	return storage.Book{LoanID: uuid.New(), Currency: money.CNY, Opened: day(2024, 1, 15), Holders: holders,
		Document: json.RawMessage(`{ "fundings": [{"investor": "张三", "amount": "CNY 5000.00"}] }`)}
}

// storedOps is ops as the store returns them: at seqs from+1, from+2, …
// and the given version.
func storedOps(ops []storage.BookOp, from int64, version int64) []storage.BookOp {
	out := make([]storage.BookOp, len(ops))
	for i, o := range ops {
		o.Seq, o.Version = from+int64(i+1), version
		out[i] = o
	}
	return out
}

// testBookRoundTrip: a book comes back whole — currency, day, holders in
// the order stored, the document byte for byte, the operations at seq 1,
// 2, … — and neither what was passed in nor what was handed out aliases
// what is stored.
func testBookRoundTrip(t *testing.T, s storage.Store) {
	ctx := context.Background()
	h1, h2 := uuid.MustParse("ffffffff-0000-4000-8000-000000000000"), uuid.MustParse("00000000-ffff-4000-8000-000000000000")
	b := newBook(h1, h2) // not in byte order: the order stored is kept
	b.Currency = money.KWD
	b.Ops = []storage.BookOp{bookOp("fund", 0), bookOp("dist-1", 1)}
	require.NoError(t, s.Books().Create(ctx, b))
	want := b
	want.Version = 1
	want.Holders = slices.Clone(b.Holders)
	want.Document = slices.Clone(b.Document)
	want.Ops = storedOps(b.Ops, 0, 1)
	for i := range want.Ops {
		want.Ops[i].Payload = slices.Clone(b.Ops[i].Payload)
	}

	b.Holders[0] = uuid.New()
	b.Document[2] = 'X'
	b.Ops[0].Payload[2] = 'X'
	got, err := s.Books().Get(ctx, b.LoanID)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	got.Holders[1] = uuid.New()
	got.Document[3] = 'Y'
	got.Ops[1].Payload[3] = 'Y'
	got.Ops[1].Kind = "changed"
	again, err := s.Books().Get(ctx, b.LoanID)
	require.NoError(t, err)
	assert.Equal(t, want, again)

	dup := newBook()
	dup.LoanID = b.LoanID
	assert.ErrorIs(t, s.Books().Create(ctx, dup), storage.ErrDuplicate, "one book per loan")

	// A book opened with no holders and no operations.
	empty := newBook()
	require.NoError(t, s.Books().Create(ctx, empty))
	got, err = s.Books().Get(ctx, empty.LoanID)
	require.NoError(t, err)
	assert.Empty(t, got.Holders)
	assert.Empty(t, got.Ops)
	assert.Equal(t, int64(1), got.Version)
	assert.Equal(t, string(empty.Document), string(got.Document))
}

// testBookAppend: operations are appended at the next seqs and the next
// version, each append replacing the holders (nil keeps them, empty
// clears them); a stale version conflicts and writes nothing.
func testBookAppend(t *testing.T, s storage.Store) {
	ctx := context.Background()
	h1, h2, h3 := uuid.New(), uuid.New(), uuid.New()
	b := newBook(h1, h2)
	b.Ops = []storage.BookOp{bookOp("fund", 0)}
	require.NoError(t, s.Books().Create(ctx, b))

	ops := []storage.BookOp{bookOp("dist-1", 1), {Key: "transfer-1", Day: day(2024, 2, 1), Kind: "transfer",
		Payload: json.RawMessage(`{"from":"张三","to":"李四","share":"0.5"}`)}}
	v, replayed, err := s.Books().Append(ctx, storage.BookAppend{LoanID: b.LoanID, ExpectedVersion: 1, Ops: ops,
		Holders: []uuid.UUID{h2, h3}})
	require.NoError(t, err)
	assert.False(t, replayed)
	assert.Equal(t, int64(2), v)
	ops[0].Payload[2] = 'X' // the store kept its own copy

	got, err := s.Books().Get(ctx, b.LoanID)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, []uuid.UUID{h2, h3}, got.Holders)
	wantOps := append(storedOps(b.Ops, 0, 1), storedOps([]storage.BookOp{bookOp("dist-1", 1), ops[1]}, 1, 2)...)
	assert.Equal(t, wantOps, got.Ops)

	for _, stale := range []int64{1, 3} {
		_, _, err = s.Books().Append(ctx, storage.BookAppend{LoanID: b.LoanID, ExpectedVersion: stale,
			Ops: []storage.BookOp{bookOp("dist-2", 2)}, Holders: []uuid.UUID{h1}})
		require.ErrorIs(t, err, storage.ErrConflict, "version %d", stale)
	}
	again, err := s.Books().Get(ctx, b.LoanID)
	require.NoError(t, err)
	assert.Equal(t, got, again, "nothing written")

	// Nil holders keep them; an empty list clears them.
	v, _, err = s.Books().Append(ctx, storage.BookAppend{LoanID: b.LoanID, ExpectedVersion: 2, Ops: []storage.BookOp{bookOp("dist-2", 2)}})
	require.NoError(t, err)
	assert.Equal(t, int64(3), v)
	got, err = s.Books().Get(ctx, b.LoanID)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{h2, h3}, got.Holders)
	_, _, err = s.Books().Append(ctx, storage.BookAppend{LoanID: b.LoanID, ExpectedVersion: 3, Ops: []storage.BookOp{bookOp("payout", 3)},
		Holders: []uuid.UUID{}})
	require.NoError(t, err)
	got, err = s.Books().Get(ctx, b.LoanID)
	require.NoError(t, err)
	assert.Empty(t, got.Holders)
	assert.Equal(t, int64(4), got.Version)
	require.Len(t, got.Ops, 5)
	for i, o := range got.Ops {
		assert.Equal(t, int64(i+1), o.Seq)
	}
}

// testBookIdempotency: an append whose keys are all stored with the same
// content is a replay — nothing written, the current version returned,
// whatever version it states; a key with other content, or some keys
// stored and some not, is ErrDuplicate.
func testBookIdempotency(t *testing.T, s storage.Store) {
	ctx := context.Background()
	h1, h2 := uuid.New(), uuid.New()
	b := newBook(h1)
	require.NoError(t, s.Books().Create(ctx, b))
	first := []storage.BookOp{bookOp("dist-1", 1), bookOp("dist-2", 2)}
	_, _, err := s.Books().Append(ctx, storage.BookAppend{LoanID: b.LoanID, ExpectedVersion: 1, Ops: first})
	require.NoError(t, err)
	_, _, err = s.Books().Append(ctx, storage.BookAppend{LoanID: b.LoanID, ExpectedVersion: 2, Ops: []storage.BookOp{bookOp("dist-3", 3)}})
	require.NoError(t, err)
	before, err := s.Books().Get(ctx, b.LoanID)
	require.NoError(t, err)

	retry := slices.Clone(first)
	retry[1].Payload = json.RawMessage("\n" + string(first[1].Payload) + " ") // white space is insignificant
	v, replayed, err := s.Books().Append(ctx, storage.BookAppend{LoanID: b.LoanID, ExpectedVersion: 1, Ops: retry,
		Holders: []uuid.UUID{h2}})
	require.NoError(t, err)
	assert.True(t, replayed)
	assert.Equal(t, int64(3), v, "the book's current version")

	changed := bookOp("dist-2", 99)
	_, _, err = s.Books().Append(ctx, storage.BookAppend{LoanID: b.LoanID, ExpectedVersion: 3, Ops: []storage.BookOp{changed}})
	assert.ErrorIs(t, err, storage.ErrDuplicate, "same key, other content")
	_, _, err = s.Books().Append(ctx, storage.BookAppend{LoanID: b.LoanID, ExpectedVersion: 3,
		Ops: []storage.BookOp{first[0], bookOp("dist-4", 4)}})
	assert.ErrorIs(t, err, storage.ErrDuplicate, "stored, then new")
	_, _, err = s.Books().Append(ctx, storage.BookAppend{LoanID: b.LoanID, ExpectedVersion: 3,
		Ops: []storage.BookOp{bookOp("dist-4", 4), first[0]}})
	assert.ErrorIs(t, err, storage.ErrDuplicate, "new, then stored")
	after, err := s.Books().Get(ctx, b.LoanID)
	require.NoError(t, err)
	assert.Equal(t, before, after, "nothing written, the holders included")

	// Keys are per book.
	other := newBook()
	require.NoError(t, s.Books().Create(ctx, other))
	v, replayed, err = s.Books().Append(ctx, storage.BookAppend{LoanID: other.LoanID, ExpectedVersion: 1, Ops: first})
	require.NoError(t, err)
	assert.False(t, replayed)
	assert.Equal(t, int64(2), v)
}

// testBookValidation: bad books and appends are refused naming every bad
// field, and nothing is written.
func testBookValidation(t *testing.T, s storage.Store) {
	ctx := context.Background()
	h := uuid.New()
	bad := storage.Book{Opened: day(0, 1, 1), Document: json.RawMessage(`{"a":}`), Holders: []uuid.UUID{uuid.Nil, h, h},
		Ops: []storage.BookOp{{Payload: json.RawMessage(`x`)}, bookOp("k", 1), bookOp("k", 2)}}
	assertInvalid(t, s.Books().Create(ctx, bad), "loan_id", "currency", "opened", "document", "holders[0]", "holders[2]",
		"ops[0].key", "ops[0].day", "ops[0].kind", "ops[0].payload", "ops[2].key")

	b := newBook(h)
	bad = b
	bad.Ops = []storage.BookOp{{Key: "k", Day: day(2024, 1, 1), Kind: "x\xff", Payload: json.RawMessage(`{}`)}}
	assertInvalid(t, s.Books().Create(ctx, bad), "ops[0].kind")
	_, err := s.Books().Get(ctx, b.LoanID)
	require.ErrorIs(t, err, storage.ErrNotFound, "nothing created")

	require.NoError(t, s.Books().Create(ctx, b))
	_, _, err = s.Books().Append(ctx, storage.BookAppend{LoanID: b.LoanID, Holders: []uuid.UUID{h, h}})
	assertInvalid(t, err, "expected_version", "ops", "holders[1]")
	_, _, err = s.Books().Append(ctx, storage.BookAppend{ExpectedVersion: 1,
		Ops: []storage.BookOp{bookOp("a", 1), {Key: "b", Kind: "payout", Payload: json.RawMessage(`{}`)}}})
	assertInvalid(t, err, "loan_id", "ops[1].day")
	got, err := s.Books().Get(ctx, b.LoanID)
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Version)
	assert.Empty(t, got.Ops)
}

// testScanBooks: Books.Scan by holder, in loan id order, every batch size;
// a book comes back whole but for its operations, and an append that
// replaces the holders moves the book between the holders' statements.
func testScanBooks(t *testing.T, s storage.Store) {
	ctx := context.Background()
	a, b := uuid.New(), uuid.New()
	var bs []storage.Book
	for i := range 25 {
		var hs []uuid.UUID
		if i%2 == 0 {
			hs = append(hs, a)
		}
		if i%3 == 0 {
			hs = append(hs, b)
		}
		bk := newBook(hs...)
		bk.Ops = []storage.BookOp{bookOp("fund", i)}
		require.NoError(t, s.Books().Create(ctx, bk))
		bk.Version, bk.Ops = 1, nil
		bs = append(bs, bk)
	}
	cases := []struct {
		name string
		f    storage.BookFilter
		want func(i int) bool
	}{
		{"every book", storage.BookFilter{}, func(int) bool { return true }},
		{"holder a", storage.BookFilter{Holder: a}, func(i int) bool { return i%2 == 0 }},
		{"holder b", storage.BookFilter{Holder: b}, func(i int) bool { return i%3 == 0 }},
		{"holder of none", storage.BookFilter{Holder: uuid.New()}, func(int) bool { return false }},
	}
	for _, tc := range cases {
		var want []storage.Book
		for i, bk := range bs {
			if tc.want(i) {
				want = append(want, bk)
			}
		}
		slices.SortFunc(want, func(x, y storage.Book) int { return byteOrder(x.LoanID, y.LoanID) })
		assertScan(t, tc.name, want, func(bk storage.Book) storage.Book {
			if len(bk.Holders) == 0 {
				bk.Holders = nil
			}
			return bk
		}, func(batch int) iter.Seq2[storage.Book, error] {
			f := tc.f
			f.BatchSize = batch
			return s.Books().Scan(ctx, f)
		})
	}

	// Book 1 (held by no one) passes to b; book 0 leaves a.
	_, _, err := s.Books().Append(ctx, storage.BookAppend{LoanID: bs[1].LoanID, ExpectedVersion: 1,
		Ops: []storage.BookOp{bookOp("transfer", 1)}, Holders: []uuid.UUID{b}})
	require.NoError(t, err)
	_, _, err = s.Books().Append(ctx, storage.BookAppend{LoanID: bs[0].LoanID, ExpectedVersion: 1,
		Ops: []storage.BookOp{bookOp("transfer", 0)}, Holders: []uuid.UUID{b}})
	require.NoError(t, err)
	count := func(h uuid.UUID) (n int, has map[uuid.UUID]bool) {
		has = map[uuid.UUID]bool{}
		for bk, err := range s.Books().Scan(ctx, storage.BookFilter{Holder: h, BatchSize: 2}) {
			require.NoError(t, err)
			has[bk.LoanID] = true
			n++
		}
		return n, has
	}
	n, has := count(a)
	assert.Equal(t, 12, n, "13 even books less book 0")
	assert.False(t, has[bs[0].LoanID])
	n, has = count(b)
	assert.Equal(t, 10, n, "9 books of i%3 == 0 and book 1")
	assert.True(t, has[bs[1].LoanID])

	// A scanned book is a copy.
	for bk, err := range s.Books().Scan(ctx, storage.BookFilter{Holder: b}) {
		require.NoError(t, err)
		bk.Holders[0] = uuid.Nil
		bk.Document[0] = 'X'
	}
	got, err := s.Books().Get(ctx, bs[1].LoanID)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{b}, got.Holders)
	assert.Equal(t, string(bs[1].Document), string(got.Document))
}
