package classify

import (
	"errors"
	"strings"

	"github.com/lendcore/lendcore/internal/fielderr"
)

// Sentinel errors of package classify; test with errors.Is.
var (
	// ErrInvalidPolicy is wrapped by every error about a policy, a bucket
	// table, a provisioning grid, an ECL table, a scorecard or an inspection
	// policy that fails validation.
	ErrInvalidPolicy = errors.New("classify: invalid policy")
	// ErrInvalidInput is wrapped by every error about facts, positions,
	// records or arguments that fail validation.
	ErrInvalidInput = errors.New("classify: invalid input")
	// ErrNoMatch reports that a table has no row for the requested key
	// (an ECL segment and stage, a sub-grade code, a grade in a grid).
	ErrNoMatch = errors.New("classify: no matching table row")
	// ErrOutOfRange reports a sum or product too large to be exact.
	ErrOutOfRange = errors.New("classify: value out of range")
)

// FieldError is one bad field: its name as the caller knows it
// ("rules[2].when[0].days") and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

// ValidationError lists every bad field of a policy or an input at once.
// It wraps ErrInvalidPolicy or ErrInvalidInput, so errors.Is works on it,
// and errors.As gives the list.
type ValidationError struct {
	Kind   error // ErrInvalidPolicy or ErrInvalidInput
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	return fielderr.Format(e.Kind.Error(), len(e.Fields), func(i int) (string, string) { return e.Fields[i].Field, e.Fields[i].Problem })
}

// Unwrap returns the sentinel the error belongs to.
func (e *ValidationError) Unwrap() error { return e.Kind }

// add records a bad field.
func (e *ValidationError) add(field, problem string) {
	e.Fields = append(e.Fields, FieldError{field, problem})
}

// merge appends other's fields with prefix in front of each field name.
func (e *ValidationError) merge(prefix string, other error) {
	var v *ValidationError
	if errors.As(other, &v) {
		for _, f := range v.Fields {
			e.add(prefix+f.Field, f.Problem)
		}
		return
	}
	if other != nil {
		e.add(strings.TrimSuffix(prefix, "."), other.Error())
	}
}

// err returns e when it holds at least one field, else nil.
func (e *ValidationError) err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

func policyErrors() *ValidationError { return &ValidationError{Kind: ErrInvalidPolicy} }
func inputErrors() *ValidationError  { return &ValidationError{Kind: ErrInvalidInput} }
