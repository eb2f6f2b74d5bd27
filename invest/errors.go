package invest

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lendcore/lendcore/internal/fielderr"
)

// Sentinel errors of package invest; test with errors.Is. Every error the
// package returns wraps at least one of them.
var (
	// ErrInvalidInput: an argument is malformed (negative amount, wrong
	// currency, unknown holding, date out of range). Wrapped by *ValidationError.
	ErrInvalidInput = errors.New("invest: invalid input")
	// ErrInvalidPolicy: a policy's Validate found bad fields (also wrapped,
	// alongside ErrInvalidInput, by NewBook's and NewReserve's error when
	// the policy given is bad).
	ErrInvalidPolicy = errors.New("invest: invalid policy")
	// ErrIllegalTransition: a listing event not allowed in its current state.
	// Wrapped by *TransitionError.
	ErrIllegalTransition = errors.New("invest: illegal transition")
	// ErrOversubscribed: a commitment above what the listing still needs.
	ErrOversubscribed = errors.New("invest: over-subscription")
	// ErrInsufficientHolding: selling more principal than the holding has, or
	// distributing more principal than the holders hold.
	ErrInsufficientHolding = errors.New("invest: amount exceeds holding")
	// ErrSelfTransfer: a holder selling to itself.
	ErrSelfTransfer = errors.New("invest: transfer to oneself")
	// ErrNotEligible: a transfer breaks the transfer policy. Wrapped by
	// *EligibilityError, which names every rule broken.
	ErrNotEligible = errors.New("invest: transfer not eligible")
	// ErrInsufficientReserve: a payout above the reserve's balance.
	ErrInsufficientReserve = errors.New("invest: reserve balance insufficient")
	// ErrDuplicate: a distribution already credited to the reserve.
	ErrDuplicate = errors.New("invest: already recorded")
)

// FieldError is one bad field of an input or a policy.
type FieldError struct {
	Field   string // the field's name as the caller knows it, e.g. "amount" or "transfer.min_amount"
	Problem string
	Err     error // an optional specific sentinel such as ErrOversubscribed
}

// ValidationError lists every bad field of an input at once. It wraps its
// kind (ErrInvalidInput or ErrInvalidPolicy) and each field's specific
// sentinel, so both errors.Is(err, ErrInvalidInput) and
// errors.Is(err, ErrOversubscribed) hold for an over-subscription.
type ValidationError struct {
	Kind   error // ErrInvalidInput or ErrInvalidPolicy
	Fields []FieldError
}

func newInputError() *ValidationError  { return &ValidationError{Kind: ErrInvalidInput} }
func newPolicyError() *ValidationError { return &ValidationError{Kind: ErrInvalidPolicy} }

func (e *ValidationError) Error() string {
	return fielderr.Format(e.Kind.Error(), len(e.Fields), func(i int) (string, string) { return e.Fields[i].Field, e.Fields[i].Problem })
}

// Unwrap returns the kind and the fields' specific sentinels.
func (e *ValidationError) Unwrap() []error {
	errs := []error{e.Kind}
	for _, f := range e.Fields {
		if f.Err != nil {
			errs = append(errs, f.Err)
		}
	}
	return errs
}

// Add records a bad field.
func (e *ValidationError) Add(field, format string, args ...any) {
	e.Fields = append(e.Fields, FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
}

// AddErr records a bad field with a specific sentinel.
func (e *ValidationError) AddErr(sentinel error, field, format string, args ...any) {
	e.Fields = append(e.Fields, FieldError{Field: field, Problem: fmt.Sprintf(format, args...), Err: sentinel})
}

// addPolicy records every bad field of a policy's validation error err
// under prefix (e.g. "policy.servicing.rate"), each wrapping
// ErrInvalidPolicy, so that an input error naming a bad policy satisfies
// both errors.Is(err, ErrInvalidInput) and errors.Is(err, ErrInvalidPolicy).
func (e *ValidationError) addPolicy(prefix string, err error) {
	var pv *ValidationError
	if !errors.As(err, &pv) {
		e.AddErr(ErrInvalidPolicy, prefix, "%v", err)
		return
	}
	for _, f := range pv.Fields {
		e.Fields = append(e.Fields, FieldError{Field: prefix + "." + f.Field, Problem: f.Problem, Err: ErrInvalidPolicy})
	}
}

// Err returns e when it holds at least one field, else nil.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// TransitionError reports a listing event that its current state does not
// allow. Nothing was changed.
type TransitionError struct {
	From  ListingState
	Event ListingEvent
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("invest: illegal transition: %s in state %s", e.Event, e.From)
}

// Unwrap makes errors.Is(err, ErrIllegalTransition) true.
func (e *TransitionError) Unwrap() error { return ErrIllegalTransition }

// Violation is one transfer rule a proposed transfer breaks.
type Violation struct {
	Rule   Rule
	Detail string
}

// EligibilityError lists every transfer rule a proposed transfer breaks. It
// wraps ErrNotEligible. Nothing was changed.
type EligibilityError struct {
	Violations []Violation
}

func (e *EligibilityError) Error() string {
	var b strings.Builder
	b.WriteString("invest: transfer not eligible: ")
	for i, v := range e.Violations {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.Rule.String())
		b.WriteString(": ")
		b.WriteString(v.Detail)
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrNotEligible) true.
func (e *EligibilityError) Unwrap() error { return ErrNotEligible }

// Broke reports whether rule r is among the violations.
func (e *EligibilityError) Broke(r Rule) bool {
	for _, v := range e.Violations {
		if v.Rule == r {
			return true
		}
	}
	return false
}
