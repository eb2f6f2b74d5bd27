package loan

import "github.com/lendcore/lendcore/fault"

// Sentinel errors of package loan; test with errors.Is. Bad input is a
// *fault.Fields wrapping ErrInvalidInput that names every bad field as JSON
// spells it; an illegal lifecycle move is a *fault.Transition wrapping
// ErrIllegalTransition; a rule's refusal is a *ComplianceError or an
// *AuthorityError.
var (
	ErrInvalidInput      = fault.New(fault.CodeInvalid, "loan: invalid input")
	ErrIllegalTransition = fault.New(fault.CodeTransition, "loan: illegal transition")
	ErrCompliance        = fault.New(fault.CodeRefused, "loan: compliance check failed")
	ErrAuthority         = fault.New(fault.CodeRefused, "loan: approval authority")
	ErrDuplicateKey      = fault.New(fault.CodeDuplicate, "loan: idempotency key reused with a different payload")
	ErrNotFound          = fault.New(fault.CodeNotFound, "loan: not found")
)

// invalid returns a *fault.Fields wrapping ErrInvalidInput with one bad
// field.
func invalid(field, problem string) error { return fault.Invalid(ErrInvalidInput, field, problem) }
