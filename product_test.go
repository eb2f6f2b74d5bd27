package lendcore_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	lendcore "github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// loadTestProducts reads testdata/products.json: the three products the
// simulation runs, each with a VIP segment.
func loadTestProducts(t testing.TB) []lendcore.Product {
	t.Helper()
	f, err := os.Open("testdata/products.json")
	require.NoError(t, err)
	defer f.Close()
	ps, err := lendcore.LoadProducts(f)
	require.NoError(t, err)
	require.Len(t, ps, 3)
	return ps
}

func TestLoadProductsFillsDefaultsAndResolvesSegments(t *testing.T) {
	ps := loadTestProducts(t)
	consumer := ps[0]
	assert.Equal(t, "consumer-unsecured", consumer.Name)
	def := lendcore.DefaultPolicies()
	want := def
	want.Approval.Authority.Officers = []loan.Officer{{ID: "approver", Limit: money.MustParse("50000", money.CNY)}}
	want.Approval.Authority.CommitteeApprovals = 0
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(consumer.Policies)
	assert.JSONEq(t, string(a), string(b), "the parts a product file does not name keep their defaults")
	assert.Equal(t, 3, ps[1].Policies.Posting.FutureDays)

	vip, err := consumer.Resolve("vip")
	require.NoError(t, err)
	assert.Equal(t, 3, vip.Servicing.Penalty.GraceDays)
	assert.Equal(t, money.MustRate("0.3"), vip.Servicing.Penalty.Rate)
	require.Len(t, vip.Reminders.Installment, 1)
	assert.Equal(t, 3, vip.Reminders.Installment[0].DaysBefore)
	assert.Equal(t, money.MustParse("200000", money.CNY), vip.Approval.Authority.Officers[0].Limit, "a higher approval limit")
	// What the patch does not name stays as the product has it.
	assert.Equal(t, def.Ladder, vip.Ladder)
	assert.Equal(t, def.Servicing.Waterfall, vip.Servicing.Waterfall)
	// The product's own policies are not changed by resolving a segment.
	assert.Equal(t, 0, consumer.Policies.Servicing.Penalty.GraceDays)

	plain, err := consumer.Resolve("")
	require.NoError(t, err)
	assert.Equal(t, 0, plain.Servicing.Penalty.GraceDays)

	_, err = consumer.Resolve("staff")
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	assert.True(t, bad.Has("segment"), err)
	assert.ErrorIs(t, err, lendcore.ErrOutsideProduct)
}

func TestProductMergePatchNullResetsAField(t *testing.T) {
	p := loadTestProducts(t)[0]
	p.Policies.Posting.FutureDays = 5
	p.Segments = map[string]json.RawMessage{"staff": json.RawMessage(`{"posting": {"future_days": null}}`)}
	got, err := p.Resolve("staff")
	require.NoError(t, err)
	assert.Equal(t, 0, got.Posting.FutureDays)
}

func TestLoadProductsIsStrict(t *testing.T) {
	good, err := os.ReadFile("testdata/products.json")
	require.NoError(t, err)
	cases := []struct {
		name, file string
		fields     map[string]string
	}{
		{"not an array", `{}`, map[string]string{"$": "want an array"}},
		{"syntax", "[\n {\"name\": }\n]", map[string]string{"$": "line 2"}},
		{"misspelt key", `[{"name": "a", "terms": {"max_amount": "CNY 10.00", "max_amuont": "CNY 1.00"}}]`,
			map[string]string{"[0].terms.max_amuont": "unknown field"}},
		{"misspelt policy key", `[{"name": "a", "terms": {"max_amount": "CNY 10.00"}, "policies": {"servicing": {"penalty": {"rat": "1"}}}}]`,
			map[string]string{"[0].policies.servicing.penalty.rat": "unknown field"}},
		{"invalid policies", `[{"name": "a", "terms": {"max_amount": "CNY 10.00"}, "policies": {"posting": {"future_days": 99}}}]`,
			map[string]string{"[0].policies.posting.future_days": "between 0 and 31"}},
		{"every bad range at once", `[{"name": "Bad Name", "terms": {"min_amount": "USD 5.00", "max_amount": "CNY 10.00",
			"min_term": 12, "max_term": 6, "min_rate": "0.3", "max_rate": "0.2", "max_grace": -1}}]`,
			map[string]string{"[0].name": "lower-case", "[0].terms.min_amount": "currency of max_amount",
				"[0].terms.max_term": "below min_term", "[0].terms.max_rate": "below min_rate", "[0].terms.max_grace": "negative"}},
		{"missing maximum", `[{"name": "a", "terms": {}}]`, map[string]string{"[0].terms.max_amount": "positive"}},
		{"segment with a misspelt key", `[{"name": "a", "terms": {"max_amount": "CNY 10.00"}, "segments": {"vip": {"servicing": {"penalty": {"grace_dayz": 3}}}}}]`,
			map[string]string{"[0].segments.vip.servicing.penalty.grace_dayz": "unknown field"}},
		{"segment making the policies invalid", `[{"name": "a", "terms": {"max_amount": "CNY 10.00"}, "segments": {"vip": {"posting": {"future_days": 40}}}}]`,
			map[string]string{"[0].segments.vip.posting.future_days": "between 0 and 31"}},
		{"segment not an object", `[{"name": "a", "terms": {"max_amount": "CNY 10.00"}, "segments": {"vip": [1]}}]`,
			map[string]string{"[0].segments.vip": "merge patch"}},
		{"segment badly named", `[{"name": "a", "terms": {"max_amount": "CNY 10.00"}, "segments": {"V I P": {}}}]`,
			map[string]string{"[0].segments.V I P": "segment's name"}},
		{"version twice", `[{"name": "a", "version": 2, "terms": {"max_amount": "CNY 10.00"}}, {"name": "a", "version": 2, "terms": {"max_amount": "CNY 10.00"}}]`,
			map[string]string{"[1].version": "twice"}},
		{"wrong type in the second product", strings.Replace(string(good), `"max_term": 360`, `"max_term": "360"`, 1),
			map[string]string{"[1].terms.max_term": "want a whole number"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := lendcore.LoadProducts(strings.NewReader(c.file))
			require.Error(t, err)
			assert.ErrorIs(t, err, lendcore.ErrInvalidProduct)
			var bad *fault.Fields
			require.ErrorAs(t, err, &bad)
			for name, word := range c.fields {
				f, ok := bad.Get(name)
				if assert.True(t, ok, "%s not named in %v", name, err) {
					assert.Contains(t, f.Problem, word)
				}
			}
			assert.Len(t, bad.List, len(c.fields), "%v", err)
		})
	}
}

