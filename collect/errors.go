package collect

import (
	"errors"
	"fmt"

	"github.com/lendcore/lendcore/internal/fielderr"
)

// Sentinel errors of package collect; test with errors.Is.
var (
	// ErrInvalidInput is wrapped by every *ValidationError.
	ErrInvalidInput = errors.New("collect: invalid input")
	// ErrInvalidPolicy is wrapped by a *ValidationError about a policy.
	ErrInvalidPolicy = errors.New("collect: invalid policy")
	// ErrIllegalTransition is wrapped by every *TransitionError.
	ErrIllegalTransition = errors.New("collect: illegal transition")
	// ErrUnknownStage reports a stage the ladder does not define.
	ErrUnknownStage = errors.New("collect: unknown stage")
	// ErrActionNotAllowed reports an action the case's current stage does not allow.
	ErrActionNotAllowed = errors.New("collect: action not allowed in this stage")
	// ErrContactRefused is wrapped by every *RuleError: the contact policy
	// refused an attempt.
	ErrContactRefused = errors.New("collect: contact refused by policy")
	// ErrGuaranteeLapsed reports a demand on a guarantor made after the
	// guarantee period ended, which releases the guarantor (Civil Code art. 693).
	ErrGuaranteeLapsed = errors.New("collect: guarantee period has ended")
	// ErrFourEyes reports an approval by the person who made the proposal.
	ErrFourEyes = errors.New("collect: proposer cannot approve")
)

// FieldError is one bad field of an input.
type FieldError struct {
	Field   string // the field's name as the caller knows it, e.g. "amount" or "stages[2].cadence_days"
	Problem string
}

// ValidationError lists every bad field of an input or policy at once. It
// wraps ErrInvalidInput, or ErrInvalidPolicy when it is about a policy.
type ValidationError struct {
	Policy bool // the input was a policy, not a record
	Fields []FieldError
}

// Error lists the bad fields, "field: problem" separated by semicolons.
func (e *ValidationError) Error() string {
	return fielderr.Format(e.Unwrap().Error(), len(e.Fields), func(i int) (string, string) { return e.Fields[i].Field, e.Fields[i].Problem })
}

// Unwrap makes errors.Is(err, ErrInvalidInput) (or ErrInvalidPolicy) true.
func (e *ValidationError) Unwrap() error {
	if e.Policy {
		return ErrInvalidPolicy
	}
	return ErrInvalidInput
}

// add records a bad field; format arguments are applied to the problem.
func (e *ValidationError) add(field, problem string, args ...any) {
	if len(args) > 0 {
		problem = fmt.Sprintf(problem, args...)
	}
	e.Fields = append(e.Fields, FieldError{field, problem})
}

// err returns e when it holds at least one field, else nil.
func (e *ValidationError) err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// TransitionError reports an illegal lifecycle move (of a case or a legal
// proceeding); nothing was changed.
type TransitionError struct {
	Lifecycle string // "case" or "proceeding"
	From      string // the status the move started from
	Event     string // the event that was refused
}

// Error says which move was refused from which status.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("collect: cannot %s a %s that is %s", e.Event, e.Lifecycle, e.From)
}

// Unwrap makes errors.Is(err, ErrIllegalTransition) true.
func (e *TransitionError) Unwrap() error { return ErrIllegalTransition }

// RuleError reports a contact attempt refused by a conduct rule. Rule is
// the rule's id in the contact policy (e.g. "COL-1"), Source the regulation
// it comes from, Detail what in the attempt broke it. Nothing was recorded.
type RuleError struct {
	Rule   RuleID
	Source string
	Detail string
}

// Error names the rule, its source and what broke it.
func (e *RuleError) Error() string {
	return fmt.Sprintf("collect: contact refused by rule %s (%s): %s", e.Rule, e.Source, e.Detail)
}

// Unwrap makes errors.Is(err, ErrContactRefused) true.
func (e *RuleError) Unwrap() error { return ErrContactRefused }
