package line_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/line"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

func d(y int, m time.Month, day int) date.Date { return date.New(y, m, day) }

func cny(s string) money.Amount { return money.MustParse(s, money.CNY) }

func dossier() loan.Dossier {
	var f []loan.Finding
	for a := loan.BasicEligibility; a <= loan.Guarantees; a++ {
		f = append(f, loan.Finding{Area: a, Summary: "checked"})
	}
	return loan.Dossier{Findings: f, Investigators: [2]string{"inv1", "inv2"}, SignedOn: d(2024, 1, 5)}
}

// terms: a revolving line of 50,000 for 2024, drawdowns of 1,000 to
// 20,000 for 1 to 12 months at 6 % to 18 %, equal installments or
// equal principal.
func terms() line.Terms {
	return line.Terms{ID: uuid.MustParse("00000000-0000-4000-8000-000000000001"),
		Borrower: uuid.MustParse("00000000-0000-4000-8000-0000000000b0"), BorrowerKind: loan.Individual,
		Product: "consumer-revolving", Purpose: "consumption", Limit: cny("50000"), Revolving: true,
		From: d(2024, 1, 10), Until: d(2024, 12, 31),
		Allowed: line.Allowed{MinAmount: cny("1000"), MaxAmount: cny("20000"),
			MinTerm: loan.Term{Months: 1}, MaxTerm: loan.Term{Months: 12},
			MinRate: money.MustRate("6%"), MaxRate: money.MustRate("18%"),
			Methods: []schedule.Method{schedule.EqualInstallment, schedule.EqualPrincipal}},
		Dossier: dossier(), OpenedBy: "officer-a"}
}

func open(t *testing.T, tt line.Terms) *line.Line {
	t.Helper()
	l, err := line.Open(tt, d(2024, 1, 10))
	require.NoError(t, err)
	return l
}

func draw(amount string, start date.Date, months int) line.Draw {
	return line.Draw{Loan: uuid.NewSHA1(uuid.NameSpaceOID, []byte(amount+start.String())),
		Terms: schedule.Terms{Principal: cny(amount), AnnualRate: money.MustRate("12%"),
			Method: schedule.EqualInstallment, Frequency: schedule.Monthly, Periods: months, Start: start},
		By: "app", Key: "k-" + amount + start.String()}
}

func fields(t *testing.T, err error) *fault.Fields {
	t.Helper()
	var f *fault.Fields
	require.ErrorAs(t, err, &f)
	return f
}

func TestOpenNamesEveryBadField(t *testing.T) {
	tt := terms()
	tt.ID = uuid.Nil
	tt.Limit = money.Zero(money.CNY)
	tt.Until = d(2023, 1, 1)
	tt.Purpose = ""
	tt.Dossier.Findings = nil
	tt.Allowed.MaxAmount = money.MustParse("5", money.USD)
	tt.Allowed.MaxRate = money.MustRate("1%")
	tt.Allowed.Methods = []schedule.Method{schedule.EqualPrincipal, schedule.EqualPrincipal}
	_, err := line.Open(tt, date.Date{})
	f := fields(t, err)
	assert.ErrorIs(t, err, line.ErrInvalidInput)
	for _, name := range []string{"id", "limit", "until", "purpose", "dossier.findings", "allowed.max_amount",
		"allowed.max_rate", "allowed.methods[1]", "on"} {
		assert.True(t, f.Has(name), "%s in %v", name, err)
	}
}

// Availability: limit − outstanding principal on a revolving line (a
// repayment restores it), limit − drawn on a non-revolving one.
func TestAvailability(t *testing.T) {
	for _, tc := range []struct {
		name        string
		revolving   bool
		outstanding string
		want        string
	}{
		{"revolving, nothing repaid", true, "30000", "20000"},
		{"revolving, 12,000 repaid", true, "18000", "32000"},
		{"non-revolving ignores repayments", false, "18000", "20000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tt := terms()
			tt.Revolving = tc.revolving
			l := open(t, tt)
			require.NoError(t, l.Draw(draw("20000", d(2024, 2, 1), 12), cny("0")))
			require.NoError(t, l.Draw(draw("10000", d(2024, 3, 1), 12), cny("20000")))
			assert.Equal(t, cny("30000"), l.Drawn())
			assert.Equal(t, cny(tc.want), l.Available(d(2024, 4, 1), cny(tc.outstanding)))
		})
	}
}

