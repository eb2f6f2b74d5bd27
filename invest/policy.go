package invest

import (
	"fmt"
	"strconv"

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

var feeBasisNames = [...]string{"", "interest", "receipt"}

// String returns the basis's name.
func (f FeeBasis) String() string {
	if int(f) < len(feeBasisNames) && f != 0 {
		return feeBasisNames[f]
	}
	return "FeeBasis(" + strconv.Itoa(int(f)) + ")"
}

// MarshalText encodes the basis's name.
func (f FeeBasis) MarshalText() ([]byte, error) {
	if f != FeeOnInterest && f != FeeOnReceipt {
		return nil, fmt.Errorf("%w: fee basis %d", ErrInvalidPolicy, uint8(f))
	}
	return []byte(f.String()), nil
}

// UnmarshalText decodes a basis's name.
func (f *FeeBasis) UnmarshalText(b []byte) error {
	for i, n := range feeBasisNames {
		if i > 0 && n == string(b) {
			*f = FeeBasis(i)
			return nil
		}
	}
	return fmt.Errorf("%w: unknown fee basis %q", ErrInvalidPolicy, b)
}

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
}

// DefaultBookPolicy returns a 1 % servicing fee on each receipt, rounded
// half-up (the figure of issue 8's example; platforms charged 0–1 %, no
// regulation sets it — rules.md has no entry, NF: configure it), and
// DefaultTransferPolicy.
func DefaultBookPolicy() BookPolicy {
	return BookPolicy{
		Servicing: ServicingFee{Basis: FeeOnReceipt, Rate: money.MustRate("1%"), Rounding: money.HalfUp},
		Transfer:  DefaultTransferPolicy(),
	}
}

// Validate reports every bad field.
func (p BookPolicy) Validate() error {
	v := newPolicyError()
	p.Servicing.validate(v, "servicing")
	p.Transfer.validate(v, "transfer")
	return v.Err()
}

func (f ServicingFee) validate(v *ValidationError, field string) {
	if f.Basis != FeeOnInterest && f.Basis != FeeOnReceipt {
		v.Add(field+".basis", "unknown basis %d (want interest or receipt)", uint8(f.Basis))
	}
	validateFraction(v, field+".rate", f.Rate)
	if !f.Rounding.Valid() {
		v.Add(field+".rounding", "unknown rounding mode %d", uint8(f.Rounding))
	}
}

// validateFraction requires 0 ≤ r ≤ 1.
func validateFraction(v *ValidationError, field string, r money.Rate) {
	if r.IsNegative() || r.Cmp(one) > 0 {
		v.Add(field, "%s must be between 0 and 1", r)
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
