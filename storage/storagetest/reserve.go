package storagetest

import (
	"context"
	"encoding/json"
	"iter"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// movement is a reserve movement of minor fen on 2024-03-d.
func movement(k, kind string, loan uuid.UUID, d int, minor int64) storage.Movement {
	return storage.Movement{Key: k, Kind: kind, LoanID: loan, Day: day(2024, 3, d), Amount: cny(minor)}
}

func totals(t *testing.T, s storage.Store) storage.ReserveTotals {
	t.Helper()
	tot, err := s.Reserve().Totals(context.Background())
	require.NoError(t, err)
	return tot
}

// testReserveTotals: the totals are the sums of the movements by kind —
// payouts as a positive amount — in the movements' currency, with the
// count and the number of adds that took money out.
func testReserveTotals(t *testing.T, s storage.Store) {
	ctx := context.Background()
	assert.Equal(t, storage.ReserveTotals{}, totals(t, s), "no movement yet")
	loan := uuid.New()
	n, err := s.Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{
		movement("c1", "contribution", loan, 1, 100_00), movement("c2", "contribution", uuid.New(), 2, 250_50)}})
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Equal(t, storage.ReserveTotals{Currency: money.CNY, Balance: cny(350_50), Contributions: cny(350_50),
		Payouts: money.Zero(money.CNY), Recoveries: money.Zero(money.CNY), Movements: 2}, totals(t, s))

	p := movement("p1", "payout", loan, 3, -120_25)
	p.Payload = json.RawMessage(`{ "principal": "CNY 100.00", "interest": "CNY 20.25" }`)
	n, err = s.Reserve().Add(ctx, storage.ReserveAdd{ExpectedVersion: 0, Movements: []storage.Movement{p}})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = s.Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{
		movement("r1", "recovery", loan, 4, 30_00), movement("c3", "contribution", loan, 4, 0)}})
	require.NoError(t, err)
	assert.Equal(t, storage.ReserveTotals{Currency: money.CNY, Balance: cny(350_50 - 120_25 + 30_00),
		Contributions: cny(350_50), Payouts: cny(120_25), Recoveries: cny(30_00), Movements: 5, Version: 1}, totals(t, s))

	// The movements come back whole, with their Seqs, in order.
	var got []storage.Movement
	for m, err := range s.Reserve().Scan(ctx, storage.MovementFilter{}) {
		require.NoError(t, err)
		got = append(got, m)
	}
	require.Len(t, got, 5)
	p.Seq = got[2].Seq
	assert.Equal(t, p, got[2])
	assert.Equal(t, string(p.Payload), string(got[2].Payload))
	for i := 1; i < len(got); i++ {
		assert.Greater(t, got[i].Seq, got[i-1].Seq)
	}
	assert.Nil(t, got[0].Payload, "a movement without detail")

	// Neither the movements passed in nor those scanned alias what is
	// stored.
	in := movement("c4", "contribution", loan, 5, 1)
	in.Payload = json.RawMessage(`{"n":1}`)
	_, err = s.Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{in}})
	require.NoError(t, err)
	in.Payload[2] = 'X'
	for m, err := range s.Reserve().Scan(ctx, storage.MovementFilter{Kinds: []string{"payout"}}) {
		require.NoError(t, err)
		m.Payload[2] = 'X'
	}
	for m, err := range s.Reserve().Scan(ctx, storage.MovementFilter{Days: &storage.DateRange{From: day(2024, 3, 3)}}) {
		require.NoError(t, err)
		switch m.Key {
		case "p1":
			assert.Equal(t, string(p.Payload), string(m.Payload))
		case "c4":
			assert.Equal(t, `{"n":1}`, string(m.Payload))
		}
	}
}

