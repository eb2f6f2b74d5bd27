package schedule

import (
	"fmt"
	"math/big"

	"github.com/lendcore/lendcore/money"
)

// level is the exact level payment of an annuity as a fraction of minor
// units, num/den.
type level struct{ num, den *big.Int }

// annuity returns the exact level payment that repays balance in m periods
// at the periodic rate r:
//
//	payment = B·r·(1+r)^m / ((1+r)^m − 1)
//
// With r = a/b this is B·a·(b+a)^m / (b·((b+a)^m − b^m)), computed in
// integers, so the payment is exact and is rounded exactly once (by the
// caller). A zero rate gives B/m. This is the one place a schedule uses
// arbitrary-precision arithmetic; the per-period loop runs in int64 minor
// units.
func annuity(balance money.Amount, r money.Rate, m int) level {
	B := big.NewInt(balance.Minor())
	if r.IsZero() {
		return level{B, big.NewInt(int64(m))}
	}
	a, b := big.NewInt(r.Num()), big.NewInt(r.Den())
	x := pow(new(big.Int).Add(b, a), m) // (b+a)^m
	y := pow(b, m)                      // b^m
	num := B.Mul(B, a)
	num.Mul(num, x)
	den := y.Sub(x, y)
	den.Mul(den, b)
	return level{num, den}
}

// times returns the level payment × k, rounded once with mode.
func (l level) times(k int64, cur money.Currency, mode money.RoundingMode) (money.Amount, error) {
	n := l.num
	if k != 1 {
		n = new(big.Int).Mul(l.num, big.NewInt(k))
	}
	q, ok := roundQuo(n, l.den, mode)
	if !ok {
		return money.Amount{}, fmt.Errorf("%w: level payment × %d", money.ErrOutOfRange, k)
	}
	return money.New(q, cur), nil
}

// installment returns the payment as the schedule shows it: rounded to the
// minor unit with t.Rounding, or to a multiple of t.InstallmentMultiple with
// t.InstallmentRounding.
func (l level) installment(t *Terms, cur money.Currency) (money.Amount, error) {
	step := t.InstallmentMultiple.Minor()
	if step <= 0 {
		return l.times(1, cur, t.Rounding)
	}
	q, ok := roundQuo(l.num, new(big.Int).Mul(l.den, big.NewInt(step)), t.InstallmentRounding)
	if !ok || q > money.MaxMinor/step {
		return money.Amount{}, fmt.Errorf("%w: level payment", money.ErrOutOfRange)
	}
	return money.New(q*step, cur), nil
}

// pow returns base^n (n ≥ 0) by squaring. big.Int.Exp would do, but it is
// built for modular exponentiation and costs several times more for the
// small powers a schedule needs. base is not changed.
func pow(base *big.Int, n int) *big.Int {
	result := big.NewInt(1)
	if n == 0 {
		return result
	}
	b := new(big.Int).Set(base)
	for {
		if n&1 == 1 {
			result.Mul(result, b)
		}
		n >>= 1
		if n == 0 {
			return result
		}
		b.Mul(b, b)
	}
}
