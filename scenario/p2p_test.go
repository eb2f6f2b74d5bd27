package scenario

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// platformChecks runs testdata/<file>.json and asserts each check on the
// platform part of its documents (every document, "accounts" ones
// included), numbered in file order.
func platformChecks(t *testing.T, file string, checks []check) {
	t.Helper()
	out, err := runFile(t, filepath.Join("testdata", file+".json"))
	require.NoError(t, err)
	rs := reports(t, out)
	for _, c := range checks {
		require.Less(t, c.report, len(rs))
		assert.Equal(t, c.want, get(t, rs[c.report], append([]any{"platform"}, c.path...)...), "document %d %v", c.report, c.path)
	}
}

// TestP2PScenarioHandChecks checks p2p-listing-accounts.golden by hand.
// The borrower deposits the reward, 100; alice deposits 7,000 and bob
// 5,000. The listing of the CNY 10,000 loan (12 %, equal principal over 4
// months, periodic basis: installment 1 is 2,500 + 1 % of 10,000 = 2,600)
// freezes the reward; alice bids 6,000 and withdraws 1,000; bob's 4,000
// fills the listing on the start, 2024-01-15, which disburses the loan.
func TestP2PScenarioHandChecks(t *testing.T) {
	A := func(member int, p ...any) []any { return append([]any{"accounts", member}, p...) }
	const borrower, alice, bob = 0, 1, 2
	platformChecks(t, "p2p-listing-accounts", []check{
		// 01-12, published: the reward frozen; 12,100 in the accounts.
		{0, A(borrower, "frozen"), "CNY 100.00"},
		{0, A(borrower, "available"), "CNY 0.00"},
		{0, []any{"listing", "state"}, "open"},
		{0, []any{"funds", "balance"}, "CNY 12100.00"},
		// 01-14: alice's bid of 6,000 and her withdrawal of 1,000 in
		// flight freeze 7,000 of her 7,000; the listing needs 4,000 more.
		{1, A(alice, "frozen"), "CNY 7000.00"},
		{1, A(alice, "available"), "CNY 0.00"},
		{1, []any{"listing", "remaining"}, "CNY 4000.00"},
		{1, []any{"funds", "pending_withdrawals"}, "CNY 1000.00"},
		// 01-15: the rail paid alice's 1,000; the listing settled. The bids
		// left the investors, the principal reached the borrower, the
		// reward of 100 went 60 / 40 by the bids (6,000 / 4,000): alice
		// 7,000 − 1,000 − 6,000 + 60 = 60; bob 5,000 − 4,000 + 40 = 1,040;
		// the borrower 100 − 100 + 10,000 = 10,000, all frozen by the
		// withdrawal asked for. Funds: 12,100 − 1,000 paid out = 11,100.
		{2, []any{"listing", "state"}, "settled"},
		{2, A(alice, "balance"), "CNY 60.00"},
		{2, A(bob, "balance"), "CNY 1040.00"},
		{2, A(borrower, "balance"), "CNY 10000.00"},
		{2, A(borrower, "frozen"), "CNY 10000.00"},
		{2, A(alice, "today", 2, "kind"), "reward"},
		{2, A(alice, "today", 2, "amount"), "CNY 60.00"},
		{2, []any{"funds", "balance"}, "CNY 11100.00"},
		// 02-15, installment 1 paid and distributed by the close: alice
		// holds 60 %: 1,500 + 60 = 1,560 less the 1 % fee 15.60 = 1,544.40,
		// so 60 + 1,544.40 = 1,604.40; bob 40 %: 1,040 − 10.40 = 1,029.60,
		// so 1,040 + 1,029.60 = 2,069.60. The borrower's second withdrawal
		// was paid: 0. Funds 12,100 − 11,000 + 2,574 = 3,674.
		{3, A(alice, "balance"), "CNY 1604.40"},
		{3, A(alice, "today", 0, "kind"), "distribution"},
		{3, A(bob, "balance"), "CNY 2069.60"},
		{3, A(borrower, "balance"), "CNY 0.00"},
		{3, []any{"funds", "balance"}, "CNY 3674.00"},
		{3, []any{"funds", "withdrawals"}, 0.0},
	})
	// The listing failed at the end of its closing day: alice's bid of
	// 2,500 and the reward of 50 released; nothing left frozen.
	platformChecks(t, "p2p-listing-failed", []check{
		{0, []any{"listing", "state"}, "open"},
		{0, A(1, "available"), "CNY 500.00"},
		{1, []any{"listing", "state"}, "failed"},
		{1, A(0, "available"), "CNY 50.00"},
		{1, A(1, "available"), "CNY 3000.00"},
		{1, []any{"funds", "frozen"}, "CNY 0.00"},
	})
}

