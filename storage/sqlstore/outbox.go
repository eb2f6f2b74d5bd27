package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

const msgCols = "seq, msg_key, topic, loan_id, day, payload, delivered"

type outbox struct {
	s *Store
	t *txn
}

func scanMsg(r rowScanner) (storage.Message, error) {
	var m storage.Message
	var loan uuid.NullUUID
	err := r.Scan(&m.Seq, &m.Key, &m.Topic, &loan, dateCol{&m.Day}, jsonCol{&m.Payload}, &m.Delivered)
	m.LoanID = loan.UUID
	return m, err
}

// Add stores new messages, skipping keys stored with the same content; see
// storage.Outbox. Each chunk of messages is one INSERT ... ON CONFLICT DO
// NOTHING, and the skipped keys are compared with one SELECT.
func (r outbox) Add(ctx context.Context, msgs ...storage.Message) (int, error) {
	for i := range msgs {
		if err := msgs[i].Validate(); err != nil {
			return 0, fmt.Errorf("message %d: %w", i, err)
		}
	}
	added := 0
	err := r.s.write(ctx, r.t, func(c conn) error {
		added = 0
		for chunk := range slices.Chunk(msgs, maxRowsPerInsert) {
			n, err := addChunk(ctx, c, chunk)
			if err != nil {
				return err
			}
			added += n
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

func addChunk(ctx context.Context, c conn, msgs []storage.Message) (int, error) {
	var a args
	rows := make([]string, len(msgs))
	for i, m := range msgs {
		rows[i] = a.row(m.Key, m.Topic, uuidArg(m.LoanID), dateArg(m.Day), string(m.Payload), false)
	}
	rs, err := c.query(ctx, "INSERT INTO lendcore_outbox (msg_key, topic, loan_id, day, payload, delivered) VALUES "+
		strings.Join(rows, ", ")+" ON CONFLICT (msg_key) DO NOTHING RETURNING msg_key", a.vals...)
	if err != nil {
		return 0, err
	}
	inserted := map[string]bool{}
	for rs.Next() {
		var k string
		if err := rs.Scan(&k); err != nil {
			rs.Close()
			return 0, err
		}
		inserted[k] = true
	}
	if err := rs.Close(); err != nil {
		return 0, err
	}
	if err := rs.Err(); err != nil {
		return 0, err
	}
	var skipped []any
	for _, m := range msgs {
		if !inserted[m.Key] {
			skipped = append(skipped, m.Key)
		}
	}
	if len(skipped) == 0 {
		return len(inserted), nil
	}
	var b args
	stored := map[string]storage.Message{}
	rs, err = c.query(ctx, "SELECT "+msgCols+" FROM lendcore_outbox WHERE msg_key IN ("+b.list(skipped...)+")", b.vals...)
	if err != nil {
		return 0, err
	}
	defer rs.Close()
	for rs.Next() {
		m, err := scanMsg(rs)
		if err != nil {
			return 0, err
		}
		stored[m.Key] = m
	}
	if err := rs.Err(); err != nil {
		return 0, err
	}
	for _, m := range msgs {
		if s, ok := stored[m.Key]; ok && !inserted[m.Key] && !s.SameRequest(m) {
			return 0, fmt.Errorf("%w: outbox key %q", storage.ErrDuplicate, m.Key)
		}
	}
	return len(inserted), nil
}

// Pending returns undelivered messages in Seq order; see storage.Outbox.
func (r outbox) Pending(ctx context.Context, limit int) ([]storage.Message, error) {
	if err := storage.ValidateLimit(limit); err != nil {
		return nil, err
	}
	var out []storage.Message
	err := r.s.read(ctx, r.t, func(c conn) error {
		rs, err := c.query(ctx, "SELECT "+msgCols+" FROM lendcore_outbox WHERE delivered = $1 ORDER BY seq LIMIT $2", false, limit)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			m, err := scanMsg(rs)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return rs.Err()
	})
	return out, err
}

// MarkDelivered marks messages delivered; see storage.Outbox.
func (r outbox) MarkDelivered(ctx context.Context, keys ...string) error {
	return r.s.write(ctx, r.t, func(c conn) error {
		q := "UPDATE lendcore_outbox SET delivered = $1 WHERE msg_key = $2"
		for _, k := range keys {
			if _, err := c.exec(ctx, q, true, k); err != nil {
				return err
			}
			// RowsAffected is not portable for rows already delivered
			// (MySQL-style drivers count changed rows), so check presence.
			var one int
			err := c.row(ctx, "SELECT 1 FROM lendcore_outbox WHERE msg_key = $1", k).Scan(&one)
			if err == sql.ErrNoRows {
				return fmt.Errorf("%w: outbox key %q", storage.ErrNotFound, k)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}