func TestDrawRefusals(t *testing.T) {
	usd := draw("5000", d(2024, 2, 1), 6)
	usd.Terms.Principal = money.MustParse("5000", money.USD)
	for _, tc := range []struct {
		name  string
		d     line.Draw
		out   string
		field string
		kind  error
	}{
		{"above available", draw("15000", d(2024, 2, 1), 6), "40000", "terms.principal", line.ErrUnavailable},
		{"above the per-drawdown maximum", draw("25000", d(2024, 2, 1), 6), "0", "terms.principal", line.ErrInvalidInput},
		{"other currency", usd, "0", "terms.principal", line.ErrInvalidInput},
		{"before validity", draw("5000", d(2024, 1, 1), 6), "0", "terms.start", line.ErrInvalidInput},
		{"after validity", draw("5000", d(2025, 1, 1), 6), "0", "terms.start", line.ErrInvalidInput},
		{"term too long", draw("5000", d(2024, 2, 1), 24), "0", "terms.periods", line.ErrInvalidInput},
		{"rate too high", func() line.Draw {
			x := draw("5000", d(2024, 2, 1), 6)
			x.Terms.AnnualRate = money.MustRate("24%")
			return x
		}(), "0", "terms.annual_rate", line.ErrInvalidInput},
		{"method not allowed", func() line.Draw {
			x := draw("5000", d(2024, 2, 1), 6)
			x.Terms.Method = schedule.Bullet
			x.Terms.Periods = 1
			return x
		}(), "0", "terms.method", line.ErrInvalidInput},
		{"line approving itself", func() line.Draw {
			x := draw("5000", d(2024, 2, 1), 6)
			x.By = line.Approver(terms().ID)
			return x
		}(), "0", "by", line.ErrInvalidInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := open(t, terms())
			before, _ := json.Marshal(l)
			err := l.Draw(tc.d, cny(tc.out))
			assert.ErrorIs(t, err, tc.kind)
			assert.True(t, fields(t, err).Has(tc.field), "%v", err)
			after, _ := json.Marshal(l)
			assert.JSONEq(t, string(before), string(after), "a refused drawdown changes nothing")
		})
	}
}

func TestFrozenLineRefusesDrawdowns(t *testing.T) {
	l := open(t, terms())
	require.NoError(t, l.Apply(line.EventFreeze, loan.Action{Officer: "risk", On: d(2024, 2, 1), Reason: "dpd 31"}))
	err := l.Draw(draw("5000", d(2024, 2, 2), 6), cny("0"))
	var tr *fault.Transition
	require.ErrorAs(t, err, &tr)
	assert.ErrorIs(t, err, line.ErrIllegalTransition)
	assert.Error(t, l.Apply(line.EventUnfreeze, loan.Action{Officer: "risk", On: d(2024, 2, 3)}), "a reason is required")
	require.NoError(t, l.Apply(line.EventUnfreeze, loan.Action{Officer: "risk", On: d(2024, 2, 3), Reason: "cured"}))
	require.NoError(t, l.Draw(draw("5000", d(2024, 2, 4), 6), cny("0")))
	err = l.Apply(line.EventExpire, loan.Action{Officer: "close", On: d(2024, 12, 31)})
	assert.True(t, fields(t, err).Has("on"), "a line expires only after its validity")
	require.NoError(t, l.Apply(line.EventExpire, loan.Action{Officer: "close", On: d(2025, 1, 1)}))
	assert.ErrorIs(t, l.Draw(draw("5000", d(2024, 12, 1), 6), cny("0")), line.ErrIllegalTransition)
}

func policy() line.Policy {
	p := line.DefaultPolicy()
	p.Authority.Officers = []loan.Officer{{ID: "branch", Limit: cny("60000")}, {ID: "head", Limit: cny("500000")}}
	return p
}

func TestLimitChangeFourEyesAndAuthority(t *testing.T) {
	l := open(t, terms())
	up := line.Change{Limit: cny("100000"), RequestedBy: "branch", RequestedOn: d(2024, 3, 1), Reason: "income rose"}
	require.NoError(t, l.RequestChange(up))
	assert.True(t, fields(t, l.RequestChange(up)).Has("change"), "one pending change at a time")

	var ae *loan.AuthorityError
	_, err := l.ApproveChange(loan.Action{Officer: "branch", On: d(2024, 3, 2)}, policy(), cny("0"))
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, loan.RuleFourEyesSubmitter, ae.Rule, "maker ≠ checker")
	_, err = l.ApproveChange(loan.Action{Officer: "nobody", On: d(2024, 3, 2)}, policy(), cny("0"))
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, loan.RuleUnknownOfficer, ae.Rule)
	p := policy()
	p.Authority.Officers[1].Limit = cny("80000")
	_, err = l.ApproveChange(loan.Action{Officer: "head", On: d(2024, 3, 2)}, p, cny("0"))
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, loan.RuleAboveLimit, ae.Rule, "100,000 is above the 80,000 authority")
	assert.Equal(t, fault.CodeRefused, fault.CodeOf(err))

	adj, err := l.ApproveChange(loan.Action{Officer: "head", On: d(2024, 3, 2)}, policy(), cny("0"))
	require.NoError(t, err)
	assert.Equal(t, line.Adjusted{From: cny("50000"), To: cny("100000"), Excess: cny("0")}, adj)
	assert.Equal(t, cny("100000"), l.Limit(d(2024, 3, 2)))
}

