package memory

import (
	"context"
	"fmt"

	"github.com/lendcore/lendcore/storage"
)

type msgRec struct {
	m   storage.Message
	pos int // index in Store.queue
}

type outbox struct {
	s *Store
	t *txn
}

// Add stores new messages, skipping keys stored with the same content; see
// storage.Outbox.
func (r outbox) Add(ctx context.Context, msgs ...storage.Message) (int, error) {
	for i := range msgs {
		if err := msgs[i].Validate(); err != nil {
			return 0, fmt.Errorf("message %d: %w", i, err)
		}
	}
	added := 0
	err := r.s.write(ctx, r.t, func(t *txn) error {
		for _, m := range msgs {
			if old := r.s.outbox[m.Key]; old != nil {
				if !old.m.SameRequest(m) {
					return fmt.Errorf("%w: outbox key %q", storage.ErrDuplicate, m.Key)
				}
				continue
			}
			r.s.nextSeq++
			rec := &msgRec{m: m.Clone(), pos: len(r.s.queue)}
			rec.m.Seq, rec.m.Delivered = r.s.nextSeq, false
			r.s.outbox[m.Key] = rec
			r.s.queue = append(r.s.queue, rec)
			added++
			t.onUndo(func() {
				delete(r.s.outbox, rec.m.Key)
				r.s.queue = r.s.queue[:rec.pos]
				r.s.head = min(r.s.head, rec.pos)
				r.s.nextSeq--
			})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// Pending returns undelivered messages in Seq order; see storage.Outbox.
func (r outbox) Pending(ctx context.Context, limit int) ([]storage.Message, error) {
	if err := storage.ValidateLimit(limit); err != nil {
		return nil, err
	}
	var out []storage.Message
	err := r.s.read(ctx, r.t, func() error {
		for _, rec := range r.s.queue[r.s.head:] {
			if len(out) == limit {
				break
			}
			if !rec.m.Delivered {
				out = append(out, rec.m.Clone())
			}
		}
		return nil
	})
	return out, err
}

// MarkDelivered marks messages delivered; see storage.Outbox.
func (r outbox) MarkDelivered(ctx context.Context, keys ...string) error {
	return r.s.write(ctx, r.t, func(t *txn) error {
		for _, k := range keys {
			if r.s.outbox[k] == nil {
				return fmt.Errorf("%w: outbox key %q", storage.ErrNotFound, k)
			}
		}
		for _, k := range keys {
			rec := r.s.outbox[k]
			if rec.m.Delivered {
				continue
			}
			rec.m.Delivered = true
			t.onUndo(func() {
				rec.m.Delivered = false
				r.s.head = min(r.s.head, rec.pos)
			})
		}
		// Advance past the delivered prefix so Pending stays cheap.
		for r.s.head < len(r.s.queue) && r.s.queue[r.s.head].m.Delivered {
			r.s.head++
		}
		return nil
	})
}
