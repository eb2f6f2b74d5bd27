package storagetest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/storage"
)

func newApplication(id uuid.UUID) storage.Application {
	return storage.Application{ID: id, Status: "submitted", SubmittedOn: day(2024, 1, 10),
		Document: json.RawMessage(`{"applicant":"李四","amount":"CNY 50000.00"}`)}
}

func testApplications(t *testing.T, s storage.Store) {
	ctx := context.Background()
	a := newApplication(uuid.New())
	require.NoError(t, s.Applications().Create(ctx, a))
	got, err := s.Applications().Get(ctx, a.ID)
	require.NoError(t, err)
	want := a
	want.Version = 1
	assert.Equal(t, want, got)
	assert.ErrorIs(t, s.Applications().Create(ctx, a), storage.ErrDuplicate)

	got.Status, got.LoanID = "approved", uuid.New()
	got.Document = json.RawMessage(`{"approved_by":"王五"}`)
	updated, err := s.Applications().Update(ctx, got)
	require.NoError(t, err)
	assert.Equal(t, int64(2), updated.Version)
	again, err := s.Applications().Get(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, updated, again)
	assert.Equal(t, got.LoanID, again.LoanID)

	// Stale version: conflict, nothing changes.
	got.Status = "rejected"
	_, err = s.Applications().Update(ctx, got)
	require.ErrorIs(t, err, storage.ErrConflict)
	again, err = s.Applications().Get(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, "approved", again.Status)

	// Update replaces the status, loan id and document, not the day
	// the application was submitted; a copy handed out or passed in
	// changes nothing stored.
	again.Status, again.SubmittedOn = "disbursed", day(2024, 2, 1)
	updated, err = s.Applications().Update(ctx, again)
	require.NoError(t, err)
	assert.Equal(t, int64(3), updated.Version)
	assert.Equal(t, day(2024, 1, 10), updated.SubmittedOn)
	updated.Document[1] = 'X'
	again.Document[1] = 'X'
	stored, err := s.Applications().Get(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, `{"approved_by":"王五"}`, string(stored.Document))
	assert.Equal(t, day(2024, 1, 10), stored.SubmittedOn)

	bad := storage.Application{Document: json.RawMessage(`[`), Status: "\xff"}
	assertInvalid(t, s.Applications().Create(ctx, bad), "id", "status", "submitted_on", "document")
	stored.Status, stored.Document = "", json.RawMessage(`{"x":`)
	_, err = s.Applications().Update(ctx, stored)
	assertInvalid(t, err, "status", "document")
	stored, err = s.Applications().Get(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, "disbursed", stored.Status)
	assert.Equal(t, int64(3), stored.Version)
}

func testOutbox(t *testing.T, s storage.Store) {
	ctx := context.Background()
	loan := uuid.New()
	msg := func(k string) storage.Message {
		return storage.Message{Key: k, Topic: "reminder", LoanID: loan, Day: day(2024, 3, 5),
			Payload: json.RawMessage(`{"text":"您的还款日是3月5日"}`)}
	}
	n, err := s.Outbox().Add(ctx, msg("a"), msg("b"), msg("c"))
	require.NoError(t, err)
	assert.Equal(t, 3, n)

	// A re-run day adds the same messages again: nothing new.
	n, err = s.Outbox().Add(ctx, msg("a"), msg("b"), msg("d"))
	require.NoError(t, err)
	assert.Equal(t, 1, n, "only d is new")

	// Same key, different content: refused, and d2 is not added either.
	changed := msg("a")
	changed.Payload = json.RawMessage(`{"text":"changed"}`)
	_, err = s.Outbox().Add(ctx, msg("d2"), changed)
	require.ErrorIs(t, err, storage.ErrDuplicate)

	pending, err := s.Outbox().Pending(ctx, 10)
	require.NoError(t, err)
	keys := func(ms []storage.Message) []string {
		var ks []string
		for _, m := range ms {
			ks = append(ks, m.Key)
		}
		return ks
	}
	assert.Equal(t, []string{"a", "b", "c", "d"}, keys(pending))
	for i := 1; i < len(pending); i++ {
		assert.Less(t, pending[i-1].Seq, pending[i].Seq)
	}
	want := msg("a")
	want.Seq = pending[0].Seq
	assert.Equal(t, want, pending[0])

	require.NoError(t, s.Outbox().MarkDelivered(ctx, "b"))
	require.NoError(t, s.Outbox().MarkDelivered(ctx, "b"), "marking twice is fine")
	assert.ErrorIs(t, s.Outbox().MarkDelivered(ctx, "a", "zzz"), storage.ErrNotFound)
	pending, err = s.Outbox().Pending(ctx, 2)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "c"}, keys(pending), "a was not marked: all or nothing")

	var delivered []string
	n, err = storage.Drain(ctx, s, 1, func(_ context.Context, m storage.Message) error {
		delivered = append(delivered, m.Key)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, []string{"a", "c", "d"}, delivered)
	pending, err = s.Outbox().Pending(ctx, 10)
	require.NoError(t, err)
	assert.Empty(t, pending)

	_, err = s.Outbox().Pending(ctx, 0)
	assert.ErrorIs(t, err, storage.ErrInvalid)
	_, err = s.Outbox().Add(ctx, storage.Message{Key: "x"})
	assert.ErrorIs(t, err, storage.ErrInvalid)
}
