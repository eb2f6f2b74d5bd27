package invest

import (
	"strconv"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// FeeBasis is what the servicing fee is a rate of.
type FeeBasis uint8

// Fee bases.
const (
	// FeeOnInterest charges the rate on the interest each investor receives.
	FeeOnInterest FeeBasis = iota + 1
	// FeeOnReceipt charges the rate on everything each investor receives
	// (principal, interest, penalty and fee components).
	FeeOnReceipt
)

var feeBasisNames = enum.New[FeeBasis](ErrInvalidPolicy, "basis", "", "interest", "receipt")

// String returns the basis's name.
func (f FeeBasis) String() string { return feeBasisNames.String(f) }

// MarshalText encodes the basis's name.
func (f FeeBasis) MarshalText() ([]byte, error) { return feeBasisNames.MarshalText(f) }

// UnmarshalText decodes a basis's name.
func (f *FeeBasis) UnmarshalText(b []byte) error { return feeBasisNames.UnmarshalText(b, f) }

// ServicingFee is the platform's fee on what investors receive from the
// borrower. It is charged per holding on each distribution, rounded once
// per holding with Rounding. Nothing is charged when nothing is received
// (a missed payment), on payouts from a reserve or guarantor, or on the
// receipts of a payer holding a subrogated claim.
type ServicingFee struct {
	Basis    FeeBasis           `json:"basis"`
	Rate     money.Rate         `json:"rate"` // 0 = no fee; at most 1
	Rounding money.RoundingMode `json:"rounding"`
}

// BookPolicy is the per-loan policy of a Book.
type BookPolicy struct {
	Servicing ServicingFee   `json:"servicing"`
	Transfer  TransferPolicy `json:"transfer"`
	// Recovery is who a payment reaches first: payers of subrogated
	// claims or the investors (the zero value: payers first).
	Recovery RecoveryOrder `json:"recovery"`
}

// DefaultBookPolicy returns a 1 % servicing fee on each receipt, rounded
// half-up (platforms charged 0–1 %: lender practice; no regulatory source
// found, so configure it), and
// DefaultTransferPolicy, with payers of subrogated claims repaid first.
func DefaultBookPolicy() BookPolicy {
	return BookPolicy{
		Servicing: ServicingFee{Basis: FeeOnReceipt, Rate: money.MustRate("1%"), Rounding: money.HalfUp},
		Transfer:  DefaultTransferPolicy(),
	}
}

// Validate reports every bad field.
func (p BookPolicy) Validate() error {
	v := badPolicy()
	p.Servicing.validate(v, "servicing")
	p.Transfer.validate(v, "transfer")
	p.Recovery.validate(v, "recovery")
	return v.Err()
}

func (f ServicingFee) validate(v *fault.Fields, field string) {
	if !feeBasisNames.Valid(f.Basis) {
		v.Addf(field+".basis", "unknown basis %d (want interest or receipt)", uint8(f.Basis))
	}
	validateFraction(v, field+".rate", f.Rate)
	if !f.Rounding.Valid() {
		v.Addf(field+".rounding", "unknown rounding mode %d", uint8(f.Rounding))
	}
}

// validateFraction requires 0 ≤ r ≤ 1.
func validateFraction(v *fault.Fields, field string, r money.Rate) {
	if r.IsNegative() || r.Cmp(one) > 0 {
		v.Addf(field, "%s must be between 0 and 1", r)
	}
}

var one, _ = money.NewRate(1, 1)

// fee returns the servicing fee on gross receipts (principal, interest,
// penalty, fee) of one holding. With Rate ≤ 1 and base ≤ MaxMinor (the
// callers check both) it cannot fail; the error is returned, not dropped,
// should that ever not hold.
func (f ServicingFee) fee(interest, total money.Amount) (money.Amount, error) {
	base := total
	if f.Basis == FeeOnInterest {
		base = interest
	}
	if f.Rate.IsZero() || base.IsZero() {
		return money.Zero(total.Currency()), nil
	}
	return base.MulRate(f.Rate, f.Rounding)
}

func fieldIndex(name string, i int, sub string) string {
	return name + "[" + strconv.Itoa(i) + "]." + sub
}