// testReserveVersions: an add that takes money out states the version it
// read — a stale one conflicts and writes nothing, not even the credits
// beside it — and counts as a version; credits never conflict and never
// count.
func testReserveVersions(t *testing.T, s storage.Store) {
	ctx := context.Background()
	loan := uuid.New()
	_, err := s.Reserve().Add(ctx, storage.ReserveAdd{ExpectedVersion: 42, Movements: []storage.Movement{
		movement("c1", "contribution", loan, 1, 1000_00)}})
	require.NoError(t, err, "a credit ignores the version")
	assert.Equal(t, int64(0), totals(t, s).Version)

	_, err = s.Reserve().Add(ctx, storage.ReserveAdd{ExpectedVersion: 0, Movements: []storage.Movement{
		movement("p1", "payout", loan, 2, -100_00)}})
	require.NoError(t, err)
	assert.Equal(t, int64(1), totals(t, s).Version)

	for _, stale := range []int64{0, 2} {
		_, err = s.Reserve().Add(ctx, storage.ReserveAdd{ExpectedVersion: stale, Movements: []storage.Movement{
			movement("c2", "contribution", loan, 3, 5_00), movement("p2", "payout", loan, 3, -1_00)}})
		require.ErrorIs(t, err, storage.ErrConflict, "version %d", stale)
	}
	tot := totals(t, s)
	assert.Equal(t, cny(900_00), tot.Balance, "nothing written")
	assert.Equal(t, int64(2), tot.Movements)

	_, err = s.Reserve().Add(ctx, storage.ReserveAdd{ExpectedVersion: 1, Movements: []storage.Movement{
		movement("c2", "contribution", loan, 3, 5_00), movement("p2", "payout", loan, 3, -1_00), movement("p3", "payout", loan, 3, -2_00)}})
	require.NoError(t, err)
	tot = totals(t, s)
	assert.Equal(t, int64(2), tot.Version, "one add, one version")
	assert.Equal(t, cny(902_00), tot.Balance)

	// A zero payout takes nothing out: no version to state.
	_, err = s.Reserve().Add(ctx, storage.ReserveAdd{ExpectedVersion: 0, Movements: []storage.Movement{
		movement("p0", "payout", loan, 4, 0)}})
	require.NoError(t, err)
	assert.Equal(t, int64(2), totals(t, s).Version)
}

// testReserveIdempotency: a movement whose key is stored with the same
// content is skipped (a payout retried with the version it first read
// included), one with other content is ErrDuplicate and nothing of its
// add is written.
func testReserveIdempotency(t *testing.T, s storage.Store) {
	ctx := context.Background()
	loan := uuid.New()
	a, b, c := movement("a", "contribution", loan, 1, 10_00), movement("b", "contribution", loan, 1, 20_00),
		movement("c", "recovery", loan, 2, 5_00)
	n, err := s.Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{a, b}})
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	n, err = s.Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{a, c}})
	require.NoError(t, err)
	assert.Equal(t, 1, n, "a is skipped")

	changed := a
	changed.Amount = cny(10_01)
	d := movement("d", "contribution", loan, 3, 1_00)
	_, err = s.Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{d, changed}})
	require.ErrorIs(t, err, storage.ErrDuplicate)
	for name, m := range map[string]storage.Movement{
		"other kind": movement("a", "recovery", loan, 1, 10_00),
		"other loan": movement("a", "contribution", uuid.New(), 1, 10_00),
		"other day":  movement("a", "contribution", loan, 2, 10_00),
		"a payload":  {Key: "a", Kind: "contribution", LoanID: loan, Day: day(2024, 3, 1), Amount: cny(10_00), Payload: json.RawMessage(`{}`)},
	} {
		_, err = s.Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{m}})
		assert.ErrorIs(t, err, storage.ErrDuplicate, name)
	}
	assert.Equal(t, cny(35_00), totals(t, s).Balance, "d was not added")

	// A payout whose answer was lost, retried with the version it read.
	p := movement("p", "payout", loan, 4, -7_00)
	_, err = s.Reserve().Add(ctx, storage.ReserveAdd{ExpectedVersion: 0, Movements: []storage.Movement{p}})
	require.NoError(t, err)
	n, err = s.Reserve().Add(ctx, storage.ReserveAdd{ExpectedVersion: 0, Movements: []storage.Movement{p}})
	require.NoError(t, err, "a replayed payout does not conflict")
	assert.Zero(t, n)
	tot := totals(t, s)
	assert.Equal(t, cny(28_00), tot.Balance)
	assert.Equal(t, int64(1), tot.Version)
	assert.Equal(t, int64(4), tot.Movements)
}

