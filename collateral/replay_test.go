package collateral

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The replay tests run seven weeks of daily closes over one book three
// ways and compare what each announces day by day:
//
//   - legacy: the lendcore Engine's closeCollateral as it stands before the
//     register was stored (Evaluate, DueRevaluations, GuarantorAlerts, and
//     an in-memory map of what was last announced), reimplemented below;
//   - Monitor on one register kept in memory all along;
//   - Monitor on a register restored every day from stored parts, as a
//     store-backed Engine runs it: each command and each close restores the
//     register from the parts, acts, and writes back exactly the parts
//     Changes names, through JSON.
//
// Loans 101–107 (the exposures, in id order):
//
//	101  flat (item 1) and the junior share of a shared flat (item 2);
//	     a valuation drop on 03-10 raises a margin call, a deposit pledged
//	     on 03-14 (item 7) cures it, repayments on 03-15 and 04-15 change
//	     its figures; guaranteed by guarantor 60 (capacity short until
//	     re-assessed on 03-20, re-assessment due from 03-15)
//	102  senior on item 2: a standing warning; guaranteed by guarantor 62,
//	     never assessed
//	103  a car (item 3): standing warning (but on 03-05, when a part
//	     payment brings it within the warning LTV for a day), revaluation
//	     due 04-01, revalued by depreciation on 04-03
//	104  listed shares (item 4), revalued every day by policy: expired
//	     03-07 (revalue action), revalued 03-12, a price fall on 03-20
//	     raises a call that escalates on 03-31 and is cured 04-02; seized
//	     04-05, sold 04-12
//	105  equipment (item 5), proposed and never valued; pledged 03-25,
//	     valued 03-26
//	106  inventory (item 6): due since 02-20, expired from 03-21, revalued
//	     04-08
//	107  no collateral; guarantor 61's guarantee lapses on 04-15 with no
//	     demand (warning from 03-16 but on 03-25, when nothing is overdue;
//	     lapsed from 04-16)
var (
	replayFrom = day(2024, time.March, 1)
	replayTo   = day(2024, time.April, 20)
)

// replayBook builds the book as it stands on the eve of the replay.
func replayBook(t testing.TB) *Register {
	t.Helper()
	r := newRegister(t)
	jan10 := day(2024, time.January, 10)
	pledged(t, r, id(1), RealEstate, cny("1000000.00"), jan10, Lien{id(101), 1})
	pledged(t, r, id(2), RealEstate, cny("200000.00"), jan10, Lien{id(102), 1}, Lien{id(101), 2})
	require.NoError(t, r.Add(Item{ID: id(3), Kind: Vehicle, Owner: "Li Lei", Currency: money.CNY,
		Registration: Registration{Rank: 1}, Liens: []Lien{{id(103), 1}},
		Cost: cny("150000.00"), AcquiredOn: day(2022, time.January, 1)}))
	require.NoError(t, r.Pledge(id(3), day(2024, time.January, 1)))
	require.NoError(t, r.AddValuation(id(3), Valuation{Date: day(2024, time.January, 1), Amount: cny("100000.00"),
		Method: Appraisal, Source: "dealer"}, day(2024, time.January, 1)))
	pledged(t, r, id(4), Securities, cny("100000.00"), day(2024, time.February, 28), Lien{id(104), 1})
	require.NoError(t, r.Add(Item{ID: id(5), Kind: Equipment, Owner: "Acme Ltd", Currency: money.CNY,
		Registration: Registration{Rank: 1}, Liens: []Lien{{id(105), 1}}}))
	pledged(t, r, id(6), Inventory, cny("80000.00"), day(2024, time.January, 20), Lien{id(106), 1})
	require.NoError(t, r.Deposit(Document{ID: id(50), ItemID: id(1), Kind: MortgageCertificate, Number: "沪(2024)第001号"},
		jan10, "clerk", "vault A"))
	require.NoError(t, r.CheckOut(id(50), day(2024, time.February, 1), "Liu", "court filing"))

	require.NoError(t, r.AddGuarantor(Guarantor{ID: id(60), Name: "Zhou Min", Kind: PersonGuarantor,
		Assessments: []Assessment{{Date: day(2023, time.March, 15), NetWorth: cny("300000.00"), OtherGuarantees: cny("250000.00")}}}))
	require.NoError(t, r.AddGuarantee(Guarantee{ID: id(70), GuarantorID: id(60), LoanID: id(101), Kind: JointAndSeveral,
		Cap: cny("100000.00"), DebtMaturity: day(2024, time.December, 31)}))
	require.NoError(t, r.AddGuarantor(Guarantor{ID: id(61), Name: "Acme Holdings", Kind: CompanyGuarantor,
		Assessments: []Assessment{{Date: day(2024, time.January, 5), NetWorth: cny("5000000.00")}}}))
	require.NoError(t, r.AddGuarantee(Guarantee{ID: id(71), GuarantorID: id(61), LoanID: id(107), Kind: JointAndSeveral,
		DebtMaturity: day(2023, time.October, 15)}))
	require.NoError(t, r.AddGuarantor(Guarantor{ID: id(62), Name: "Safe Guarantee Co", Kind: GuaranteeCompany}))
	require.NoError(t, r.AddGuarantee(Guarantee{ID: id(72), GuarantorID: id(62), LoanID: id(102), Kind: General,
		DebtMaturity: day(2024, time.June, 30)}))
	return r
}

