package storagetest

import (
	"context"
	"encoding/json"
	"iter"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/storage"
)

var outboxTopics = []string{"reminder", "posting", "collection"}

// outboxFixture adds n messages whose fields follow i — loan i%3 of
// loans, topic i%3 (shifted by i/3 so loan and topic vary apart), day
// 2024-03-01 + i%10 — and delivers those with i%4 == 0. It returns the
// messages with their Seqs, in the order added.
func outboxFixture(t *testing.T, s storage.Store, n int, loans []uuid.UUID) []storage.Message {
	ctx := context.Background()
	var ms []storage.Message
	for i := range n {
		m := storage.Message{Key: key("m/%03d", i), Topic: outboxTopics[(i+i/3)%3], LoanID: loans[i%3],
			Day: day(2024, 3, 1+i%10), Payload: doc("%d", i)}
		if i%5 == 4 {
			m.LoanID = uuid.Nil // a message about no loan
		}
		added, err := s.Outbox().Add(ctx, m)
		require.NoError(t, err)
		require.Equal(t, 1, added)
		ms = append(ms, m)
	}
	seqs := map[string]int64{}
	for m, err := range s.Outbox().Scan(ctx, storage.MessageFilter{}) {
		require.NoError(t, err)
		seqs[m.Key] = m.Seq
	}
	var delivered []string
	for i := range ms {
		ms[i].Seq = seqs[ms[i].Key]
		require.NotZero(t, ms[i].Seq)
		if i > 0 {
			require.Greater(t, ms[i].Seq, ms[i-1].Seq, "Seqs increase in the order added")
		}
		if i%4 == 0 {
			ms[i].Delivered = true
			delivered = append(delivered, ms[i].Key)
		}
	}
	require.NoError(t, s.Outbox().MarkDelivered(ctx, delivered...))
	return ms
}

// testOutboxScan: every filter of Outbox.Scan, alone and combined, yields
// exactly the messages it selects, in Seq order, for every batch size;
// each message comes back whole.
func testOutboxScan(t *testing.T, s storage.Store) {
	ctx := context.Background()
	loans := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	ms := outboxFixture(t, s, 40, loans)
	cases := []struct {
		name string
		f    storage.MessageFilter
		want func(i int, m storage.Message) bool
	}{
		{"everything", storage.MessageFilter{}, func(int, storage.Message) bool { return true }},
		{"loan", storage.MessageFilter{LoanID: loans[1]}, func(i int, _ storage.Message) bool { return i%3 == 1 && i%5 != 4 }},
		{"topics", storage.MessageFilter{Topics: []string{"posting", "collection"}},
			func(i int, _ storage.Message) bool { return (i+i/3)%3 != 0 }},
		{"days", storage.MessageFilter{Days: &storage.DateRange{From: day(2024, 3, 3), To: day(2024, 3, 5)}},
			func(i int, _ storage.Message) bool { return i%10 >= 2 && i%10 <= 4 }},
		{"pending", storage.MessageFilter{Delivery: storage.Pending}, func(i int, _ storage.Message) bool { return i%4 != 0 }},
		{"delivered", storage.MessageFilter{Delivery: storage.Delivered}, func(i int, _ storage.Message) bool { return i%4 == 0 }},
		{"after seq", storage.MessageFilter{AfterSeq: ms[24].Seq}, func(i int, _ storage.Message) bool { return i > 24 }},
		{"combined", storage.MessageFilter{LoanID: loans[0], Topics: []string{"reminder"}, Delivery: storage.Pending,
			AfterSeq: ms[2].Seq, Days: &storage.DateRange{To: day(2024, 3, 8)}},
			func(i int, _ storage.Message) bool {
				return i%3 == 0 && i%5 != 4 && (i+i/3)%3 == 0 && i%4 != 0 && i > 2 && i%10 <= 7
			}},
		{"after the last", storage.MessageFilter{AfterSeq: ms[len(ms)-1].Seq}, func(int, storage.Message) bool { return false }},
	}
	for _, tc := range cases {
		var want []storage.Message
		for i, m := range ms {
			if tc.want(i, m) {
				want = append(want, m)
			}
		}
		assertScan(t, tc.name, want, func(m storage.Message) storage.Message { return m },
			func(batch int) iter.Seq2[storage.Message, error] {
				f := tc.f
				f.BatchSize = batch
				return s.Outbox().Scan(ctx, f)
			})
	}

	// A message scanned, handed out by Pending or passed to Add is a
	// copy.
	for m, err := range s.Outbox().Scan(ctx, storage.MessageFilter{}) {
		require.NoError(t, err)
		m.Payload[0] = 'X'
	}
	pending, err := s.Outbox().Pending(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, string(ms[1].Payload), string(pending[0].Payload))
	pending[0].Payload[0] = 'X'
	in := storage.Message{Key: "copy", Topic: "t", Day: day(2024, 3, 1), Payload: json.RawMessage(`{"n":1}`)}
	_, err = s.Outbox().Add(ctx, in)
	require.NoError(t, err)
	in.Payload[2] = 'X'
	pending, err = s.Outbox().Pending(ctx, 100)
	require.NoError(t, err)
	assert.Equal(t, string(ms[1].Payload), string(pending[0].Payload))
	assert.Equal(t, `{"n":1}`, string(pending[len(pending)-1].Payload))
}

