package scenario

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
)

// TestProductScenarioHandCheck: testdata/vip-grace-product.json is the
// loan of late-penalty.json sold as a product whose penalty is the same
// (0.05 % a day on the overdue installment) and whose VIP segment has 15
// days' grace. late-penalty.json pays 1,030.00 ten days late with 5.15 of
// penalty (1,030 × 0.0005 × 10); the VIP borrower, inside the grace, pays
// 1,030.00 and owes no penalty at any report, and the loan closes.
func TestProductScenarioHandCheck(t *testing.T) {
	b, err := os.ReadFile("testdata/vip-grace-product.golden")
	require.NoError(t, err)
	out := string(b)
	assert.Contains(t, out, `"days_past_due": 10`)
	assert.Equal(t, strings.Count(out, `"penalty": "`), strings.Count(out, `"penalty": "CNY 0.00"`), "no penalty anywhere")
	assert.Contains(t, out, `"status": "closed"`)

	sc, err := Load("testdata/vip-grace-product.json")
	require.NoError(t, err)
	assert.Equal(t, "vip", sc.Segment)
	assert.Equal(t, 15, sc.Servicing.Penalty.GraceDays, "the segment's grace is the loan's servicing policy")
}

func TestProductScenarioBadInput(t *testing.T) {
	base := `{"currency":"CNY","terms":{"principal":"CNY 3000.00","annual_rate":"12%","method":"equal-principal",
"frequency":"monthly","periods":3,"start":"2024-01-15","day_count":"act/365f"},%s"events":[{"type":"disburse","date":"2024-01-15"}]}`
	with := func(s string) string { return strings.Replace(base, "%s", s+",", 1) }
	file := `"product":{"file":"testdata/products/lender.json","name":"consumer-unsecured"%s}`
	embed := `"product":{"embed":{"name":"cash","terms":{"max_amount":"CNY 5000.00","day_count":"act/365f"}%s}}`
	tests := []struct {
		name, json string
		fields     []string
	}{
		{"policies beside a product", with(strings.Replace(file, "%s", "", 1) + `,"policy":{},"policies":{}`), []string{"policy", "policies"}},
		{"neither file nor embed", with(`"product":{"name":"x"}`), []string{"product"}},
		{"unknown product field", with(`"product":{"colour":"red"}`), []string{"product"}},
		{"no such product in the file", with(`"product":{"file":"testdata/products/lender.json","name":"payday"}`), []string{"product.name"}},
		{"no such file", with(`"product":{"file":"testdata/products/none.json","name":"payday"}`), []string{"product.file"}},
		{"segment not declared", with(strings.Replace(file, "%s", `,"segment":"staff"`, 1)), []string{"product.segment"}},
		{"terms outside the product", strings.Replace(with(strings.Replace(file, "%s", "", 1)), `"periods":3`, `"periods":48`, 1),
			[]string{"terms.periods"}},
		{"invalid embedded product", with(`"product":{"embed":{"name":"Cash","terms":{}}}`), []string{"product.embed.name", "product.embed.terms.max_amount"}},
		{"embedded product's segment invalid", with(strings.Replace(embed, "%s", `,"segments":{"vip":{"posting":{"future_days":99}}}`, 1)),
			[]string{"product.embed.segments.vip.posting.future_days"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.json))
			require.Error(t, err)
			require.True(t, errors.Is(err, ErrInvalid), "%v", err)
			var f *fault.Fields
			require.ErrorAs(t, err, &f)
			var names []string
			for _, x := range f.List {
				names = append(names, x.Name)
			}
			assert.ElementsMatch(t, tc.fields, names, "%v", err)
		})
	}

	// An embedded product runs: the Engine publishes it and the loan is
	// sold as it.
	sc, err := Parse(strings.NewReader(with(strings.Replace(embed, "%s", "", 1))))
	require.NoError(t, err)
	require.NotNil(t, sc.Product)
	_, err = sc.Run(context.Background(), Options{})
	require.NoError(t, err)
}
