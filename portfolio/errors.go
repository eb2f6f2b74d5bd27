package portfolio

import "github.com/lendcore/lendcore/fault"

// Sentinel errors of package portfolio; test with errors.Is. Bad input
// comes back as a *fault.Fields wrapping ErrInvalidInput that names every
// bad field ("positions[3].principal"). A bad bucket table is reported by
// classify.Buckets.Validate (classify.ErrInvalidPolicy).
var (
	// ErrInvalidInput is wrapped by every error about positions, records,
	// snapshots or arguments that fail validation.
	ErrInvalidInput = fault.New(fault.CodeInvalid, "portfolio: invalid input")
	// ErrOutOfRange reports a sum too large to be exact in int64 minor
	// units, or a ratio with a zero denominator asked for as a rate.
	ErrOutOfRange = fault.New(fault.CodeInvalid, "portfolio: value out of range")
)

// inputErrors starts the list of bad fields of an input.
func inputErrors() *fault.Fields { return &fault.Fields{Kind: ErrInvalidInput} }
