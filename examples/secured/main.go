// Secured monitors the collateral behind a loan with package collateral on
// its own (no Engine, no store): a flat and a car secure one loan; the car
// is revalued every quarter by depreciation, the flat yearly by a regional
// price index; a price fall takes the loan above the margin-call line, and
// a cash deposit pledged as a top-up cures the call.
//
//	go run ./examples/secured
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/shopspring/decimal"

	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/money"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "secured:", err)
		os.Exit(1)
	}
}

var (
	loanID  = uuid.MustParse("00000000-0000-4000-8000-000000000003")
	flatID  = uuid.MustParse("00000000-0000-4000-8000-0000000000f1")
	carID   = uuid.MustParse("00000000-0000-4000-8000-0000000000c1")
	topUpID = uuid.MustParse("00000000-0000-4000-8000-0000000000d1")
	names   = map[uuid.UUID]string{flatID: "flat", carID: "car", topUpID: "deposit"}
)

func cny(s string) money.Amount { return money.MustParse(s, money.CNY) }

func day(y int, m time.Month, d int) date.Date { return date.New(y, m, d) }

// hangzhou is the regional house-price index the flat follows (levels
// published monthly; the latest on or before a day applies).
var hangzhou = collateral.IndexSeries{
	{Month: day(2025, time.January, 1), Level: decimal.RequireFromString("100.0")},
	{Month: day(2025, time.July, 1), Level: decimal.RequireFromString("90.0")},
	{Month: day(2026, time.January, 1), Level: decimal.RequireFromString("72.0")},
}

// outstanding is the loan's balance on each review day, as the loan
// ledger reports it (here a fixed table; in a host, loan.Position).
var outstanding = map[date.Date]money.Amount{
	day(2025, time.January, 10): cny("800000"),
	day(2025, time.April, 10):   cny("790000"),
	day(2025, time.July, 10):    cny("780000"),
	day(2025, time.October, 10): cny("770000"),
	day(2026, time.January, 10): cny("760000"),
	day(2026, time.January, 15): cny("760000"),
}

func run(w io.Writer) error {
	policy := collateral.DefaultPolicy()
	reg, err := collateral.NewRegister(policy)
	if err != nil {
		return err
	}
	t := policy.Thresholds
	fmt.Fprintf(w, "policy: LTV = outstanding ÷ lending value; warn above %s, margin call above %s (cure within %d days), liquidate above %s\n",
		t.WarningLTV.Percent(0), t.MarginCallLTV.Percent(0), t.CallDays, t.LiquidationLTV.Percent(0))
	for _, k := range policy.Kinds {
		if k.Kind == collateral.RealEstate || k.Kind == collateral.Vehicle {
			fmt.Fprintf(w, "  %s: haircut %s, revalue every %s by %s\n", k.Kind, k.Haircut.Percent(0), k.Every, k.Method)
		}
	}

	// Registration and first valuations on the loan's start date.
	start := day(2025, time.January, 10)
	lien := []collateral.Lien{{LoanID: loanID, Rank: 1}}
	if err := reg.Add(collateral.Item{ID: flatID, Kind: collateral.RealEstate, Owner: "Chen Jing", Currency: money.CNY,
		Description: "flat, Xihu district", Region: "hangzhou", Liens: lien,
		Registration: collateral.Registration{CertificateNumber: "浙(2025)杭州市不动产证明第0000001号", Authority: "Hangzhou registry", Rank: 1}}); err != nil {
		return err
	}
	if err := reg.Add(collateral.Item{ID: carID, Kind: collateral.Vehicle, Owner: "Chen Jing", Currency: money.CNY,
		Description: "saloon car", Cost: cny("200000"), AcquiredOn: start, Liens: lien,
		Registration: collateral.Registration{CertificateNumber: "浙A-00001", Authority: "vehicle registry", Rank: 1}}); err != nil {
		return err
	}
	for _, id := range []uuid.UUID{flatID, carID} {
		if err := reg.Pledge(id, start); err != nil {
			return err
		}
	}
	if err := reg.AddValuation(flatID, collateral.Valuation{Date: start, Amount: cny("1200000"),
		Method: collateral.Appraisal, Source: "Zhejiang Appraisal Co."}, start); err != nil {
		return err
	}
	market := collateral.MarketData{Indices: map[string]collateral.IndexSeries{"hangzhou": hangzhou}, Source: "Hangzhou price index"}
	if _, err := reg.Revalue(carID, start, market); err != nil { // age 0: worth its cost
		return err
	}
	fmt.Fprintln(w)
	if err := review(w, reg, start); err != nil {
		return err
	}

	// Quarterly monitoring: revalue what is due, then measure coverage.
	for _, d := range []date.Date{day(2025, time.April, 10), day(2025, time.July, 10), day(2025, time.October, 10), day(2026, time.January, 10)} {
		fmt.Fprintln(w)
		for _, due := range reg.DueRevaluations(d) {
			v, err := reg.Revalue(due.ItemID, d, market)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "%s revaluation due (%s since %s): %s by %s = %s\n", d, names[due.ItemID], due.DueOn, due.Reason, v.Method, v.Value.Number())
		}
		if err := review(w, reg, d); err != nil {
			return err
		}
	}
	call, ok := reg.Call(loanID)
	if !ok {
		return fmt.Errorf("expected a margin call")
	}
	fmt.Fprintf(w, "margin call raised %s: %s demanded by %s\n", call.RaisedOn, call.Demanded.Number(), call.Deadline)

	// The borrower pledges a cash deposit of 60,000 within the deadline.
	topUp := day(2026, time.January, 15)
	if err := reg.Add(collateral.Item{ID: topUpID, Kind: collateral.Deposit, Owner: "Chen Jing", Currency: money.CNY,
		Description: "term deposit", Liens: lien, Registration: collateral.Registration{Authority: "own bank", Rank: 1}}); err != nil {
		return err
	}
	if err := reg.Pledge(topUpID, topUp); err != nil {
		return err
	}
	if err := reg.AddValuation(topUpID, collateral.Valuation{Date: topUp, Amount: cny("60000"),
		Method: collateral.MarketPrice, Source: "deposit statement"}, topUp); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s top-up: deposit of 60000.00 pledged\n", topUp)
	if err := review(w, reg, topUp); err != nil {
		return err
	}
	for _, c := range reg.CuredCalls() {
		fmt.Fprintf(w, "margin call of %s %s on %s\n", c.RaisedOn, c.Status, c.ClosedOn)
	}
	return nil
}

// review prints each item's value and the loan's coverage on day.
func review(w io.Writer, reg *collateral.Register, d date.Date) error {
	for _, id := range []uuid.UUID{flatID, carID, topUpID} {
		v, err := reg.ValueAt(id, d)
		if err != nil {
			continue // not registered yet
		}
		fmt.Fprintf(w, "%s %-7s market %10s lending %10s (%s valuation of %s)\n", d, names[id],
			v.Market.Number(), v.Lending.Number(), v.State, v.Valuation.Date)
	}
	res, err := reg.Evaluate(d, []collateral.Exposure{{LoanID: loanID, Outstanding: outstanding[d]}})
	if err != nil {
		return err
	}
	c := res[0]
	ltv, _ := c.LTV()
	fmt.Fprintf(w, "%s loan    owes   %10s lending %10s LTV %s shortfall %s → %s\n", d,
		c.Outstanding.Number(), c.LendingValue.Number(), ltv.Percent(1), c.Shortfall.Number(), c.Action)
	return nil
}
