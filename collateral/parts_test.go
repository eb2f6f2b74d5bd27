package collateral

import (
	"encoding/json"
	"errors"
	"maps"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// partJSON returns every part of r as JSON, keyed "item/<id>",
// "cover/<loan>" and "guarantor/<id>": what a store holds.
func partJSON(t *testing.T, r *Register) map[string]string {
	t.Helper()
	out := map[string]string{}
	items, covers, guarantors := r.Parts()
	for _, it := range items {
		out["item/"+it.ID.String()] = string(mustJSON(t, it))
	}
	for _, c := range covers {
		out["cover/"+c.Loan.String()] = string(mustJSON(t, c))
	}
	for _, g := range guarantors {
		out["guarantor/"+g.ID.String()] = string(mustJSON(t, g))
	}
	return out
}

// changed names the parts that differ between two snapshots, as Changes
// names them.
func changed(before, after map[string]string) Changes {
	var c Changes
	for _, k := range slices.Sorted(maps.Keys(joinKeys(before, after))) {
		if before[k] == after[k] {
			continue
		}
		kind, id, _ := cutKey(k)
		switch kind {
		case "item":
			c.Items = append(c.Items, id)
		case "cover":
			c.Covers = append(c.Covers, id)
		case "guarantor":
			c.Guarantors = append(c.Guarantors, id)
		}
	}
	c.Items, c.Covers, c.Guarantors = sortedIDs(c.Items), sortedIDs(c.Covers), sortedIDs(c.Guarantors)
	return c
}

func joinKeys(a, b map[string]string) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func cutKey(k string) (string, uuid.UUID, bool) {
	for i := range k {
		if k[i] == '/' {
			id, err := uuid.Parse(k[i+1:])
			return k[:i], id, err == nil
		}
	}
	return "", uuid.Nil, false
}

// TestChangesNamesTouchedParts runs a story of commands, refused ones
// among them, and checks after each that Changes names exactly the parts
// whose stored form changed.
func TestChangesNamesTouchedParts(t *testing.T) {
	r := fixture(t)
	r.Changes()
	on := day(2024, time.February, 1)
	exp := func(l101, l103 string) []Exposure {
		return []Exposure{{id(101), cny(l101)}, {id(102), cny("0.00")}, {id(103), cny(l103)}}
	}
	evaluate := func(d date.Date, e []Exposure) func(r *Register) error {
		return func(r *Register) error { _, err := r.Evaluate(d, e); return err }
	}
	monitor := func(d date.Date, e []Exposure) func(r *Register) error {
		return func(r *Register) error { _, err := r.Monitor(d, e); return err }
	}
	steps := []struct {
		name   string
		op     func(r *Register) error
		refuse bool
		want   Changes
	}{
		{"add an item", func(r *Register) error {
			return r.Add(Item{ID: id(3), Kind: Vehicle, Owner: "o", Currency: money.CNY, Registration: Registration{Rank: 1},
				Liens: []Lien{{id(103), 1}}, Cost: cny("100000.00"), AcquiredOn: day(2023, time.February, 1)})
		}, false, Changes{Items: []uuid.UUID{id(3)}}},
		{"pledge it", func(r *Register) error { return r.Pledge(id(3), on) }, false, Changes{Items: []uuid.UUID{id(3)}}},
		{"revalue it", func(r *Register) error { _, err := r.Revalue(id(3), on, MarketData{}); return err }, false,
			Changes{Items: []uuid.UUID{id(3)}}},
		{"a valuation", func(r *Register) error {
			return r.AddValuation(id(1), Valuation{Date: on, Amount: cny("800000.00"), Method: DesktopReview, Source: "v"}, on)
		}, false, Changes{Items: []uuid.UUID{id(1)}}},
		{"an evaluation raising a call", evaluate(on, exp("750000.00", "1000.00")), false, Changes{Covers: []uuid.UUID{id(101)}}},
		{"the same evaluation again", evaluate(on, exp("750000.00", "1000.00")), false, Changes{}},
		{"a smaller shortfall", evaluate(on.Add(1), exp("740000.00", "1000.00")), false, Changes{Covers: []uuid.UUID{id(101)}}},
		{"the call cured", evaluate(on.Add(2), exp("600000.00", "1000.00")), false, Changes{Covers: []uuid.UUID{id(101)}}},
		{"a refused evaluation", evaluate(on.Add(2), exp("-1.00", "1000.00")), true, Changes{}},
		{"a deposit", func(r *Register) error {
			return r.Deposit(Document{ID: id(51), ItemID: id(2), Kind: TitleDeed, Number: "T-1"}, on, "clerk", "vault A")
		}, false, Changes{Items: []uuid.UUID{id(2)}}},
		{"a return", func(r *Register) error { return r.Return(id(50), on, "Liu", "vault B") }, false, Changes{Items: []uuid.UUID{id(1)}}},
		{"a check-out", func(r *Register) error { return r.CheckOut(id(50), on, "Sun", "registry") }, false, Changes{Items: []uuid.UUID{id(1)}}},
		{"a refused check-out", func(r *Register) error { return r.CheckOut(id(50), on, "Sun", "registry") }, true, Changes{}},
		{"a guarantor", func(r *Register) error {
			return r.AddGuarantor(Guarantor{ID: id(61), Name: "g", Kind: CompanyGuarantor})
		}, false,
			Changes{Guarantors: []uuid.UUID{id(61)}}},
		{"its guarantee", func(r *Register) error {
			return r.AddGuarantee(Guarantee{ID: id(71), GuarantorID: id(61), LoanID: id(103), Kind: General, DebtMaturity: on})
		}, false, Changes{Guarantors: []uuid.UUID{id(61)}}},
		{"a re-assessment", func(r *Register) error { return r.Reassess(id(60), Assessment{Date: on, NetWorth: cny("1.00")}, on) }, false,
			Changes{Guarantors: []uuid.UUID{id(60)}}},
		{"a demand", func(r *Register) error { return r.RecordDemand(id(70), on) }, false, Changes{Guarantors: []uuid.UUID{id(60)}}},
		{"a refused demand", func(r *Register) error { return r.RecordDemand(id(70), on) }, true, Changes{}},
		{"the first monitor", monitor(on.Add(3), exp("680000.00", "1000.00")), false, Changes{
			Covers: []uuid.UUID{id(101)}, Guarantors: []uuid.UUID{id(60), id(61)}}},
		{"the same monitor again", monitor(on.Add(3), exp("680000.00", "1000.00")), false, Changes{}},
		{"a refused monitor", monitor(on.Add(4), []Exposure{{id(101), cny("1.00")}}), true, Changes{}},
		{"a seizure", func(r *Register) error { return r.Seize(id(3), on.Add(4)) }, false, Changes{Items: []uuid.UUID{id(3)}}},
		{"a sale", func(r *Register) error {
			_, err := r.Liquidate(id(3), Sale{Day: on.Add(5), Proceeds: cny("50000.00")}, exp("0.00", "1000.00"))
			return err
		}, false, Changes{Items: []uuid.UUID{id(3)}}},
		{"a release", func(r *Register) error { return r.Release(id(1), on.Add(5), exp("0.00", "0.00")) }, false,
			Changes{Items: []uuid.UUID{id(1)}}},
		// Nothing owed: loan 101's warning ends, and so does guarantor 60's
		// capacity shortfall; guarantor 61 is still never assessed.
		{"a monitor after repayment", monitor(on.Add(6), exp("0.00", "0.00")), false, Changes{
			Covers: []uuid.UUID{id(101)}, Guarantors: []uuid.UUID{id(60)}}},
		{"a refused duplicate", func(r *Register) error {
			return r.Add(Item{ID: id(1), Kind: Vehicle, Owner: "o", Currency: money.CNY, Registration: Registration{Rank: 1}, Liens: []Lien{{id(9), 1}}})
		}, true, Changes{}},
	}
	for _, s := range steps {
		before := partJSON(t, r)
		err := s.op(r)
		if s.refuse {
			require.Error(t, err, s.name)
		} else {
			require.NoError(t, err, s.name)
		}
		got := r.Changes()
		assert.Equal(t, s.want, got, "%s: Changes", s.name)
		assert.Equal(t, changed(before, partJSON(t, r)), got, "%s: Changes against the parts that differ", s.name)
		assert.True(t, r.Changes().IsZero(), "%s: Changes starts afresh", s.name)
	}
}

// TestPartsRoundTripThroughJSON: every part survives JSON unchanged, with
// snake_case keys and enumerations by name.
func TestPartsRoundTripThroughJSON(t *testing.T) {
	r := replayAt(t, day(2024, time.March, 22))
	items, covers, guarantors := r.Parts()
	require.NotEmpty(t, covers)
	b, err := json.Marshal(map[string]any{"items": items, "covers": covers, "guarantors": guarantors})
	require.NoError(t, err)
	var back struct {
		Items      []Item      `json:"items"`
		Covers     []Cover     `json:"covers"`
		Guarantors []Guarantor `json:"guarantors"`
	}
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, items, back.Items)
	assert.Equal(t, covers, back.Covers)
	assert.Equal(t, guarantors, back.Guarantors)

	var doc any
	require.NoError(t, json.Unmarshal(b, &doc))
	snake := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				assert.Regexp(t, snake, k, "key of %s", path)
				walk(path+"."+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path+"[]", x)
			}
		}
	}
	walk("", doc)
	for _, s := range []string{`"status":"pledged"`, `"event":"check-out"`, `"state":"checked-out"`, `"kind":"listed-securities"`,
		`"status":"open"`, `"status":"cured"`, `"action":"warn"`, `"reason":"scheduled"`, `"kind":"reassessment-due"`} {
		assert.Contains(t, string(b), s)
	}
}

