package invest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// Issue 8, first hand-computed test.
func TestDistributeIssueExample(t *testing.T) {
	b := fundedBook(t)
	d, err := b.Distribute(period1)
	require.NoError(t, err)
	require.Len(t, d.Receipts, 3)

	// Interest 100.00 splits exactly 50/30/20.
	// Principal 78,849 fen × 0.5 / 0.3 / 0.2 = 39,424.5 / 23,654.7 / 15,769.8:
	// the truncated parts 39,424 + 23,654 + 15,769 = 78,847 leave 2 fen, which
	// go to the largest remainders .8 (carol) and .7 (bob).
	// Fee 1 % of each receipt, half-up: alice 444.24 → 4.4424 → 4.44, net
	// 439.80; bob 266.55 → 2.6655 → 2.67; carol 177.70 → 1.777 → 1.78.
	want := []struct {
		principal, interest, fee, net string
	}{
		{"394.24", "50.00", "4.44", "439.80"},
		{"236.55", "30.00", "2.67", "263.88"},
		{"157.70", "20.00", "1.78", "175.92"},
	}
	for i, w := range want {
		r := d.Receipts[i]
		assert.Equal(t, HoldingID(i), r.Holding)
		assert.Equal(t, amt(w.principal), r.Gross.Principal, "holding %d principal", i)
		assert.Equal(t, amt(w.interest), r.Gross.Interest, "holding %d interest", i)
		assert.Equal(t, amt(w.fee), r.Fee, "holding %d fee", i)
		assert.Equal(t, amt(w.net), r.Net(), "holding %d net", i)
	}
	// 4.44 + 2.67 + 1.78 = 8.89; nets 879.60 + fees 8.89 = 888.49 paid.
	assert.Equal(t, amt("8.89"), d.Fees)
	assert.Equal(t, period1.Paid.Total(), sumNet(d).Add(d.Fees))
	// Holdings 4,605.76 + 2,763.45 + 1,842.30 = 9,211.51 = 10,000 − 788.49.
	assert.Equal(t, amt("9211.51"), b.Outstanding())
	h, _ := b.Holding(0)
	assert.Equal(t, amt("4605.76"), h.Principal)
}

func sumNet(d *Distribution) money.Amount {
	t := money.Zero(money.CNY)
	for _, r := range d.Receipts {
		t = t.Add(r.Net())
	}
	for _, r := range d.Recoveries {
		t = t.Add(r.Amount.Total())
	}
	return t
}

// The servicing fee's two bases, and no fee on a missed (zero) payment.
func TestServicingFeeBasis(t *testing.T) {
	cases := []struct {
		name  string
		fee   ServicingFee
		paid  loan.Split
		fees  string // total
		alice string // alice's fee
	}{
		// 1 % of interest only: 0.50 / 0.30 / 0.20.
		{"interest", ServicingFee{Basis: FeeOnInterest, Rate: money.MustRate("1%")}, period1.Paid, "1.00", "0.50"},
		// 1 % of each receipt (the issue's example).
		{"receipt", ServicingFee{Basis: FeeOnReceipt, Rate: money.MustRate("1%")}, period1.Paid, "8.89", "4.44"},
		// 10 % of interest 1.00 split 0.50/0.30/0.20: 0.05/0.03/0.02.
		{"small", ServicingFee{Basis: FeeOnInterest, Rate: money.MustRate("10%")}, split("0", "1.00"), "0.10", "0.05"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := DefaultBookPolicy()
			p.Servicing = c.fee
			b, err := NewBook(loanID, day(2024, 1, 15), []Funding{{alice, amt("5000")}, {bob, amt("3000")}, {carol, amt("2000")}}, p)
			require.NoError(t, err)
			d, err := b.Distribute(Repayment{On: day(2024, 2, 15), Installment: 1, Paid: c.paid})
			require.NoError(t, err)
			assert.Equal(t, amt(c.fees), d.Fees)
			assert.Equal(t, amt(c.alice), receiptOf(d, 0).Fee)
			assert.Equal(t, c.paid.Total(), sumNet(d).Add(d.Fees))
		})
	}
	t.Run("missed payment", func(t *testing.T) {
		b := fundedBook(t)
		d, err := b.Distribute(Repayment{On: day(2024, 2, 15), Installment: 1, Paid: split("0", "0")})
		require.NoError(t, err)
		assert.Empty(t, d.Receipts)
		assert.True(t, d.Fees.IsZero())
	})
}

// money.Allocate's tie rule as seen by investors: equal remainders go to the
// larger holding, then to the older (lower id) one.
func TestDistributeTieRule(t *testing.T) {
	cases := []struct {
		name     string
		fundings []string
		interest string
		want     []string
	}{
		// 0.01 over three equal holdings: remainders ⅓ each, weights equal →
		// the oldest holding gets the cent.
		{"equal holdings", []string{"100", "100", "100"}, "0.01", []string{"0.01", "0", "0"}},
		// 0.02 over 100/100/200: exact parts 0.5/0.5/1 fen; the two ½ remainders
		// tie on weight too → the first holding.
		{"older wins", []string{"100", "100", "200"}, "0.02", []string{"0.01", "0", "0.01"}},
		// 0.01 over 100/300: parts ¼ and ¾ fen; the larger remainder wins.
		{"larger remainder", []string{"100", "300"}, "0.01", []string{"0", "0.01"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var fs []Funding
			for i, f := range c.fundings {
				fs = append(fs, Funding{uid(byte(i + 1)), amt(f)})
			}
			p := DefaultBookPolicy()
			p.Servicing.Rate = money.Rate{}
			b, err := NewBook(loanID, day(2024, 1, 15), fs, p)
			require.NoError(t, err)
			d, err := b.Distribute(Repayment{On: day(2024, 2, 15), Installment: 1, Paid: split("0", c.interest)})
			require.NoError(t, err)
			for i, w := range c.want {
				assert.Equal(t, amt(w), receiptOf(d, HoldingID(i)).Gross.Interest.Add(amt("0")), "holding %d", i)
			}
		})
	}
}

// Statement after period 1 and 10 days into period 2 (30/360):
// alice holds 4,605.76; accrued 4,605.76 × 12 % × 10/360 = 15.3525 → 15.35.
func TestStatement(t *testing.T) {
	b := fundedBook(t)
	_, err := b.Distribute(period1)
	require.NoError(t, err)
	s, err := b.Statement(alice, day(2024, 2, 25), period(2))
	require.NoError(t, err)
	assert.Equal(t, []HoldingID{0}, s.Holdings)
	assert.Equal(t, amt("394.24"), s.Received.Principal)
	assert.Equal(t, amt("50.00"), s.Received.Interest)
	assert.Equal(t, amt("4.44"), s.Fees)
	assert.Equal(t, amt("439.80"), s.Net)
	assert.Equal(t, amt("4605.76"), s.Outstanding)
	assert.Equal(t, amt("15.35"), s.Accrued)

	_, err = b.Statement(dave, day(2024, 2, 25), period(2))
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = b.Statement(alice, day(2024, 4, 25), period(2))
	assert.ErrorIs(t, err, ErrInvalidInput)
}
