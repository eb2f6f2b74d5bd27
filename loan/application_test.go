package loan

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

var (
	testAppID    = uuid.MustParse("11111111-1111-4111-8111-111111111111")
	testBorrower = uuid.MustParse("22222222-2222-4222-8222-222222222222")
	testGuaranty = uuid.MustParse("33333333-3333-4333-8333-333333333333")
)

func d(y int, m time.Month, day int) date.Date { return date.New(y, m, day) }

func cny(s string) money.Amount { return money.MustParse(s, money.CNY) }

// testRequest is a valid application: CNY 100,000 over 12 months at 12 %,
// filed by "maker", investigated by "inv1" and "inv2".
func testRequest() Request {
	findings := make([]Finding, 0, 6)
	for a := BasicEligibility; a < areaEnd; a++ {
		findings = append(findings, Finding{Area: a, Summary: "checked: " + a.String()})
	}
	return Request{
		ID: testAppID,
		Terms: schedule.Terms{
			Principal:  cny("100000"),
			AnnualRate: money.MustRate("12%"),
			Method:     schedule.EqualInstallment,
			Frequency:  schedule.Monthly,
			Periods:    12,
			Start:      d(2024, time.January, 15),
			DayCount:   schedule.Actual365Fixed,
		},
		Borrower:     testBorrower,
		BorrowerKind: Individual,
		Purpose:      "consumption",
		Guarantees:   []uuid.UUID{testGuaranty},
		Dossier: Dossier{
			Findings:      findings,
			Investigators: [2]string{"inv1", "inv2"},
			SignedOn:      d(2024, time.January, 8),
		},
		SubmittedBy: "maker",
		SubmittedOn: d(2024, time.January, 10),
	}
}

func testApp(t *testing.T, mutate ...func(*Request)) *Application {
	t.Helper()
	r := testRequest()
	for _, m := range mutate {
		m(&r)
	}
	a, err := NewApplication(r)
	require.NoError(t, err)
	return a
}

func fields(t *testing.T, err error) []string {
	t.Helper()
	var ve *fault.Fields
	require.ErrorAs(t, err, &ve)
	require.ErrorIs(t, err, ErrInvalidInput)
	var names []string
	for _, f := range ve.List {
		names = append(names, f.Name)
	}
	return names
}

func TestNewApplicationValid(t *testing.T) {
	a := testApp(t)
	assert.Equal(t, Submitted, a.Status())
	assert.Equal(t, testAppID, a.ID())
	assert.Empty(t, a.Decisions())
	assert.Equal(t, cny("100000"), a.Terms().Principal)
}

