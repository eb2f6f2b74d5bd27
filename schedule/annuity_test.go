package schedule

import (
	"math/rand/v2"
	"testing"

	"github.com/lendcore/lendcore/money"
)

// exactLevel is the reference: the level payment as an exact fraction,
// rounded once.
func exactLevel(t *testing.T, balance, num, den int64, m int, step int64, mode money.RoundingMode) int64 {
	t.Helper()
	r, err := money.NewRate(num, den)
	if err != nil {
		t.Fatal(err)
	}
	terms := &Terms{Rounding: mode, InstallmentRounding: mode}
	if step > 1 {
		terms.InstallmentMultiple = money.New(step, money.CNY)
	}
	pay, err := annuity(money.New(balance, money.CNY), r, m).installment(terms, money.CNY)
	if err != nil {
		t.Fatal(err)
	}
	return pay.Minor() / step
}

// TestQuickLevelAgreesWithExact draws terms across the range lenders use
// (and beyond) and checks that whenever the float estimate decides, it
// decides as the exact fraction does.
func TestQuickLevelAgreesWithExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 9))
	decided := 0
	const cases = 20000
	for i := range cases {
		balance := 1 + rng.Int64N(10_000_000_000) // up to 100 million yuan
		den := []int64{1200, 12000, 120000, 36500, 5200, 2400, 100, 1_000_000_007}[rng.IntN(8)]
		num := 1 + rng.Int64N(den/4)
		m := 1 + rng.IntN(480)
		step := []int64{1, 1, 1, 100, 1000}[rng.IntN(5)]
		mode := money.RoundingMode(rng.IntN(6))
		q, ok := quickLevel(balance, num, den, m, step, mode)
		if !ok {
			continue
		}
		decided++
		if want := exactLevel(t, balance, num, den, m, step, mode); q != want {
			t.Fatalf("case %d: balance %d, rate %d/%d, %d periods, step %d, %s: quick %d, exact %d",
				i, balance, num, den, m, step, mode, q, want)
		}
	}
	// The fast path must actually carry the common case.
	if decided < cases*9/10 {
		t.Fatalf("the estimate decided only %d of %d cases", decided, cases)
	}
}

// TestQuickLevelDefersOnBoundary: one period at 50% on 5 minor units is
// exactly 7.5, a tie the estimate cannot see; it must hand the case to the
// exact path, which rounds the tie by the mode.
func TestQuickLevelDefersOnBoundary(t *testing.T) {
	for _, mode := range []money.RoundingMode{money.HalfUp, money.HalfEven} {
		if _, ok := quickLevel(5, 1, 2, 1, 1, mode); ok {
			t.Fatalf("%s: the estimate decided a tie", mode)
		}
	}
	// 10 at 50% for one period is exactly 15: directed modes defer too.
	if _, ok := quickLevel(10, 1, 2, 1, 1, money.Down); ok {
		t.Fatal("down: the estimate decided an exact integer")
	}
	r, _ := money.NewRate(1, 2)
	for mode, want := range map[money.RoundingMode]int64{money.HalfUp: 8, money.HalfEven: 8, money.Down: 7} {
		pay, err := levelInstallment(money.New(5, money.CNY), r, 1, &Terms{Rounding: mode})
		if err != nil {
			t.Fatal(err)
		}
		if pay.Minor() != want {
			t.Errorf("%s: 7.5 rounds to %d, want %d", mode, pay.Minor(), want)
		}
	}
}
