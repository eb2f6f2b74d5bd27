package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestP2P runs the walk-through and checks the figures a reader can work
// out by hand. The servicing fee is invest.DefaultBookPolicy's 1 % of each
// receipt, rounded half-up per holding; the transfer rules are
// invest.DefaultTransferPolicy's (lender practice; no regulatory source
// found).
func TestP2P(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	got := out.String()

	for _, want := range []string{
		// Installment 1 is principal 788.49 + interest 100.00, split
		// 5:3:2 by largest remainder (money.Allocate): the exact principal
		// shares are 394.245, 236.547 and 157.698; truncated they leave 2
		// fen, which go to the largest remainders (carol .8, bob .7).
		// Alice: 394.24 + 50.00 = 444.24, fee 1 % = 4.44, net 439.80;
		// she still holds 5,000 − 394.24 = 4,605.76.
		"0        alice     4605.76     394.24     50.00   4.44  439.80",
		"1        bob       2763.45     236.55     30.00   2.67  263.88",
		"2        carol     1842.30     157.70     20.00   1.78  175.92",
		// Accrued interest 2026-02-15 .. 2026-03-01 under 30/360 is 16
		// days: 2,000 × 12 % × 16/360 = 10.67; seller fee 0.5 % of
		// 2,010.67 = 10.05; Alice nets 2,010.67 − 10.05 = 2,000.62.
		"2026-03-01 claim transfer alice → dave: principal 2000.00 + accrued 10.67 = price 2010.67, seller fee 10.05, seller nets 2000.62",
		// No transfer in the 3 days up to a due date.
		"transfer bob → dave refused: invest: transfer not eligible: blackout",
		// Installment 2: principal 796.37, interest 92.12, split over the
		// 9,211.51 held. Dave's 2,000 gets 2000/9211.51 × 796.37 = 172.91
		// of principal and 2000/9211.51 × 92.12 = 20.00 of interest: the
		// whole month's 1 % on his claim (he paid Alice the accrued part).
		// Fee 1 % of 192.91 = 1.93.
		"3        dave      1827.09     172.91     20.00   1.93  190.98",
		// Alice: principal 394.24 + 2605.76/9211.51 × 796.37 (= 225.28)
		// = 619.52; she holds 2,605.76 − 225.28 = 2,380.48.
		"0        alice     2380.48     619.52     76.06   6.95  688.63",
		// Statements on 2026-03-31: 16 days (30/360) into the period from
		// 2026-03-15, so Dave's accrued interest is 1,827.09 × 12 % ×
		// 16/360 = 9.74; his purchase cost the 2,010.67 price.
		"dave       192.91   1.93   190.98     0.00  2010.67      1827.09     9.74",
		"alice      695.58   6.95   688.63  2000.62     0.00      2380.48    12.70",
		// The holdings always sum to the loan's principal balance: the
		// schedule's 8,415.14 after two installments.
		"book outstanding 8415.14 = loan principal balance 8415.14",
		"outbox for the platform to pay out: 2 distributions, 1 transfer",
	} {
		assert.Contains(t, got, want)
	}
}
