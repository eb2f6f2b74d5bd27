package loan

import (
	"errors"

	"github.com/lendcore/lendcore/internal/fielderr"
)

// Sentinel errors of package loan; test with errors.Is.
var (
	ErrInvalidInput      = errors.New("loan: invalid input")
	ErrIllegalTransition = errors.New("loan: illegal transition")
	ErrCompliance        = errors.New("loan: compliance check failed")
	ErrAuthority         = errors.New("loan: approval authority")
	ErrDuplicateKey      = errors.New("loan: idempotency key reused with a different payload")
	ErrNotFound          = errors.New("loan: not found")
)

// FieldError is one bad field of an input.
type FieldError struct {
	Field   string // the field's name as the caller knows it, e.g. "amount" or "terms.periods"
	Problem string
}

// ValidationError lists every bad field of an input at once. It wraps
// ErrInvalidInput.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	return fielderr.Format("loan: invalid input", len(e.Fields), func(i int) (string, string) { return e.Fields[i].Field, e.Fields[i].Problem })
}

// Unwrap makes errors.Is(err, ErrInvalidInput) true.
func (e *ValidationError) Unwrap() error { return ErrInvalidInput }

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