// testOutboxPurge: Purge deletes the delivered messages of days before the
// one given and nothing else; a purged key is unknown to MarkDelivered and
// can be added again, as a new message with a greater Seq.
func testOutboxPurge(t *testing.T, s storage.Store) {
	ctx := context.Background()
	loans := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	ms := outboxFixture(t, s, 40, loans)
	n, err := s.Outbox().Purge(ctx, day(2024, 3, 1))
	require.NoError(t, err)
	assert.Zero(t, n, "nothing is before the first day")

	// Delivered (i%4 == 0) and of a day before 2024-03-05 (i%10 < 4): i
	// in {0, 12, 20, 32}.
	n, err = s.Outbox().Purge(ctx, day(2024, 3, 5))
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	var want []storage.Message
	for i, m := range ms {
		if !(i%4 == 0 && i%10 < 4) {
			want = append(want, m)
		}
	}
	assertScan(t, "after purge", want, func(m storage.Message) storage.Message { return m },
		func(batch int) iter.Seq2[storage.Message, error] {
			return s.Outbox().Scan(ctx, storage.MessageFilter{BatchSize: batch})
		})

	// Purging again deletes nothing more; pending messages of old days
	// stay.
	n, err = s.Outbox().Purge(ctx, day(2024, 3, 5))
	require.NoError(t, err)
	assert.Zero(t, n)

	err = s.Outbox().MarkDelivered(ctx, ms[1].Key, ms[12].Key)
	require.ErrorIs(t, err, storage.ErrNotFound, "m/012 was purged")
	pending, err := s.Outbox().Pending(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, ms[1].Key, pending[0].Key, "all or nothing: m/001 is still pending")

	// The purged key comes back as a new, pending message after every
	// other.
	again := ms[12]
	again.Payload, again.Delivered = json.RawMessage(`{"resent":true}`), false
	added, err := s.Outbox().Add(ctx, again)
	require.NoError(t, err)
	assert.Equal(t, 1, added)
	var last storage.Message
	for m, err := range s.Outbox().Scan(ctx, storage.MessageFilter{AfterSeq: ms[len(ms)-1].Seq}) {
		require.NoError(t, err)
		last = m
	}
	assert.Equal(t, again.Key, last.Key)
	assert.Greater(t, last.Seq, ms[len(ms)-1].Seq)
	assert.False(t, last.Delivered)
	assert.Equal(t, `{"resent":true}`, string(last.Payload))

	// Everything delivered and old goes; the rest stays.
	var all []string
	for m, err := range s.Outbox().Scan(ctx, storage.MessageFilter{Delivery: storage.Pending}) {
		require.NoError(t, err)
		all = append(all, m.Key)
	}
	require.NoError(t, s.Outbox().MarkDelivered(ctx, all...))
	n, err = s.Outbox().Purge(ctx, day(2024, 3, 11))
	require.NoError(t, err)
	assert.Equal(t, 40-4+1, n, "the 36 left and m/012 added again")
	for _, err := range s.Outbox().Scan(ctx, storage.MessageFilter{}) {
		require.NoError(t, err)
		t.Fatal("the outbox is empty")
	}
}

