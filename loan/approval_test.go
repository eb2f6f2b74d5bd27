package loan

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// testPolicy: "junior" may approve up to 50,000 alone, "senior" up to
// 200,000; m1..m3 (limit 20,000 each) form a committee of three distinct
// approvals for amounts up to 1,000,000. "maker" and "inv1" hold large
// limits so that only the four-eyes rule can stop them.
func testPolicy() ApprovalPolicy {
	p := DefaultApprovalPolicy()
	p.Authority = AuthorityPolicy{
		Officers: []Officer{
			{ID: "junior", Limit: cny("50000")},
			{ID: "senior", Limit: cny("200000")},
			{ID: "m1", Limit: cny("20000"), Committee: true},
			{ID: "m2", Limit: cny("20000"), Committee: true},
			{ID: "m3", Limit: cny("20000"), Committee: true},
			{ID: "maker", Limit: cny("5000000"), Committee: true},
			{ID: "inv1", Limit: cny("5000000"), Committee: true},
		},
		CommitteeApprovals: 3,
		CommitteeLimit:     cny("1000000"),
	}
	return p
}

var jan12 = d(2024, time.January, 12)

func act(officer string) Action { return Action{Officer: officer, On: jan12} }

// disbursement is the entry paying out testRequest's principal on its start.
func disbursement() Entry {
	return Entry{
		ID: testGuaranty, Kind: Disbursement, ValueDate: d(2024, time.January, 15),
		BookedAt: time.Date(2024, time.January, 15, 9, 0, 0, 0, time.UTC), Actor: "teller",
		IdempotencyKey: "disburse-1", Amount: cny("100000"),
	}
}

func disburse(a *Application) error {
	_, err := a.Disburse(disbursement(), DefaultPolicy())
	return err
}

func TestApproveWithinOwnLimit(t *testing.T) {
	a := testApp(t) // principal 100,000
	require.NoError(t, a.Approve(act("senior"), testPolicy(), Exposure{}))
	assert.Equal(t, Approved, a.Status())
	assert.Equal(t, []Decision{{Event: EventApprove, Officer: "senior", On: jan12, Outcome: Approved}}, a.Decisions())
}

// Four-eyes (授权权限 / maker-checker): the approver is neither the submitter
// nor an investigator; authority is bounded by the officer's limit.
func TestApproveAuthorityRefusals(t *testing.T) {
	tests := []struct {
		name    string
		officer string
		rule    AuthorityRule
	}{
		{"approving one's own application", "maker", RuleFourEyesSubmitter},
		{"investigator approving", "inv1", RuleFourEyesInvestigator},
		{"unknown officer", "stranger", RuleUnknownOfficer},
		// 100,000 > junior's 50,000 and junior sits on no committee.
		{"approving above authority", "junior", RuleAboveLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := testApp(t)
			before := snapshot(t, a)
			err := a.Approve(act(tt.officer), testPolicy(), Exposure{})
			var ae *AuthorityError
			require.ErrorAs(t, err, &ae)
			assert.ErrorIs(t, err, ErrAuthority)
			assert.Equal(t, tt.rule, ae.Rule)
			assert.Equal(t, tt.officer, ae.Officer)
			assert.Equal(t, before, snapshot(t, a))
		})
	}
}

// A committee needs CommitteeApprovals *distinct* members: a second vote by
// the same member does not count and is refused.
func TestCommitteeCountsDistinctOfficers(t *testing.T) {
	a := testApp(t) // 100,000 is above every member's own 20,000 limit
	p := testPolicy()
	require.NoError(t, a.Approve(act("m1"), p, Exposure{}))
	assert.Equal(t, Submitted, a.Status(), "1 of 3 votes")

	before := snapshot(t, a)
	err := a.Approve(act("m1"), p, Exposure{})
	var ae *AuthorityError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, RuleDuplicateVote, ae.Rule)
	assert.Equal(t, before, snapshot(t, a))

	require.NoError(t, a.Approve(act("m2"), p, Exposure{}))
	assert.Equal(t, Submitted, a.Status(), "2 of 3 votes")
	require.NoError(t, a.Approve(act("m3"), p, Exposure{}))
	assert.Equal(t, Approved, a.Status(), "3 of 3 votes")
	assert.Equal(t, []string{"m1", "m2", "m3"}, a.Approvers())
	outcomes := []Status{}
	for _, dec := range a.Decisions() {
		outcomes = append(outcomes, dec.Outcome)
	}
	assert.Equal(t, []Status{Submitted, Submitted, Approved}, outcomes)
}

func TestCommitteeLimit(t *testing.T) {
	// 1,500,000 is above the committee's 1,000,000 ceiling.
	a := testApp(t, func(r *Request) { r.Terms.Principal = cny("1500000"); r.BorrowerKind = LegalEntity })
	err := a.Approve(act("m1"), testPolicy(), Exposure{})
	var ae *AuthorityError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, RuleAboveLimit, ae.Rule)
	assert.Empty(t, a.Decisions())
}