// A decrease below the outstanding blocks drawdowns and calls nothing due
// unless the policy says so; a branch officer may approve a decrease
// whatever their authority.
func TestDecreaseBelowOutstanding(t *testing.T) {
	for _, tc := range []struct {
		excess line.Excess
		call   bool
	}{{line.ExcessBlock, false}, {line.ExcessCall, true}} {
		t.Run(tc.excess.String(), func(t *testing.T) {
			l := open(t, terms())
			require.NoError(t, l.Draw(draw("20000", d(2024, 2, 1), 12), cny("0")))
			require.NoError(t, l.RequestChange(line.Change{Limit: cny("10000"), RequestedBy: "head",
				RequestedOn: d(2024, 3, 1), Reason: "warning"}))
			p := policy()
			p.Excess = tc.excess
			adj, err := l.ApproveChange(loan.Action{Officer: "branch", On: d(2024, 3, 1)}, p, cny("18000"))
			require.NoError(t, err)
			assert.Equal(t, cny("8000"), adj.Excess, "18,000 outstanding − 10,000 limit")
			assert.Equal(t, tc.call, adj.Call)
			assert.True(t, l.Available(d(2024, 3, 2), cny("18000")).IsZero())
			assert.ErrorIs(t, l.Draw(draw("1000", d(2024, 3, 2), 6), cny("18000")), line.ErrUnavailable)
			// Repaid down to 9,000: 1,000 is available again.
			assert.Equal(t, cny("1000"), l.Available(d(2024, 5, 1), cny("9000")))
		})
	}
}

func TestTemporaryLimitEnds(t *testing.T) {
	l := open(t, terms())
	require.NoError(t, l.RequestChange(line.Change{Limit: cny("80000"), Until: d(2024, 2, 29),
		RequestedBy: "branch", RequestedOn: d(2024, 2, 1), Reason: "spring festival"}))
	_, err := l.ApproveChange(loan.Action{Officer: "head", On: d(2024, 2, 1)}, policy(), cny("0"))
	require.NoError(t, err)
	assert.Equal(t, cny("80000"), l.Limit(d(2024, 2, 29)))
	assert.Equal(t, cny("50000"), l.Limit(d(2024, 3, 1)), "the permanent limit returns after Until")
	assert.Equal(t, cny("50000"), l.PermanentLimit())
}

func TestReviewWarningTable(t *testing.T) {
	for _, tc := range []struct {
		name   string
		dpd    int
		level  classify.Level
		fired  []string
		action line.Action
	}{
		{"current", 0, classify.LevelNone, nil, line.NoAction},
		{"29 days", 29, classify.Yellow, nil, line.NoAction},
		{"30 days", 30, classify.Yellow, []string{"dpd-30-freeze"}, line.Freeze},
		{"red warning", 3, classify.Red, []string{"red-warning-freeze"}, line.Freeze},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := open(t, terms())
			r, err := l.Review(line.Observation{Day: d(2024, 6, 1), Outstanding: cny("12500"), WorstDPD: tc.dpd,
				WorstLevel: tc.level}, line.DefaultPolicy())
			require.NoError(t, err)
			assert.Equal(t, tc.fired, r.Fired)
			assert.Equal(t, tc.action, r.Action)
			assert.Equal(t, int64(2500), r.UtilisationBP, "12,500 of 50,000 is 25 %")
			assert.Equal(t, cny("37500"), r.Available)
			facts := r.Facts(l.Revolving())
			assert.Equal(t, tc.dpd, facts.DPD)
			assert.True(t, facts.OpenEnd)
			assert.Equal(t, int64(2500), r.Behaviour(classify.Behaviour{})[classify.UtilisationBP])
		})
	}
	l := open(t, terms())
	require.NoError(t, l.Apply(line.EventFreeze, loan.Action{Officer: "risk", On: d(2024, 5, 1), Reason: "r"}))
	r, err := l.Review(line.Observation{Day: d(2024, 6, 1), Outstanding: cny("0"), WorstDPD: 45}, line.DefaultPolicy())
	require.NoError(t, err)
	assert.Equal(t, line.NoAction, r.Action, "a frozen line is not frozen again")
	assert.Equal(t, []string{"dpd-30-freeze"}, r.Fired)
}

