package lendcore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

// A loan is applied for, approved and disbursed through the Engine; the
// borrower misses the first installment and the daily close grades the
// loan and escalates it to M1 collections.
func Example() {
	ctx := context.Background()
	cny := func(s string) money.Amount { return money.MustParse(s, money.CNY) }
	policies := lendcore.DefaultPolicies()
	policies.Approval.Authority = loan.AuthorityPolicy{Officers: []loan.Officer{{ID: "officer-li", Limit: cny("500000")}}}
	e, err := lendcore.New(memory.New(), lendcore.WithPolicies(policies),
		lendcore.WithClock(func() time.Time { return time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC) }))
	if err != nil {
		panic(err)
	}

	id := uuid.MustParse("0b6f3f1e-0000-4000-8000-000000000001")
	var findings []loan.Finding
	for a := loan.BasicEligibility; a <= loan.Guarantees; a++ {
		findings = append(findings, loan.Finding{Area: a, Summary: "checked"})
	}
	_, err = e.Submit(ctx, loan.Request{
		ID: id,
		Terms: schedule.Terms{Principal: cny("10000"), AnnualRate: money.MustRate("12%"),
			Method: schedule.EqualInstallment, Frequency: schedule.Monthly, Periods: 12,
			Start: date.New(2026, 1, 15), DayCount: schedule.Thirty360},
		Borrower: uuid.MustParse("0b6f3f1e-0000-4000-8000-0000000000b1"), BorrowerKind: loan.Individual,
		Purpose: "consumption", SubmittedBy: "officer-wang", SubmittedOn: date.New(2026, 1, 10),
		Dossier: loan.Dossier{Findings: findings, Investigators: [2]string{"inv-zhao", "inv-qian"}, SignedOn: date.New(2026, 1, 9)},
	})
	if err != nil {
		panic(err)
	}
	if _, err := e.Approve(ctx, id, loan.Action{Officer: "officer-li", On: date.New(2026, 1, 12)}, loan.Exposure{}); err != nil {
		panic(err)
	}
	if _, err := e.Disburse(ctx, id, lendcore.Disbursement{Actor: "teller", IdempotencyKey: "disburse"}); err != nil {
		panic(err)
	}

	// Nothing is paid on the first due date, 2026-02-15.
	if _, err := e.CloseOfDay(ctx, date.New(2026, 2, 20)); err != nil {
		panic(err)
	}
	st, err := e.State(ctx, id)
	if err != nil {
		panic(err)
	}
	fmt.Println(st.DPD, "days past due,", st.Bucket, st.Grade.Chinese(), st.Stage, "collection", st.Collection)
	// Overdue: the 888.49 installment (100.00 interest + 788.49 principal)
	// plus five days of penalty at the default contract rate + 50 % = 18 %
	// on a 360-day year, the interest compounding: 888.49 × 18 % × 5/360 =
	// 2.22. Provision: 关注 at 2 % of the 10,000 balance.
	fmt.Println("overdue", st.Overdue.Number(), "balance", st.Balance.Number(), "provision", st.Provision.Number())
	// Output:
	// 5 days past due, M1 关注 stage-1 collection m1
	// overdue 890.71 balance 10000.00 provision 200.00
}

// A policy file is read strictly: a misspelt key is not silently ignored
// (the default would stay in force), and every problem is named by its
// JSON path.
func ExampleLoadPolicies() {
	file := `{"posting": {"future_days": 2}, "reminders": {"timed": ["sms", "fax"]}, "ladder": {"stagez": []}}`
	_, err := lendcore.LoadPolicies(strings.NewReader(file))
	var bad *fault.Fields
	if errors.As(err, &bad) {
		for _, f := range bad.List {
			fmt.Println(f.Name+":", f.Problem)
		}
	}
	p, err := lendcore.LoadPolicies(strings.NewReader(`{"posting": {"future_days": 2}}`))
	fmt.Println(p.Posting.FutureDays, err)
	// Output:
	// ladder.stagez: unknown field
	// reminders.timed: unknown channel "fax"; want one of: sms, email, phone, app-push, letter, visit
	// 2 <nil>
}

// A loan the old system kept until its cut-over comes in with its journal;
// the back office finds it in its overdue list.
func ExampleEngine_ImportLoan() {
	ctx := context.Background()
	e, err := lendcore.New(memory.New(),
		lendcore.WithClock(func() time.Time { return time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC) }))
	if err != nil {
		panic(err)
	}
	cny := func(s string) money.Amount { return money.MustParse(s, money.CNY) }
	id := uuid.MustParse("0b6f3f1e-0000-4000-8000-000000000002")
	_, err = e.ImportLoan(ctx, lendcore.LoanImport{
		ID: id, Borrower: uuid.MustParse("0b6f3f1e-0000-4000-8000-0000000000b2"),
		Terms: schedule.Terms{Principal: cny("10000"), AnnualRate: money.MustRate("12%"),
			Method: schedule.EqualInstallment, Frequency: schedule.Monthly, Periods: 12,
			Start: date.New(2026, 1, 15), DayCount: schedule.Thirty360},
		ImportedBy: "migration", CutOver: date.New(2026, 4, 30),
		Journal: []loan.Entry{{Kind: loan.Repayment, ValueDate: date.New(2026, 2, 15), Actor: "old-core",
			IdempotencyKey: "T-1", Amount: cny("888.49")}},
	})
	if err != nil {
		panic(err)
	}
	for row, err := range e.Loans(ctx, lendcore.LoanQuery{DaysPastDue: &storage.IntRange{Min: 1}}) {
		if err != nil {
			panic(err)
		}
		// Installment 2 fell due on 2026-03-15: 46 days before the cut-over.
		fmt.Println(row.ID == id, row.State.Day, row.State.DPD, row.State.Bucket, row.State.Collection)
	}
	// Output:
	// true 2026-04-30 46 M2 m2
}
