package loan

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// journalFromBytes posts a random sequence of repayments, prepayments,
// fees, waivers, refunds and reversals, in random (often backdated) order,
// decoded from data. Refused entries must leave the loan unchanged.
func journalFromBytes(t *testing.T, data []byte) *Loan {
	pol := DefaultPolicy()
	if len(data) > 0 {
		pol.Penalty.GraceDays = int(data[0] % 4)
		if data[0]&4 != 0 {
			pol.Waterfall.Performing.Direction = Vertical
		}
		if data[0]&8 != 0 {
			pol.Penalty.Base, pol.Penalty.Compound = OverdueInstallment, false
		}
		if data[0]&16 != 0 {
			pol.Penalty.LateFee = yuan("20")
			pol.Penalty.CapShare = money.MustRate("1%")
		}
		data = data[1:]
	}
	l := newTestLoan(t, testTerms(schedule.EqualInstallment, 12), pol)
	start := l.terms.Start
	for i := 0; i+2 < len(data) && i < 3*40; i += 3 {
		op, off, amt := data[i]%14, int(data[i+1])*2, int64(data[i+2])
		key := fmt.Sprintf("k%d", i)
		d := start.Add(date.PeriodOfDays(off))
		var e Entry
		switch op {
		case 0, 1, 2, 3:
			e = entry(Repayment, d, money.New((amt+1)*997, money.CNY), key)
		case 4:
			e = entry(Prepayment, d, money.New((amt+1)*4999, money.CNY), key)
			if amt%5 == 0 {
				e.Reamortize = KeepInstallment
			}
		case 5:
			e = entry(FeeCharge, d, money.New((amt+1)*100, money.CNY), key)
		case 6:
			e = entry(Waiver, d, money.New(amt+1, money.CNY), key)
			e.Component, e.Reason = Penalty, "goodwill"
		case 7:
			e = entry(Refund, d, money.New((amt+1)*50, money.CNY), key)
		case 10:
			e = entry(FeeCharge, d, money.New((amt+1)*100, money.CNY), key)
			e.Installment = int(amt%12) + 1
		case 11:
			rate := money.MustRate(fmt.Sprintf("%d%%", amt%25))
			e = entry(Restructure, d, money.Amount{}, key)
			e.Change = &Change{Rate: &rate, ExtendPeriods: int(amt % 4), CapitalizeArrears: amt%3 == 0}
			e.Approver, e.Reason = "manager", "hardship"
		case 12:
			e = entry(Acceleration, d, money.Amount{}, key)
			e.Reason = "default"
		case 13:
			if amt%2 == 0 {
				e = entry(WriteOff, d, money.Amount{}, key)
				e.Approver, e.Reason = "manager", "uncollectable"
			} else {
				e = entry(Recovery, d, money.New((amt+1)*997, money.CNY), key)
			}
		default:
			j := l.Journal()
			target := j[int(amt)%len(j)]
			e = entry(Reversal, d, money.Zero(money.CNY), key)
			e.Reverses, e.Reason = target.ID, "error"
			if target.ValueDate.After(d) {
				e.ValueDate = target.ValueDate
			}
		}
		before, _ := json.Marshal(l)
		if _, err := l.Post(e); err != nil {
			after, _ := json.Marshal(l)
			require.JSONEq(t, string(before), string(after), "refused %s changed the loan: %v", e.Kind, err)
		}
	}
	return l
}

