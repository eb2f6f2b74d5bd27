package collateral

import (
	"errors"
	"fmt"

	"github.com/lendcore/lendcore/internal/fielderr"
)

// Sentinel errors of package collateral; test with errors.Is. Every error the
// package returns wraps one of them.
var (
	// ErrInvalidInput: an argument or a field is out of range; the error is
	// a *ValidationError listing every bad field.
	ErrInvalidInput = errors.New("collateral: invalid input")
	// ErrInvalidPolicy: a Policy failed Validate; the error is a
	// *ValidationError.
	ErrInvalidPolicy = errors.New("collateral: invalid policy")
	// ErrIllegalTransition: a lifecycle move that the transition table does
	// not allow; the error is a *TransitionError.
	ErrIllegalTransition = errors.New("collateral: illegal transition")
	// ErrNotFound: no item, document, guarantor or guarantee with that id.
	ErrNotFound = errors.New("collateral: not found")
	// ErrDuplicate: an id that is already registered.
	ErrDuplicate = errors.New("collateral: duplicate id")
	// ErrBreachesLTV: releasing the item would leave a secured loan above
	// the allowed loan-to-value.
	ErrBreachesLTV = errors.New("collateral: release would breach the allowed loan-to-value")
	// ErrNoValuation: a revaluation needs a base (an appraisal, a cost, an
	// index point or a market price) that is missing.
	ErrNoValuation = errors.New("collateral: no usable valuation")
	// ErrManualValuation: the kind's revaluation method needs a valuer
	// (appraisal or desktop review); record the figure with AddValuation.
	ErrManualValuation = errors.New("collateral: revaluation needs a valuer")
	// ErrGuaranteeLapsed: a demand made after the guarantee period ended
	// (the guarantor is discharged, Civil Code art. 693).
	ErrGuaranteeLapsed = errors.New("collateral: guarantee period has lapsed")
)

// FieldError is one bad field of an input.
type FieldError struct {
	Field   string // the field's name as the caller knows it, e.g. "valuation.amount"
	Problem string
}

// ValidationError lists every bad field of an input at once. It wraps
// ErrInvalidInput, or ErrInvalidPolicy for a policy.
type ValidationError struct {
	Fields []FieldError
	kind   error
}

func newValidation(kind error) *ValidationError { return &ValidationError{kind: kind} }

func (e *ValidationError) sentinel() error {
	if e.kind == nil {
		return ErrInvalidInput
	}
	return e.kind
}

func (e *ValidationError) Error() string {
	return fielderr.Format(e.sentinel().Error(), len(e.Fields), func(i int) (string, string) { return e.Fields[i].Field, e.Fields[i].Problem })
}

// Unwrap makes errors.Is(err, ErrInvalidInput) (or ErrInvalidPolicy) true.
func (e *ValidationError) Unwrap() error { return e.sentinel() }

// Add records a bad field.
func (e *ValidationError) Add(field, problem string) {
	e.Fields = append(e.Fields, FieldError{field, problem})
}

// Addf records a bad field with a formatted problem.
func (e *ValidationError) Addf(field, format string, args ...any) {
	e.Add(field, fmt.Sprintf(format, args...))
}

// Err returns e when it holds at least one field, else nil.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// TransitionError reports a move that a lifecycle's transition table does
// not allow; nothing was changed. From and Event are the lifecycle's own
// types (Status and Event for items, CustodyState and CustodyEvent for title
// documents, CallStatus and CallEvent for margin calls).
type TransitionError struct {
	Lifecycle string // "item", "document" or "margin call"
	From      fmt.Stringer
	Event     fmt.Stringer
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("collateral: cannot %s a %s that is %s", e.Event, e.Lifecycle, e.From)
}

// Unwrap makes errors.Is(err, ErrIllegalTransition) true.
func (e *TransitionError) Unwrap() error { return ErrIllegalTransition }

func notFound(what string, id fmt.Stringer) error {
	return fmt.Errorf("%w: %s %s", ErrNotFound, what, id)
}
