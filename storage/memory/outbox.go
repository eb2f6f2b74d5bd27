package memory

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sort"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/storage"
)

// outboxState is the outbox: messages by key and in Seq order.
//
// Purge must give memory back, or a process that runs for months grows
// without bound: it copies the survivors into a new queue (so no array
// keeps the purged messages reachable), and rebuilds the key map once it
// holds under a quarter of the most it held (a Go map never shrinks).
type outboxState struct {
	byKey map[string]*storage.Message
	queue []*storage.Message // in Seq order
	head  int                // queue[:head] is all delivered
	seq   int64              // the last Seq drawn
	peak  int                // the most keys byKey held since it was made
}

func (x *outboxState) init() { x.byKey = map[string]*storage.Message{} }

// pos returns the position in the queue of the first message with a Seq
// greater than seq.
func (x *outboxState) pos(seq int64) int {
	return sort.Search(len(x.queue), func(i int) bool { return x.queue[i].Seq > seq })
}

// advance moves head past the delivered prefix, so Pending stays cheap.
func (x *outboxState) advance() {
	for x.head < len(x.queue) && x.queue[x.head].Delivered {
		x.head++
	}
}

type outbox struct {
	s *Store
	t *txn
}

// Add stores new messages, skipping keys stored with the same content; see
// storage.Outbox.
func (r outbox) Add(ctx context.Context, msgs ...storage.Message) (int, error) {
	if err := storage.ValidateMessages(msgs); err != nil {
		return 0, err
	}
	// One allocation per message, not one array for the call: a message
	// purged must not be kept alive by a neighbour still pending.
	in := make([]*storage.Message, len(msgs))
	for i, m := range msgs {
		c := m.Clone()
		in[i] = &c
	}
	added := 0
	err := r.s.write(ctx, r.t, func(t *txn) error {
		x := &r.s.outbox
		for _, m := range in {
			if old := x.byKey[m.Key]; old != nil {
				if !old.SameRequest(*m) {
					return fmt.Errorf("%w: outbox key %q", storage.ErrDuplicate, m.Key)
				}
				continue
			}
			x.seq++
			m.Seq = x.seq
			x.byKey[m.Key] = m
			x.queue = append(x.queue, m)
			x.peak = max(x.peak, len(x.byKey))
			added++
			t.onUndo(func() {
				delete(x.byKey, m.Key)
				x.queue[len(x.queue)-1] = nil
				x.queue = x.queue[:len(x.queue)-1]
				x.head = min(x.head, len(x.queue))
				x.seq--
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
		x := &r.s.outbox
		for _, m := range x.queue[x.head:] {
			if len(out) == limit {
				break
			}
			if !m.Delivered {
				out = append(out, m.Clone())
			}
		}
		return nil
	})
	return out, err
}

// MarkDelivered marks messages delivered; see storage.Outbox.
func (r outbox) MarkDelivered(ctx context.Context, keys ...string) error {
	return r.s.write(ctx, r.t, func(t *txn) error {
		x := &r.s.outbox
		for _, k := range keys {
			if x.byKey[k] == nil {
				return fmt.Errorf("%w: outbox key %q", storage.ErrNotFound, k)
			}
		}
		for _, k := range keys {
			m := x.byKey[k]
			if m.Delivered {
				continue
			}
			m.Delivered = true
			t.onUndo(func() {
				m.Delivered = false
				x.head = min(x.head, x.pos(m.Seq-1))
			})
		}
		x.advance()
		return nil
	})
}

// Scan yields matching messages in Seq order; see storage.Outbox.
func (r outbox) Scan(ctx context.Context, f storage.MessageFilter) iter.Seq2[storage.Message, error] {
	f.Topics, f.Days = slices.Clone(f.Topics), cloneRange(f.Days)
	return func(yield func(storage.Message, error) bool) {
		n := f.Batch()
		last := f.AfterSeq // the Seq of the last message examined
		batches(ctx, r.s, r.t, n, nil, func(buf []storage.Message, sl *slab) ([]storage.Message, bool) {
			x := &r.s.outbox
			i := x.pos(last)
			if f.Delivery == storage.Pending {
				i = max(i, x.head) // nothing before head is pending
			}
			limit := min(len(x.queue), i+examineFactor*n)
			for ; i < limit && len(buf) < n; i++ {
				m := x.queue[i]
				if f.Matches(m) {
					c := *m
					c.Payload = sl.clone(c.Payload)
					buf = append(buf, c)
				}
				last = m.Seq
			}
			return buf, i < len(x.queue)
		}, yield)
	}
}

// Purge deletes delivered messages of days before a day; see
// storage.Outbox.
func (r outbox) Purge(ctx context.Context, before date.Date) (int, error) {
	if err := storage.ValidateDay(before); err != nil {
		return 0, err
	}
	purged := 0
	err := r.s.write(ctx, r.t, func(t *txn) error {
		x := &r.s.outbox
		for _, m := range x.queue {
			if m.Delivered && m.Day.Before(before) {
				purged++
			}
		}
		if purged == 0 {
			return nil
		}
		old := *x
		keep := make([]*storage.Message, 0, len(x.queue)-purged)
		gone := make([]*storage.Message, 0, purged)
		for _, m := range x.queue {
			if m.Delivered && m.Day.Before(before) {
				gone = append(gone, m)
			} else {
				keep = append(keep, m)
			}
		}
		x.queue = keep
		rebuilt := len(keep)*4 < x.peak
		if rebuilt {
			x.byKey = make(map[string]*storage.Message, len(keep))
			for _, m := range keep {
				x.byKey[m.Key] = m
			}
			x.peak = len(keep)
		} else {
			for _, m := range gone {
				delete(x.byKey, m.Key)
			}
		}
		x.head = 0
		x.advance()
		t.onUndo(func() {
			if !rebuilt {
				for _, m := range gone {
					old.byKey[m.Key] = m
				}
			}
			*x = old
		})
		return nil
	})
	if err != nil {
		return 0, err
	}
	return purged, nil
}
