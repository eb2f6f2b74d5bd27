package lendcore_test

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
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
