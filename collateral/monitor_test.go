package collateral

import (
	"testing"
	"time"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDueRevaluations(t *testing.T) {
	r := newRegister(t)
	loan := id(101)
	// Frequencies (DefaultPolicy): real estate 12 months (valid 15),
	// vehicles 3 months (valid 4), listed securities 1 day (valid 7).
	pledged(t, r, id(1), RealEstate, cny("1000000.00"), day(2023, time.June, 30), Lien{loan, 1})
	pledged(t, r, id(2), Vehicle, cny("100000.00"), day(2024, time.March, 31), Lien{loan, 1})
	pledged(t, r, id(3), Securities, cny("50000.00"), day(2024, time.June, 27), Lien{loan, 1})
	pledged(t, r, id(4), RealEstate, cny("800000.00"), day(2024, time.January, 2), Lien{loan, 1})
	pledged(t, r, id(5), Equipment, money.Amount{}, day(2024, time.January, 2), Lien{loan, 1}) // never valued
	pledged(t, r, id(6), Vehicle, cny("90000.00"), day(2024, time.February, 1), Lien{loan, 1})
	require.NoError(t, r.Release(id(6), day(2024, time.June, 1), []Exposure{{loan, cny("0.00")}}))

	got := r.DueRevaluations(day(2024, time.June, 30))
	assert.Equal(t, []DueRevaluation{
		// 2023-06-30 + 12 months = 2024-06-30: due today (valid to 2024-09-30).
		{ItemID: id(1), Kind: RealEstate, Method: IndexMethod, DueOn: day(2024, time.June, 30), Reason: Scheduled},
		// 2024-03-31 + 3 months = 2024-06-30 (month-end clamped).
		{ItemID: id(2), Kind: Vehicle, Method: Depreciation, DueOn: day(2024, time.June, 30), Reason: Scheduled},
		// 2024-06-27 + 1 day = 2024-06-28, still valid (to 2024-07-04).
		{ItemID: id(3), Kind: Securities, Method: MarketPrice, DueOn: day(2024, time.June, 28), Reason: Scheduled},
		// Item 4 (due 2025-01-02) is not due; item 5 was never valued;
		// item 6 is released and no longer watched.
		{ItemID: id(5), Kind: Equipment, Method: Depreciation, Reason: NeverValued},
	}, got)

	// On 2024-07-05 the securities valuation (valid to 2024-07-04) has
	// expired.
	got = r.DueRevaluations(day(2024, time.July, 5))
	require.Len(t, got, 4)
	assert.Equal(t, Expired, got[2].Reason)

	// As of a day before any valuation of item 3, it counts as never valued.
	got = r.DueRevaluations(day(2024, time.June, 1))
	var reasons []DueReason
	for _, d := range got {
		reasons = append(reasons, d.Reason)
	}
	assert.Equal(t, []DueReason{NeverValued, NeverValued}, reasons, "items 3 and 5")
}

func TestValuationsKeptInDateOrder(t *testing.T) {
	r := newRegister(t)
	pledged(t, r, id(1), RealEstate, cny("1000000.00"), day(2024, time.March, 1), Lien{id(101), 1})
	// A backdated appraisal arrives later; the current value is still the
	// latest by date.
	require.NoError(t, r.AddValuation(id(1), Valuation{Date: day(2024, time.January, 5), Amount: cny("900000.00"),
		Method: Appraisal, Source: "v"}, day(2024, time.March, 5)))
	v, err := r.ValueAt(id(1), day(2024, time.March, 5))
	require.NoError(t, err)
	assert.Equal(t, cny("1000000.00"), v.Market)
	v, _ = r.ValueAt(id(1), day(2024, time.February, 1))
	assert.Equal(t, cny("900000.00"), v.Market)
	v, _ = r.ValueAt(id(1), day(2023, time.December, 31))
	assert.Equal(t, NoValuation, v.State)
}

func TestCountExpiredValuationsPolicy(t *testing.T) {
	p := DefaultPolicy()
	p.CountExpiredValuations = true
	r, err := NewRegister(p)
	require.NoError(t, err)
	pledged(t, r, id(1), Securities, cny("100000.00"), day(2024, time.May, 1), Lien{id(101), 1})
	// Expired after 7 days but still counted (60,000 lending), and flagged.
	res, err := r.Evaluate(day(2024, time.May, 20), []Exposure{{id(101), cny("10000.00")}})
	require.NoError(t, err)
	assert.Equal(t, cny("60000.00"), res[0].LendingValue)
	assert.Equal(t, []StaleItem{{id(1), ExpiredValue}}, res[0].Stale)
}

func TestTitleDocumentCustody(t *testing.T) {
	r := newRegister(t)
	on := day(2024, time.January, 10)
	pledged(t, r, id(1), RealEstate, cny("1000000.00"), on, Lien{id(101), 1})
	cert := Document{ID: id(50), ItemID: id(1), Kind: MortgageCertificate, Number: "沪(2024)不动产证明第0001号"}
	require.NoError(t, r.Deposit(cert, on, "Clerk Wu", "vault A-3"))
	require.NoError(t, r.Deposit(Document{ID: id(51), ItemID: id(1), Kind: TitleDeed, Number: "T-2"}, on, "Clerk Wu", "vault A-3"))
	require.NoError(t, r.CheckOut(id(50), day(2024, time.February, 1), "Officer Liu", "court filing"))
	require.NoError(t, r.CheckOut(id(51), day(2024, time.February, 20), "Officer Sun", "registry update"))

	// The policy allows 30 days out. On 2024-03-05 document 50 has been out
	// 33 days (overdue), document 51 only 14.
	over := r.OverdueDocuments(day(2024, time.March, 5))
	assert.Equal(t, []OverdueDocument{{DocumentID: id(50), ItemID: id(1), Holder: "Officer Liu", Purpose: "court filing",
		OutSince: day(2024, time.February, 1), DaysOut: 33}}, over)
	// On day 30 exactly it is not yet overdue.
	assert.Empty(t, r.OverdueDocuments(day(2024, time.March, 2)))

	require.NoError(t, r.Return(id(50), day(2024, time.March, 6), "Officer Liu", "vault B-1"))
	// The item is released; the originals go back to the owner.
	require.NoError(t, r.Release(id(1), day(2024, time.April, 1), []Exposure{{id(101), cny("0.00")}}))
	require.NoError(t, r.HandBack(id(50), day(2024, time.April, 2), "Owner Zhang"))

	d, err := r.Document(id(50))
	require.NoError(t, err)
	assert.Equal(t, HandedBack, d.State)
	assert.Equal(t, []CustodyEntry{
		{Day: on, Event: CustodyDeposit, Person: "Clerk Wu", Vault: "vault A-3"},
		{Day: day(2024, time.February, 1), Event: CustodyCheckOut, Person: "Officer Liu", Purpose: "court filing"},
		{Day: day(2024, time.March, 6), Event: CustodyReturn, Person: "Officer Liu", Vault: "vault B-1"},
		{Day: day(2024, time.April, 2), Event: CustodyHandBack, Person: "Owner Zhang"},
	}, d.Log)
	// Nothing can happen to a handed-back original.
	var te *fault.Transition
	require.ErrorAs(t, r.CheckOut(id(50), day(2024, time.April, 3), "x", "y"), &te)
	assert.Equal(t, HandedBack.String(), te.From)
	assert.Equal(t, "document", te.Machine)
}

func TestGuaranteePeriodAndCoverage(t *testing.T) {
	r := newRegister(t)
	loan := id(101)
	maturity := day(2024, time.March, 31)
	require.NoError(t, r.AddGuarantor(Guarantor{ID: id(60), Name: "Zhou Min", Kind: PersonGuarantor}))
	require.NoError(t, r.AddGuarantor(Guarantor{ID: id(61), Name: "Acme Guarantee", Kind: GuaranteeCompany}))
	// No agreed period: Civil Code art. 692 default, six months after
	// maturity: 2024-03-31 → 2024-09-30 (month-end clamped).
	require.NoError(t, r.AddGuarantee(Guarantee{ID: id(70), GuarantorID: id(60), LoanID: loan, Kind: General,
		Cap: cny("100000.00"), DebtMaturity: maturity}))
	// An agreed period ending with the debt counts as none (art. 692).
	require.NoError(t, r.AddGuarantee(Guarantee{ID: id(71), GuarantorID: id(61), LoanID: loan, Kind: JointAndSeveral,
		DebtMaturity: maturity, AgreedPeriodEnd: maturity}))
	// An agreed period of two years is kept.
	require.NoError(t, r.AddGuarantee(Guarantee{ID: id(72), GuarantorID: id(61), LoanID: id(102), Kind: JointAndSeveral,
		DebtMaturity: maturity, AgreedPeriodEnd: day(2026, time.March, 31)}))
	g, _ := r.Guarantee(id(70))
	assert.Equal(t, day(2024, time.September, 30), g.PeriodEnd)
	g, _ = r.Guarantee(id(71))
	assert.Equal(t, day(2024, time.September, 30), g.PeriodEnd)
	g, _ = r.Guarantee(id(72))
	assert.Equal(t, day(2026, time.March, 31), g.PeriodEnd)

	// Outstanding 150,000: Zhou covers up to his 100,000 cap, Acme (no
	// cap) the whole 150,000; together limited to the 150,000 owed.
	exp := []Exposure{{loan, cny("150000.00")}}
	cov, err := r.GuaranteeCoverage(day(2024, time.April, 1), exp)
	require.NoError(t, err)
	assert.Equal(t, cny("150000.00"), cov[0].Guaranteed)
	assert.Equal(t, 2, cov[0].Guarantees)

	// A demand on Acme within the period preserves it; Zhou's lapses.
	require.NoError(t, r.RecordDemand(id(71), day(2024, time.September, 30)))
	cov, err = r.GuaranteeCoverage(day(2024, time.October, 1), []Exposure{{loan, cny("150000.00")}})
	require.NoError(t, err)
	assert.Equal(t, 1, cov[0].Guarantees)
	ratio, ok := cov[0].Coverage()
	require.True(t, ok)
	assert.Equal(t, rate("1"), ratio)
	assert.ErrorIs(t, r.RecordDemand(id(70), day(2024, time.October, 1)), ErrGuaranteeLapsed)
}

func TestGuarantorAlerts(t *testing.T) {
	r := newRegister(t)
	loan := id(101)
	maturity := day(2024, time.March, 31)
	require.NoError(t, r.AddGuarantor(Guarantor{ID: id(60), Name: "Zhou Min", Kind: PersonGuarantor,
		Assessments: []Assessment{{Date: day(2023, time.December, 1), NetWorth: cny("300000.00"), OtherGuarantees: cny("250000.00"), Rating: "B"}}}))
	require.NoError(t, r.AddGuarantor(Guarantor{ID: id(61), Name: "Acme Guarantee", Kind: GuaranteeCompany}))
	require.NoError(t, r.AddGuarantee(Guarantee{ID: id(70), GuarantorID: id(60), LoanID: loan, Kind: JointAndSeveral,
		Cap: cny("100000.00"), DebtMaturity: maturity}))
	require.NoError(t, r.AddGuarantee(Guarantee{ID: id(71), GuarantorID: id(61), LoanID: loan, Kind: General,
		DebtMaturity: maturity, AgreedPeriodEnd: day(2025, time.March, 31)}))
	exp := []Exposure{{loan, cny("80000.00")}}

	// 2024-09-10: Zhou's capacity 300,000 − 250,000 = 50,000 is below the
	// 80,000 he guarantees (min(cap 100,000, outstanding 80,000)); his
	// period ends 2024-09-30, within the 30-day warning and undemanded.
	// Acme has never been assessed.
	alerts, err := r.GuarantorAlerts(day(2024, time.September, 10), exp)
	require.NoError(t, err)
	assert.Equal(t, []Alert{
		{Kind: AlertPeriodLapsing, GuarantorID: id(60), GuaranteeID: id(70), LoanID: loan, Due: day(2024, time.September, 30)},
		{Kind: AlertCapacityShortfall, GuarantorID: id(60), Capacity: cny("50000.00"), Guaranteed: cny("80000.00")},
		{Kind: AlertReassessmentDue, GuarantorID: id(61)},
	}, alerts)

	// A re-assessment cures the capacity alert; 2024-12-01 Zhou's re-
	// assessment is due again (12 months after 2023-12-01) — but the new
	// one of 2024-09-15 resets it.
	require.NoError(t, r.Reassess(id(60), Assessment{Date: day(2024, time.September, 15), NetWorth: cny("400000.00"),
		OtherGuarantees: cny("100000.00"), Rating: "A"}, day(2024, time.September, 15)))
	require.NoError(t, r.Reassess(id(61), Assessment{Date: day(2024, time.September, 15), NetWorth: cny("9000000.00"), Rating: "AA"}, day(2024, time.September, 15)))
	// 2024-10-01: Zhou's period lapsed with no demand: he is discharged.
	alerts, err = r.GuarantorAlerts(day(2024, time.October, 1), exp)
	require.NoError(t, err)
	assert.Equal(t, []Alert{
		{Kind: AlertPeriodLapsed, GuarantorID: id(60), GuaranteeID: id(70), LoanID: loan, Due: day(2024, time.September, 30)},
	}, alerts)
	// 2025-09-15: both re-assessments are a year old.
	alerts, err = r.GuarantorAlerts(day(2025, time.September, 15), []Exposure{{loan, cny("0.00")}})
	require.NoError(t, err)
	assert.Equal(t, []Alert{
		{Kind: AlertReassessmentDue, GuarantorID: id(60), Due: day(2025, time.September, 15)},
		{Kind: AlertReassessmentDue, GuarantorID: id(61), Due: day(2025, time.September, 15)},
	}, alerts)
}

func TestGuarantorRejectsMixedCurrencies(t *testing.T) {
	r := newRegister(t)
	require.NoError(t, r.AddGuarantor(Guarantor{ID: id(60), Name: "Z", Kind: PersonGuarantor}))
	require.NoError(t, r.AddGuarantee(Guarantee{ID: id(70), GuarantorID: id(60), LoanID: id(101), Kind: General,
		Cap: money.MustParse("10.00", money.USD), DebtMaturity: day(2024, 1, 1)}))
	_, err := r.GuarantorAlerts(day(2024, 1, 2), []Exposure{{id(101), cny("5.00")}})
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = r.GuaranteeCoverage(day(2024, 1, 2), []Exposure{{id(101), cny("5.00")}})
	assert.ErrorIs(t, err, ErrInvalidInput)
}

// TestStandingWarningAnnouncedOnce: a warning that stands while the loan's
// outstanding creeps up with each day's penalty is announced the day it
// arises, not every day; a new valuation is news again.
func TestStandingWarningAnnouncedOnce(t *testing.T) {
	r := newRegister(t)
	loan := id(101)
	// 200,000 appraised, real-estate haircut 30 %: lending value 140,000.
	pledged(t, r, id(1), RealEstate, cny("200000.00"), day(2024, time.April, 1), Lien{loan, 1})
	announced := 0
	for d := 1; d <= 10; d++ {
		// 130,000 + 0.50 a day: LTV 92.86 % and up, above the 90 % warning
		// line and below the 105 % margin-call line (DefaultPolicy).
		out := money.New(130_000_00+int64(d)*50, money.CNY)
		mon, err := r.Monitor(day(2024, time.April, d), []Exposure{{loan, out}})
		require.NoError(t, err)
		if len(mon.Coverage) > 0 {
			require.Equal(t, ActionWarn, mon.Coverage[0].Action)
			announced++
		}
	}
	assert.Equal(t, 1, announced, "the standing warning is announced once")

	require.NoError(t, r.AddValuation(id(1), Valuation{Date: day(2024, time.April, 11), Amount: cny("195000.00"),
		Method: DesktopReview, Source: "v"}, day(2024, time.April, 11)))
	mon, err := r.Monitor(day(2024, time.April, 11), []Exposure{{loan, cny("130005.50")}})
	require.NoError(t, err)
	assert.Len(t, mon.Coverage, 1, "a new value is news")
}
