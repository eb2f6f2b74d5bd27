package memory

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/storage"
)

// TestPurgeReleasesMemory: a process that adds, delivers and purges a
// day's messages every day for ten days holds no more memory than when
// it started: Purge leaves no array or map holding what it deleted (issue
// 18).
func TestPurgeReleasesMemory(t *testing.T) {
	const perDay = 10_000
	ctx := context.Background()
	s := New()
	payload := []byte(`{"text":"` + strings.Repeat("x", 400) + `"}`)
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	day := date.New(2024, 3, 1)
	runDay := func() {
		keys := make([]string, perDay)
		msgs := make([]storage.Message, perDay)
		for i := range msgs {
			keys[i] = fmt.Sprintf("%s/%d", day, i)
			msgs[i] = storage.Message{Key: keys[i], Topic: "reminder", Day: day, Payload: payload}
		}
		_, err := s.Outbox().Add(ctx, msgs...)
		require.NoError(t, err)
		require.NoError(t, s.Outbox().MarkDelivered(ctx, keys...))
		n, err := s.Outbox().Purge(ctx, day.Add(1))
		require.NoError(t, err)
		require.Equal(t, perDay, n)
		day = day.Add(1)
	}
	base := heap()
	for range 10 {
		runDay()
	}
	grown := int64(heap()) - int64(base)
	t.Logf("the heap grew by %d bytes", grown)
	// Keeping one day's messages would be over 5 MB, keeping a map sized
	// for them some 400 KB.
	assert.Less(t, grown, int64(200<<10), "the heap grew by %d bytes over ten days", grown)
	assert.Empty(t, s.outbox.byKey)
	assert.Empty(t, s.outbox.queue)
	assert.Less(t, cap(s.outbox.queue), 16, "no array of the purged messages is kept")
}

// TestPurgeUndo: a purge rolled back restores every message, its delivery
// state and its place, whether the key map was rebuilt or not; Seqs go on
// from the last drawn.
func TestPurgeUndo(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{3, 100} { // a small purge keeps the map; a large one rebuilds it
		s := New()
		d := date.New(2024, 3, 1)
		var keys []string
		for i := range n + 1 {
			k := fmt.Sprintf("k%d", i)
			keys = append(keys, k)
			_, err := s.Outbox().Add(ctx, storage.Message{Key: k, Topic: "t", Day: d, Payload: []byte(`{}`)})
			require.NoError(t, err)
		}
		require.NoError(t, s.Outbox().MarkDelivered(ctx, keys[:n]...))
		boom := fmt.Errorf("boom")
		err := s.WithTx(ctx, func(tx storage.Tx) error {
			purged, err := tx.Outbox().Purge(ctx, d.Add(1))
			require.NoError(t, err)
			require.Equal(t, n, purged)
			_, err = tx.Outbox().Add(ctx, storage.Message{Key: "new", Topic: "t", Day: d, Payload: []byte(`{}`)})
			require.NoError(t, err)
			return boom
		})
		require.ErrorIs(t, err, boom)
		var got []string
		for m, err := range s.Outbox().Scan(ctx, storage.MessageFilter{}) {
			require.NoError(t, err)
			got = append(got, m.Key)
			assert.Equal(t, m.Key != keys[n], m.Delivered, m.Key)
		}
		assert.Equal(t, keys, got, "n=%d", n)
		pending, err := s.Outbox().Pending(ctx, 10)
		require.NoError(t, err)
		require.Len(t, pending, 1)
		assert.Equal(t, keys[n], pending[0].Key)
		require.NoError(t, s.Outbox().MarkDelivered(ctx, keys[0]), "the key map knows the purged keys again")
		_, err = s.Outbox().Add(ctx, storage.Message{Key: "next", Topic: "t", Day: d, Payload: []byte(`{}`)})
		require.NoError(t, err)
		assert.Equal(t, int64(n+2), s.outbox.byKey["next"].Seq)
	}
}
