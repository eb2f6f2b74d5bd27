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
	// Interest not yet due booked at due dates, daily or at month ends.
	pol.Accrual.Frequency = AccrualFrequency(len(data) % 3)
	tranched := false
	if len(data) > 0 {
		tranched = data[0]&128 != 0
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
		switch {
		case data[0]&96 == 32:
			// Today's waterfall as an allocation rule.
			pol.Allocation = []AllocationRule{pol.Waterfall.Performing.Rule()}
		case data[0]&96 == 64:
			pol.Allocation = []AllocationRule{{Order: []Bucket{PastDuePrincipal, PastDueInterest, PastDuePenalty,
				PastDueFee, DuePenalty, DueFee, DueInterest, DuePrincipal, InAdvanceInterest, InAdvancePrincipal},
				Direction: Vertical, PastDue: NewestFirst, InAdvance: LastInstallment}}
		case data[0]&96 == 96:
			pol.Allocation = []AllocationRule{pol.Waterfall.Performing.Rule(),
				{Transaction: CreditTransaction, Order: []Bucket{DueInterest, DuePrincipal, PastDueFee, PastDuePenalty},
					Direction: Horizontal}}
		}
		data = data[1:]
	}
	if len(data) > 0 {
		// The servicing conventions of other systems.
		b := data[0]
		if b&1 != 0 {
			pol.Arrears.DayOne = DueDate
		}
		if b&2 != 0 {
			pol.Penalty.DayOne = DueDate
		}
		if b&4 != 0 {
			pol.Arrears.AgeingGraceDays = 3
		}
		if b&8 != 0 {
			pol.Accrual.Rounding = Daily
		}
		pol.Payments.Excess = ExcessMode(b>>4) & 3
		if b&64 != 0 && pol.Penalty.LateFee.IsZero() {
			pol.Penalty.LateFeeRate, pol.Penalty.LateFeeBase = money.MustRate("1%"), LateOnPrincipalInterest
			pol.Penalty.LateFeeWaitDays, pol.Penalty.LateFeeAs = 5, AsPenalty
		}
		if b&128 != 0 {
			pol.WriteOff = WriteOffPolicy{Interest: FullPeriodInterest, RecoveryExcess: ExcessAsIncome}
			pol.Sale.AllowWrittenOff = true
			pol.Payments.CloseBelow = yuan("5")
		}
		data = data[1:]
	}
	terms := testTerms(schedule.EqualInstallment, 12)
	first := terms.Principal
	if len(data) > 0 && tranched {
		// Disbursed in two tranches, 10 % down on each.
		first = yuan("8000")
		terms.DownPayment.Share = money.MustRate("10%")
		terms.Tranches = []schedule.Tranche{{Date: terms.Start, Amount: first},
			{Date: terms.Start.Add(date.PeriodOfDays(100)), Amount: yuan("4000")}}
	}
	l, err := New(uuidOf("property"), terms, pol)
	require.NoError(t, err)
	mustPost(t, l, entry(Disbursement, terms.Start, first, "disburse"))
	start := l.terms.Start
	for i := 0; i+2 < len(data) && i < 3*40; i += 3 {
		op, off, amt := data[i]%24, int(data[i+1])*2, int64(data[i+2])
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
			e = entry(Refund, d, money.New((amt+1)*5, money.CNY), key)
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
				// After the write-off, if there is one.
				for _, x := range l.Journal() {
					if x.Kind == WriteOff && !d.After(x.ValueDate) {
						d = x.ValueDate.Add(date.PeriodOfDays(1 + off%30))
					}
				}
				e = entry(Recovery, d, money.New((amt+1)*97, money.CNY), key)
			}
		case 14:
			e = entry(Pause, d, money.Zero(money.CNY), key)
			e.Until = d.Add(date.PeriodOfDays(int(amt%40) + 1))
		case 15:
			e = entry(Resume, d, money.Zero(money.CNY), key)
		case 16:
			e = entry(ReAge, d, money.Zero(money.CNY), key)
			e.ReAging = &ReAging{FirstDue: start.Add(date.PeriodOfDays(380 + int(amt))), Installments: int(amt%4) + 1,
				Every: 1, Unit: Months}
			e.Approver, e.Reason = "manager", "hardship"
		case 17:
			e = entry(ReAmortize, d, money.Zero(money.CNY), key)
			e.Approver, e.Reason = "manager", "hardship"
		case 18:
			e = entry(Settlement, d, money.New((amt+1)*4997, money.CNY), key)
			e.Approver, e.Reason = "manager", "settlement"
		case 19:
			e = entry(Sale, d, money.Zero(money.CNY), key)
			e.Transfer = &Transfer{Owner: fmt.Sprint("fund-", amt%3), PriceRatio: money.MustRate("0.95")}
		case 20:
			e = entry(Buyback, d, money.Zero(money.CNY), key)
		case 21:
			e = entry(Repayment, d, money.New((amt+1)*1999, money.CNY), key)
			e.Excess = ExcessMode(amt%4) + 1
		case 22:
			e = entry(Tranche, d, money.New((amt+1)*2000, money.CNY), key)
		case 23:
			// On the start, or on a later disbursement's date.
			e = entry(DownPayment, start, money.New((amt+1)*500, money.CNY), key)
			for _, x := range l.Journal() {
				if x.Kind == Tranche && amt%2 == 1 {
					e.ValueDate = x.ValueDate
				}
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

// entrySince reports whether an entry of l is value-dated in (from, to].
func entrySince(l *Loan, from, to date.Date) bool {
	for _, e := range l.Journal() {
		if e.ValueDate.After(from) && !e.ValueDate.After(to) {
			return true
		}
	}
	return false
}

// checkInvariants checks the properties every journal must have.
func checkInvariants(t *testing.T, l *Loan) {
	for _, asOf := range []date.Date{day(2026, 4, 1), day(2026, 9, 30), day(2028, 1, 1)} {
		p := mustPos(t, l, asOf)
		// Money is conserved: everything received is allocated, held as
		// credit, refunded or (beyond a written-off claim) income — never
		// lost or created.
		assert.Equal(t, p.Received.Sub(p.Refunded).Minor(),
			p.Paid.Total().Add(p.Recovered.Total()).Add(p.Credit).Minor()+p.ExcessRecovered.Minor(), "as of %s", asOf)
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
		// Interest receivable is the interest fallen due and unpaid, less
		// interest paid before it falls due, plus the interest accrued
		// ahead of its due date when the policy books it: daily, the
		// position's; at month ends, the last month end's (when no entry
		// since restated it).
		var dueInterest money.Amount
		cut, ahead := l.policy.Accrual.Frequency.cut(asOf)
		knownInterest := !ahead || !entrySince(l, cut, asOf)
		if ahead && knownInterest {
			dueInterest = mustPos(t, l, cut).AccruedInterest
		}
		for _, in := range p.Installments {
			if !in.Due.After(asOf) {
				dueInterest = dueInterest.Add(in.Outstanding.Interest)
			} else {
				dueInterest = dueInterest.Sub(in.Paid.Interest)
			}
		}
		if n := len(rows); n > 0 {
			last := rows[n-1]
			assert.Equal(t, p.Outstanding.Principal, last.Principal, "loans receivable")
			if knownInterest {
				assert.Equal(t, dueInterest.Minor(), last.Interest.Minor(), "interest receivable")
			}
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
		if knownInterest {
			assert.Equal(t, dueInterest.Minor(), bal[acc.InterestReceivable], "interest receivable as of %s", asOf)
		}
		assert.Equal(t, p.Outstanding.Penalty.Minor(), bal[acc.PenaltyReceivable], "penalty receivable as of %s", asOf)
		assert.Equal(t, p.Outstanding.Fee.Minor(), bal[acc.FeeReceivable], "fee receivable as of %s", asOf)
		assert.Equal(t, -p.Credit.Minor(), bal[acc.Overpayment], "overpayment as of %s", asOf)
		disbursed := l.terms.Principal.Minor() - p.Undisbursed.Minor()
		assert.Equal(t, p.Received.Minor()-p.Refunded.Minor()-disbursed, bal[acc.Cash], "cash as of %s", asOf)
		// A sale and its buyback move balances between owners' books only.
		assert.Zero(t, bal[acc.AssetTransfer], "asset transfer as of %s", asOf)
		// Every book holds what the owner holds: the receivables of the
		// books of anyone but the current owner are zero.
		books := map[[2]string]int64{}
		for _, x := range ps {
			books[[2]string{x.Owner, x.Debit}] += x.Amount.Minor()
			books[[2]string{x.Owner, x.Credit}] -= x.Amount.Minor()
		}
		for k, v := range books {
			if k[0] != p.Owner && (k[1] == acc.LoansReceivable || k[1] == acc.Overpayment) {
				assert.Zero(t, v, "%s in the books of %q, the loan's owner being %q, as of %s", k[1], k[0], p.Owner, asOf)
			}
		}
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

	// Allocating by the waterfall or by the waterfall as a rule is the
	// same: the journal posted again under the rule folds identically.
	if pol := l.Policy(); len(pol.Allocation) == 0 && pol.Waterfall.NonPerforming == nil {
		pol.Allocation = []AllocationRule{pol.Waterfall.Performing.Rule()}
		r, err := New(l.ID(), l.Terms(), pol)
		require.NoError(t, err)
		for _, e := range l.Journal() {
			e.Seq = 0
			_, err := r.Post(e)
			require.NoError(t, err, "posting %s on %s under the waterfall's rule", e.Kind, e.ValueDate)
		}
		for _, asOf := range []date.Date{day(2026, 4, 1), end} {
			assert.Equal(t, mustPos(t, l, asOf), mustPos(t, r, asOf), "under the waterfall's rule as of %s", asOf)
		}
	}
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
	n := 200
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
