package storage_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

func TestSameJSON(t *testing.T) {
	cases := []struct {
		a, b string
		same bool
	}{
		{`{"a":1}`, `{"a":1}`, true},
		{`{"a":1}`, " {\n \"a\" : 1 }\t", true},
		{`{"a":1}`, `{"a":2}`, false},
		{`{"a":1,"b":2}`, `{"b":2,"a":1}`, false}, // key order is significant: payloads are compared as text
		{`{`, `{`, true},                          // byte-equal
		{`{`, `{ `, false},                        // invalid JSON is never the same as anything else
	}
	for _, c := range cases {
		assert.Equal(t, c.same, storage.SameJSON(json.RawMessage(c.a), json.RawMessage(c.b)), "%s vs %s", c.a, c.b)
	}
}

func TestRanges(t *testing.T) {
	d := func(m, dd int) date.Date { return date.New(2024, time.Month(m), dd) }
	cases := []struct {
		r    storage.DateRange
		d    date.Date
		want bool
	}{
		{storage.DateRange{}, d(1, 1), true},
		{storage.DateRange{From: d(3, 1)}, d(3, 1), true}, // inclusive
		{storage.DateRange{From: d(3, 1)}, d(2, 29), false},
		{storage.DateRange{To: d(3, 1)}, d(3, 1), true},
		{storage.DateRange{To: d(3, 1)}, d(3, 2), false},
		{storage.DateRange{From: d(3, 1), To: d(3, 31)}, d(3, 15), true},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.r.Contains(c.d), "%v in %v", c.d, c.r)
	}
	assert.True(t, storage.IntRange{Min: 1, Max: 30}.Contains(30))
	assert.False(t, storage.IntRange{Min: 1, Max: 30}.Contains(0))
	assert.True(t, storage.IntRange{Min: 1}.Contains(1000), "a Max below Min leaves the top open")
	assert.True(t, storage.AtLeast(90).Contains(90))
	assert.False(t, storage.AtLeast(90).Contains(89))
	assert.True(t, storage.IntRange{}.Contains(0))
	assert.False(t, storage.IntRange{}.Contains(1))
}

// TestPartitionsCoverEveryID: n partitions are disjoint, ordered and
// cover the whole id space, and random ids spread over them evenly.
func TestPartitionsCoverEveryID(t *testing.T) {
	for _, n := range []int{1, 2, 3, 8, 7, 100} {
		counts := make([]int, n)
		for range 20000 {
			id := uuid.New()
			hits := 0
			for i := range n {
				if storage.Partition(i, n).Contains(id) {
					counts[i]++
					hits++
				}
			}
			require.Equal(t, 1, hits, "id %s in exactly one of %d partitions", id, n)
		}
		for i, c := range counts {
			assert.InDelta(t, 20000/n, c, float64(20000/n)/4+30, "partition %d of %d", i, n)
		}
		assert.Equal(t, uuid.Nil, storage.Partition(0, n).From)
		assert.Equal(t, uuid.Nil, storage.Partition(n-1, n).To, "the last is open at the top")
	}
	max := uuid.UUID{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	assert.True(t, storage.Partition(2, 3).Contains(max))
}

func TestValidateLists(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		fields []string
	}{
		{"message", (&storage.Message{Payload: json.RawMessage(`x`)}).Validate(), []string{"key", "topic", "day", "payload"}},
		{"close part", (&storage.ClosePart{Day: date.New(10000, 1, 1), Parts: 4, Part: 5}).Validate(), []string{"day", "part", "version"}},
		{"reserve", (&storage.ReserveAdd{Movements: []storage.Movement{{Key: "a", Kind: "contribution", Day: date.New(2024, 1, 1),
			Amount: money.New(5, money.CNY)}, {Key: "a", Kind: "contribution", Day: date.New(2024, 1, 1), Amount: money.New(5, money.USD)}}}).Validate(),
			[]string{"movements[1].key", "movements[1].amount"}},
		{"reserve kinds and signs", (&storage.ReserveAdd{Movements: []storage.Movement{
			{Key: "a", Kind: "payout", Day: date.New(2024, 1, 1), Amount: money.New(5, money.CNY)},
			{Key: "b", Kind: "recovery", Day: date.New(2024, 1, 1), Amount: money.New(-5, money.CNY)},
			{Key: "c", Kind: "fee", Day: date.New(2024, 1, 1), Amount: money.New(5, money.CNY)}}}).Validate(),
			[]string{"movements[0].amount", "movements[1].amount", "movements[2].kind"}},
		{"append", (&storage.Append{Status: "\xff", Entries: []storage.Entry{{IdempotencyKey: "k", Kind: "fee",
			ValueDate: date.New(2024, 1, 1), Payload: []byte(`{}`), Amount: money.New(5, money.Currency{})}}}).Validate(money.CNY),
			[]string{"loan_id", "expected_version", "status", "entries[0].amount"}},
		{"index update", (&storage.IndexUpdate{LoanID: uuid.New(), Index: storage.LoanIndex{AsOf: date.New(0, 12, 31)}}).Validate(),
			[]string{"index.as_of"}},
	}
	for _, c := range cases {
		var v *fault.Fields
		require.True(t, errors.As(c.err, &v), c.name)
		assert.ErrorIs(t, c.err, storage.ErrInvalid)
		var got []string
		for _, f := range v.List {
			got = append(got, f.Name)
		}
		assert.Equal(t, c.fields, got, c.name)
	}
}

// TestDrainStopsAtFailure: a failed delivery stops Drain and leaves the
// message pending, so the next run delivers it again (at least once).
func TestDrainStopsAtFailure(t *testing.T) {
	ctx := context.Background()
	s := memory.New()
	for _, k := range []string{"a", "b", "c"} {
		_, err := s.Outbox().Add(ctx, storage.Message{Key: k, Topic: "sms", Day: date.New(2024, 1, 1), Payload: []byte(`{}`)})
		require.NoError(t, err)
	}
	boom := errors.New("gateway down")
	n, err := storage.Drain(ctx, s, 10, func(_ context.Context, m storage.Message) error {
		if m.Key == "b" {
			return boom
		}
		return nil
	})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, 1, n)
	pending, err := s.Outbox().Pending(ctx, 10)
	require.NoError(t, err)
	require.Len(t, pending, 2)
	assert.Equal(t, "b", pending[0].Key)
}
