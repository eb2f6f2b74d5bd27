package loan

import (
	"errors"
	"strings"
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
	var b strings.Builder
	b.WriteString("loan: invalid input: ")
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Field)
		b.WriteString(": ")
		b.WriteString(f.Problem)
	}
	return b.String()
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
