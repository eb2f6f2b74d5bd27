package lendcore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/account"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// member opens an account of role for a new member and deposits amount
// (when positive) on 2024-01-11.
func member(t testing.TB, e *lendcore.Engine, role account.Role, amount string) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	id := uuid.New()
	_, err := e.OpenAccount(ctx, id, role, money.CNY, d(2024, 1, 11))
	require.NoError(t, err)
	if a := cny(amount); a.IsPositive() {
		_, err = e.Deposit(ctx, id, lendcore.CashMove{Key: "seed", Day: d(2024, 1, 11), Amount: a})
		require.NoError(t, err)
	}
	return id
}

func balances(t testing.TB, e *lendcore.Engine, id uuid.UUID) (balance, frozen money.Amount) {
	t.Helper()
	a, err := e.Account(context.Background(), id)
	require.NoError(t, err)
	return a.Balance, a.Frozen
}

// hasField asserts that err is a *fault.Fields naming field.
func hasField(t *testing.T, err error, field string, msgAndArgs ...any) {
	t.Helper()
	var f *fault.Fields
	require.ErrorAs(t, err, &f, msgAndArgs...)
	assert.True(t, f.Has(field), "%v should name %s", err, field)
}

// TestAccountsThroughEngine: deposits, a withdrawal through the payment
// rail, a transfer; every movement keyed, every refusal typed and
// harmless.
func TestAccountsThroughEngine(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	alice := member(t, e, account.Investor, "1000")
	bob := member(t, e, account.Investor, "0")

	_, err := e.Deposit(ctx, alice, lendcore.CashMove{Key: "seed", Day: d(2024, 1, 11), Amount: cny("1000")})
	require.NoError(t, err, "a deposit sent again")
	bal, _ := balances(t, e, alice)
	assert.Equal(t, cny("1000"), bal, "recorded once")
	_, err = e.Deposit(ctx, alice, lendcore.CashMove{Key: "usd", Day: d(2024, 1, 11), Amount: money.MustParse("1", money.USD)})
	hasField(t, err, "amount", "another currency")

	// A withdrawal above the available balance is refused.
	w1 := uuid.New()
	_, err = e.RequestWithdrawal(ctx, alice, w1, d(2024, 1, 12), cny("1000.01"))
	hasField(t, err, "amount")
	assert.ErrorIs(t, err, account.ErrInsufficientFunds)
	_, err = e.Withdrawal(ctx, w1)
	assert.ErrorIs(t, err, storage.ErrNotFound, "nothing stored")

	w, err := e.RequestWithdrawal(ctx, alice, w1, d(2024, 1, 12), cny("300"))
	require.NoError(t, err)
	assert.Equal(t, account.WithdrawalPending, w.State)
	bal, frozen := balances(t, e, alice)
	assert.Equal(t, cny("1000"), bal)
	assert.Equal(t, cny("300"), frozen)
	again, err := e.RequestWithdrawal(ctx, alice, w1, d(2024, 1, 12), cny("300"))
	require.NoError(t, err)
	assert.Equal(t, w, again, "asked again")
	// The rail is asked to pay through the outbox.
	var asked bool
	for m, err := range e.Store().Outbox().Scan(ctx, storage.MessageFilter{Topics: []string{lendcore.TopicCash}}) {
		require.NoError(t, err)
		var ev lendcore.CashEvent
		require.NoError(t, json.Unmarshal(m.Payload, &ev))
		if ev.Kind == "withdrawal-requested" {
			asked = ev.Withdrawal != nil && ev.Withdrawal.ID == w1
		}
	}
	assert.True(t, asked)

	done, err := e.AnswerWithdrawal(ctx, w1, account.EventComplete, d(2024, 1, 13))
	require.NoError(t, err)
	assert.Equal(t, account.WithdrawalCompleted, done.State)
	_, err = e.AnswerWithdrawal(ctx, w1, account.EventComplete, d(2024, 1, 13))
	require.NoError(t, err, "the same answer again")
	_, err = e.AnswerWithdrawal(ctx, w1, account.EventFail, d(2024, 1, 13))
	var te *fault.Transition
	require.ErrorAs(t, err, &te, "a completed withdrawal cannot fail")
	bal, frozen = balances(t, e, alice)
	assert.Equal(t, cny("700"), bal)
	assert.True(t, frozen.IsZero())

	// A failed withdrawal gives the money back.
	w2 := uuid.New()
	_, err = e.RequestWithdrawal(ctx, alice, w2, d(2024, 1, 13), cny("700"))
	require.NoError(t, err)
	_, err = e.AnswerWithdrawal(ctx, w2, account.EventFail, d(2024, 1, 14))
	require.NoError(t, err)
	bal, frozen = balances(t, e, alice)
	assert.Equal(t, cny("700"), bal)
	assert.True(t, frozen.IsZero())

	// A transfer, made once however often it is sent.
	for range 2 {
		require.NoError(t, e.TransferCash(ctx, alice, bob, lendcore.CashMove{Key: "t1", Day: d(2024, 1, 14), Amount: cny("200")}))
	}
	err = e.TransferCash(ctx, alice, bob, lendcore.CashMove{Key: "t2", Day: d(2024, 1, 14), Amount: cny("500.01")})
	assert.ErrorIs(t, err, account.ErrInsufficientFunds)
	bal, _ = balances(t, e, alice)
	assert.Equal(t, cny("500"), bal)
	bal, _ = balances(t, e, bob)
	assert.Equal(t, cny("200"), bal)

	var kinds []string
	for en, err := range e.AccountEntries(ctx, alice, nil) {
		require.NoError(t, err)
		kinds = append(kinds, en.Kind.String())
	}
	assert.Equal(t, []string{"deposit", "withdrawal-requested", "withdrawal-paid", "withdrawal-requested", "withdrawal-failed", "transfer-out"}, kinds)
	checkCashLedger(t, e)
}

