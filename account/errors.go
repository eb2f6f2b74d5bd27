package account

import "github.com/lendcore/lendcore/fault"

// Sentinel errors of package account; test with errors.Is. Bad input is a
// *fault.Fields naming every bad field, an illegal withdrawal move a
// *fault.Transition.
var (
	// ErrInvalidInput: an argument is malformed (a non-positive amount, a
	// missing key, an amount in another currency than the account's).
	ErrInvalidInput = fault.New(fault.CodeInvalid, "account: invalid input")
	// ErrInsufficientFunds: a movement above what the account has
	// available (balance less frozen), or a release or settlement above
	// what is frozen. Wrapped, with ErrInvalidInput, by the *fault.Fields
	// that names the amount.
	ErrInsufficientFunds = fault.New(fault.CodeInvalid, "account: insufficient funds")
	// ErrIllegalTransition: a withdrawal event not allowed in its state.
	// Wrapped by the *fault.Transition of the withdrawal lifecycle.
	ErrIllegalTransition = fault.New(fault.CodeTransition, "account: illegal transition")
)

func invalid() *fault.Fields { return &fault.Fields{Kind: ErrInvalidInput} }

// kinds makes a field list wrap two sentinels: the input's kind and the
// specific one.
type kinds struct{ list []error }

func (k *kinds) Error() string   { return k.list[0].Error() }
func (k *kinds) Unwrap() []error { return k.list }

// insufficient records a bad amount that the account cannot cover.
func insufficient(v *fault.Fields, name, format string, args ...any) {
	v.Addf(name, format, args...)
	v.Kind = &kinds{[]error{ErrInvalidInput, ErrInsufficientFunds}}
}