// testOutboxValidation: bad messages, limits and days are refused naming
// every bad field, and nothing is added.
func testOutboxValidation(t *testing.T, s storage.Store) {
	ctx := context.Background()
	good := storage.Message{Key: "ok", Topic: "t", Day: day(2024, 1, 1), Payload: json.RawMessage(`{}`)}
	_, err := s.Outbox().Add(ctx, good, storage.Message{Key: "a\x00", Topic: "", Day: day(10000, 1, 1), Payload: json.RawMessage(`{`)},
		storage.Message{Key: "b", Topic: "t", Payload: json.RawMessage(`{}`)})
	assertInvalid(t, err, "messages[1].key", "messages[1].topic", "messages[1].day", "messages[1].payload", "messages[2].day")
	_, err = s.Outbox().Pending(ctx, -1)
	assertInvalid(t, err, "limit")
	_, err = s.Outbox().Purge(ctx, day(0, 1, 1))
	assertInvalid(t, err, "day")
	pending, err := s.Outbox().Pending(ctx, 10)
	require.NoError(t, err)
	assert.Empty(t, pending)

	// A key given twice in one call: the same content is added once,
	// other content is a duplicate and nothing is added.
	n, err := s.Outbox().Add(ctx, good, good)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	other := good
	other.Key = "other"
	changed := other
	changed.Topic = "changed"
	_, err = s.Outbox().Add(ctx, other, changed)
	require.ErrorIs(t, err, storage.ErrDuplicate)
	pending, err = s.Outbox().Pending(ctx, 10)
	require.NoError(t, err)
	require.Len(t, pending, 1)
	assert.Equal(t, "ok", pending[0].Key)
}

// testOutboxHistory: a message added with Delivered set is recorded as
// delivered — never pending, found by a scan of delivered messages — and
// adding it again (delivered or not) is a replay, not a second message.
func testOutboxHistory(t *testing.T, s storage.Store) {
	ctx := context.Background()
	loan := uuid.New()
	past := storage.Message{Key: "history/1", Topic: "reminder", LoanID: loan, Day: day(2024, 3, 1),
		Payload: doc(`{"n":1}`), Delivered: true}
	now := storage.Message{Key: "pending/1", Topic: "reminder", LoanID: loan, Day: day(2024, 3, 9), Payload: doc(`{"n":2}`)}
	added, err := s.Outbox().Add(ctx, past, now)
	require.NoError(t, err)
	require.Equal(t, 2, added)
	pending, err := s.Outbox().Pending(ctx, 10)
	require.NoError(t, err)
	require.Len(t, pending, 1)
	assert.Equal(t, "pending/1", pending[0].Key)
	var delivered []string
	for m, err := range s.Outbox().Scan(ctx, storage.MessageFilter{Delivery: storage.Delivered}) {
		require.NoError(t, err)
		assert.True(t, m.Delivered)
		delivered = append(delivered, m.Key)
	}
	assert.Equal(t, []string{"history/1"}, delivered)
	past.Delivered = false
	added, err = s.Outbox().Add(ctx, past)
	require.NoError(t, err)
	assert.Zero(t, added, "the same message again is a replay")
	pending, err = s.Outbox().Pending(ctx, 10)
	require.NoError(t, err)
	assert.Len(t, pending, 1, "and stays history")
}
