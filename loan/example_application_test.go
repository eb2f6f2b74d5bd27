package loan_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// An application for CNY 300,000 is investigated by two people, checked
// against the 2020 private-lending rate cap and the P2P borrowing limits,
// and approved by a credit committee of two after the investigator and an
// officer with too small a limit are refused.
func ExampleApplication_Approve() {
	var findings []loan.Finding
	for _, a := range []loan.Area{loan.BasicEligibility, loan.Operations, loan.Finances,
		loan.CreditRecord, loan.Management, loan.Guarantees} {
		findings = append(findings, loan.Finding{Area: a, Summary: "satisfactory"})
	}
	app, err := loan.NewApplication(loan.Request{
		ID: uuid.MustParse("6f1c2a9e-1d2b-4c3d-8e4f-5a6b7c8d9e0f"),
		Terms: schedule.Terms{
			Principal:  money.MustParse("300000", money.CNY),
			AnnualRate: money.MustRate("12%"),
			Method:     schedule.EqualPrincipal,
			Frequency:  schedule.Monthly,
			Periods:    24,
			Start:      date.New(2024, time.March, 1),
		},
		Borrower:     uuid.MustParse("0a0b0c0d-0e0f-4a1b-8c2d-3e4f5a6b7c8d"),
		BorrowerKind: loan.LegalEntity,
		Purpose:      "working-capital",
		Dossier: loan.Dossier{
			Findings:      findings,
			Investigators: [2]string{"li", "wang"}, // 双人调查
			SignedOn:      date.New(2024, time.February, 20),
		},
		SubmittedBy: "li",
		SubmittedOn: date.New(2024, time.February, 21),
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	policy := loan.ApprovalPolicy{
		Compliance: loan.CompliancePolicy{
			RateCap: loan.RateCapLPR(money.MustRate("3.45%")), // 4 × 3.45 % = 13.8 %
			Limits:  loan.P2PLimits(money.CNY),
		},
		Authority: loan.AuthorityPolicy{
			Officers: []loan.Officer{
				{ID: "wang", Limit: money.MustParse("1000000", money.CNY)},
				{ID: "zhao", Limit: money.MustParse("100000", money.CNY)},
				{ID: "qian", Limit: money.MustParse("200000", money.CNY), Committee: true},
				{ID: "sun", Limit: money.MustParse("200000", money.CNY), Committee: true},
			},
			CommitteeApprovals: 2,
		},
	}
	exposure := loan.Exposure{OnPlatform: money.MustParse("500000", money.CNY)}
	on := date.New(2024, time.February, 26)

	err = app.Approve(loan.Action{Officer: "wang", On: on}, policy, exposure)
	fmt.Println(errors.Is(err, loan.ErrAuthority), err)
	err = app.Approve(loan.Action{Officer: "zhao", On: on}, policy, exposure)
	fmt.Println(err)
	_ = app.Approve(loan.Action{Officer: "qian", On: on}, policy, exposure)
	fmt.Println(app.Status(), app.Approvers())
	_ = app.Approve(loan.Action{Officer: "sun", On: on}, policy, exposure)
	fmt.Println(app.Status(), app.Approvers())

	// Output:
	// true loan: approval authority: officer "wang": four-eyes-investigator: may not approve an application they investigated
	// loan: approval authority: officer "zhao": above-limit: 300000.00 exceeds the officer's limit 100000.00
	// submitted [qian]
	// approved [qian sun]
}