// replayAt is the replay book with its commands and closes run up to d.
func replayAt(t testing.TB, d date.Date) *Register {
	t.Helper()
	r := replayBook(t)
	for x := replayFrom; !x.After(d); x = x.Add(1) {
		for _, cmd := range replayCommands(x) {
			require.NoError(t, cmd(r))
		}
		_, err := r.Monitor(x, replayExposures(x))
		require.NoError(t, err)
	}
	r.Changes()
	return r
}

// TestRestoreRefusesBadParts: each inconsistency is refused with a
// *fault.Fields naming the bad field, every one at once.
func TestRestoreRefusesBadParts(t *testing.T) {
	good := replayAt(t, day(2024, time.March, 22))
	usd := money.MustParse("10.00", money.USD)
	tests := []struct {
		name   string
		break_ func(items []Item, covers []Cover, guarantors []Guarantor) ([]Item, []Cover, []Guarantor)
		fields []string
	}{
		{"an item twice", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			return append(i, i[0]), c, g
		}, []string{"items[7].id", "items[7].documents[0].id"}},
		{"a document of another item", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			i[0].Documents[0].ItemID = id(2)
			return i, c, g
		}, []string{"items[0].documents[0].item_id"}},
		{"a document filed twice", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			d := i[0].Documents[0]
			d.ItemID = id(2)
			i[1].Documents = append(i[1].Documents, d)
			return i, c, g
		}, []string{"items[1].documents[0].id"}},
		{"a custody log that ends elsewhere", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			i[0].Documents[0].State = InVault
			return i, c, g
		}, []string{"items[0].documents[0].state", "items[0].documents[0].out_since"}},
		{"a custody log with an illegal move", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			i[0].Documents[0].Log[1].Event = CustodyReturn
			return i, c, g
		}, []string{"items[0].documents[0].log[1].event", "items[0].documents[0].state"}},
		{"a status the history does not reach", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			i[0].Status = Released
			return i, c, g
		}, []string{"items[0].status"}},
		{"a history with an illegal move", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			i[0].History[0].Event = EventSeize
			return i, c, g
		}, []string{"items[0].history[0].to"}},
		{"valuations out of order", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			i[0].Valuations[0], i[0].Valuations[1] = i[0].Valuations[1], i[0].Valuations[0]
			return i, c, g
		}, []string{"items[0].valuations[1].date"}},
		{"a value in another currency", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			i[0].Valuations[0].Value = usd
			return i, c, g
		}, []string{"items[0].valuations[0].value"}},
		{"an unknown kind", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			i[2].Kind = 0
			return i, c, g
		}, []string{"items[2].kind"}},
		{"a revaluation announced for another item", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			i[3].Announced.ItemID = id(1)
			return i, c, g
		}, []string{"items[3].announced.item_id"}},
		{"a cover twice", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			return i, append(c, c[0]), g
		}, []string{"covers[5].loan"}},
		{"a call of another loan", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			c[0].Cured[0].LoanID = id(102)
			return i, c, g
		}, []string{"covers[0].cured[0].loan_id"}},
		{"a live call that is cured", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			c[3].Call.Status = CallCured
			return i, c, g
		}, []string{"covers[3].call.status"}},
		{"a cover in another currency than its items", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			c[3].Call.Demanded = usd
			return i, c, g
		}, []string{"covers[3].call.demanded"}},
		{"a guarantee of another guarantor", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			g[0].Guarantees[0].GuarantorID = id(61)
			return i, c, g
		}, []string{"guarantors[0].guarantees[0].guarantor_id"}},
		{"a guarantee filed twice", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			gt := g[0].Guarantees[0]
			gt.GuarantorID = id(61)
			g[1].Guarantees = append(g[1].Guarantees, gt)
			return i, c, g
		}, []string{"guarantors[1].guarantees[1].id"}},
		{"a guarantor twice", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			return i, c, append(g, g[2])
		}, []string{"guarantors[3].id", "guarantors[3].guarantees[0].id"}},
		{"an alert on a guarantee not the guarantor's", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			g[1].Announced[0].GuaranteeID = id(70)
			return i, c, g
		}, []string{"guarantors[1].announced[0].guarantee_id"}},
		{"two faults at once", func(i []Item, c []Cover, g []Guarantor) ([]Item, []Cover, []Guarantor) {
			i[0].Documents[0].ItemID = id(2)
			g[0].Guarantees[0].GuarantorID = id(61)
			return i, c, g
		}, []string{"items[0].documents[0].item_id", "guarantors[0].guarantees[0].guarantor_id"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			items, covers, guarantors := good.Parts()
			_, err := Restore(good.Policy(), items, covers, guarantors)
			require.NoError(t, err, "the parts are good before they are broken")
			items, covers, guarantors = tc.break_(items, covers, guarantors)
			r, err := Restore(good.Policy(), items, covers, guarantors)
			assert.Nil(t, r)
			require.ErrorIs(t, err, ErrInconsistentParts)
			var bad *fault.Fields
			require.ErrorAs(t, err, &bad)
			var names []string
			for _, f := range bad.List {
				names = append(names, f.Name)
			}
			assert.ElementsMatch(t, tc.fields, names, "%v", err)
		})
	}
	t.Run("a bad policy", func(t *testing.T) {
		p := good.Policy()
		p.Thresholds.CallDays = 0
		_, err := Restore(p, nil, nil, nil)
		assert.ErrorIs(t, err, ErrInvalidPolicy)
	})
}

