package money_test

import (
	"fmt"

	"github.com/lendcore/lendcore/money"
)

// Monthly interest on a mortgage balance: the rate stays an exact fraction
// (4.9 %/12 = 49/12000) and the product is rounded once, half-up, to the fen.
func ExampleAmount_MulRate() {
	balance := money.MustParse("1000000", money.CNY)
	monthly, _ := money.MustRate("4.9%").PerPeriod(12)
	interest, _ := balance.MulRate(monthly, money.HalfUp)
	fmt.Println(monthly, interest)
	// Output: 49/12000 CNY 4083.33
}

// Splitting a repayment among three investors: the parts always add up to
// the whole; the leftover fen goes to the largest remainder.
func ExampleAllocate() {
	parts, _ := money.Allocate(money.MustParse("100", money.CNY), []int64{50, 30, 20})
	fmt.Println(parts)
	parts, _ = money.Allocate(money.MustParse("0.10", money.CNY), []int64{1, 1, 1})
	fmt.Println(parts)
	// Output:
	// [CNY 50.00 CNY 30.00 CNY 20.00]
	// [CNY 0.04 CNY 0.03 CNY 0.03]
}

// Parsing refuses more decimals than the currency has.
func ExampleParse() {
	a, err := money.Parse("1,234.50", money.CNY)
	fmt.Println(a, err)
	_, err = money.Parse("1.005", money.CNY)
	fmt.Println(err)
	_, err = money.Parse("100.5", money.JPY)
	fmt.Println(err)
	// Output:
	// CNY 1234.50 <nil>
	// money: more decimals than the currency allows: "1.005" has more than 2 decimals for CNY
	// money: more decimals than the currency allows: "100.5" has more than 0 decimals for JPY
}
