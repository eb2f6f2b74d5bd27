package schedule

import (
	"fmt"
	"math"
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
// caller). A zero rate gives B/m. This and levelInstallment's fallback to
// it are the one place a schedule uses arbitrary-precision arithmetic; the
// per-period loop runs in int64 minor units.
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

// levelInstallment returns the level installment that repays balance in m
// periods at the periodic rate r, rounded as t says (see level.installment).
//
// Most schedules never need the big integers of annuity: a float64 estimate
// of the payment is within a few hundred ulps of the exact value, so when
// the estimate lies clearly away from a rounding boundary it rounds exactly
// as the exact fraction would. Only estimates close to a boundary (and huge
// or unusual ones) take the exact path; the answer is the same either way.
func levelInstallment(balance money.Amount, r money.Rate, m int, t *Terms) (money.Amount, error) {
	step := max(t.InstallmentMultiple.Minor(), 1)
	mode := t.Rounding
	if t.InstallmentMultiple.Minor() > 0 {
		mode = t.InstallmentRounding
	}
	if q, ok := quickLevel(balance.Minor(), r.Num(), r.Den(), m, step, mode); ok {
		return money.New(q*step, balance.Currency()), nil
	}
	return annuity(balance, r, m).installment(t, balance.Currency())
}

// quickTolerance bounds the relative error of quickLevel's estimate. The
// estimate's error is below 2,500 ulps (about 5.6e-13) for every term whose
// growth factor (1+r)^m stays below e^700, which quickLevel checks: Log1p
// and Expm1 are within an ulp, and Expm1 magnifies its argument's error by
// at most 1+y. The tolerance leaves a margin of more than fifteen.
const quickTolerance = 1e-11

// quickLevel estimates balance·r·(1+r)^m / ((1+r)^m − 1) / step with r =
// num/den and rounds it to an integer with mode. ok is false when the
// estimate cannot decide the rounding: it is too close to a boundary, too
// large for float64 to hold its fraction, or outside the analysed range.
func quickLevel(balance, num, den int64, m int, step int64, mode money.RoundingMode) (q int64, ok bool) {
	if balance <= 0 || num <= 0 || den <= 0 || m < 1 || step < 1 {
		return 0, false
	}
	r := float64(num) / float64(den)
	y := float64(m) * math.Log1p(r) // ln (1+r)^m
	if !(y > 0 && y < 700) {
		return 0, false
	}
	// (1+r)^m − 1 by Expm1 keeps its relative accuracy when r·m is small,
	// where computing (1+r)^m first would cancel.
	grown := math.Expm1(y)
	p := float64(balance) * r * (1 + 1/grown) / float64(step)
	tol := p*quickTolerance + 1e-9
	if !(p > 0 && p < 1<<40) { // beyond 2^40 the tolerance alone exceeds a unit
		return 0, false
	}
	floor := math.Floor(p)
	frac := p - floor
	var up bool
	switch mode {
	case money.HalfUp, money.HalfEven:
		if math.Abs(frac-0.5) <= tol {
			return 0, false
		}
		up = frac > 0.5
	case money.Down, money.Floor, money.Up, money.Ceiling:
		if frac <= tol || 1-frac <= tol {
			return 0, false
		}
		up = mode == money.Up || mode == money.Ceiling
	default:
		return 0, false
	}
	q = int64(floor)
	if up {
		q++
	}
	return q, q <= money.MaxMinor/step
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
