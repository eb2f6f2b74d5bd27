package collect_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/fault"
)

func smsDemand(y int, m, d int) collect.LimitationEvent {
	return collect.LimitationEvent{Day: day(y, monthOf(m), d), Kind: collect.Demand, Channel: collect.SMS,
		Delivered: true, Evidence: "sms-receipt"}
}

func TestLimitationPeriod(t *testing.T) {
	p := collect.DefaultLimitationPolicy()
	require.NoError(t, p.Validate())
	start := day(2022, 6, 30) // due date of the last installment (Civil Code art. 189)

	partial := collect.LimitationEvent{Day: day(2026, 1, 10), Kind: collect.Acknowledgement, Evidence: "payment-1"}
	undelivered := smsDemand(2024, 5, 1)
	undelivered.Delivered = false
	cases := []struct {
		name   string
		events []collect.LimitationEvent
		asOf   [3]int
		expiry [3]int
		state  string // "running", "expired"
	}{
		// Civil Code art. 188: three years from 2022-06-30.
		{"no interruption", nil, [3]int{2024, 1, 1}, [3]int{2025, 6, 30}, "running"},
		{"expired the day after", nil, [3]int{2025, 7, 1}, [3]int{2025, 6, 30}, "expired"},
		// Civil Code art. 195(1) and SPC limitation provisions art. 8: an SMS that reached the debtor restarts.
		{"SMS demand delivered 2024-05-01", []collect.LimitationEvent{smsDemand(2024, 5, 1)}, [3]int{2024, 6, 1}, [3]int{2027, 5, 1}, "running"},
		{"undelivered SMS does not interrupt", []collect.LimitationEvent{undelivered}, [3]int{2024, 6, 1}, [3]int{2025, 6, 30}, "running"},
		{"a demand dated after asOf is not counted yet", []collect.LimitationEvent{smsDemand(2024, 5, 1)}, [3]int{2024, 4, 30}, [3]int{2025, 6, 30}, "running"},
		// art. 195(2) + SPC art. 14: partial payment is agreement to perform; 2026-01-10 + 3 years.
		{"partial payment restarts", []collect.LimitationEvent{smsDemand(2024, 5, 1), partial}, [3]int{2026, 2, 1}, [3]int{2029, 1, 10}, "running"},
		// art. 192 + SPC art. 19: a payment after expiry waives the defence.
		{"payment after expiry revives", []collect.LimitationEvent{partial}, [3]int{2026, 2, 1}, [3]int{2029, 1, 10}, "running"},
		// A creditor's demand after expiry does not (art. 192: only the obligor's consent).
		{"demand after expiry does not revive", []collect.LimitationEvent{smsDemand(2025, 8, 1)}, [3]int{2025, 9, 1}, [3]int{2025, 6, 30}, "expired"},
		// SPC art. 8: a financial institution debiting the account is a demand.
		{"account debit restarts", []collect.LimitationEvent{{Day: day(2023, 3, 15), Kind: collect.AccountDebit, Evidence: "debit-9"}},
			[3]int{2023, 4, 1}, [3]int{2026, 3, 15}, "running"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := collect.Claim{Loan: loanID, Party: collect.Borrower, Start: start}
			for _, ev := range tc.events {
				require.NoError(t, c.Record(ev))
			}
			s := p.Status(&c, day(tc.asOf[0], monthOf(tc.asOf[1]), tc.asOf[2]))
			assert.Equal(t, day(tc.expiry[0], monthOf(tc.expiry[1]), tc.expiry[2]), s.Expiry)
			assert.Equal(t, tc.state == "expired", s.Expired)
		})
	}
}

// Warnings: 90 days before expiry (lender practice, configurable). Expiry
// 2025-06-30; from 2025-04-01 that is 29 (rest of April) + 31 (May) + 30
// (June) = 90 days.
func TestLimitationWarning(t *testing.T) {
	p := collect.DefaultLimitationPolicy()
	c := collect.Claim{Loan: loanID, Party: collect.Borrower, Start: day(2022, 6, 30)}
	s := p.Status(&c, day(2025, 4, 1))
	assert.Equal(t, 90, s.DaysLeft)
	assert.True(t, s.Warning)
	s = p.Status(&c, day(2025, 3, 31))
	assert.Equal(t, 91, s.DaysLeft)
	assert.False(t, s.Warning)
}

// A demand on a guarantor must fall in the guarantee period (Civil Code
// art. 693): main debt due 2024-01-31, statutory 6 months (art. 692)
// → 2024-07-31 (clamped month arithmetic).
func TestGuarantorDemandWithinGuaranteePeriod(t *testing.T) {
	p := collect.DefaultLimitationPolicy()
	end := p.GuaranteeEnd(day(2024, 1, 31))
	require.Equal(t, day(2024, 7, 31), end)
	c := collect.Claim{Loan: loanID, Party: collect.Guarantor, Guarantor: 1, Start: day(2024, 1, 31), GuaranteeEnd: end}

	err := c.Record(smsDemand(2024, 8, 1))
	require.ErrorIs(t, err, collect.ErrGuaranteeLapsed)
	assert.Empty(t, c.Events)
	s := p.Status(&c, day(2024, 8, 1))
	assert.False(t, s.Running)
	assert.True(t, s.Expired, "the last day to demand has passed")

	require.NoError(t, c.Record(smsDemand(2024, 7, 31)))
	s = p.Status(&c, day(2024, 8, 1))
	assert.True(t, s.Running)
	assert.Equal(t, day(2027, 7, 31), s.Expiry, "the guarantee claim runs 3 years from the demand (Civil Code art. 694)")
	// Once demanded in time, later demands are fine.
	require.NoError(t, c.Record(smsDemand(2025, 1, 5)))
}

