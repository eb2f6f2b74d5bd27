package account

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

func cny(s string) money.Amount { return money.MustParse(s, money.CNY) }

func day(d int) date.Date { return date.New(2024, time.March, d) }

func newAccount(t *testing.T, deposit string) *Account {
	t.Helper()
	a, err := New(uuid.New(), Investor, money.CNY)
	require.NoError(t, err)
	if deposit != "" {
		_, err = a.Post(Deposit, "d", "", day(1), cny(deposit))
		require.NoError(t, err)
	}
	return a
}

// TestKindEffects: each kind moves the balance and the frozen part the
// way its table row says, and only the kinds that pay in need no version.
func TestKindEffects(t *testing.T) {
	for _, tc := range []struct {
		kind            Kind
		balance, frozen string
		takes           bool
	}{
		{Deposit, "110", "40", false},
		{WithdrawalRequested, "100", "50", true},
		{WithdrawalPaid, "90", "30", true},
		{WithdrawalFailed, "100", "30", true},
		{Freeze, "100", "50", true},
		{Release, "100", "30", true},
		{Settle, "90", "30", true},
		{TransferOut, "90", "40", true},
		{TransferIn, "110", "40", false},
		{Proceeds, "110", "40", false},
		{Reward, "110", "40", false},
		{Distribution, "110", "40", false},
		{Compensation, "110", "40", false},
	} {
		a := newAccount(t, "100")
		_, err := a.Post(Freeze, "f", "", day(1), cny("40"))
		require.NoError(t, err)
		e, err := a.Post(tc.kind, "k", "ref", day(2), cny("10"))
		require.NoError(t, err, tc.kind.String())
		assert.Equal(t, cny(tc.balance), a.Balance, tc.kind.String())
		assert.Equal(t, cny(tc.frozen), a.Frozen, tc.kind.String())
		assert.Equal(t, a.Balance.Sub(cny("100")), e.Amount, tc.kind.String())
		assert.Equal(t, tc.takes, tc.kind.Takes(), tc.kind.String())
	}
}

// TestPostRefuses: what the account cannot cover is refused naming the
// amount and wrapping ErrInsufficientFunds; bad input names every field;
// nothing changes.
func TestPostRefuses(t *testing.T) {
	a := newAccount(t, "100")
	_, err := a.Post(Freeze, "f", "", day(1), cny("60"))
	require.NoError(t, err)
	for _, tc := range []struct {
		kind   Kind
		amount string
	}{{Freeze, "40.01"}, {TransferOut, "40.01"}, {Release, "60.01"}, {Settle, "60.01"}, {WithdrawalRequested, "41"}} {
		_, err := a.Post(tc.kind, "k", "", day(2), cny(tc.amount))
		var f *fault.Fields
		require.ErrorAs(t, err, &f, tc.kind.String())
		assert.True(t, f.Has("amount"))
		assert.ErrorIs(t, err, ErrInsufficientFunds)
		assert.ErrorIs(t, err, ErrInvalidInput)
	}
	_, err = a.Post(Kind(99), "", "", date.Date{}, money.MustParse("1", money.USD))
	var f *fault.Fields
	require.ErrorAs(t, err, &f)
	assert.Len(t, f.List, 4, "%v", err)
	assert.False(t, errors.Is(err, ErrInsufficientFunds))
	assert.Equal(t, cny("100"), a.Balance)
	assert.Equal(t, cny("60"), a.Frozen)
	assert.Equal(t, cny("40"), a.Available())
}

// TestWithdrawalLifecycle: requested freezes, completed pays out, failed
// gives back; an answered withdrawal takes no other answer; the entries
// rebuild it.
func TestWithdrawalLifecycle(t *testing.T) {
	a := newAccount(t, "100")
	id := uuid.New()
	_, _, err := a.RequestWithdrawal(id, day(2), cny("100.01"))
	assert.ErrorIs(t, err, ErrInsufficientFunds)
	w, req, err := a.RequestWithdrawal(id, day(2), cny("70"))
	require.NoError(t, err)
	assert.Equal(t, cny("70"), a.Frozen)
	paid, err := w.Answer(a, EventComplete, day(3))
	require.NoError(t, err)
	assert.Equal(t, WithdrawalCompleted, w.State)
	assert.Equal(t, cny("30"), a.Balance)
	assert.True(t, a.Frozen.IsZero())
	_, err = w.Answer(a, EventFail, day(3))
	var te *fault.Transition
	require.ErrorAs(t, err, &te)
	assert.ErrorIs(t, err, ErrIllegalTransition)

	back, err := WithdrawalOf(id, []Entry{req, paid})
	require.NoError(t, err)
	assert.Equal(t, w, back)
	_, err = WithdrawalOf(id, []Entry{paid})
	assert.ErrorIs(t, err, ErrInvalidInput)

	w2, _, err := a.RequestWithdrawal(uuid.New(), day(4), cny("30"))
	require.NoError(t, err)
	_, err = w2.Answer(a, EventFail, day(5))
	require.NoError(t, err)
	assert.Equal(t, WithdrawalRefused, w2.State)
	assert.Equal(t, cny("30"), a.Available())
}