// TestP2PScenarioBadInput: the bad input, each a *fault.Fields
// naming the event's field, the run stopped before anything else.
func TestP2PScenarioBadInput(t *testing.T) {
	head := `{"currency":"CNY","terms":{"principal":"CNY 3000.00","annual_rate":"12%","method":"equal-principal",
"frequency":"monthly","periods":3,"start":"2024-01-15"},"events":[
{"type":"open-account","date":"2024-01-10","member":"borrower"},
{"type":"open-account","date":"2024-01-10","member":"alice"},
{"type":"deposit","date":"2024-01-10","member":"alice","amount":"2000"},
{"type":"publish","date":"2024-01-12","until":"2024-01-15","min_bid":"500","max_bid":"1500"}%s]}`
	with := func(evs ...string) string { return strings.Replace(head, "%s", ","+strings.Join(evs, ","), 1) }
	bid := func(date, amount string) string {
		return `{"type":"bid","date":"` + date + `","member":"alice","amount":"` + amount + `"}`
	}
	tests := []struct {
		name, json, field string
	}{
		{"a bid below the minimum", with(bid("2024-01-13", "499.99")), "events[4].amount"},
		{"a bid above the investor's maximum", with(bid("2024-01-13", "1500.01")), "events[4].amount"},
		{"a bid above the available balance", with(`{"type":"withdraw","date":"2024-01-12","member":"alice","amount":"1000","id":"w"}`,
			bid("2024-01-13", "1000.01")), "events[5].amount"},
		{"a bid above the listing's remainder", with(
			`{"type":"open-account","date":"2024-01-12","member":"bob"}`,
			`{"type":"deposit","date":"2024-01-12","member":"bob","amount":"9000"}`,
			`{"type":"open-account","date":"2024-01-12","member":"carol"}`,
			`{"type":"deposit","date":"2024-01-12","member":"carol","amount":"9000"}`,
			`{"type":"bid","date":"2024-01-13","member":"bob","amount":"1500"}`,
			`{"type":"bid","date":"2024-01-13","member":"carol","amount":"1000"}`,
			bid("2024-01-13", "500.01")), "events[10].amount"},
		{"a bid after the closing day", with(bid("2024-01-16", "500")), "events[4].on"},
		{"a bid by the borrower", with(`{"type":"bid","date":"2024-01-13","member":"borrower","amount":"500"}`), "events[4].investor"},
		{"a bid on a closed listing", with(`{"type":"cancel-listing","date":"2024-01-13"}`, bid("2024-01-13", "500")), "events[5].type"},
		{"a bid in another currency", with(bid("2024-01-13", "USD 500")), "events[4].amount"},
		{"a withdrawal above the available balance", with(`{"type":"withdraw","date":"2024-01-12","member":"alice","amount":"2000.01","id":"w"}`), "events[4].amount"},
		{"a withdrawal answered twice", with(`{"type":"withdraw","date":"2024-01-12","member":"alice","amount":"10","id":"w"}`,
			`{"type":"withdrawal-paid","date":"2024-01-13","id":"w"}`, `{"type":"withdrawal-failed","date":"2024-01-13","id":"w"}`), "events[6].type"},
		{"a withdrawal answered that was not requested", with(`{"type":"withdrawal-paid","date":"2024-01-13","id":"w"}`), "events[4].id"},
		{"a deposit to no account", with(`{"type":"deposit","date":"2024-01-13","member":"carol","amount":"1"}`), "events[4].member"},
		{"a reward the borrower cannot pay", strings.Replace(with(bid("2024-01-13", "500")), `"max_bid":"1500"`, `"max_bid":"1500","reward":"5"`, 1), "events[3].reward"},
		{"the borrower's account as an investor's", strings.Replace(with(bid("2024-01-13", "500")), `"member":"borrower"}`,
			`"member":"borrower","role":"investor"}`, 1), "events[0].role"},
		{"an unknown role", with(`{"type":"open-account","date":"2024-01-13","member":"carol","role":"lender"}`), "events[4].role"},
		{"a disbursement of a listed loan", with(`{"type":"disburse","date":"2024-01-15"}`), "events[4].type"},
		{"a filling bid off the start", with(
			`{"type":"open-account","date":"2024-01-12","member":"bob"}`,
			`{"type":"deposit","date":"2024-01-12","member":"bob","amount":"9000"}`,
			`{"type":"bid","date":"2024-01-13","member":"bob","amount":"1500"}`,
			bid("2024-01-13", "1500")), "events[7].date"},
		{"a bid before the listing", strings.Replace(with(bid("2024-01-13", "500")),
			`{"type":"publish","date":"2024-01-12","until":"2024-01-15","min_bid":"500","max_bid":"1500"}`,
			`{"type":"deposit","date":"2024-01-12","member":"alice","amount":"1"}`, 1), "events[4].type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runBytes(t, []byte(tt.json))
			assert.Empty(t, out)
			assert.Equal(t, []string{tt.field}, badFields(t, err), "%v", err)
		})
	}
}
