package invest_test

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// A listing of 10,000 yuan is funded 5,000 / 3,000 / 2,000 and settles into
// a book; the first installment (888.49) is split among the investors to
// the fen, net of a 1 % servicing fee.
func Example() {
	cny := func(s string) money.Amount { return money.MustParse(s, money.CNY) }
	alice, bob, carol := uuid.UUID{15: 1}, uuid.UUID{15: 2}, uuid.UUID{15: 3}

	l, _ := invest.NewListing(invest.ListingTerms{
		Loan: uuid.UUID{15: 0xF0}, Target: cny("10000"), MinTicket: cny("100"),
		Deadline: date.New(2024, time.January, 14),
	})
	on := date.New(2024, time.January, 10)
	_ = l.Commit(alice, cny("5000"), on)
	_ = l.Commit(bob, cny("3000"), on)
	_ = l.Commit(carol, cny("2000"), on)
	book, err := l.Settle(date.New(2024, time.January, 15), invest.DefaultBookPolicy())
	if err != nil {
		fmt.Println(err)
		return
	}

	d, err := book.Distribute(invest.Repayment{
		On:          date.New(2024, time.February, 15),
		Installment: 1,
		Paid:        loan.Split{Principal: cny("788.49"), Interest: cny("100.00")},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range d.Receipts {
		fmt.Printf("holding %d: principal %s interest %s fee %s net %s\n",
			r.Holding, r.Gross.Principal.Number(), r.Gross.Interest.Number(), r.Fee.Number(), r.Net().Number())
	}
	fmt.Println("fees", d.Fees.Number(), "outstanding", book.Outstanding().Number())
	// Output:
	// holding 0: principal 394.24 interest 50.00 fee 4.44 net 439.80
	// holding 1: principal 236.55 interest 30.00 fee 2.67 net 263.88
	// holding 2: principal 157.70 interest 20.00 fee 1.78 net 175.92
	// fees 8.89 outstanding 9211.51
}

// A host stores a book as its opening and a log of operations: each
// command applies one operation and appends it; any replica rebuilds the
// book from what is stored.
func ExampleOpenBook() {
	cny := func(s string) money.Amount { return money.MustParse(s, money.CNY) }
	loanID, alice, bob := uuid.UUID{15: 0xF0}, uuid.UUID{15: 1}, uuid.UUID{15: 2}

	book, _ := invest.NewBook(loanID, date.New(2024, time.January, 15),
		[]invest.Funding{{Investor: alice, Amount: cny("6000")}, {Investor: bob, Amount: cny("4000")}},
		invest.DefaultBookPolicy())
	opening := book.Opening() // stored once, as the book's header

	op := invest.BookOp{Distribute: &invest.Repayment{On: date.New(2024, time.February, 15), Installment: 1,
		Paid: loan.Split{Principal: cny("2500"), Interest: cny("100")}}}
	res, err := book.Apply(op) // the command: apply, then append op to the log
	if err != nil {
		fmt.Println(err)
		return
	}
	d := res.(*invest.Distribution)
	fmt.Println(op.Kind(), op.Day(), "fees", d.Fees.Number())

	// Another replica, later: the opening and the log give the same book.
	again, err := opening.Open(loanID, op)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("outstanding", again.Outstanding().Number(), "holders", len(again.Holders()))
	// Output:
	// distribution 2024-02-15 fees 26.00
	// outstanding 7500.00 holders 2
}