// replayExposures are the loans' outstanding amounts on d.
func replayExposures(d date.Date) []Exposure {
	l101 := "650000.00"
	switch {
	case !d.Before(day(2024, time.April, 15)):
		l101 = "630000.00"
	case !d.Before(day(2024, time.March, 15)):
		l101 = "640000.00"
	}
	l104 := "50000.00"
	if !d.Before(day(2024, time.April, 12)) {
		l104 = "0.00"
	}
	// One day, 103's warning and 107's lapse warning end (a part payment,
	// arrears paid), and come back the next as they were: announced again.
	l103, l107 := "55000.00", "100000.00"
	if d == day(2024, time.March, 5) {
		l103 = "50000.00"
	}
	if d == day(2024, time.March, 25) {
		l107 = "0.00"
	}
	return []Exposure{
		{id(101), cny(l101)}, {id(102), cny("50000.00")}, {id(103), cny(l103)}, {id(104), cny(l104)},
		{id(105), cny("20000.00")}, {id(106), cny("30000.00")}, {id(107), cny(l107)},
	}
}

// shares prices the listed shares of item 4 (one unit).
func shares(price string) MarketData {
	return MarketData{Prices: map[string]money.Amount{"600000": cny(price)}, Source: "exchange"}
}

// replayCommands are the commands of day d, made before its close.
func replayCommands(d date.Date) []func(r *Register) error {
	at := func(m time.Month, dd int) bool { return d == day(2024, m, dd) }
	var cmds []func(r *Register) error
	add := func(f func(r *Register) error) { cmds = append(cmds, f) }
	switch {
	case at(time.March, 10):
		add(func(r *Register) error {
			return r.AddValuation(id(1), Valuation{Date: d, Amount: cny("700000.00"), Method: DesktopReview, Source: "valuer"}, d)
		})
	case at(time.March, 12), at(time.April, 2):
		add(func(r *Register) error { _, err := r.Revalue(id(4), d, shares("100000.00")); return err })
	case at(time.March, 14):
		add(func(r *Register) error {
			return r.Add(Item{ID: id(7), Kind: Deposit, Owner: "Wang", Currency: money.CNY,
				Registration: Registration{Rank: 1}, Liens: []Lien{{id(101), 1}}})
		})
		add(func(r *Register) error { return r.Pledge(id(7), d) })
		add(func(r *Register) error {
			return r.AddValuation(id(7), Valuation{Date: d, Amount: cny("80000.00"), Method: MarketPrice, Source: "bank"}, d)
		})
	case at(time.March, 20):
		add(func(r *Register) error { _, err := r.Revalue(id(4), d, shares("75000.00")); return err })
		add(func(r *Register) error {
			return r.Reassess(id(60), Assessment{Date: d, NetWorth: cny("400000.00"), OtherGuarantees: cny("100000.00")}, d)
		})
	case at(time.March, 25):
		add(func(r *Register) error { return r.Pledge(id(5), d) })
	case at(time.March, 26):
		add(func(r *Register) error {
			return r.AddValuation(id(5), Valuation{Date: d, Amount: cny("50000.00"), Method: Appraisal, Source: "valuer"}, d)
		})
	case at(time.April, 3):
		add(func(r *Register) error { _, err := r.Revalue(id(3), d, MarketData{}); return err })
	case at(time.April, 5):
		add(func(r *Register) error { return r.Seize(id(4), d) })
	case at(time.April, 8):
		add(func(r *Register) error {
			return r.AddValuation(id(6), Valuation{Date: d, Amount: cny("70000.00"), Method: DesktopReview, Source: "valuer"}, d)
		})
	case at(time.April, 10):
		add(func(r *Register) error { return r.RecordDemand(id(70), d) })
		add(func(r *Register) error { return r.Return(id(50), d, "Liu", "vault B") })
	case at(time.April, 12):
		add(func(r *Register) error {
			_, err := r.Liquidate(id(4), Sale{Day: d, Proceeds: cny("95000.00"), Costs: cny("2000.00")},
				[]Exposure{{id(104), cny("50000.00")}})
			return err
		})
	}
	return cmds
}

