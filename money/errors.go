package money

import "github.com/lendcore/lendcore/fault"

// Sentinel errors of package money. Errors returned by this package wrap one
// of them; test with errors.Is. Every one is bad input (fault.CodeInvalid):
// money does no I/O, so nothing else can go wrong in it.
var (
	ErrInvalidCurrency  = fault.New(fault.CodeInvalid, "money: invalid currency")
	ErrUnknownCurrency  = fault.New(fault.CodeInvalid, "money: unknown currency")
	ErrCurrencyMismatch = fault.New(fault.CodeInvalid, "money: currency mismatch")
	ErrInvalidAmount    = fault.New(fault.CodeInvalid, "money: invalid amount")
	ErrTooManyDecimals  = fault.New(fault.CodeInvalid, "money: more decimals than the currency allows")
	ErrOutOfRange       = fault.New(fault.CodeInvalid, "money: amount out of range")
	ErrInvalidRate      = fault.New(fault.CodeInvalid, "money: invalid rate")
	ErrDivisionByZero   = fault.New(fault.CodeInvalid, "money: division by zero")
	ErrInvalidRounding  = fault.New(fault.CodeInvalid, "money: invalid rounding")
	ErrInvalidWeights   = fault.New(fault.CodeInvalid, "money: invalid allocation weights")
)