func TestNewApplicationRejectsBadFields(t *testing.T) {
	// Terms fields are named as package schedule names them (Go field names).
	tests := []struct {
		name   string
		mutate func(*Request)
		fields []string
	}{
		{"missing id", func(r *Request) { r.ID = uuid.Nil }, []string{"id"}},
		{"zero principal", func(r *Request) { r.Terms.Principal = money.Zero(money.CNY) }, []string{"terms.principal"}},
		{"negative principal", func(r *Request) { r.Terms.Principal = cny("-1") }, []string{"terms.principal"}},
		{"principal without currency", func(r *Request) { r.Terms.Principal = money.Amount{} }, []string{"terms.principal"}},
		{"negative rate", func(r *Request) { r.Terms.AnnualRate = money.MustRate("-1%") }, []string{"terms.annual_rate"}},
		{"no method", func(r *Request) { r.Terms.Method = 0 }, []string{"terms.method"}},
		{"unknown frequency", func(r *Request) { r.Terms.Frequency = 99 }, []string{"terms.frequency"}},
		{"zero periods", func(r *Request) { r.Terms.Periods = 0 }, []string{"terms.periods"}},
		{"days loan without days", func(r *Request) { r.Terms.Frequency, r.Terms.Periods = schedule.Days, 1 }, []string{"terms.term_days"}},
		{"no start", func(r *Request) { r.Terms.Start = date.Date{} }, []string{"terms.start"}},
		{"no borrower", func(r *Request) { r.Borrower = uuid.Nil }, []string{"borrower"}},
		{"bad borrower kind", func(r *Request) { r.BorrowerKind = 9 }, []string{"borrower_kind"}},
		{"no purpose", func(r *Request) { r.Purpose = "" }, []string{"purpose"}},
		{"nil guarantee", func(r *Request) { r.Guarantees = []uuid.UUID{uuid.Nil} }, []string{"guarantees[0]"}},
		{"repeated collateral", func(r *Request) { r.Collateral = []uuid.UUID{testGuaranty, testGuaranty} }, []string{"collateral[1]"}},
		// 双人调查: two distinct investigators must sign the dossier.
		{"one investigator twice", func(r *Request) { r.Dossier.Investigators = [2]string{"inv1", "inv1"} }, []string{"dossier.investigators"}},
		{"second investigator missing", func(r *Request) { r.Dossier.Investigators[1] = "" }, []string{"dossier.investigators[1]"}},
		{"finding missing", func(r *Request) { r.Dossier.Findings = r.Dossier.Findings[:5] }, []string{"dossier.findings"}},
		{"finding repeated", func(r *Request) { r.Dossier.Findings[5].Area = Finances }, []string{"dossier.findings[5].area", "dossier.findings"}},
		{"unknown area", func(r *Request) { r.Dossier.Findings[0].Area = 0 }, []string{"dossier.findings[0].area", "dossier.findings"}},
		{"empty finding", func(r *Request) { r.Dossier.Findings[2].Summary = "" }, []string{"dossier.findings[2].summary"}},
		{"dossier unsigned", func(r *Request) { r.Dossier.SignedOn = date.Date{} }, []string{"dossier.signed_on"}},
		{"dossier signed after submission", func(r *Request) { r.Dossier.SignedOn = d(2024, time.January, 11) }, []string{"dossier.signed_on"}},
		{"no submitter", func(r *Request) { r.SubmittedBy = "" }, []string{"submitted_by"}},
		{"no submission date", func(r *Request) { r.SubmittedOn = date.Date{} }, []string{"submitted_on"}},
		{"several at once", func(r *Request) { r.ID, r.Purpose, r.SubmittedBy = uuid.Nil, "", "" }, []string{"id", "purpose", "submitted_by"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRequest()
			tt.mutate(&r)
			a, err := NewApplication(r)
			assert.Nil(t, a)
			assert.Equal(t, tt.fields, fields(t, err))
		})
	}
}

func TestApplicationCopiesInput(t *testing.T) {
	r := testRequest()
	a, err := NewApplication(r)
	require.NoError(t, err)
	r.Guarantees[0] = uuid.Nil
	r.Dossier.Findings[0].Summary = ""
	got := a.Request()
	assert.Equal(t, testGuaranty, got.Guarantees[0])
	assert.NotEmpty(t, got.Dossier.Findings[0].Summary)
	got.Guarantees[0] = uuid.Nil
	assert.Equal(t, testGuaranty, a.Request().Guarantees[0], "Request returns a copy")
}

// snapshot is the application's full state as JSON, to show that a failed
// command changed nothing.
func snapshot(t *testing.T, a *Application) string {
	t.Helper()
	b, err := json.Marshal(a)
	require.NoError(t, err)
	return string(b)
}

func TestApplicationJSONRoundTrip(t *testing.T) {
	a := testApp(t)
	p := testPolicy()
	require.NoError(t, a.Approve(Action{Officer: "m1", On: d(2024, time.January, 12)}, p, Exposure{}))
	require.NoError(t, a.Approve(Action{Officer: "m2", On: d(2024, time.January, 12)}, p, Exposure{}))
	require.NoError(t, a.Approve(Action{Officer: "m3", On: d(2024, time.January, 13)}, p, Exposure{}))
	require.Equal(t, Approved, a.Status())

	b, err := json.Marshal(a)
	require.NoError(t, err)
	var back Application
	require.NoError(t, json.Unmarshal(b, &back))
	// Struct equality is too strict here: schedule.Terms' zero MaxAnnualRate
	// (money.Rate{}) decodes as the normalised zero rate 0/1. The encoded
	// forms and the application's own state must match.
	assert.Equal(t, a.Status(), back.Status())
	assert.Equal(t, a.Decisions(), back.Decisions())
	assert.Equal(t, a.Approvers(), back.Approvers())
	b2, err := json.Marshal(&back)
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(b2))
}