// legacyClose is the lendcore Engine's closeCollateral and changed() as
// they stood before the register was stored, reimplemented: announced is
// what was last reported about each standing condition, held in memory.
type legacyClose struct{ announced map[any]any }

type (
	legacyCoverageKey    struct{ loan uuid.UUID }
	legacyRevaluationKey struct{ item uuid.UUID }
	legacyAlertKey       struct {
		guarantor, guarantee uuid.UUID
		kind                 AlertKind
	}
	// legacySummary is the root package's coverageSummary less the
	// outstanding and the shortfall, which move with each day's accrual
	// and are not news by themselves (Announcement.Same).
	legacySummary struct {
		market, lending money.Amount
		action          Action
		call            CallStatus
		deadline        date.Date
		items, stale    int
	}
)

func (l *legacyClose) close(r *Register, d date.Date, exposures []Exposure) (Monitoring, error) {
	var m Monitoring
	present := map[any]any{}
	changed := func(k, v any) bool {
		present[k] = v
		return l.announced[k] != v
	}
	cov, err := r.Evaluate(d, exposures)
	if err != nil {
		return m, err
	}
	for i := range cov {
		c := &cov[i]
		if c.Items == 0 || c.Action == ActionNone {
			continue
		}
		s := legacySummary{c.MarketValue, c.LendingValue, c.Action, c.CallStatus,
			c.CallDeadline, c.Items, len(c.Stale)}
		if changed(legacyCoverageKey{c.LoanID}, s) {
			m.Coverage = append(m.Coverage, *c)
		}
	}
	for _, due := range r.DueRevaluations(d) {
		if changed(legacyRevaluationKey{due.ItemID}, due) {
			m.Revaluations = append(m.Revaluations, due)
		}
	}
	alerts, err := r.GuarantorAlerts(d, exposures)
	if err != nil {
		return m, err
	}
	for _, a := range alerts {
		if changed(legacyAlertKey{a.GuarantorID, a.GuaranteeID, a.Kind}, a) {
			m.Alerts = append(m.Alerts, a)
		}
	}
	l.announced = present
	return m, nil
}

// partStore keeps a register's parts as JSON records, the way a store
// does: Restore reads them all, save writes back what Changes names.
type partStore struct {
	policy     Policy
	items      map[uuid.UUID][]byte
	covers     map[uuid.UUID][]byte
	guarantors map[uuid.UUID][]byte
	writes     int
}

