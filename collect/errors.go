package collect

import (
	"fmt"

	"github.com/lendcore/lendcore/fault"
)

// Sentinel errors of package collect; test with errors.Is, or branch on
// their code with fault.CodeOf.
var (
	// ErrInvalidInput is wrapped by every *fault.Fields about a record or
	// an argument: every bad field is listed at once.
	ErrInvalidInput = fault.New(fault.CodeInvalid, "collect: invalid input")
	// ErrInvalidPolicy is wrapped by a *fault.Fields about a policy
	// (ladder, reminders, contact rules, limitation, write-off).
	ErrInvalidPolicy = fault.New(fault.CodeInvalid, "collect: invalid policy")
	// ErrIllegalTransition is wrapped by every *fault.Transition of the
	// collection case, legal proceeding and write-off proposal lifecycles.
	ErrIllegalTransition = fault.New(fault.CodeTransition, "collect: illegal transition")
	// ErrUnknownStage reports a stage the ladder does not define, in a
	// *fault.Fields naming the stage.
	ErrUnknownStage = fault.New(fault.CodeInvalid, "collect: unknown stage")
	// ErrActionNotAllowed reports an action the case's current stage does
	// not allow.
	ErrActionNotAllowed = fault.New(fault.CodeRefused, "collect: action not allowed in this stage")
	// ErrContactRefused is wrapped by every *RuleError: the contact policy
	// refused an attempt.
	ErrContactRefused = fault.New(fault.CodeRefused, "collect: contact refused by policy")
	// ErrGuaranteeLapsed reports a demand on a guarantor made after the
	// guarantee period ended, which releases the guarantor (Civil Code art. 693).
	ErrGuaranteeLapsed = fault.New(fault.CodeRefused, "collect: guarantee period has ended")
	// ErrFourEyes reports an approval by the person who made the proposal.
	ErrFourEyes = fault.New(fault.CodeRefused, "collect: proposer cannot approve")
	// ErrNotFound reports a record that holds nothing under the id asked
	// for (a legal proceeding of a loan's Record).
	ErrNotFound = fault.New(fault.CodeNotFound, "collect: not found")
)

// invalid returns an empty field list of kind ErrInvalidInput, to be
// filled and returned with Err.
func invalid() *fault.Fields { return &fault.Fields{Kind: ErrInvalidInput} }

// invalidPolicy returns an empty field list of kind ErrInvalidPolicy.
func invalidPolicy() *fault.Fields { return &fault.Fields{Kind: ErrInvalidPolicy} }

// RuleError reports a contact attempt refused by a conduct rule. Rule is
// the rule's id in the contact policy (e.g. "COL-1"), Source the regulation
// it comes from, Detail what in the attempt broke it. Nothing was recorded.
// It wraps ErrContactRefused, whose code is fault.CodeRefused.
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
