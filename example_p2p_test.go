package lendcore_test

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/account"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage/memory"
)

// An approved application is listed; two investors deposit and bid, their
// bids frozen in their accounts; the bid that fills the listing disburses
// the loan, funded by the bids, and the borrower's account receives the
// principal; the borrower withdraws it through the payment rail.
func ExampleEngine_PlaceBid() {
	ctx := context.Background()
	cny := func(s string) money.Amount { return money.MustParse(s, money.CNY) }
	policies := lendcore.DefaultPolicies()
	policies.Approval.Authority = loan.AuthorityPolicy{Officers: []loan.Officer{{ID: "officer-li", Limit: cny("500000")}}}
	e, err := lendcore.New(memory.New(), lendcore.WithPolicies(policies),
		lendcore.WithClock(func() time.Time { return time.Date(2026, 1, 16, 9, 0, 0, 0, time.UTC) }))
	if err != nil {
		panic(err)
	}
	app, borrower := uuid.MustParse("0b6f3f1e-0000-4000-8000-000000000001"), uuid.MustParse("0b6f3f1e-0000-4000-8000-0000000000b1")
	var findings []loan.Finding
	for a := loan.BasicEligibility; a <= loan.Guarantees; a++ {
		findings = append(findings, loan.Finding{Area: a, Summary: "checked"})
	}
	if _, err := e.Submit(ctx, loan.Request{ID: app, Borrower: borrower, BorrowerKind: loan.Individual,
		Terms: schedule.Terms{Principal: cny("10000"), AnnualRate: money.MustRate("12%"), Method: schedule.EqualInstallment,
			Frequency: schedule.Monthly, Periods: 12, Start: date.New(2026, 1, 15), DayCount: schedule.Thirty360},
		Purpose: "consumption", SubmittedBy: "officer-wang", SubmittedOn: date.New(2026, 1, 10),
		Dossier: loan.Dossier{Findings: findings, Investigators: [2]string{"inv-zhao", "inv-qian"}, SignedOn: date.New(2026, 1, 9)},
	}); err != nil {
		panic(err)
	}
	if _, err := e.Approve(ctx, app, loan.Action{Officer: "officer-li", On: date.New(2026, 1, 12)}, loan.Exposure{}); err != nil {
		panic(err)
	}
	if _, err := e.PublishListing(ctx, app, lendcore.ListingRequest{Day: date.New(2026, 1, 12), Closes: date.New(2026, 1, 14),
		MinBid: cny("100")}); err != nil {
		panic(err)
	}

	zhang, wu := uuid.MustParse("0b6f3f1e-0000-4000-8000-00000000000a"), uuid.MustParse("0b6f3f1e-0000-4000-8000-00000000000b")
	for _, inv := range []uuid.UUID{zhang, wu} {
		if _, err := e.OpenAccount(ctx, inv, account.Investor, money.CNY, date.New(2026, 1, 12)); err != nil {
			panic(err)
		}
		if _, err := e.Deposit(ctx, inv, lendcore.CashMove{Key: "top-up", Day: date.New(2026, 1, 12), Amount: cny("6000")}); err != nil {
			panic(err)
		}
	}
	st, _ := e.PlaceBid(ctx, app, lendcore.Bid{Investor: zhang, Amount: cny("6000"), Day: date.New(2026, 1, 13), Key: "z1"})
	fmt.Println(st.State, "committed", st.Committed.Number(), "remaining", st.Remaining.Number())
	_, err = e.PlaceBid(ctx, app, lendcore.Bid{Investor: wu, Amount: cny("5000"), Day: date.New(2026, 1, 13), Key: "w1"})
	fmt.Println(err)
	st, _ = e.PlaceBid(ctx, app, lendcore.Bid{Investor: wu, Amount: cny("4000"), Day: date.New(2026, 1, 13), Key: "w2"})
	fmt.Println(st.State)

	b, _ := e.Account(ctx, borrower)
	fmt.Println("borrower", b.Balance.Number())
	w, _ := e.RequestWithdrawal(ctx, borrower, uuid.MustParse("0b6f3f1e-0000-4000-8000-0000000000ff"), date.New(2026, 1, 15), cny("10000"))
	w, _ = e.AnswerWithdrawal(ctx, w.ID, account.EventComplete, date.New(2026, 1, 16))
	b, _ = e.Account(ctx, borrower)
	fmt.Println("withdrawal", w.State, "borrower", b.Balance.Number())
	// Output:
	// open committed 6000.00 remaining 4000.00
	// invest: invalid input: amount: CNY 5000.00 exceeds the remaining CNY 4000.00
	// settled
	// borrower 10000.00
	// withdrawal completed borrower 0.00
}
