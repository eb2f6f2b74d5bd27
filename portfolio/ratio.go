package portfolio

import (
	"fmt"
	"math/bits"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/shopspring/decimal"
)

// Ratio is an exact portfolio ratio: Num ÷ Den, both counts or minor units
// of one currency. It is never rounded until it is displayed; Den 0 means
// the ratio is undefined (an empty denominator), not zero.
type Ratio struct {
	Num int64 `json:"num"`
	Den int64 `json:"den"`
}

// Defined reports whether the denominator is non-zero.
func (r Ratio) Defined() bool { return r.Den != 0 }

// Rate returns the ratio as an exact money.Rate (in lowest terms).
func (r Ratio) Rate() (money.Rate, error) {
	if r.Den == 0 {
		return money.Rate{}, fault.Invalid(ErrOutOfRange, "den", fmt.Sprintf("ratio %d/0 is undefined", r.Num))
	}
	if r.Den < 0 {
		return money.NewRate(-r.Num, -r.Den)
	}
	return money.NewRate(r.Num, r.Den)
}

// Decimal returns the ratio rounded half-up to places decimals (0 when
// undefined; check Defined).
func (r Ratio) Decimal(places int32) decimal.Decimal {
	if r.Den == 0 {
		return decimal.Zero
	}
	return decimal.New(r.Num, 0).DivRound(decimal.New(r.Den, 0), places)
}

// Percent returns the ratio as a percentage rounded half-up to places
// decimals ("55.9%"), or "n/a" when undefined.
func (r Ratio) Percent(places int32) string {
	if r.Den == 0 {
		return "n/a"
	}
	return decimal.New(r.Num, 2).DivRound(decimal.New(r.Den, 0), places).StringFixed(places) + "%"
}

// String returns "num/den".
func (r Ratio) String() string { return fmt.Sprintf("%d/%d", r.Num, r.Den) }

// Cmp compares two defined ratios with non-negative parts exactly.
func (r Ratio) Cmp(o Ratio) int { return cmpFrac(r.Num, r.Den, o.Num, o.Den) }

// CEIAveraging names the convention for credit sales in the collection
// effectiveness index; the two common ones differ a lot (55.9 % vs 79.6 %
// on the same data), so the caller must choose.
type CEIAveraging uint8

// CEI conventions.
const (
	// SalesPerMonth divides the period's credit sales by the number of
	// months (credit-management practice; no regulatory source).
	SalesPerMonth CEIAveraging = iota + 1
	// SalesWholePeriod uses the period's credit sales undivided.
	SalesWholePeriod
)

var averagingNames = enum.New[CEIAveraging](ErrInvalidInput, "averaging", "", "sales-per-month", "sales-whole-period")

// String returns "sales-per-month" or "sales-whole-period".
func (a CEIAveraging) String() string { return averagingNames.String(a) }

// MarshalText encodes the convention's name.
func (a CEIAveraging) MarshalText() ([]byte, error) { return averagingNames.MarshalText(a) }

// UnmarshalText decodes "sales-per-month" or "sales-whole-period".
func (a *CEIAveraging) UnmarshalText(b []byte) error { return averagingNames.UnmarshalText(b, a) }

// CEIInput is the data of a collection effectiveness index.
type CEIInput struct {
	BeginReceivables money.Amount // receivables at the start of the period
	CreditSales      money.Amount // new credit (sales, disbursements) in the period
	Months           int          // N, the months in the period
	EndReceivables   money.Amount // total receivables at the end
	EndCurrent       money.Amount // receivables at the end that are not past due
	Averaging        CEIAveraging
}

// CEI returns the collection effectiveness index
//
//	(begin + sales/N − end total) ÷ (begin + sales/N − end current)
//
// (or with sales undivided under SalesWholePeriod) as an exact ratio: with
// SalesPerMonth both sides are multiplied by N so nothing is rounded.
func CEI(in CEIInput) (Ratio, error) {
	e := inputErrors()
	if in.Months <= 0 || in.Months > 1200 {
		e.Add("months", "must be within 1..1200")
	}
	if in.Averaging != SalesPerMonth && in.Averaging != SalesWholePeriod {
		e.Add("averaging", "must be sales-per-month or sales-whole-period")
	}
	amounts := []money.Amount{in.BeginReceivables, in.CreditSales, in.EndReceivables, in.EndCurrent}
	for i, a := range amounts {
		if a.IsNegative() || a.Minor() > money.MaxMinor {
			e.Add([]string{"begin_receivables", "credit_sales", "end_receivables", "end_current"}[i], "must be within 0..money.MaxMinor")
		}
		if !a.SameCurrency(amounts[0]) || !a.SameCurrency(amounts[1]) {
			e.Add("currency", "all amounts must share one currency")
			break
		}
	}
	if err := e.Err(); err != nil {
		return Ratio{}, err
	}
	n := int64(in.Months)
	if in.Averaging == SalesWholePeriod {
		n = 1
	}
	base := n*in.BeginReceivables.Minor() + in.CreditSales.Minor()
	num := base - n*in.EndReceivables.Minor()
	den := base - n*in.EndCurrent.Minor()
	return Ratio{num, den}, nil
}

// WriteOffRate returns write-offs in a period ÷ average outstanding, the
// average being the plain mean of the balances given (for example the
// month-end balances of the period): exactly writtenOff·n ÷ Σ balances.
func WriteOffRate(writtenOff money.Amount, balances []money.Amount) (Ratio, error) {
	e := inputErrors()
	if len(balances) == 0 || len(balances) > 1000 {
		e.Add("balances", "need 1..1000 balances to average")
	}
	if writtenOff.IsNegative() || writtenOff.Minor() > money.MaxMinor {
		e.Add("written_off", "must be within 0..money.MaxMinor")
	}
	var sum int64
	for i, b := range balances {
		if b.IsNegative() || b.Minor() > money.MaxMinor || !b.SameCurrency(writtenOff) {
			e.Add(fmt.Sprintf("balances[%d]", i), "must be within 0..money.MaxMinor in the write-offs' currency")
			continue
		}
		sum += b.Minor()
	}
	if err := e.Err(); err != nil {
		return Ratio{}, err
	}
	return Ratio{writtenOff.Minor() * int64(len(balances)), sum}, nil
}

// RecoveryRate returns recoveries on written-off loans ÷ the amount written off.
func RecoveryRate(recovered, writtenOff money.Amount) (Ratio, error) {
	e := inputErrors()
	if recovered.IsNegative() || writtenOff.IsNegative() {
		e.Add("amounts", "must not be negative")
	}
	if !recovered.SameCurrency(writtenOff) {
		e.Add("recovered", "currency differs from written_off")
	}
	if err := e.Err(); err != nil {
		return Ratio{}, err
	}
	return Ratio{recovered.Minor(), writtenOff.Minor()}, nil
}

// cmpFrac compares a/b with n/d exactly for a, n ≥ 0 and b, d > 0: the
// cross products are 128-bit, so no int64 ratio overflows.
func cmpFrac(a, b, n, d int64) int {
	h1, l1 := bits.Mul64(uint64(a), uint64(d))
	h2, l2 := bits.Mul64(uint64(n), uint64(b))
	switch {
	case h1 < h2 || h1 == h2 && l1 < l2:
		return -1
	case h1 > h2 || h1 == h2 && l1 > l2:
		return 1
	}
	return 0
}