// TestIndexValues checks the values a store indexes against the book as
// it stands on 2024-03-22 (see the replay tests).
func TestIndexValues(t *testing.T) {
	r := replayAt(t, day(2024, time.March, 22))
	tests := []struct {
		item uuid.UUID
		due  date.Date
		why  string
	}{
		// Valued 2024-03-10 by desktop review: real estate every 12 months.
		{id(1), day(2025, time.March, 10), "next due 12 months on"},
		// Valued 2024-01-10: due 2025-01-10, valid 15 months to 2025-04-10.
		{id(2), day(2025, time.January, 10), "next due before expiry"},
		// Shares revalued 2024-03-20: every day, valid 7 days.
		{id(4), day(2024, time.March, 21), "daily"},
		// Proposed, never valued: due from the start.
		{id(5), date.New(1, time.January, 1), "never valued"},
		// An unknown item.
		{id(99), date.Date{}, "unknown"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.due, r.RevaluationDue(tc.item), tc.why)
	}
	// With a validity shorter than the frequency, expiry comes first.
	require.NoError(t, r.AddValuation(id(6), Valuation{Date: day(2024, time.March, 22), Amount: cny("1.00"), Method: Appraisal,
		Source: "v", ValidUntil: day(2024, time.March, 31)}, day(2024, time.March, 22)))
	assert.Equal(t, day(2024, time.April, 1), r.RevaluationDue(id(6)))

	it, err := r.Item(id(1))
	require.NoError(t, err)
	assert.Equal(t, day(2024, time.February, 1), it.DocumentOut(), "document 50 out since 02-01")
	assert.Equal(t, []uuid.UUID{id(101)}, it.SecuredLoans())
	it, err = r.Item(id(2))
	require.NoError(t, err)
	assert.Equal(t, date.Date{}, it.DocumentOut())
	assert.Equal(t, []uuid.UUID{id(101), id(102)}, it.SecuredLoans(), "sorted, whatever the liens' order")

	g, err := r.Guarantor(id(61))
	require.NoError(t, err)
	assert.Equal(t, day(2024, time.April, 15), g.PeriodEnd(), "2023-10-15 + 6 months")
	c := r.Cover(id(104))
	assert.True(t, c.Live(), "a live call")
	c = r.Cover(id(106))
	assert.True(t, c.Live(), "a standing revalue action")
	c.Announced = nil
	assert.False(t, c.Live())
	assert.Equal(t, []uuid.UUID{id(107)}, g.Loans())
	require.NoError(t, r.RecordDemand(id(71), day(2024, time.March, 22)))
	g, _ = r.Guarantor(id(61))
	assert.Equal(t, date.Date{}, g.PeriodEnd(), "no guarantee left without a demand")

	require.NoError(t, r.Release(id(2), day(2024, time.March, 22), []Exposure{{id(101), cny("0.00")}, {id(102), cny("0.00")}}))
	assert.Equal(t, date.Date{}, r.RevaluationDue(id(2)), "a released item is never due")
}