// approved submits and approves application id (10,000 CNY, start
// 2024-01-15) and returns its borrower.
func approved(t testing.TB, e *lendcore.Engine, id uuid.UUID) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	r := request(id)
	_, err := e.Submit(ctx, r)
	require.NoError(t, err)
	_, err = e.Approve(ctx, id, loan.Action{Officer: "approver", On: d(2024, 1, 12)}, loan.Exposure{})
	require.NoError(t, err)
	return r.Borrower
}

// TestListingFull: bids freeze the investors' money; the bid that fills
// the listing disburses the loan, funded by the bids, moves the money to
// the borrower and pays the reward pro rata; every bad bid is refused
// naming its field, and changes nothing.
func TestListingFull(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	app := uuid.New()
	borrower := approved(t, e, app)
	_, err := e.PublishListing(ctx, app, lendcore.ListingRequest{Day: d(2024, 1, 12), Closes: d(2024, 1, 14),
		MinBid: cny("100"), MaxBid: cny("8000"), Reward: cny("100")})
	hasField(t, err, "reward", "the borrower has no account")
	_, err = e.OpenAccount(ctx, borrower, account.Borrower, money.CNY, d(2024, 1, 11))
	require.NoError(t, err)
	_, err = e.Deposit(ctx, borrower, lendcore.CashMove{Key: "fee", Day: d(2024, 1, 11), Amount: cny("100")})
	require.NoError(t, err)
	l, err := e.PublishListing(ctx, app, lendcore.ListingRequest{Day: d(2024, 1, 12), Closes: d(2024, 1, 14),
		MinBid: cny("100"), MaxBid: cny("8000"), Reward: cny("100")})
	require.NoError(t, err)
	assert.Equal(t, invest.ListingOpen, l.State())
	assert.Equal(t, cny("10000"), l.Loan.Principal)
	_, frozen := balances(t, e, borrower)
	assert.Equal(t, cny("100"), frozen, "the reward is frozen")

	alice, bob := member(t, e, account.Investor, "5000"), member(t, e, account.Investor, "7000")
	on := d(2024, 1, 13)
	for _, tc := range []struct {
		name  string
		b     lendcore.Bid
		field string
	}{
		{"below the minimum", lendcore.Bid{Investor: alice, Amount: cny("99.99"), Day: on, Key: "x1"}, "amount"},
		{"above the available balance", lendcore.Bid{Investor: alice, Amount: cny("5000.01"), Day: on, Key: "x2"}, "amount"},
		{"above the maximum", lendcore.Bid{Investor: bob, Amount: cny("8000.01"), Day: on, Key: "x3"}, "amount"},
		{"after the closing day", lendcore.Bid{Investor: alice, Amount: cny("100"), Day: d(2024, 1, 15), Key: "x4"}, "on"},
		{"by the borrower", lendcore.Bid{Investor: borrower, Amount: cny("100"), Day: on, Key: "x5"}, "investor"},
		{"another currency", lendcore.Bid{Investor: alice, Amount: money.MustParse("100", money.USD), Day: on, Key: "x6"}, "amount"},
	} {
		_, err := e.PlaceBid(ctx, app, tc.b)
		hasField(t, err, tc.field, tc.name)
	}
	st, err := e.PlaceBid(ctx, app, lendcore.Bid{Investor: alice, Amount: cny("4000"), Day: on, Key: "a1"})
	require.NoError(t, err)
	assert.Equal(t, lendcore.ListingStatus{ID: app, State: invest.ListingOpen, Committed: cny("4000"), Remaining: cny("6000"), Bids: 1}, st,
		"nothing of the refused bids")
	_, frozen = balances(t, e, alice)
	assert.Equal(t, cny("4000"), frozen)
	_, err = e.PlaceBid(ctx, app, lendcore.Bid{Investor: alice, Amount: cny("4000"), Day: on, Key: "a1"})
	require.NoError(t, err, "a bid sent again")
	_, err = e.PlaceBid(ctx, app, lendcore.Bid{Investor: bob, Amount: cny("6000.01"), Day: on, Key: "b0"})
	assert.ErrorIs(t, err, invest.ErrOversubscribed, "above the remainder")

	_, err = e.PlaceBid(ctx, app, lendcore.Bid{Investor: bob, Amount: cny("100"), Day: on, Key: "a1"})
	hasField(t, err, "key", "another bid's key")
	st, err = e.PlaceBid(ctx, app, lendcore.Bid{Investor: bob, Amount: cny("6000"), Day: on, Key: "b1"})
	require.NoError(t, err)
	assert.Equal(t, invest.ListingSettled, st.State)
	l, err = e.Listing(ctx, app)
	require.NoError(t, err)
	assert.Equal(t, invest.ListingSettled, l.State())
	assert.Len(t, l.Commitments(), 2)

	// The loan is disbursed, funded by the bids.
	b, err := e.Book(ctx, app)
	require.NoError(t, err)
	assert.Equal(t, []invest.Funding{{Investor: alice, Amount: cny("4000")}, {Investor: bob, Amount: cny("6000")}}, b.Opening().Fundings)
	// The money moved: the bids out, the principal in, the reward of 100
	// split 40 / 60 by the bids.
	for id, want := range map[uuid.UUID]string{alice: "1040", bob: "1060", borrower: "10000"} {
		bal, frozen := balances(t, e, id)
		assert.Equal(t, cny(want), bal)
		assert.True(t, frozen.IsZero())
	}
	_, err = e.PlaceBid(ctx, app, lendcore.Bid{Investor: bob, Amount: cny("100"), Day: on, Key: "b2"})
	var te *fault.Transition
	assert.ErrorAs(t, err, &te, "a bid on a settled listing")
	_, err = e.CancelListing(ctx, app, on)
	assert.Error(t, err, "a disbursed listing cannot be cancelled")

	// Alice's statement of the days of the listing: her deposit of 5,000
	// before it; her bid of 4,000 frozen then settled, and her share of
	// the reward, 40, in it.
	h, err := e.CashHistory(ctx, alice, d(2024, 1, 12), d(2024, 1, 13))
	require.NoError(t, err)
	assert.Equal(t, account.Totals{Balance: cny("5000"), Frozen: cny("0")}, h.Opening)
	assert.Equal(t, account.Totals{Balance: cny("1040"), Frozen: cny("0")}, h.Closing)
	var kinds []account.Kind
	for _, en := range h.Entries {
		kinds = append(kinds, en.Kind)
	}
	assert.Equal(t, []account.Kind{account.Freeze, account.Settle, account.Reward}, kinds)
	assert.Equal(t, account.Totals{Balance: cny("40"), Frozen: cny("0")}, h.ByKind[account.Reward])
	_, err = e.CashHistory(ctx, alice, d(2024, 1, 13), d(2024, 1, 12))
	hasField(t, err, "to", "a span ending before it starts")
	_, err = e.CashHistory(ctx, uuid.New(), d(2024, 1, 12), d(2024, 1, 13))
	assert.ErrorIs(t, err, storage.ErrNotFound)
	checkCashLedger(t, e)
}

