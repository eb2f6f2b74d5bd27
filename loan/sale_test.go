package loan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

func saleEntry(on, owner, ratio, key string) Entry {
	return with(Sale, on, money.Amount{}, key, func(e *Entry) {
		e.Transfer = &Transfer{Owner: owner, PriceRatio: money.MustRate(ratio)}
	})
}

// TestSaleAndBuybackAsFineract reproduces Fineract's external asset owner
// transfer journal entries (AssetExternalization.feature, "Verify that
// Asset externalization SALES and BUYBACK has the correct Journal entries:
// no other transactions" and "…: fee applied before sale…"): a 1,000.00
// loan disbursed 2023-05-01 with a 10.00 fee is sold on 2023-05-21 at a
// price ratio of 1 — the seller credits loans receivable 1,000.00 and fee
// receivable 10.00 and debits asset transfer 1,010.00; the owner debits
// the receivables and credits asset transfer — and bought back on
// 2023-05-30 with the same entries reversed. From the sale on, the
// postings are the owner's.
func TestSaleAndBuybackAsFineract(t *testing.T) {
	terms := schedule.Terms{Principal: yuan("1000"), AnnualRate: money.MustRate("0"), Method: schedule.EqualPrincipal,
		Frequency: schedule.Monthly, Periods: 1, Start: day(2023, 5, 1), DayCount: schedule.Actual360}
	l := newTestLoan(t, terms, DefaultPolicy())
	mustPost(t, l, entry(FeeCharge, day(2023, 5, 10), yuan("10"), "fee"))
	sale := mustPost(t, l, saleEntry("2023-05-21", "fund-a", "1", "sale"))
	pay := mustPost(t, l, entry(Repayment, day(2023, 5, 25), yuan("10"), "fee paid"))
	back := mustPost(t, l, with(Buyback, "2023-05-30", money.Amount{}, "buyback", func(e *Entry) { e.Transfer = &Transfer{Owner: "fund-a"} }))

	acc := DefaultChartOfAccounts()
	ps, err := l.Postings(day(2023, 6, 1))
	require.NoError(t, err)
	of := func(r Result) []Posting {
		var out []Posting
		for _, p := range ps {
			if p.Seq == r.Version {
				out = append(out, p)
			}
		}
		return out
	}
	post := func(r Result, on string, owner, debit, credit, amount string) Posting {
		d, _ := schedule.ParseDate(on)
		return Posting{Date: d, Entry: r.Entry.ID, Seq: r.Version, Kind: r.Entry.Kind.String(), Debit: debit,
			Credit: credit, Amount: yuan(amount), Owner: owner}
	}
	assert.Equal(t, []Posting{
		post(sale, "2023-05-21", "", acc.AssetTransfer, acc.LoansReceivable, "1000"),
		post(sale, "2023-05-21", "", acc.AssetTransfer, acc.FeeReceivable, "10"),
		post(sale, "2023-05-21", "fund-a", acc.LoansReceivable, acc.AssetTransfer, "1000"),
		post(sale, "2023-05-21", "fund-a", acc.FeeReceivable, acc.AssetTransfer, "10"),
	}, of(sale))
	// Paid before installment 1 (which carries the fee) falls due: credit
	// balance, in the owner's books.
	assert.Equal(t, []Posting{post(pay, "2023-05-25", "fund-a", acc.Cash, acc.Overpayment, "10")}, of(pay),
		"the owner's books from the sale on")
	// The buyback moves every balance back, the overpayment liability too
	// (as Fineract's transfer moves the overpaid amount).
	assert.Equal(t, []Posting{
		post(back, "2023-05-30", "fund-a", acc.AssetTransfer, acc.LoansReceivable, "1000"),
		post(back, "2023-05-30", "fund-a", acc.AssetTransfer, acc.FeeReceivable, "10"),
		post(back, "2023-05-30", "fund-a", acc.Overpayment, acc.AssetTransfer, "10"),
		post(back, "2023-05-30", "", acc.LoansReceivable, acc.AssetTransfer, "1000"),
		post(back, "2023-05-30", "", acc.FeeReceivable, acc.AssetTransfer, "10"),
		post(back, "2023-05-30", "", acc.AssetTransfer, acc.Overpayment, "10"),
	}, of(back))
	// Summed by owner, each side's receivables net to zero over the sale
	// and the buyback, and the asset-transfer account to zero overall.
	bal := map[[2]string]int64{}
	for _, x := range ps {
		bal[[2]string{x.Owner, x.Debit}] += x.Amount.Minor()
		bal[[2]string{x.Owner, x.Credit}] -= x.Amount.Minor()
	}
	assert.Zero(t, bal[[2]string{"fund-a", acc.LoansReceivable}])
	assert.Zero(t, bal[[2]string{"fund-a", acc.AssetTransfer}]+bal[[2]string{"", acc.AssetTransfer}])
	p := mustPos(t, l, day(2023, 5, 25))
	assert.Equal(t, "fund-a", p.Owner)
	require.NotNil(t, p.Sale)
	assert.Equal(t, SaleRecord{Owner: "fund-a", PriceRatio: money.MustRate("1"), SettledOn: day(2023, 5, 21)}, *p.Sale)
	p = mustPos(t, l, day(2023, 6, 1))
	assert.Empty(t, p.Owner)
	require.NotNil(t, p.Sale.BoughtBackOn)
	assert.Equal(t, day(2023, 5, 30), *p.Sale.BoughtBackOn)
}

