package account

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
)

// An investor's March statement: a February deposit opens it; in March a
// bid freezes 600, settles, a distribution and a reward are credited and a
// withdrawal is paid. Opening 1,000.00; closing 1,000 − 600 + 55.50 + 6 −
// 200 = 261.50, nothing frozen.
func TestHistory(t *testing.T) {
	alice, bob := uuid.New(), uuid.New()
	a, err := New(alice, Investor, money.CNY)
	require.NoError(t, err)
	post := func(k Kind, key string, d int, m int, amount string) Entry {
		t.Helper()
		e, err := a.Post(k, key, "", date.New(2024, time.Month(m), d), cny(amount))
		require.NoError(t, err)
		return e
	}
	es := []Entry{
		post(Deposit, "d", 20, 2, "1000"),
		post(Freeze, "bid", 1, 3, "600"),
		post(Settle, "bid/settled", 5, 3, "600"),
		post(Reward, "reward", 5, 3, "6"),
		post(Distribution, "dist", 15, 3, "55.50"),
		post(WithdrawalRequested, "w", 20, 3, "200"),
		post(WithdrawalPaid, "w/paid", 21, 3, "200"),
	}
	h, err := NewHistory(alice, money.CNY, date.New(2024, time.Month(3), 1), date.New(2024, time.Month(3), 31))
	require.NoError(t, err)
	for _, e := range es {
		require.NoError(t, h.Add(e))
	}
	assert.Equal(t, Totals{Balance: cny("1000"), Frozen: cny("0")}, h.Opening)
	assert.Equal(t, Totals{Balance: cny("261.50"), Frozen: cny("0")}, h.Closing)
	assert.Equal(t, a.Balance, h.Closing.Balance, "the closing balance is the account's")
	assert.Len(t, h.Entries, 6)
	assert.Equal(t, Totals{Balance: cny("-600"), Frozen: cny("-600")}, h.ByKind[Settle])
	assert.Equal(t, Totals{Balance: cny("55.50"), Frozen: cny("0")}, h.ByKind[Distribution])
	b, err := json.Marshal(h)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"withdrawal-paid":{"balance":"CNY -200.00"`)

	// Bad input: every field named; another account's entry, a later one.
	_, err = NewHistory(alice, money.Currency{}, date.New(2024, time.Month(3), 2), date.New(2024, time.Month(3), 1))
	hasFields(t, err, "currency", "to")
	other, _ := New(bob, Investor, money.CNY)
	e, err := other.Post(Deposit, "x", "", date.New(2024, time.Month(3), 2), cny("1"))
	require.NoError(t, err)
	hasFields(t, h.Add(e), "entry")
	e, err = a.Post(Deposit, "late", "", date.New(2024, time.Month(4), 1), cny("1"))
	require.NoError(t, err)
	hasFields(t, h.Add(e), "entry")
	assert.Equal(t, cny("261.50"), h.Closing.Balance, "nothing changed")
}

func hasFields(t *testing.T, err error, names ...string) {
	t.Helper()
	var f *fault.Fields
	require.ErrorAs(t, err, &f)
	assert.ErrorIs(t, err, ErrInvalidInput)
	for _, n := range names {
		assert.True(t, f.Has(n), "%s in %v", n, err)
	}
	assert.Len(t, f.List, len(names), "%v", err)
}