// TestListingFails: at the end of its closing day a listing short of its
// target fails and every bid and the reward are released; a cancelled
// listing likewise; the read APIs show them.
func TestListingFails(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	app, other := uuid.New(), uuid.New()
	approved(t, e, app)
	approved(t, e, other)
	for _, id := range []uuid.UUID{app, other} {
		_, err := e.PublishListing(ctx, id, lendcore.ListingRequest{Day: d(2024, 1, 12), Closes: d(2024, 1, 14), MinBid: cny("100")})
		require.NoError(t, err)
	}
	var open []uuid.UUID
	for st, err := range e.OpenListings(ctx) {
		require.NoError(t, err)
		open = append(open, st.ID)
	}
	assert.ElementsMatch(t, []uuid.UUID{app, other}, open)

	alice := member(t, e, account.Investor, "5000")
	_, err := e.PlaceBid(ctx, app, lendcore.Bid{Investor: alice, Amount: cny("3000"), Day: d(2024, 1, 13), Key: "a1"})
	require.NoError(t, err)
	_, err = e.PlaceBid(ctx, other, lendcore.Bid{Investor: alice, Amount: cny("2000"), Day: d(2024, 1, 13), Key: "a1"})
	require.NoError(t, err)
	_, err = e.PlaceBid(ctx, other, lendcore.Bid{Investor: alice, Amount: cny("100"), Day: d(2024, 1, 13), Key: "a2"})
	assert.ErrorIs(t, err, account.ErrInsufficientFunds, "everything is frozen")

	n, err := e.CloseListings(ctx, d(2024, 1, 13))
	require.NoError(t, err)
	assert.Zero(t, n, "bids are taken through the closing day")
	l, err := e.CancelListing(ctx, other, d(2024, 1, 14))
	require.NoError(t, err)
	assert.Equal(t, invest.ListingFailed, l.State())
	n, err = e.CloseListings(ctx, d(2024, 1, 14))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	l, err = e.Listing(ctx, app)
	require.NoError(t, err)
	assert.Equal(t, invest.ListingFailed, l.State())
	bids, err := e.Bids(ctx, app)
	require.NoError(t, err)
	require.Len(t, bids, 1)
	assert.Equal(t, cny("3000"), bids[0].Amount)
	bal, frozen := balances(t, e, alice)
	assert.Equal(t, cny("5000"), bal)
	assert.True(t, frozen.IsZero(), "every bid released")
	n, err = e.CloseListings(ctx, d(2024, 1, 15))
	require.NoError(t, err)
	assert.Zero(t, n, "closed once")
}

