package collateral

import (
	"fmt"

	"github.com/lendcore/lendcore/fault"
)

// Sentinel errors of package collateral; test with errors.Is. Every error the
// package returns wraps one of them, and fault.CodeOf tells a host what to
// do about it.
var (
	// ErrInvalidInput: an argument or a field is out of range; the error is
	// a *fault.Fields listing every bad field.
	ErrInvalidInput = fault.New(fault.CodeInvalid, "collateral: invalid input")
	// ErrInvalidPolicy: a Policy failed Validate; the error is a
	// *fault.Fields.
	ErrInvalidPolicy = fault.New(fault.CodeInvalid, "collateral: invalid policy")
	// ErrInconsistentParts: the parts given to Restore contradict each
	// other or themselves (a document filed under another item, a guarantee
	// of another guarantor, the same id twice); the error is a *fault.Fields
	// naming each bad part. Stored parts that fail this were not written by
	// the Register.
	ErrInconsistentParts = fault.New(fault.CodeCorrupt, "collateral: inconsistent parts")
	// ErrIllegalTransition: a lifecycle move that the transition table does
	// not allow; the error is a *fault.Transition.
	ErrIllegalTransition = fault.New(fault.CodeTransition, "collateral: illegal transition")
	// ErrNotFound: no item, document, guarantor or guarantee with that id.
	ErrNotFound = fault.New(fault.CodeNotFound, "collateral: not found")
	// ErrDuplicate: an id that is already registered.
	ErrDuplicate = fault.New(fault.CodeDuplicate, "collateral: duplicate id")
	// ErrBreachesLTV: releasing the item would leave a secured loan above
	// the allowed loan-to-value.
	ErrBreachesLTV = fault.New(fault.CodeRefused, "collateral: release would breach the allowed loan-to-value")
	// ErrNoValuation: a revaluation needs a base (an appraisal, a cost, an
	// index point or a market price) that is missing.
	ErrNoValuation = fault.New(fault.CodeRefused, "collateral: no usable valuation")
	// ErrManualValuation: the kind's revaluation method needs a valuer
	// (appraisal or desktop review); record the figure with AddValuation.
	ErrManualValuation = fault.New(fault.CodeRefused, "collateral: revaluation needs a valuer")
	// ErrGuaranteeLapsed: a demand made after the guarantee period ended
	// (the guarantor is discharged, Civil Code art. 693).
	ErrGuaranteeLapsed = fault.New(fault.CodeRefused, "collateral: guarantee period has lapsed")
)

// invalid starts the list of bad fields of an input refused with kind.
func invalid(kind error) *fault.Fields { return &fault.Fields{Kind: kind} }

func notFound(what string, id fmt.Stringer) error {
	return fmt.Errorf("%w: %s %s", ErrNotFound, what, id)
}