// TestSaleRefusals: Fineract's refusals — a loan already owned cannot be
// sold again (ASSET_OWNED_CANNOT_BE_SOLD), one not owned cannot be bought
// back (ASSET_NOT_OWNED_CANNOT_BE_BOUGHT), a paid-off loan cannot be sold
// (LOAN_NOT_ACTIVE) — and a written-off loan only when the policy allows.
func TestSaleRefusals(t *testing.T) {
	l := threeMonthLoan(t, DefaultPolicy())
	_, err := l.Post(with(Buyback, "2026-02-01", money.Amount{}, "bb", nil))
	assertField(t, err, "kind")
	mustPost(t, l, saleEntry("2026-02-01", "fund-a", "0.98", "sale"))
	_, err = l.Post(saleEntry("2026-02-02", "fund-b", "1", "again"))
	assertField(t, err, "transfer.owner")
	_, err = l.Post(with(Buyback, "2026-02-03", money.Amount{}, "bb", func(e *Entry) { e.Transfer = &Transfer{Owner: "fund-b"} }))
	assertField(t, err, "transfer.owner")

	wo := writtenOffLoan(t)
	_, err = wo.Post(saleEntry("2026-04-01", "fund-a", "0.1", "sale"))
	assertField(t, err, "kind")
	pol := DefaultPolicy()
	pol.Sale.AllowWrittenOff = true
	w := threeMonthLoan(t, pol)
	e := entry(WriteOff, day(2026, 3, 1), money.Amount{}, "wo")
	e.Approver, e.Reason = "board", "insolvent"
	mustPost(t, w, e)
	mustPost(t, w, saleEntry("2026-04-01", "collector", "0.1", "sale"))
	mustPost(t, w, entry(Recovery, day(2026, 5, 1), yuan("100"), "rec"))
	ps, err := w.Postings(day(2026, 5, 1))
	require.NoError(t, err)
	assert.Equal(t, Posting{Date: day(2026, 5, 1), Entry: ps[len(ps)-1].Entry, Seq: 4, Kind: "recovery",
		Debit: "cash", Credit: "recovery-income", Amount: yuan("100"), Owner: "collector"}, ps[len(ps)-1])

	_, err = closedLoan(t).Post(saleEntry("2026-03-20", "fund-a", "1", "sale"))
	assert.ErrorIs(t, err, ErrIllegalTransition)

	// A chart without the asset-transfer account refuses sales.
	pol = DefaultPolicy()
	pol.Accounts.AssetTransfer = ""
	_, err = threeMonthLoan(t, pol).Post(saleEntry("2026-02-01", "fund-a", "1", "sale"))
	assertField(t, err, "policy.accounts.asset_transfer")
}
