package money_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
)

// TestISO4217 checks the currency table against entries read by hand off
// ISO 4217 list one as the maintenance agency (SIX Financial Information)
// publishes it, 2026-01-01 edition: code and the decimals of the minor unit
// (column CcyMnrUnts).
func TestISO4217(t *testing.T) {
	for _, c := range []struct {
		code  string
		scale int
	}{
		{"JPY", 0}, {"KRW", 0}, {"ISK", 0}, {"VND", 0}, {"XOF", 0}, {"UYI", 0}, // no minor unit in use
		{"INR", 2}, {"CNY", 2}, {"USD", 2}, {"EUR", 2}, {"BRL", 2}, {"IDR", 2}, {"ZWG", 2},
		{"XCG", 2}, // Caribbean guilder, amendment 176, replacing ANG
		{"XAD", 2}, // Arab accounting dinar, amendment 179
		{"KWD", 3}, {"BHD", 3}, {"IQD", 3}, {"JOD", 3}, {"LYD", 3}, {"OMR", 3}, {"TND", 3},
		{"CLF", 4}, {"UYW", 4}, // Unidad de Fomento, Unidad Previsional
	} {
		cur, err := money.CurrencyOf(c.code)
		require.NoError(t, err, c.code)
		assert.Equal(t, c.scale, cur.Scale(), c.code)
		assert.Equal(t, c.code, cur.Code())
		// A known code is written bare, and reads back the same.
		b, err := cur.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, c.code, string(b))
	}
	// Withdrawn codes and entries without a minor unit ("N.A.") are not in
	// the table: they need their scale written.
	for _, code := range []string{"ANG", "BGN", "CUC", "HRK", "XAU", "XDR", "XTS", "XXX"} {
		_, err := money.CurrencyOf(code)
		assert.ErrorIs(t, err, money.ErrUnknownCurrency, code)
	}
}

// TestCurrencyScaleForm: the "CODE/scale" form that MarshalText writes for
// a code outside the table parses wherever a code does (scenario files,
// flags, amounts); for a code of the table it must give the ISO scale.
func TestCurrencyScaleForm(t *testing.T) {
	xau, err := money.CurrencyOf("XAU/6")
	require.NoError(t, err)
	assert.Equal(t, 6, xau.Scale())
	b, err := xau.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "XAU/6", string(b))

	inr, err := money.CurrencyOf("INR/2")
	require.NoError(t, err)
	assert.Equal(t, inr, mustCurrency(t, "INR"))

	for _, bad := range []string{"INR/3", "JPY/2", "XAU/7", "xau/6", "XA/6", "XAU/", "XAUU/6", "XAU/a", ""} {
		_, err := money.CurrencyOf(bad)
		assert.ErrorIs(t, err, money.ErrInvalidCurrency, bad)
	}

	var c money.Currency
	require.NoError(t, c.UnmarshalText([]byte("BGN/2")))
	assert.Equal(t, "BGN", c.Code())

	// Amounts in any ISO currency round-trip through JSON.
	for _, s := range []string{`"INR 1234.50"`, `"CLF 1.2345"`, `"KWD 0.001"`, `"XAU/6 0.000001"`} {
		var a money.Amount
		require.NoError(t, json.Unmarshal([]byte(s), &a), s)
		out, err := json.Marshal(a)
		require.NoError(t, err)
		assert.Equal(t, s, string(out))
	}
}

func mustCurrency(t *testing.T, code string) money.Currency {
	t.Helper()
	c, err := money.CurrencyOf(code)
	require.NoError(t, err)
	return c
}
