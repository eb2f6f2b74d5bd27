package storage

import (
	"errors"

	"github.com/lendcore/lendcore/internal/fielderr"
)

// Sentinel errors of package storage. Every adapter returns errors that wrap
// one of them; test with errors.Is.
var (
	// ErrNotFound: no record has the given key.
	ErrNotFound = errors.New("storage: not found")
	// ErrConflict: optimistic concurrency lost. The expected version is no
	// longer the stored one (another writer got there first), or the
	// database aborted the transaction because of a concurrent writer.
	// Reload and retry.
	ErrConflict = errors.New("storage: version conflict")
	// ErrDuplicate: a key (idempotency key, loan or application id, outbox
	// key) is already stored with different content, or a record with the
	// same id already exists.
	ErrDuplicate = errors.New("storage: duplicate key with different content")
	// ErrInvalid: the input is malformed; the error is a *ValidationError
	// listing every bad field. Nothing was written.
	ErrInvalid = errors.New("storage: invalid input")
	// ErrCorrupt: a stored value cannot be decoded (an amount that is not a
	// number of the loan's currency, a malformed date). It points at a row
	// written by something other than lendcore.
	ErrCorrupt = errors.New("storage: corrupt stored value")
	// ErrTxDone: a Tx was used after its WithTx returned.
	ErrTxDone = errors.New("storage: transaction already finished")
)

// FieldError is one bad field of an input.
type FieldError struct {
	Field   string // the field as the caller knows it, e.g. "journal[2].idempotency_key"
	Problem string
}

// ValidationError lists every bad field of an input at once. It wraps
// ErrInvalid.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	return fielderr.Format("storage: invalid input", len(e.Fields), func(i int) (string, string) { return e.Fields[i].Field, e.Fields[i].Problem })
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Add records a bad field.
func (e *ValidationError) Add(field, problem string) {
	e.Fields = append(e.Fields, FieldError{field, problem})
}

// Err returns e when it holds at least one field, else nil.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}
