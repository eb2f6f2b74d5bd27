package sqlstore

import (
	"context"
	"fmt"
	"iter"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/storage"
)

const msgCols = "seq, msg_key, topic, loan_id, day, payload, delivered"

type outbox struct{ repo }

func scanMsg(r rowScanner) (storage.Message, error) {
	var m storage.Message
	err := r.Scan(&m.Seq, &m.Key, &m.Topic, nullID{&m.LoanID}, dateCol{&m.Day}, jsonCol{&m.Payload}, &m.Delivered)
	return m, err
}

var messages = keyed[storage.Message]{
	sel: "SELECT " + msgCols + " FROM lendcore_outbox", key: "msg_key", read: scanMsg,
	keyOf: func(m *storage.Message) string { return m.Key },
	same:  func(s, m *storage.Message) bool { return s.SameRequest(*m) },
	types: []string{"TEXT", "TEXT", "UUID", "DATE", "TEXT", "BOOLEAN"},
}

// Add stores new messages, skipping keys stored with the same content; see
// storage.Outbox. Each chunk of messages is one INSERT ... ON CONFLICT DO
// NOTHING, and only the skipped keys are read back.
func (r outbox) Add(ctx context.Context, msgs ...storage.Message) (int, error) {
	if err := storage.ValidateMessages(msgs); err != nil {
		return 0, err
	}
	added := 0
	err := r.write(ctx, func(c conn) error {
		inserted, err := messages.add(ctx, c, "INSERT INTO lendcore_outbox (msg_key, topic, loan_id, day, payload, delivered)",
			msgs, func(m *storage.Message) []any {
				return []any{m.Key, m.Topic, uuidArg(m.LoanID), dateArg(m.Day), string(m.Payload), m.Delivered}
			})
		added = count(inserted)
		return err
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// count returns the number of true values.
func count(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// Pending returns undelivered messages in Seq order; see storage.Outbox.
func (r outbox) Pending(ctx context.Context, limit int) ([]storage.Message, error) {
	if err := storage.ValidateLimit(limit); err != nil {
		return nil, err
	}
	var out []storage.Message
	err := r.read(ctx, func(c conn) error {
		var err error
		out, err = queryRows(ctx, c, scanMsg, "SELECT "+msgCols+" FROM lendcore_outbox WHERE delivered = $1 ORDER BY seq LIMIT $2",
			false, limit)
		return err
	})
	return out, err
}

// MarkDelivered marks messages delivered; see storage.Outbox. Each chunk
// of keys is one UPDATE and one count of the keys that exist.
func (r outbox) MarkDelivered(ctx context.Context, keys ...string) error {
	distinct := make(map[string]bool, len(keys))
	var list []any
	for _, k := range keys {
		if !distinct[k] {
			distinct[k] = true
			list = append(list, k)
		}
	}
	return r.write(ctx, func(c conn) error {
		for start := 0; start < len(list); start += maxRowsPerInsert {
			chunk := list[start:min(start+maxRowsPerInsert, len(list))]
			var a, b args
			if _, err := c.exec(ctx, "UPDATE lendcore_outbox SET delivered = "+a.add(true)+" WHERE delivered = "+a.add(false)+
				" AND msg_key IN ("+a.in(chunk...)+")", a.vals...); err != nil {
				return err
			}
			// Rows already delivered are not updated, so count the keys
			// that exist rather than the rows updated.
			var n int
			if err := c.row(ctx, "SELECT COUNT(*) FROM lendcore_outbox WHERE msg_key IN ("+b.in(chunk...)+")",
				b.vals...).Scan(&n); err != nil {
				return err
			}
			if n < len(chunk) {
				return fmt.Errorf("%w: %d of the outbox keys given are not stored", storage.ErrNotFound, len(chunk)-n)
			}
		}
		return nil
	})
}

// Scan yields matching messages in Seq order, one query per batch; see
// storage.Outbox.
func (r outbox) Scan(ctx context.Context, f storage.MessageFilter) iter.Seq2[storage.Message, error] {
	q := scan[storage.Message]{sel: "SELECT " + msgCols + " FROM lendcore_outbox", keys: []string{"seq"},
		cursor: func(m *storage.Message) []any { return []any{m.Seq} }, batch: f.Batch(), read: scanMsg}
	q.w.id("loan_id", f.LoanID)
	q.w.in("topic", f.Topics)
	q.w.dates("day", f.Days)
	switch f.Delivery {
	case storage.Pending:
		q.w.eq("delivered", false)
	case storage.Delivered:
		q.w.eq("delivered", true)
	}
	if f.AfterSeq > 0 {
		q.w.cond("seq > " + q.w.a.add(f.AfterSeq))
	}
	return q.run(ctx, r.repo)
}

// Purge deletes delivered messages of days before before; see
// storage.Outbox.
func (r outbox) Purge(ctx context.Context, before date.Date) (int, error) {
	if err := storage.ValidateDay(before); err != nil {
		return 0, err
	}
	var n int64
	err := r.writeOne(ctx, func(c conn) error {
		var err error
		n, err = affected(c.exec(ctx, "DELETE FROM lendcore_outbox WHERE delivered = $1 AND day < $2", true, dateArg(before)))
		return err
	})
	return int(n), err
}
