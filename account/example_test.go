package account_test

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/account"
	"github.com/lendcore/lendcore/money"
)

// An investor deposits 1,000, bids 600 on a listing (frozen until it
// fills), and withdraws what is available; the custodian's statement of
// the day agrees with the books.
func Example() {
	on := date.New(2024, time.March, 1)
	id := uuid.MustParse("00000000-0000-0000-0000-000000000001")
	a, _ := account.New(id, account.Investor, money.CNY)
	_, _ = a.Post(account.Deposit, "dep-1", "", on, money.MustParse("1000", money.CNY))
	_, _ = a.Post(account.Freeze, "bid-1", "listing-1", on, money.MustParse("600", money.CNY))
	w, _, _ := a.RequestWithdrawal(uuid.MustParse("00000000-0000-0000-0000-0000000000aa"), on, money.MustParse("400", money.CNY))
	_, _, err := a.RequestWithdrawal(uuid.New(), on, money.MustParse("0.01", money.CNY))
	fmt.Println(err)
	_, _ = w.Answer(a, account.EventComplete, on)
	fmt.Println(a.Balance, a.Frozen, a.Available(), w.State)

	total := money.MustParse("600", money.CNY)
	r, _ := account.Reconcile(money.CNY, map[uuid.UUID]money.Amount{id: a.Balance}, account.Statement{AsOf: on, Total: &total})
	fmt.Println(r.Balanced())
	// Output:
	// account: invalid input: amount: withdrawal-requested CNY 0.01 exceeds the available CNY 0.00
	// CNY 600.00 CNY 600.00 CNY 0.00 completed
	// true
}

// An investor's statement of March: a February deposit opens it, a bid
// settles and a distribution arrives in it.
func ExampleHistory() {
	id := uuid.MustParse("00000000-0000-0000-0000-000000000001")
	a, _ := account.New(id, account.Investor, money.CNY)
	cny := func(s string) money.Amount { return money.MustParse(s, money.CNY) }
	var es []account.Entry
	post := func(k account.Kind, key string, on date.Date, amount string) {
		e, _ := a.Post(k, key, "", on, cny(amount))
		es = append(es, e)
	}
	post(account.Deposit, "dep", date.New(2024, time.February, 20), "1000")
	post(account.Freeze, "bid", date.New(2024, time.March, 1), "600")
	post(account.Settle, "bid/settled", date.New(2024, time.March, 5), "600")
	post(account.Distribution, "dist", date.New(2024, time.March, 15), "55.50")

	h, _ := account.NewHistory(id, money.CNY, date.New(2024, time.March, 1), date.New(2024, time.March, 31))
	for _, e := range es {
		_ = h.Add(e)
	}
	fmt.Println("opening", h.Opening.Balance, "closing", h.Closing.Balance)
	for _, e := range h.Entries {
		fmt.Println(e.Day, e.Kind, e.Amount, e.Frozen)
	}
	// Output:
	// opening CNY 1000.00 closing CNY 455.50
	// 2024-03-01 freeze CNY 0.00 CNY 600.00
	// 2024-03-05 settle CNY -600.00 CNY -600.00
	// 2024-03-15 distribution CNY 55.50 CNY 0.00
}