// testReserveValidation: bad adds are refused naming every bad field — a
// movement in another currency than the reserve's among them — and
// nothing is written.
func testReserveValidation(t *testing.T, s storage.Store) {
	ctx := context.Background()
	_, err := s.Reserve().Add(ctx, storage.ReserveAdd{ExpectedVersion: -1})
	assertInvalid(t, err, "expected_version", "movements")
	loan := uuid.New()
	_, err = s.Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{
		{Payload: json.RawMessage(`{`)},
		movement("k1", "adjustment", loan, 1, 1),
		movement("k2", "payout", loan, 1, 1),
		movement("k3", "contribution", loan, 1, -1),
		movement("k3", "recovery", loan, 1, 1),
		{Key: "k5", Kind: "recovery", Day: day(2024, 3, 1), Amount: money.New(1, money.USD)},
	}})
	assertInvalid(t, err, "movements[0].key", "movements[0].kind", "movements[0].day", "movements[0].amount", "movements[0].payload",
		"movements[1].kind", "movements[2].amount", "movements[3].amount", "movements[4].key", "movements[5].amount")
	assert.Equal(t, storage.ReserveTotals{}, totals(t, s))

	_, err = s.Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{movement("c1", "contribution", loan, 1, 1_00)}})
	require.NoError(t, err)
	_, err = s.Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{
		{Key: "u1", Kind: "contribution", LoanID: loan, Day: day(2024, 3, 2), Amount: money.New(1_00, money.USD)},
		{Key: "u2", Kind: "contribution", LoanID: loan, Day: day(2024, 3, 2), Amount: money.New(1_00, money.USD)}}})
	assertInvalid(t, err, "movements[0].amount", "movements[1].amount")
	tot := totals(t, s)
	assert.Equal(t, int64(1), tot.Movements)
	assert.Equal(t, money.CNY, tot.Currency)
}

// testScanMovements: Reserve.Scan by loan, kinds and days, alone and
// combined, in Seq order, every batch size.
func testScanMovements(t *testing.T, s storage.Store) {
	ctx := context.Background()
	loans := []uuid.UUID{uuid.New(), uuid.New()}
	kinds := []string{"contribution", "recovery", "payout"}
	var ms []storage.Movement
	version := int64(0)
	for i := range 30 {
		kind := kinds[i%3]
		minor := int64(100 + i)
		if kind == "payout" {
			minor = -1
		}
		m := movement(key("m%d", i), kind, loans[(i/2)%2], 1+i%7, minor)
		_, err := s.Reserve().Add(ctx, storage.ReserveAdd{ExpectedVersion: version, Movements: []storage.Movement{m}})
		require.NoError(t, err)
		if kind == "payout" {
			version++
		}
		ms = append(ms, m)
	}
	i := 0
	for m, err := range s.Reserve().Scan(ctx, storage.MovementFilter{}) {
		require.NoError(t, err)
		ms[i].Seq = m.Seq
		i++
	}
	require.Equal(t, 30, i)
	cases := []struct {
		name string
		f    storage.MovementFilter
		want func(i int) bool
	}{
		{"every movement", storage.MovementFilter{}, func(int) bool { return true }},
		{"loan", storage.MovementFilter{LoanID: loans[1]}, func(i int) bool { return (i/2)%2 == 1 }},
		{"kinds", storage.MovementFilter{Kinds: []string{"payout", "recovery"}}, func(i int) bool { return i%3 != 0 }},
		{"days", storage.MovementFilter{Days: &storage.DateRange{From: day(2024, 3, 2), To: day(2024, 3, 3)}},
			func(i int) bool { return i%7 == 1 || i%7 == 2 }},
		{"combined", storage.MovementFilter{LoanID: loans[0], Kinds: []string{"contribution"}, Days: &storage.DateRange{From: day(2024, 3, 4)}},
			func(i int) bool { return (i/2)%2 == 0 && i%3 == 0 && i%7 >= 3 }},
	}
	for _, tc := range cases {
		var want []storage.Movement
		for i, m := range ms {
			if tc.want(i) {
				want = append(want, m)
			}
		}
		assertScan(t, tc.name, want, func(m storage.Movement) storage.Movement { return m },
			func(batch int) iter.Seq2[storage.Movement, error] {
				f := tc.f
				f.BatchSize = batch
				return s.Reserve().Scan(ctx, f)
			})
	}
}