// Quarterly demand notices for non-performing claims, each with the
// debtor's signed receipt as evidence.
func TestDemandNoticeDue(t *testing.T) {
	p := collect.DefaultLimitationPolicy()
	c := collect.Claim{Loan: loanID, Party: collect.Borrower, Start: day(2024, 3, 31)}
	n, due := p.DemandNoticeDue(&c, day(2024, 5, 20), true)
	require.True(t, due)
	assert.Equal(t, day(2024, 6, 30), n.PeriodEnd, "Q2 2024 ends 06-30")

	_, due = p.DemandNoticeDue(&c, day(2024, 5, 20), false)
	assert.False(t, due, "performing claims need none")

	signed := smsDemand(2024, 4, 15)
	signed.Channel, signed.SignedReceipt = collect.Letter, true
	require.NoError(t, c.Record(signed))
	_, due = p.DemandNoticeDue(&c, day(2024, 5, 20), true)
	assert.False(t, due, "Q2 has its signed notice")
	n, due = p.DemandNoticeDue(&c, day(2024, 7, 1), true)
	assert.True(t, due, "Q3 needs a new one")
	assert.Equal(t, day(2024, 9, 30), n.PeriodEnd)
}

// The 20-year long stop of art. 188 caps restarts.
func TestLimitationLongStop(t *testing.T) {
	p := collect.DefaultLimitationPolicy()
	c := collect.Claim{Loan: loanID, Party: collect.Borrower, Start: day(2000, 2, 29)}
	for y := 2002; y <= 2019; y += 2 {
		require.NoError(t, c.Record(smsDemand(y, 1, 1)))
	}
	s := p.Status(&c, day(2019, 6, 1))
	// 2019-01-01 + 3 years = 2022-01-01, capped at 2000-02-29 + 20 years = 2020-02-29.
	assert.Equal(t, day(2020, 2, 29), s.Expiry)
}

func TestLimitationPolicyValidate(t *testing.T) {
	p := collect.LimitationPolicy{Years: 0, LongStopYears: -1, WarnDays: -5, DemandEveryMonths: 5}
	var ve *fault.Fields
	require.ErrorAs(t, p.Validate(), &ve)
	assert.Len(t, ve.List, 5)
}

// A claim must say when its period starts, and a guarantor claim when its
// guarantee period ends; without GuaranteeEnd the lapse check of Civil
// Code art. 693 (K) would compare with the zero date and refuse every
// demand.
func TestClaimRequiresStartAndGuaranteeEnd(t *testing.T) {
	fields := func(err error) []string {
		var ve *fault.Fields
		require.ErrorAs(t, err, &ve)
		var got []string
		for _, f := range ve.List {
			got = append(got, f.Name)
		}
		return got
	}
	g := collect.Claim{Loan: loanID, Party: collect.Guarantor, Guarantor: 1}
	assert.Equal(t, []string{"start", "guarantee_end"}, fields(g.Validate()))
	err := g.Record(smsDemand(2024, 3, 1))
	assert.Equal(t, []string{"guarantee_end"}, fields(err))
	assert.NotErrorIs(t, err, collect.ErrGuaranteeLapsed)
	assert.Empty(t, g.Events)

	b := collect.Claim{Loan: loanID, Party: collect.Borrower}
	assert.Equal(t, []string{"start"}, fields(b.Validate()))
	b.Start = day(2022, 6, 30)
	assert.NoError(t, b.Validate())
	g.Start, g.GuaranteeEnd = day(2024, 1, 31), day(2024, 7, 31)
	assert.NoError(t, g.Validate())
	assert.NoError(t, g.Record(smsDemand(2024, 3, 1)))
}

// Status takes events in order of day even when the slice is not sorted
// (a claim decoded from JSON): the 2024-05-01 demand restarts the period
// (Civil Code art. 195) whatever its position after an event dated past asOf.
func TestLimitationStatusUnsortedEvents(t *testing.T) {
	p := collect.DefaultLimitationPolicy()
	later := smsDemand(2026, 1, 10)
	c := collect.Claim{Loan: loanID, Party: collect.Borrower, Start: day(2022, 6, 30),
		Events: []collect.LimitationEvent{later, smsDemand(2024, 5, 1)}}
	s := p.Status(&c, day(2024, 6, 1))
	assert.Equal(t, day(2027, 5, 1), s.Expiry)
	assert.Equal(t, day(2024, 5, 1), s.Restart)
	assert.Equal(t, later, c.Events[0], "the claim's events are left as they were")

	// A guarantor claim runs from the earliest delivered demand (Civil Code art. 694).
	g := collect.Claim{Loan: loanID, Party: collect.Guarantor, Guarantor: 1, Start: day(2024, 1, 31),
		GuaranteeEnd: day(2024, 7, 31), Events: []collect.LimitationEvent{smsDemand(2025, 1, 5), smsDemand(2024, 7, 31)}}
	s = p.Status(&g, day(2024, 8, 1))
	assert.True(t, s.Running)
	assert.Equal(t, day(2027, 7, 31), s.Expiry)
}