func TestApproveChecksComplianceFirst(t *testing.T) {
	// 30 % breaks the default 24 % cap (SPC 2015 art. 26).
	a := testApp(t, func(r *Request) { r.Terms.AnnualRate = money.MustRate("30%") })
	err := a.Approve(act("senior"), testPolicy(), Exposure{})
	var ce *ComplianceError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []RuleID{RuleRateCap}, ce.Rules())
	assert.Equal(t, Submitted, a.Status())
}

func TestLifecycleMoves(t *testing.T) {
	reason := func(o string) Action { return Action{Officer: o, On: jan12, Reason: "because"} }
	approve := func(a *Application) error { return a.Approve(act("senior"), testPolicy(), Exposure{}) }
	tests := []struct {
		name  string
		steps []func(*Application) error
		want  Status
	}{
		{"reject", []func(*Application) error{func(a *Application) error { return a.Reject(reason("senior")) }}, Rejected},
		{"withdraw before approval", []func(*Application) error{func(a *Application) error { return a.Withdraw(act("borrower")) }}, Withdrawn},
		{"withdraw after approval", []func(*Application) error{approve, func(a *Application) error { return a.Withdraw(act("borrower")) }}, Withdrawn},
		{"cancel after approval", []func(*Application) error{approve, func(a *Application) error { return a.Cancel(reason("senior")) }}, Cancelled},
		{"disburse", []func(*Application) error{approve, disburse}, Active},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := testApp(t)
			for _, s := range tt.steps {
				require.NoError(t, s(a))
			}
			assert.Equal(t, tt.want, a.Status())
		})
	}
}

// Every illegal move or bad action returns a typed error and leaves the
// application byte-for-byte unchanged.
func TestApplicationBadMovesChangeNothing(t *testing.T) {
	p := testPolicy()
	approved := func(t *testing.T) *Application {
		a := testApp(t)
		require.NoError(t, a.Approve(act("senior"), p, Exposure{}))
		return a
	}
	submitted := func(t *testing.T) *Application { return testApp(t) }
	rejected := func(t *testing.T) *Application {
		a := testApp(t)
		require.NoError(t, a.Reject(Action{Officer: "senior", On: jan12, Reason: "no"}))
		return a
	}
	active := func(t *testing.T) *Application {
		a := approved(t)
		require.NoError(t, disburse(a))
		return a
	}
	const (
		transition = "transition"
		invalid    = "invalid"
		authority  = "authority"
		compliance = "compliance"
	)
	tests := []struct {
		name  string
		start func(*testing.T) *Application
		do    func(*Application) error
		kind  string
		field string
	}{
		{"approve twice", approved, func(a *Application) error { return a.Approve(act("junior"), p, Exposure{}) }, transition, ""},
		{"approve a rejected application", rejected, func(a *Application) error { return a.Approve(act("senior"), p, Exposure{}) }, transition, ""},
		{"cancel before approval", submitted, func(a *Application) error { return a.Cancel(Action{Officer: "x", On: jan12, Reason: "r"}) }, transition, ""},
		{"disburse before approval", submitted, disburse, transition, ""},
		{"disburse twice", active, disburse, transition, ""},
		{"cancel after disbursement", active, func(a *Application) error { return a.Cancel(Action{Officer: "x", On: jan12, Reason: "r"}) }, transition, ""},
		{"withdraw after disbursement", active, func(a *Application) error { return a.Withdraw(act("x")) }, transition, ""},
		{"reject without reason", submitted, func(a *Application) error { return a.Reject(act("senior")) }, invalid, "reason"},
		{"cancel without reason", approved, func(a *Application) error { return a.Cancel(act("senior")) }, invalid, "reason"},
		{"approve with no officer", submitted, func(a *Application) error { return a.Approve(Action{On: jan12}, p, Exposure{}) }, invalid, "officer"},
		{"approve with no date", submitted, func(a *Application) error { return a.Approve(Action{Officer: "senior"}, p, Exposure{}) }, invalid, "on"},
		{"approve before submission", submitted, func(a *Application) error {
			return a.Approve(Action{Officer: "senior", On: d(2024, time.January, 9)}, p, Exposure{})
		}, invalid, "on"},
		{"disburse before the approval date", func(t *testing.T) *Application {
			a := testApp(t)
			require.NoError(t, a.Approve(Action{Officer: "senior", On: d(2024, time.January, 16)}, p, Exposure{}))
			return a
		}, disburse, invalid, "on"},
		{"disburse with a repayment entry", approved, func(a *Application) error {
			e := disbursement()
			e.Kind = Repayment
			_, err := a.Disburse(e, DefaultPolicy())
			return err
		}, invalid, "kind"},
		{"disburse less than the principal", approved, func(a *Application) error {
			e := disbursement()
			e.Amount = cny("99999.99")
			_, err := a.Disburse(e, DefaultPolicy())
			return err
		}, invalid, "amount"},
		{"disburse with an invalid policy", approved, func(a *Application) error {
			q := DefaultPolicy()
			q.Accounts.Cash = ""
			_, err := a.Disburse(disbursement(), q)
			return err
		}, invalid, "policy.accounts.cash"},
		{"invalid policy", submitted, func(a *Application) error {
			q := testPolicy()
			q.Authority.CommitteeApprovals = 1
			return a.Approve(act("senior"), q, Exposure{})
		}, invalid, "authority.committee_approvals"},
		{"policy in another currency", submitted, func(a *Application) error {
			q := testPolicy()
			q.Authority = AuthorityPolicy{Officers: []Officer{{ID: "senior", Limit: money.MustParse("1000000", money.USD)}}}
			return a.Approve(act("senior"), q, Exposure{})
		}, invalid, "authority.officers[0].limit"},
		{"exposure in another currency", submitted, func(a *Application) error {
			return a.Approve(act("senior"), p, Exposure{OnPlatform: money.MustParse("1", money.USD)})
		}, invalid, "exposure.on_platform"},
		{"negative exposure", submitted, func(a *Application) error {
			return a.Approve(act("senior"), p, Exposure{Elsewhere: cny("-1")})
		}, invalid, "exposure.elsewhere"},
		{"approving one's own application", submitted, func(a *Application) error { return a.Approve(act("maker"), p, Exposure{}) }, authority, ""},
		{"approving above authority", submitted, func(a *Application) error { return a.Approve(act("junior"), p, Exposure{}) }, authority, ""},
		{"adverse finding", func(t *testing.T) *Application {
			return testApp(t, func(r *Request) { r.Dossier.Findings[3].Adverse = true })
		}, func(a *Application) error { return a.Approve(act("senior"), p, Exposure{}) }, compliance, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.start(t)
			before := snapshot(t, a)
			err := tt.do(a)
			require.Error(t, err)
			switch tt.kind {
			case transition:
				var te *fault.Transition
				require.ErrorAs(t, err, &te)
				assert.ErrorIs(t, err, ErrIllegalTransition)
				assert.Equal(t, "loan application", te.Machine)
			case invalid:
				assert.Contains(t, fields(t, err), tt.field)
			case authority:
				var ae *AuthorityError
				require.ErrorAs(t, err, &ae)
			case compliance:
				var ce *ComplianceError
				require.ErrorAs(t, err, &ce)
				assert.ErrorIs(t, err, ErrCompliance)
			}
			assert.Equal(t, before, snapshot(t, a))
		})
	}
}

