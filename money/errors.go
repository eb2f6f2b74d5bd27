package money

import "errors"

// Sentinel errors of package money. Errors returned by this package wrap one
// of them; test with errors.Is.
var (
	ErrInvalidCurrency  = errors.New("money: invalid currency")
	ErrUnknownCurrency  = errors.New("money: unknown currency")
	ErrCurrencyMismatch = errors.New("money: currency mismatch")
	ErrInvalidAmount    = errors.New("money: invalid amount")
	ErrTooManyDecimals  = errors.New("money: more decimals than the currency allows")
	ErrOutOfRange       = errors.New("money: amount out of range")
	ErrInvalidRate      = errors.New("money: invalid rate")
	ErrDivisionByZero   = errors.New("money: division by zero")
	ErrInvalidRounding  = errors.New("money: invalid rounding")
	ErrInvalidWeights   = errors.New("money: invalid allocation weights")
)