// checkInvariants checks the properties every journal must have.
func checkInvariants(t *testing.T, l *Loan) {
	for _, asOf := range []date.Date{day(2026, 4, 1), day(2026, 9, 30), day(2028, 1, 1)} {
		p := mustPos(t, l, asOf)
		// Money is conserved: everything received is allocated, held as
		// credit or refunded — never lost or created.
		assert.Equal(t, p.Received.Sub(p.Refunded), p.Paid.Total().Add(p.Recovered.Total()).Add(p.Credit), "as of %s", asOf)
		assert.False(t, p.Credit.IsNegative())
		// No component goes negative.
		for _, in := range p.Installments {
			for c := range componentCount {
				assert.False(t, in.Outstanding.Get(c).IsNegative(), "installment %d %s outstanding", in.Number, c)
				assert.False(t, in.Paid.Get(c).IsNegative())
				assert.False(t, in.Owed.Get(c).IsNegative())
			}
		}
		// Postings balance, and the ledger's receivables are the position's.
		rows, err := l.Ledger(asOf)
		require.NoError(t, err)
		var dueInterest money.Amount
		for _, in := range p.Installments {
			if !in.Due.After(asOf) {
				dueInterest = dueInterest.Add(in.Outstanding.Interest)
			}
		}
		if n := len(rows); n > 0 {
			last := rows[n-1]
			assert.Equal(t, p.Outstanding.Principal, last.Principal, "loans receivable")
			assert.Equal(t, dueInterest.Minor(), last.Interest.Minor(), "interest receivable")
			assert.Equal(t, p.Outstanding.Penalty.Minor(), last.Penalty.Minor(), "penalty receivable")
			assert.Equal(t, p.Outstanding.Fee.Minor(), last.Fee.Minor(), "fee receivable")
			assert.Equal(t, p.Credit.Minor(), last.CreditBalance.Minor(), "overpayment")
		}
		// Summed account by account, straight from the postings, the
		// balances are the position's and cash moved as the money did.
		ps, _ := l.Postings(asOf)
		bal := map[string]int64{}
		for _, x := range ps {
			assert.True(t, x.Amount.IsPositive())
			bal[x.Debit] += x.Amount.Minor()
			bal[x.Credit] -= x.Amount.Minor()
		}
		acc := &l.policy.Accounts
		assert.Equal(t, p.Outstanding.Principal.Minor(), bal[acc.LoansReceivable], "loans receivable as of %s", asOf)
		assert.Equal(t, dueInterest.Minor(), bal[acc.InterestReceivable], "interest receivable as of %s", asOf)
		assert.Equal(t, p.Outstanding.Penalty.Minor(), bal[acc.PenaltyReceivable], "penalty receivable as of %s", asOf)
		assert.Equal(t, p.Outstanding.Fee.Minor(), bal[acc.FeeReceivable], "fee receivable as of %s", asOf)
		assert.Equal(t, -p.Credit.Minor(), bal[acc.Overpayment], "overpayment as of %s", asOf)
		assert.Equal(t, p.Received.Minor()-p.Refunded.Minor()-l.terms.Principal.Minor(), bal[acc.Cash], "cash as of %s", asOf)
	}
	end := day(2028, 1, 1)
	want := mustPos(t, l, end)

	// The fold is order-of-posting independent: the surviving entries
	// posted in value-date order give the same position.
	j := l.Journal()
	reversed := map[string]bool{}
	for _, e := range j {
		if e.Kind == Reversal {
			reversed[e.Reverses.String()] = true
		}
	}
	var keep []Entry
	for _, e := range j {
		if e.Kind != Reversal && !reversed[e.ID.String()] {
			e.Seq = 0
			keep = append(keep, e)
		}
	}
	slices.SortStableFunc(keep, func(a, b Entry) int { return int(a.ValueDate.Sub(b.ValueDate)) })
	m, err := New(l.ID(), l.Terms(), l.Policy())
	require.NoError(t, err)
	for _, e := range keep {
		_, err := m.Post(e)
		require.NoError(t, err, "re-posting %s on %s in value order", e.Kind, e.ValueDate)
	}
	assert.Equal(t, want, mustPos(t, m, end))

	// JSON round trip gives an identical position.
	b, err := json.Marshal(l)
	require.NoError(t, err)
	var back Loan
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, want, mustPos(t, &back, end))
}

func FuzzJournal(f *testing.F) {
	f.Add([]byte{0, 0, 15, 40, 1, 30, 40, 8, 0, 2, 4, 80, 9, 7, 1, 9})
	f.Add([]byte{5, 3, 200, 5, 1, 100, 200, 9, 101, 0, 4, 10, 3, 7, 20, 1})
	f.Add([]byte{20, 2, 14, 3, 6, 30, 1, 2, 40, 255, 8, 45, 1, 0, 0, 0, 4, 120, 0})
	f.Add([]byte{12, 1, 90, 50, 5, 60, 1, 6, 95, 10, 1, 91, 30, 9, 100, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkInvariants(t, journalFromBytes(t, data))
	})
}

// TestJournalProperties runs the fuzz checks over journals from a
// fixed-seed generator, so the properties are exercised on every test run.
func TestJournalProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 33))
	n := 60
	if testing.Short() {
		n = 10
	}
	for i := range n {
		data := make([]byte, 1+3*(5+r.IntN(20)))
		for j := range data {
			data[j] = byte(r.IntN(256))
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) { checkInvariants(t, journalFromBytes(t, data)) })
	}
}