func TestApplicationUnmarshalRejectsInconsistentState(t *testing.T) {
	a := testApp(t)
	require.NoError(t, a.Reject(Action{Officer: "m1", On: d(2024, time.January, 12), Reason: "income unverified"}))
	good := snapshot(t, a)

	tamper := func(f func(map[string]any)) []byte {
		var c map[string]any
		require.NoError(t, json.Unmarshal([]byte(good), &c))
		f(c)
		b, err := json.Marshal(c)
		require.NoError(t, err)
		return b
	}
	decision := func(c map[string]any) map[string]any { return c["decisions"].([]any)[0].(map[string]any) }
	tests := []struct {
		name string
		json []byte
	}{
		{"status not reached by decisions", tamper(func(c map[string]any) { c["status"] = "approved" })},
		{"outcome not reached by event", tamper(func(c map[string]any) { decision(c)["outcome"] = "approved" })},
		{"illegal event", tamper(func(c map[string]any) { decision(c)["event"] = "disburse" })},
		{"servicing event", tamper(func(c map[string]any) { decision(c)["event"] = "repay"; decision(c)["outcome"] = "submitted" })},
		{"unknown event", tamper(func(c map[string]any) { decision(c)["event"] = "bless" })},
		{"decision before submission", tamper(func(c map[string]any) { decision(c)["on"] = "2024-01-01" })},
		{"missing reason for rejection", tamper(func(c map[string]any) { delete(decision(c), "reason") })},
		{"bad request field", tamper(func(c map[string]any) { c["purpose"] = "" })},
		{"malformed date", tamper(func(c map[string]any) { c["submitted_on"] = "2024-0" })},
		{"truncated date that panics the date parser", tamper(func(c map[string]any) { c["submitted_on"] = "2024-01-1" })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			back := testApp(t)
			before := snapshot(t, back)
			err := json.Unmarshal(tt.json, back)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidInput)
			assert.Equal(t, before, snapshot(t, back), "receiver unchanged")
		})
	}
}

// FuzzApplicationJSON: decoding arbitrary bytes never panics, and whatever
// decodes re-encodes to the same application.
func FuzzApplicationJSON(f *testing.F) {
	a, err := NewApplication(testRequest())
	if err != nil {
		f.Fatal(err)
	}
	b, err := json.Marshal(a)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"submitted_on":"2024-0-"}`))
	f.Add([]byte(`{"decisions":[{"event":"approve"}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var x Application
		if err := json.Unmarshal(in, &x); err != nil {
			return // any error is fine; a panic is not
		}
		out, err := json.Marshal(&x)
		require.NoError(t, err)
		var y Application
		require.NoError(t, json.Unmarshal(out, &y))
		out2, err := json.Marshal(&y)
		require.NoError(t, err)
		assert.JSONEq(t, string(out), string(out2))
	})
}

// TestTermsFieldsNestUnderTerms: the fields schedule names in bad terms
// come back under "terms.", as the application's and the loan's JSON
// spell them, from NewApplication and from New alike.
func TestTermsFieldsNestUnderTerms(t *testing.T) {
	r := testRequest()
	r.Terms.AnnualRate = money.MustRate("-1%")
	r.Terms.InterestGrace, r.Terms.InstallmentRounding = -1, money.RoundingMode(9)
	want := []string{"terms.annual_rate", "terms.installment_rounding", "terms.interest_grace"}
	_, err := NewApplication(r)
	assert.Equal(t, want, fields(t, err))
	_, err = New(testAppID, r.Terms, DefaultPolicy())
	assert.Equal(t, want, fields(t, err))
	assert.NotErrorIs(t, err, schedule.ErrInvalidTerms, "the loan's own kind, not schedule's")
}
