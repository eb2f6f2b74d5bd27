package schedule

import (
	"errors"
	"strings"
)

// Sentinel errors of package schedule; test with errors.Is.
var (
	// ErrInvalidTerms is wrapped by every *ValidationError: the terms cannot
	// produce a schedule.
	ErrInvalidTerms = errors.New("schedule: invalid terms")
	// ErrInvalidDate reports a date string that is not a real YYYY-MM-DD date.
	ErrInvalidDate = errors.New("schedule: invalid date")
	// ErrInvalidName reports an unknown method, frequency, day count or other
	// enumerated name.
	ErrInvalidName = errors.New("schedule: unknown name")
	// ErrNoIRR reports cash flows that have no internal rate of return
	// (for example no payments at all).
	ErrNoIRR = errors.New("schedule: no internal rate of return")
)

// FieldError is one problem with one field of Terms.
type FieldError struct {
	Field   string // the Terms field, e.g. "Principal"
	Problem string // what is wrong, for a person to read
}

func (e FieldError) String() string { return e.Field + ": " + e.Problem }

// ValidationError lists every bad field of a Terms at once. It wraps
// ErrInvalidTerms; get it with errors.As.
type ValidationError struct {
	Fields []FieldError
}

// Error returns "schedule: invalid terms: Principal: must be positive; ...".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(ErrInvalidTerms.Error())
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.String())
	}
	return b.String()
}

// Unwrap returns ErrInvalidTerms.
func (e *ValidationError) Unwrap() error { return ErrInvalidTerms }

// Has reports whether field is among the bad fields.
func (e *ValidationError) Has(field string) bool {
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// problems collects field errors while validating.
type problems []FieldError

func (p *problems) add(field, problem string) { *p = append(*p, FieldError{field, problem}) }

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Fields: p}
}

// invalid returns a *ValidationError for a single field.
func invalid(field, problem string) error {
	return &ValidationError{Fields: []FieldError{{field, problem}}}
}
