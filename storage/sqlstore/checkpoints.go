package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/lendcore/lendcore/storage"
)

type checkpoints struct {
	s *Store
	t *txn
}

// Get returns a checkpoint; see storage.Checkpoints.
func (r checkpoints) Get(ctx context.Context, scope, key string) (storage.Checkpoint, error) {
	c := storage.Checkpoint{Scope: scope, Key: key}
	err := r.s.read(ctx, r.t, func(cn conn) error {
		var payload sql.NullString
		err := cn.row(ctx, "SELECT day, payload FROM lendcore_checkpoints WHERE scope = $1 AND ckey = $2", scope, key).
			Scan(dateCol{&c.Day}, &payload)
		if err == sql.ErrNoRows {
			return fmt.Errorf("%w: checkpoint %s/%s", storage.ErrNotFound, scope, key)
		}
		if payload.Valid {
			c.Payload = []byte(payload.String)
		}
		return err
	})
	if err != nil {
		return storage.Checkpoint{}, err
	}
	return c, nil
}

// Put stores a checkpoint, replacing the previous one; see
// storage.Checkpoints.
func (r checkpoints) Put(ctx context.Context, c storage.Checkpoint) error {
	if err := c.Validate(); err != nil {
		return err
	}
	var payload any
	if c.Payload != nil {
		payload = string(c.Payload)
	}
	return r.s.write(ctx, r.t, func(cn conn) error {
		_, err := cn.exec(ctx, "INSERT INTO lendcore_checkpoints (scope, ckey, day, payload) VALUES ($1, $2, $3, $4) "+
			"ON CONFLICT (scope, ckey) DO UPDATE SET day = excluded.day, payload = excluded.payload",
			c.Scope, c.Key, dateArg(c.Day), payload)
		return err
	})
}