// TestDistributionsCreditAccounts: the close pays each investor's share of
// a repayment into their account, once however often the day is closed.
func TestDistributionsCreditAccounts(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	app := uuid.New()
	approved(t, e, app)
	_, err := e.PublishListing(ctx, app, lendcore.ListingRequest{Day: d(2024, 1, 12), Closes: d(2024, 1, 14), MinBid: cny("100")})
	require.NoError(t, err)
	alice, bob := member(t, e, account.Investor, "7000"), member(t, e, account.Investor, "3000")
	for i, id := range []uuid.UUID{alice, bob} {
		_, err := e.PlaceBid(ctx, app, lendcore.Bid{Investor: id, Amount: []money.Amount{cny("7000"), cny("3000")}[i], Day: d(2024, 1, 13), Key: id.String()})
		require.NoError(t, err)
	}
	_, err = e.Post(ctx, app, loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, 2, 15), Actor: "bank",
		IdempotencyKey: "pay-1", Amount: cny("888.49")})
	require.NoError(t, err)
	_, err = e.CloseOfDay(ctx, d(2024, 2, 15))
	require.NoError(t, err)
	_, err = e.CloseOfDay(ctx, d(2024, 2, 16))
	require.NoError(t, err)

	b, err := e.Book(ctx, app)
	require.NoError(t, err)
	_ = b
	var dist *invest.Distribution
	for m, err := range e.Store().Outbox().Scan(ctx, storage.MessageFilter{Topics: []string{lendcore.TopicInvestor}}) {
		require.NoError(t, err)
		var ev lendcore.InvestorEvent
		require.NoError(t, json.Unmarshal(m.Payload, &ev))
		if ev.Distribution != nil {
			require.Nil(t, dist, "one distribution")
			dist = ev.Distribution
		}
	}
	require.NotNil(t, dist)
	total := cny("0")
	for _, id := range []uuid.UUID{alice, bob} {
		bal, _ := balances(t, e, id)
		assert.Equal(t, dist.PaidTo(id), bal, "the investor's share, credited once")
		total = total.Add(bal)
	}
	assert.Equal(t, cny("888.49").Sub(dist.Fees), total, "the repayment less the servicing fees")
	checkCashLedger(t, e)
}