// TestTransfer: both sides move or neither does.
func TestTransfer(t *testing.T) {
	a, b := newAccount(t, "100"), newAccount(t, "")
	es, err := Transfer(a, b, "t", day(2), cny("60"))
	require.NoError(t, err)
	require.Len(t, es, 2)
	assert.Equal(t, cny("-60"), es[0].Amount)
	assert.Equal(t, cny("60"), es[1].Amount)
	assert.Equal(t, "t", es[1].Ref)
	_, err = Transfer(a, b, "t2", day(2), cny("40.01"))
	assert.ErrorIs(t, err, ErrInsufficientFunds)
	_, err = Transfer(a, a, "t3", day(2), cny("1"))
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, cny("40"), a.Balance)
	assert.Equal(t, cny("60"), b.Balance)
}

// TestRestore refuses totals no entries make.
func TestRestore(t *testing.T) {
	id := uuid.New()
	_, err := Restore(id, Investor, cny("-1"), cny("0"))
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = Restore(id, Investor, cny("10"), cny("10.01"))
	assert.ErrorIs(t, err, ErrInvalidInput)
	a, err := Restore(id, Borrower, cny("10"), cny("4"))
	require.NoError(t, err)
	assert.Equal(t, cny("6"), a.Available())
}

// TestReconcileTotalOnly: a statement of the total alone is compared on
// the total alone.
func TestReconcileTotalOnly(t *testing.T) {
	x, y := uuid.New(), uuid.New()
	books := map[uuid.UUID]money.Amount{x: cny("10"), y: cny("5.55")}
	total := cny("15.55")
	r, err := Reconcile(money.CNY, books, Statement{AsOf: day(1), Total: &total})
	require.NoError(t, err)
	assert.True(t, r.Balanced())
	short := cny("15.50")
	r, err = Reconcile(money.CNY, books, Statement{AsOf: day(1), Total: &short})
	require.NoError(t, err)
	assert.Equal(t, []Difference{{Kind: TotalDiffers, Books: cny("15.55"), Bank: cny("15.50"), Gap: cny("-0.05")}}, r.Differences)
	_, err = Reconcile(money.CNY, books, Statement{})
	var f *fault.Fields
	require.ErrorAs(t, err, &f)
	assert.True(t, f.Has("as_of") && f.Has("balances"))
}

// TestPostings: every kind posts its amount from a debit to a credit;
// applied to the ledgers, the postings of an account's entries leave
// member-available at the available balance and member-frozen at the
// frozen part, and the custody account at what came in less what went
// out — double entry keeps every ledger's sum at zero.
func TestPostings(t *testing.T) {
	a := newAccount(t, "")
	b := newAccount(t, "")
	var es []Entry
	post := func(acc *Account, k Kind, key, amount string) {
		t.Helper()
		e, err := acc.Post(k, key, "", day(2), cny(amount))
		require.NoError(t, err)
		es = append(es, e)
	}
	post(a, Deposit, "1", "1000")
	post(a, Freeze, "2", "600")
	post(a, Settle, "3", "600")
	post(b, Proceeds, "4", "600")
	post(a, WithdrawalRequested, "5", "100")
	post(a, WithdrawalPaid, "6", "100")
	post(b, Distribution, "7", "12.34")
	ledgers := map[string]money.Amount{}
	memberAvailable := map[uuid.UUID]money.Amount{}
	for _, e := range es {
		p := e.Posting()
		assert.True(t, p.Amount.IsPositive(), e.Kind.String())
		ledgers[p.Debit] = ledgers[p.Debit].Add(p.Amount)
		ledgers[p.Credit] = ledgers[p.Credit].Sub(p.Amount)
		if p.Credit == LedgerAvailable {
			memberAvailable[p.Member] = memberAvailable[p.Member].Add(p.Amount)
		}
		if p.Debit == LedgerAvailable {
			memberAvailable[p.Member] = memberAvailable[p.Member].Sub(p.Amount)
		}
	}
	assert.Equal(t, cny("912.34"), ledgers[LedgerCustody], "1000 + 12.34 in, 100 out")
	assert.Equal(t, cny("-912.34"), ledgers[LedgerAvailable], "the members' available money, a liability")
	assert.True(t, ledgers[LedgerFrozen].IsZero())
	assert.True(t, ledgers[LedgerClearing].IsZero(), "the settlement cleared")
	assert.Equal(t, a.Available(), memberAvailable[a.ID])
	assert.Equal(t, b.Available(), memberAvailable[b.ID])
}