func TestDisburseCreatesTheLoan(t *testing.T) {
	a := testApp(t)
	require.NoError(t, a.Approve(act("senior"), testPolicy(), Exposure{}))
	l, err := a.Disburse(disbursement(), DefaultPolicy())
	require.NoError(t, err)
	assert.Equal(t, Active, a.Status())
	assert.Equal(t, Active, l.Status())
	assert.Equal(t, a.ID(), l.ID())
	assert.Equal(t, a.Terms(), l.Terms())
	require.Len(t, l.Journal(), 1)
	assert.Equal(t, Disbursement, l.Journal()[0].Kind)
	last := a.Decisions()[len(a.Decisions())-1]
	assert.Equal(t, Decision{Event: EventDisburse, Officer: "teller", On: d(2024, time.January, 15), Outcome: Active}, last)
}

func TestAuthorityPolicyValidate(t *testing.T) {
	require.NoError(t, DefaultAuthorityPolicy().Validate())
	require.NoError(t, testPolicy().Validate())
	bad := AuthorityPolicy{
		Officers: []Officer{
			{ID: ""},
			{ID: "a", Limit: cny("-1")},
			{ID: "a", Limit: money.MustParse("5", money.USD), Committee: true},
			{ID: "b", Limit: cny("5")},
		},
		CommitteeApprovals: 2,
		CommitteeLimit:     cny("-5"),
	}
	assert.Equal(t, []string{
		"officers[0].id", "officers[1].limit", "officers[2].id", "officers[2].limit",
		"committee_approvals", "committee_limit",
	}, fields(t, bad.Validate()))
	assert.Equal(t, []string{"committee_approvals"}, fields(t, AuthorityPolicy{CommitteeApprovals: -1}.Validate()))
}

func TestApprovalPolicyJSONRoundTrip(t *testing.T) {
	for name, p := range map[string]ApprovalPolicy{"default": DefaultApprovalPolicy(), "test": testPolicy()} {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(p)
			require.NoError(t, err)
			var back ApprovalPolicy
			require.NoError(t, json.Unmarshal(b, &back))
			assert.Equal(t, p, back)
			require.NoError(t, back.Validate())
		})
	}
}

// BenchmarkApprove measures a full approval: policy validation, the
// compliance check and the authority rules, on a fresh application each time.
func BenchmarkApprove(b *testing.B) {
	r := testRequest()
	p := testPolicy()
	p.Compliance.Limits = P2PLimits(money.CNY)
	p.Compliance.MaxTerm = Term{Months: 36}
	b.ReportAllocs()
	for b.Loop() {
		a, err := NewApplication(r)
		if err != nil {
			b.Fatal(err)
		}
		if err := a.Approve(act("senior"), p, Exposure{OnPlatform: cny("50000")}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "applications/s")
}