func TestPolicyValidateAndRoundTrip(t *testing.T) {
	p := line.DefaultPolicy()
	require.NoError(t, p.Validate())
	raw, err := json.Marshal(p)
	require.NoError(t, err)
	var back line.Policy
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, p, back)

	p.Warnings = append(p.Warnings, line.WarningRule{ID: "dpd-30-freeze", Action: 9})
	f := fields(t, p.Validate())
	for _, name := range []string{"warnings[2].id", "warnings[2]", "warnings[2].action", "warnings[2].source"} {
		assert.True(t, f.Has(name), "%s in %v", name, f)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	l := open(t, terms())
	require.NoError(t, l.Draw(draw("20000", d(2024, 2, 1), 12), cny("0")))
	require.NoError(t, l.RequestChange(line.Change{Limit: cny("60000"), RequestedBy: "branch",
		RequestedOn: d(2024, 3, 1), Reason: "r"}))
	raw, err := json.Marshal(l)
	require.NoError(t, err)
	var back line.Line
	require.NoError(t, json.Unmarshal(raw, &back))
	again, err := json.Marshal(&back)
	require.NoError(t, err)
	assert.JSONEq(t, string(raw), string(again))
	assert.Equal(t, l.Drawdowns(), back.Drawdowns())

	bad := []byte(`{"terms":{},"status":"open","history":[]}`)
	err = json.Unmarshal(bad, &back)
	assert.True(t, errors.Is(err, line.ErrInvalidInput), "%v", err)
	assert.Equal(t, l.Drawdowns(), back.Drawdowns(), "a failed decode leaves the line unchanged")
}

func FuzzUnmarshalLine(f *testing.F) {
	l, err := line.Open(terms(), d(2024, 1, 10))
	require.NoError(f, err)
	require.NoError(f, l.Draw(draw("20000", d(2024, 2, 1), 12), cny("0")))
	seed, err := json.Marshal(l)
	require.NoError(f, err)
	f.Add(seed)
	f.Add([]byte(`{"status":"frozen"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		// Called directly, as storage decodes a stored document: through
		// json.Unmarshal a syntax error would be encoding/json's own.
		var x line.Line
		if err := x.UnmarshalJSON(b); err != nil {
			if fault.CodeOf(err) != fault.CodeInvalid {
				t.Fatalf("decode error %v has code %s", err, fault.CodeOf(err))
			}
			return
		}
		// A decoded line encodes and decodes to itself.
		raw, err := json.Marshal(&x)
		if err != nil {
			t.Fatal(err)
		}
		var y line.Line
		if err := json.Unmarshal(raw, &y); err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		again, _ := json.Marshal(&y)
		if string(raw) != string(again) {
			t.Fatalf("round trip changed the line:\n%s\n%s", raw, again)
		}
	})
}

// The table is the documented lifecycle: only an active line is drawn
// on, an expired line only closes, a closed line does nothing.
func TestLifecycleTable(t *testing.T) {
	tab := line.Lifecycle()
	for _, tc := range []struct {
		from   line.Status
		events []line.Event
	}{
		{line.Active, []line.Event{line.EventDraw, line.EventAdjust, line.EventFreeze, line.EventSuspend, line.EventExpire, line.EventClose}},
		{line.Frozen, []line.Event{line.EventAdjust, line.EventUnfreeze, line.EventExpire, line.EventClose}},
		{line.Suspended, []line.Event{line.EventAdjust, line.EventFreeze, line.EventResume, line.EventExpire, line.EventClose}},
		{line.Expired, []line.Event{line.EventClose}},
		{line.Closed, nil},
	} {
		assert.ElementsMatch(t, tc.events, tab.Events(tc.from), "%s", tc.from)
	}
}

// A reduction is proposed only when there is something to cut and no
// change is pending; Reduction files the cut to what is used.
func TestReviewReduce(t *testing.T) {
	p := line.DefaultPolicy()
	p.Warnings = []line.WarningRule{{ID: "dpd-1-reduce", MinDPD: 1, Action: line.Reduce, Source: "house"}}
	l := open(t, terms())
	obs := line.Observation{Day: d(2024, 6, 1), Outstanding: cny("12500"), WorstDPD: 3}
	r, err := l.Review(obs, p)
	require.NoError(t, err)
	assert.Equal(t, line.Reduce, r.Action)
	c := l.Reduction(r, "monitor")
	assert.Equal(t, cny("12500"), c.Limit)
	require.NoError(t, l.RequestChange(c))
	r, err = l.Review(obs, p)
	require.NoError(t, err)
	assert.Equal(t, line.NoAction, r.Action, "a change is pending")
	assert.Equal(t, []string{"dpd-1-reduce"}, r.Fired)
}