// TestCoverOfALoanWithout: a loan with no calls and nothing announced has
// the zero cover, and an unknown guarantor is not found.
func TestCoverOfALoanWithout(t *testing.T) {
	r := fixture(t)
	c := r.Cover(id(109))
	assert.Equal(t, Cover{Loan: id(109)}, c)
	assert.False(t, c.Live())
	_, err := r.Guarantor(id(69))
	assert.ErrorIs(t, err, ErrNotFound)
	g, err := r.Guarantor(id(60))
	require.NoError(t, err)
	require.Len(t, g.Guarantees, 1)
	g.Guarantees[0].LoanID = id(109)
	again, _ := r.Guarantor(id(60))
	assert.Equal(t, id(101), again.Guarantees[0].LoanID, "Guarantor hands out a copy")
}

// FuzzRestore: whatever parts are decoded, Restore either refuses them
// with a *fault.Fields or gives a register whose parts restore again to
// the same, and that evaluates without panicking.
func FuzzRestore(f *testing.F) {
	good := replayAt(f, day(2024, time.March, 22))
	items, covers, guarantors := good.Parts()
	seed, err := json.Marshal(map[string]any{"items": items, "covers": covers, "guarantors": guarantors})
	require.NoError(f, err)
	f.Add(seed)
	f.Add([]byte(`{"items":[{"id":"00000000-0000-0000-0000-000000000001","kind":"vehicle","owner":"o","currency":"CNY",` +
		`"registration":{"rank":1},"liens":[{"loan_id":"00000000-0000-0000-0000-000000000065","rank":1}],"status":"proposed"}]}`))
	f.Add([]byte(`{"covers":[{"loan":"00000000-0000-0000-0000-000000000065","call":{"loan_id":"00000000-0000-0000-0000-000000000065",` +
		`"raised_on":"2024-01-01","deadline":"2024-01-11","demanded":"CNY 5.00","shortfall":"CNY 5.00","status":"open"}}]}`))
	f.Add([]byte(`{"guarantors":[{"id":"00000000-0000-0000-0000-00000000003c","name":"g","kind":"person","guarantees":[` +
		`{"id":"00000000-0000-0000-0000-000000000046","guarantor_id":"00000000-0000-0000-0000-00000000003c",` +
		`"loan_id":"00000000-0000-0000-0000-000000000065","kind":"general","debt_maturity":"2024-01-01","period_end":"2024-07-01"}]}]}`))
	f.Add([]byte(`{"items":[{}],"covers":[{}],"guarantors":[{}]}`))
	policy := DefaultPolicy()
	f.Fuzz(func(t *testing.T, data []byte) {
		var in struct {
			Items      []Item      `json:"items"`
			Covers     []Cover     `json:"covers"`
			Guarantors []Guarantor `json:"guarantors"`
		}
		if json.Unmarshal(data, &in) != nil {
			return
		}
		r, err := Restore(policy, in.Items, in.Covers, in.Guarantors)
		if err != nil {
			var bad *fault.Fields
			require.True(t, errors.As(err, &bad), "%T: %v", err, err)
			require.ErrorIs(t, err, ErrInconsistentParts)
			require.NotZero(t, bad.Len())
			return
		}
		items, covers, guarantors := r.Parts()
		b, err := json.Marshal(map[string]any{"items": items, "covers": covers, "guarantors": guarantors})
		require.NoError(t, err, "restored parts encode")
		var back struct {
			Items      []Item      `json:"items"`
			Covers     []Cover     `json:"covers"`
			Guarantors []Guarantor `json:"guarantors"`
		}
		require.NoError(t, json.Unmarshal(b, &back))
		again, err := Restore(policy, back.Items, back.Covers, back.Guarantors)
		require.NoError(t, err, "restored parts restore again")
		i2, c2, g2 := again.Parts()
		b2, err := json.Marshal(map[string]any{"items": i2, "covers": c2, "guarantors": g2})
		require.NoError(t, err)
		assert.JSONEq(t, string(b), string(b2), "the parts store the same")

		// Every loan the parts name, owing something in its items' currency.
		cur := map[uuid.UUID]money.Currency{}
		var loans []uuid.UUID
		for _, it := range items {
			for _, l := range it.Liens {
				loans = append(loans, l.LoanID)
				cur[l.LoanID] = it.Currency
			}
		}
		for _, c := range covers {
			loans = append(loans, c.Loan)
		}
		for _, g := range guarantors {
			loans = append(loans, g.Loans()...)
		}
		var exp []Exposure
		for _, l := range sortedIDs(loans) {
			c := cur[l]
			if c.IsZero() {
				c = money.CNY
			}
			exp = append(exp, Exposure{LoanID: l, Outstanding: money.New(int64(l[15])*100_000, c)})
		}
		d := day(2024, time.March, 23)
		_, _ = again.Monitor(d, exp)
		_ = again.OverdueDocuments(d)
		_, _ = again.GuaranteeCoverage(d, exp)
		for _, it := range items {
			_ = again.RevaluationDue(it.ID)
			_ = it.DocumentOut()
		}
		for _, g := range guarantors {
			_ = g.PeriodEnd()
		}
	})
}

// BenchmarkRestore restores a register of 2,000 items (one loan each,
// valued once) from its parts, as a store-backed command or close does;
// "json" includes decoding the parts.
func BenchmarkRestore(b *testing.B) {
	const n = 2000
	r, _ := benchBook(b, n)
	p := r.Policy()
	items, covers, guarantors := r.Parts()
	b.Run("parts", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Restore(p, items, covers, guarantors); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
	})
	raw := make([][]byte, n)
	for i, it := range items {
		raw[i], _ = json.Marshal(it)
	}
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			decoded := make([]Item, n)
			for i := range raw {
				if err := json.Unmarshal(raw[i], &decoded[i]); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := Restore(p, decoded, covers, guarantors); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
	})
}