// TestBidsOnTwoReplicas: investors bid on one listing from two Engines
// on one database at once; the listing is funded exactly, no account is
// ever overdrawn, and the money adds up.
func TestBidsOnTwoReplicas(t *testing.T) {
	for _, db := range databases(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			stores := db.stores(t, 2)
			var engines []*lendcore.Engine
			for _, s := range stores {
				e, err := lendcore.New(s, lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock), lendcore.WithRetries(1000))
				require.NoError(t, err)
				engines = append(engines, e)
			}
			app := uuid.New()
			approved(t, engines[0], app)
			_, err := engines[1].PublishListing(ctx, app, lendcore.ListingRequest{Day: d(2024, 1, 12), Closes: d(2024, 1, 14), MinBid: cny("100")})
			require.NoError(t, err)
			// Eight investors with 1,500 each: 12,000 chasing 10,000.
			investors := make([]uuid.UUID, 8)
			for i := range investors {
				investors[i] = member(t, engines[i%2], account.Investor, "1500")
			}
			var wg sync.WaitGroup
			errs := make(chan error, 100)
			for i, inv := range investors {
				for j := range 4 { // four bids of 500 each: 2,000 asked of 1,500
					wg.Add(1)
					go func() {
						defer wg.Done()
						e := engines[(i+j)%2]
						_, err := e.PlaceBid(ctx, app, lendcore.Bid{Investor: inv, Amount: cny("500"), Day: d(2024, 1, 13), Key: fmt.Sprintf("%d-%d", i, j)})
						var te *fault.Transition
						switch {
						case err == nil, errors.Is(err, account.ErrInsufficientFunds), errors.Is(err, invest.ErrOversubscribed), errors.As(err, &te):
						default:
							errs <- err
						}
					}()
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			l, err := engines[0].Listing(ctx, app)
			require.NoError(t, err)
			assert.Equal(t, invest.ListingSettled, l.State())
			assert.Equal(t, cny("10000"), l.Committed())
			spent := cny("0")
			for _, inv := range investors {
				a, err := engines[1].Account(ctx, inv)
				require.NoError(t, err)
				assert.False(t, a.Balance.IsNegative() || a.Frozen.IsNegative() || a.Balance.Less(a.Frozen), "%s: %s, %s frozen", inv, a.Balance, a.Frozen)
				assert.True(t, a.Frozen.IsZero(), "the listing is settled: nothing stays frozen")
				spent = spent.Add(cny("1500").Sub(a.Balance))
				assert.Equal(t, l.CommittedBy(inv), cny("1500").Sub(a.Balance), "each investor paid what they committed")
			}
			assert.Equal(t, cny("10000"), spent)
			b, err := engines[0].Account(ctx, l.Borrower)
			require.NoError(t, err)
			assert.Equal(t, cny("10000"), b.Balance)
			checkCashLedger(t, engines[0])
		})
	}
}