func TestTermRangeCheck(t *testing.T) {
	p := loadTestProducts(t)[0]
	terms := schedule.Terms{Principal: money.MustParse("10000", money.CNY), AnnualRate: money.MustRate("0.12"),
		Method: schedule.EqualInstallment, Frequency: schedule.Monthly, Periods: 12}
	require.NoError(t, p.Terms.Check(&terms, "terms"))

	out := terms
	out.Principal = money.MustParse("200000.01", money.CNY)
	out.Periods = 48
	out.AnnualRate = money.MustRate("0.36")
	out.Method = schedule.Bullet
	out.DayCount = schedule.Actual365Fixed
	out.PrincipalGrace = 1
	err := p.Terms.Check(&out, "terms")
	require.ErrorIs(t, err, lendcore.ErrOutsideProduct)
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	for _, name := range []string{"terms.principal", "terms.periods", "terms.annual_rate", "terms.method",
		"terms.day_count", "terms.principal_grace"} {
		assert.True(t, bad.Has(name), "%s in %v", name, err)
	}
	assert.Len(t, bad.List, 6)

	usd := terms
	usd.Principal = money.MustParse("10000", money.USD)
	require.ErrorAs(t, p.Terms.Check(&usd, "terms"), &bad)
	assert.Contains(t, bad.List[0].Problem, "CNY")
}

func TestProductRoundTripsAsJSON(t *testing.T) {
	for _, p := range loadTestProducts(t) {
		b, err := json.Marshal([]lendcore.Product{p})
		require.NoError(t, err)
		back, err := lendcore.LoadProducts(bytes.NewReader(b))
		require.NoError(t, err, "%s", b)
		again, err := json.Marshal(back)
		require.NoError(t, err)
		assert.JSONEq(t, string(b), string(again))
	}
}

func TestNewCatalogueNamesEveryProduct(t *testing.T) {
	ps := loadTestProducts(t)
	ps[0].Name = ""
	ps[2].Terms.MaxAmount = money.Amount{}
	_, err := lendcore.NewCatalogue(ps...)
	var bad *fault.Fields
	require.True(t, errors.As(err, &bad))
	assert.True(t, bad.Has("[0].name"))
	assert.True(t, bad.Has("[2].terms.max_amount"))
}

// A product file declares each product's term ranges, its policies over
// the defaults and its segments as merge patches; a VIP borrower's loan
// gets the segment's grace.
func ExampleLoadProducts() {
	products, err := lendcore.LoadProducts(strings.NewReader(`[{
		"name": "cash",
		"terms": {"min_amount": "CNY 500.00", "max_amount": "CNY 20000.00", "methods": ["bullet"],
		          "frequencies": ["days"], "min_term": 7, "max_term": 30, "max_rate": "0.24"},
		"policies": {"servicing": {"penalty": {"grace_days": 1}}},
		"segments": {"vip": {"servicing": {"penalty": {"grace_days": 5}}}}
	}]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	vip, _ := products[0].Resolve("vip")
	fmt.Println(products[0].Policies.Servicing.Penalty.GraceDays, vip.Servicing.Penalty.GraceDays)

	_, err = lendcore.LoadProducts(strings.NewReader(`[{"name": "cash", "terms": {"max_amount": "CNY 10.00"},
		"segments": {"vip": {"servicing": {"penalty": {"grace_dayz": 5}}}}}]`))
	fmt.Println(err)
	// Output:
	// 1 5
	// lendcore: invalid product: [0].segments.vip.servicing.penalty.grace_dayz: unknown field
}