func newPartStore(t testing.TB, r *Register) *partStore {
	t.Helper()
	s := &partStore{policy: r.Policy(), items: map[uuid.UUID][]byte{}, covers: map[uuid.UUID][]byte{}, guarantors: map[uuid.UUID][]byte{}}
	items, covers, guarantors := r.Parts()
	for _, it := range items {
		s.items[it.ID] = mustJSON(t, it)
	}
	for _, c := range covers {
		s.covers[c.Loan] = mustJSON(t, c)
	}
	for _, g := range guarantors {
		s.guarantors[g.ID] = mustJSON(t, g)
	}
	return s
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// restore rebuilds the register from every stored part, items and
// guarantors in id order (the order they were registered in here).
func (s *partStore) restore(t testing.TB) *Register {
	t.Helper()
	var items []Item
	for _, k := range sortedIDs(mapKeys(s.items)) {
		var it Item
		require.NoError(t, json.Unmarshal(s.items[k], &it))
		items = append(items, it)
	}
	var covers []Cover
	for _, k := range sortedIDs(mapKeys(s.covers)) {
		var c Cover
		require.NoError(t, json.Unmarshal(s.covers[k], &c))
		covers = append(covers, c)
	}
	var guarantors []Guarantor
	for _, k := range sortedIDs(mapKeys(s.guarantors)) {
		var g Guarantor
		require.NoError(t, json.Unmarshal(s.guarantors[k], &g))
		guarantors = append(guarantors, g)
	}
	r, err := Restore(s.policy, items, covers, guarantors)
	require.NoError(t, err)
	assert.True(t, r.Changes().IsZero(), "a restored register starts with no changes")
	return r
}

// save writes back the parts r says changed.
func (s *partStore) save(t testing.TB, r *Register) {
	t.Helper()
	ch := r.Changes()
	for _, k := range ch.Items {
		it, err := r.Item(k)
		require.NoError(t, err)
		s.items[k] = mustJSON(t, it)
	}
	for _, k := range ch.Covers {
		s.covers[k] = mustJSON(t, r.Cover(k))
	}
	for _, k := range ch.Guarantors {
		g, err := r.Guarantor(k)
		require.NoError(t, err)
		s.guarantors[k] = mustJSON(t, g)
	}
	s.writes += len(ch.Items) + len(ch.Covers) + len(ch.Guarantors)
}

func mapKeys(m map[uuid.UUID][]byte) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestMonitorReplaysLegacyClose: day after day, Monitor announces exactly
// what the Engine's in-memory change detection announced, whether the
// register stays in memory or is restored from its stored parts for every
// command and every close; and a restart announces nothing twice.
func TestMonitorReplaysLegacyClose(t *testing.T) {
	legacyReg, kept := replayBook(t), replayBook(t)
	store := newPartStore(t, replayBook(t))
	legacy := &legacyClose{}
	var total, standing int
	kinds := map[string]bool{}
	for d := replayFrom; !d.After(replayTo); d = d.Add(1) {
		for i, cmd := range replayCommands(d) {
			require.NoError(t, cmd(legacyReg), "%s command %d", d, i)
			require.NoError(t, cmd(kept), "%s command %d", d, i)
			r := store.restore(t)
			require.NoError(t, cmd(r), "%s command %d", d, i)
			store.save(t, r)
		}
		exp := replayExposures(d)
		want, err := legacy.close(legacyReg, d, exp)
		require.NoError(t, err, "%s", d)
		got, err := kept.Monitor(d, exp)
		require.NoError(t, err, "%s", d)
		assert.Equal(t, want, got, "%s: Monitor on the register kept in memory", d)

		r := store.restore(t)
		restored, err := r.Monitor(d, exp)
		require.NoError(t, err, "%s", d)
		assert.Equal(t, want, restored, "%s: Monitor on the register restored from its parts", d)
		store.save(t, r)

		// A second close of the same day, after another restart: every
		// standing condition was recorded as announced, so nothing is news.
		again, err := store.restore(t).Monitor(d, exp)
		require.NoError(t, err)
		assert.Zero(t, again, "%s: closing the day again announces nothing twice", d)

		total += len(want.Coverage) + len(want.Revaluations) + len(want.Alerts)
		for _, c := range want.Coverage {
			kinds["coverage "+c.Action.String()] = true
		}
		for _, due := range want.Revaluations {
			kinds["revaluation "+due.Reason.String()] = true
		}
		for _, a := range want.Alerts {
			kinds["alert "+a.Kind.String()] = true
		}
		cov, err := legacyReg.Evaluate(d, exp) // evaluated again: idempotent on the same day
		require.NoError(t, err)
		for _, c := range cov {
			if c.Items > 0 && c.Action != ActionNone {
				standing++
			}
		}
		standing += len(legacyReg.DueRevaluations(d))
		alerts, _ := legacyReg.GuarantorAlerts(d, exp)
		standing += len(alerts)
	}
	// The replay is not vacuous: every kind of news occurs, and far fewer
	// announcements are made than conditions stand day after day.
	for _, k := range []string{"coverage warn", "coverage revalue", "coverage call", "coverage liquidate",
		"revaluation never-valued", "revaluation scheduled", "revaluation expired",
		"alert capacity-shortfall", "alert reassessment-due", "alert period-lapsing", "alert period-lapsed"} {
		assert.True(t, kinds[k], "no %s announced", k)
	}
	assert.Greater(t, total, 25)
	assert.Greater(t, standing, 5*total, "standing conditions are announced once, not daily")
	t.Logf("%d announcements for %d standing condition-days; %d part writes", total, standing, store.writes)
}

// TestRestoreEvaluatesIdentically: a register restored from the parts of
// another (through JSON) answers every query as the original does, and
// goes on doing so as both are evaluated day after day.
func TestRestoreEvaluatesIdentically(t *testing.T) {
	orig := replayBook(t)
	for d := replayFrom; d.Before(day(2024, time.March, 25)); d = d.Add(1) {
		for _, cmd := range replayCommands(d) {
			require.NoError(t, cmd(orig))
		}
		_, err := orig.Monitor(d, replayExposures(d))
		require.NoError(t, err)
	}
	copy := newPartStore(t, orig).restore(t)
	assertSameParts(t, orig, copy)
	for d := day(2024, time.March, 25); !d.After(replayTo); d = d.Add(1) {
		exp := replayExposures(d)
		for _, r := range []*Register{orig, copy} {
			for _, cmd := range replayCommands(d) {
				require.NoError(t, cmd(r))
			}
		}
		a, errA := orig.Evaluate(d, exp)
		b, errB := copy.Evaluate(d, exp)
		require.NoError(t, errA)
		require.NoError(t, errB)
		assert.Equal(t, a, b, "%s Evaluate", d)
		assert.Equal(t, orig.DueRevaluations(d), copy.DueRevaluations(d), "%s DueRevaluations", d)
		ga, _ := orig.GuarantorAlerts(d, exp)
		gb, _ := copy.GuarantorAlerts(d, exp)
		assert.Equal(t, ga, gb, "%s GuarantorAlerts", d)
		ca, _ := orig.GuaranteeCoverage(d, exp)
		cb, _ := copy.GuaranteeCoverage(d, exp)
		assert.Equal(t, ca, cb, "%s GuaranteeCoverage", d)
		assert.Equal(t, orig.OverdueDocuments(d), copy.OverdueDocuments(d), "%s OverdueDocuments", d)
		for _, it := range orig.items {
			assert.Equal(t, orig.RevaluationDue(it.ID), copy.RevaluationDue(it.ID), "%s RevaluationDue(%s)", d, it.ID)
			va, _ := orig.ValueAt(it.ID, d)
			vb, _ := copy.ValueAt(it.ID, d)
			assert.Equal(t, va, vb)
		}
	}
	assertSameParts(t, orig, copy)
	assert.Equal(t, orig.CuredCalls(), copy.CuredCalls())
	assert.NotEmpty(t, orig.CuredCalls(), "the replay cures calls")
}

// assertSameParts checks that two registers hold the same parts.
func assertSameParts(t *testing.T, a, b *Register) {
	t.Helper()
	ia, ca, ga := a.Parts()
	ib, cb, gb := b.Parts()
	assert.Equal(t, ia, ib)
	assert.Equal(t, ca, cb)
	assert.Equal(t, ga, gb)
}
