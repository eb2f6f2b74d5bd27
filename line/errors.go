package line

import "github.com/lendcore/lendcore/fault"

// Sentinel errors of package line; test with errors.Is. Bad input is a
// *fault.Fields wrapping ErrInvalidInput that names every bad field as JSON
// spells it; a drawdown above what the line has available is a
// *fault.Fields wrapping ErrUnavailable; an illegal lifecycle move (a
// drawdown on a frozen line, an unfreeze of an active one) is a
// *fault.Transition wrapping ErrIllegalTransition; an approval the officer
// may not give is a *loan.AuthorityError.
var (
	ErrInvalidInput      = fault.New(fault.CodeInvalid, "line: invalid input")
	ErrUnavailable       = fault.New(fault.CodeInvalid, "line: above the available amount")
	ErrIllegalTransition = fault.New(fault.CodeTransition, "line: illegal transition")
)
