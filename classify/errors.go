package classify

import (
	"github.com/lendcore/lendcore/fault"
)

// Sentinel errors of package classify; test with errors.Is. Bad input
// comes back as a *fault.Fields wrapping ErrInvalidPolicy or
// ErrInvalidInput and naming every bad field by its JSON path
// ("rules[2].when[0].days"), so one errors.As finds the fields.
var (
	// ErrInvalidPolicy is wrapped by every error about a policy, a bucket
	// table, a provisioning grid, an ECL table, a scorecard or an inspection
	// policy that fails validation.
	ErrInvalidPolicy = fault.New(fault.CodeInvalid, "classify: invalid policy")
	// ErrInvalidInput is wrapped by every error about facts, records,
	// arguments or enumeration names that fail validation.
	ErrInvalidInput = fault.New(fault.CodeInvalid, "classify: invalid input")
	// ErrNoMatch reports that a table has no row for the requested key
	// (an ECL segment and stage, a sub-grade code, a grade in a grid).
	ErrNoMatch = fault.New(fault.CodeNotFound, "classify: no matching table row")
	// ErrIllegalTransition is wrapped by the *fault.Transition of an
	// illegal move of an inspection (signing off one already signed off).
	ErrIllegalTransition = fault.New(fault.CodeTransition, "classify: illegal transition")
	// ErrOutOfRange reports a product too large to be exact.
	ErrOutOfRange = fault.New(fault.CodeInvalid, "classify: value out of range")
)

// policyErrors starts the list of bad fields of a policy.
func policyErrors() *fault.Fields { return &fault.Fields{Kind: ErrInvalidPolicy} }

// inputErrors starts the list of bad fields of an input.
func inputErrors() *fault.Fields { return &fault.Fields{Kind: ErrInvalidInput} }

// errNotCompiled is returned by a Classifier not made by Policy.Compile.
func errNotCompiled() error {
	return fault.Invalid(ErrInvalidPolicy, "classifier", "not compiled (use Policy.Compile)")
}
