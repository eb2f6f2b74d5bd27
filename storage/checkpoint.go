package storage

import (
	"context"
	"encoding/json"

	"github.com/rickb777/date"
)

// Checkpoint records that a piece of work was done for a business day: the
// daily close of one loan or one batch, a report, a migration of data. A
// re-run of the day reads it and skips what is done.
type Checkpoint struct {
	// Scope names the kind of work ("close", "close-batch", ...).
	Scope string
	// Key names the unit of work within the scope (a loan id, a batch id).
	Key string
	// Day is the last business day done.
	Day date.Date
	// Payload is an optional JSON result (counts, totals); nil when absent.
	Payload json.RawMessage
}

// Checkpoints is the checkpoint repository.
type Checkpoints interface {
	// Get returns the checkpoint of (scope, key). Errors: ErrNotFound.
	Get(ctx context.Context, scope, key string) (Checkpoint, error)

	// Put stores c, replacing the checkpoint of (c.Scope, c.Key). Errors:
	// ErrInvalid.
	Put(ctx context.Context, c Checkpoint) error
}