// TestReconcileAndHomePage: the books agree with a statement that says
// what they say; every disagreement — a total, a sub-account, an account
// the bank lacks, one the books lack — is reported with its gap; entries
// after the statement's day do not count. The home page counts the
// members, listings, funds and applications.
func TestReconcileAndHomePage(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	alice := member(t, e, account.Investor, "1000")
	bob := member(t, e, account.Investor, "250.50")
	carol := member(t, e, account.Investor, "0")
	_, err := e.Deposit(ctx, bob, lendcore.CashMove{Key: "late", Day: d(2024, 1, 12), Amount: cny("99")})
	require.NoError(t, err)
	_, err = e.RequestWithdrawal(ctx, alice, uuid.New(), d(2024, 1, 11), cny("100"))
	require.NoError(t, err)
	asOf := d(2024, 1, 11)

	total := cny("1250.50")
	r, err := e.Reconcile(ctx, account.Statement{AsOf: asOf, Total: &total})
	require.NoError(t, err)
	assert.True(t, r.Balanced(), "%v", r.Differences)
	r, err = e.Reconcile(ctx, account.Statement{AsOf: asOf, Balances: map[uuid.UUID]money.Amount{alice: cny("1000"), bob: cny("250.50")}})
	require.NoError(t, err)
	assert.True(t, r.Balanced(), "carol's zero balance need not be reported: %v", r.Differences)

	stranger := uuid.New()
	bank := cny("1300")
	r, err = e.Reconcile(ctx, account.Statement{AsOf: asOf, Total: &bank,
		Balances: map[uuid.UUID]money.Amount{alice: cny("999.99"), stranger: cny("5"), carol: cny("0")}})
	require.NoError(t, err)
	want := []account.Difference{{Kind: account.TotalDiffers, Books: cny("1250.50"), Bank: cny("1300"), Gap: cny("49.50")}}
	for _, id := range sortIDs(alice, bob, stranger) {
		switch id {
		case alice:
			want = append(want, account.Difference{Kind: account.BalanceDiffers, Account: alice, Books: cny("1000"), Bank: cny("999.99"), Gap: cny("-0.01")})
		case bob:
			want = append(want, account.Difference{Kind: account.MissingAtBank, Account: bob, Books: cny("250.50"), Bank: cny("0"), Gap: cny("-250.50")})
		case stranger:
			want = append(want, account.Difference{Kind: account.MissingInBooks, Account: stranger, Books: cny("0"), Bank: cny("5"), Gap: cny("5")})
		}
	}
	assert.Equal(t, want, r.Differences)
	_, err = e.Reconcile(ctx, account.Statement{AsOf: asOf, Balances: map[uuid.UUID]money.Amount{alice: money.MustParse("1", money.USD)}})
	hasField(t, err, "balances."+alice.String())

	app, other := uuid.New(), uuid.New()
	approved(t, e, app)
	approved(t, e, other)
	_, err = e.Submit(ctx, request(uuid.New()))
	require.NoError(t, err)
	_, err = e.PublishListing(ctx, app, lendcore.ListingRequest{Day: d(2024, 1, 12), Closes: d(2024, 1, 14), MinBid: cny("100")})
	require.NoError(t, err)
	_, err = e.PlaceBid(ctx, app, lendcore.Bid{Investor: alice, Amount: cny("800"), Day: d(2024, 1, 12), Key: "a"})
	require.NoError(t, err)
	h, err := e.HomePage(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{"investor": 3}, h.Members)
	assert.Equal(t, map[string]lendcore.ListingFigures{"open": {Count: 1, Target: cny("10000"), Committed: cny("800")}}, h.Listings)
	assert.Equal(t, lendcore.Funds{Balance: cny("1349.50"), Frozen: cny("900"), Available: cny("449.50"),
		PendingWithdrawals: cny("100"), Withdrawals: 1}, h.Funds)
	assert.Equal(t, 1, h.AwaitingReview)
	assert.Equal(t, 1, h.AwaitingListing, "approved, neither listed nor disbursed")
}

func sortIDs(ids ...uuid.UUID) []uuid.UUID {
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return ids
}

// TestClaimTransferPaysCash: a claim transfer between two members with
// accounts moves the price from the buyer to the seller (less the
// seller's fee) in the transfer's unit of work; a buyer who cannot pay is
// refused, and the holding stays the seller's.
func TestClaimTransferPaysCash(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	app := uuid.New()
	approved(t, e, app)
	_, err := e.PublishListing(ctx, app, lendcore.ListingRequest{Day: d(2024, 1, 12), Closes: d(2024, 1, 14), MinBid: cny("100")})
	require.NoError(t, err)
	alice := member(t, e, account.Investor, "10000")
	_, err = e.PlaceBid(ctx, app, lendcore.Bid{Investor: alice, Amount: cny("10000"), Day: d(2024, 1, 13), Key: "a"})
	require.NoError(t, err)
	poor, rich := member(t, e, account.Investor, "10"), member(t, e, account.Investor, "5000")
	b, err := e.Book(ctx, app)
	require.NoError(t, err)
	h := b.HoldingsOf(alice)[0]
	_, err = e.Post(ctx, app, loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, 2, 15), Actor: "bank",
		IdempotencyKey: "pay-1", Amount: cny("888.49")})
	require.NoError(t, err)
	// Held 36 days, the first installment paid, 24 days before the next.
	req := invest.TransferRequest{Holding: h, Buyer: poor, Principal: cny("1000"), On: d(2024, 2, 20)}
	_, err = e.TransferClaim(ctx, app, req)
	assert.ErrorIs(t, err, account.ErrInsufficientFunds)
	b, err = e.Book(ctx, app)
	require.NoError(t, err)
	assert.Empty(t, b.HoldingsOf(poor), "nothing transferred")

	req.Buyer = rich
	tr, err := e.TransferClaim(ctx, app, req)
	require.NoError(t, err)
	_, err = e.TransferClaim(ctx, app, req)
	require.NoError(t, err, "sent again")
	bal, _ := balances(t, e, rich)
	assert.Equal(t, cny("5000").Sub(tr.Price), bal, "the buyer paid the price once")
	bal, _ = balances(t, e, alice)
	assert.Equal(t, tr.SellerNet(), bal, "the seller received the price less the fee")
}

// checkCashLedger builds a ledger from the outbox's cash postings alone
// and checks it against the accounts: each member's available and frozen
// sub-ledgers are their account's, the custody account holds the sum of
// the balances, and the clearing account is empty.
func checkCashLedger(t *testing.T, e *lendcore.Engine) {
	t.Helper()
	ctx := context.Background()
	type key struct {
		ledger string
		member uuid.UUID
	}
	ledger := map[key]money.Amount{}
	seen := map[string]bool{}
	for m, err := range e.Store().Outbox().Scan(ctx, storage.MessageFilter{Topics: []string{lendcore.TopicCash}}) {
		require.NoError(t, err)
		var ev lendcore.CashEvent
		require.NoError(t, json.Unmarshal(m.Payload, &ev))
		require.Len(t, ev.Postings, len(ev.Entries))
		for _, p := range ev.Postings {
			require.False(t, seen[p.Key], "entry %s posted twice", p.Key)
			seen[p.Key] = true
			for side, code := range map[int]string{1: p.Debit, -1: p.Credit} {
				k := key{code, p.Member}
				if code == account.LedgerCustody || code == account.LedgerClearing {
					k.member = uuid.Nil
				}
				ledger[k] = ledger[k].Add(p.Amount.MulInt(int64(side)))
			}
		}
	}
	total := cny("0")
	for a, err := range e.Store().Accounts().Scan(ctx, storage.AccountFilter{}) {
		require.NoError(t, err)
		// A ledger never posted to is the currency-less zero: compare
		// differences.
		assert.True(t, a.Balance.Sub(a.Frozen).Add(ledger[key{account.LedgerAvailable, a.ID}]).IsZero(), "available of %s", a.ID)
		assert.True(t, a.Frozen.Add(ledger[key{account.LedgerFrozen, a.ID}]).IsZero(), "frozen of %s", a.ID)
		total = total.Add(a.Balance)
	}
	assert.True(t, total.Sub(ledger[key{account.LedgerCustody, uuid.Nil}]).IsZero(), "custody %s, accounts %s",
		ledger[key{account.LedgerCustody, uuid.Nil}], total)
	assert.True(t, ledger[key{account.LedgerClearing, uuid.Nil}].IsZero(), "clearing %s", ledger[key{account.LedgerClearing, uuid.Nil}])
}
