package collateral

import (
	"fmt"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// Policy is a lender's collateral and guarantee policy: per-kind haircuts and
// revaluation rules, loan-to-value thresholds, custody and guarantee rules.
// It is plain data, round-trippable as JSON; start from DefaultPolicy and
// change what the credit policy says, then Validate.
type Policy struct {
	// Kinds holds one entry per Kind; every kind must appear exactly once.
	Kinds []KindPolicy `json:"kinds"`
	// Thresholds are the loan-to-value limits that drive Evaluate.
	Thresholds Thresholds `json:"thresholds"`
	// CountExpiredValuations lets an expired valuation still count towards
	// lending value (it is flagged either way). The default, false, counts
	// an item whose valuation has expired as worth nothing until it is
	// revalued, so a stale figure can never hide a shortfall.
	CountExpiredValuations bool `json:"count_expired_valuations"`
	// Custody holds the title-document rules.
	Custody CustodyPolicy `json:"custody"`
	// Guarantees holds the guarantor-monitoring rules.
	Guarantees GuaranteePolicy `json:"guarantees"`
}

// KindPolicy is the treatment of one kind of collateral.
type KindPolicy struct {
	Kind Kind `json:"kind"`
	// Haircut is the share of market value not lent against: lending value
	// = value × (1 − Haircut), rounded down to the minor unit. 0 ≤ Haircut < 1.
	Haircut money.Rate `json:"haircut"`
	// Every is the revaluation frequency: a revaluation is due this long
	// after the latest valuation.
	Every Period `json:"every"`
	// ValidFor is how long a valuation counts; after that it is expired:
	// flagged, and (unless CountExpiredValuations) worth nothing. It should
	// be at least Every, so that a revaluation falls due before expiry.
	ValidFor Period `json:"valid_for"`
	// Method is how the scheduled revaluation is made (Revalue).
	Method Method `json:"method"`
	// Residual is the depreciation schedule for Method Depreciation: the
	// fraction of cost the asset is worth at age 0, 1, 2, … full years;
	// between two ages the fraction moves linearly by whole months, and past
	// the last entry it stays at the last. Non-increasing, each in [0, 1].
	Residual []money.Rate `json:"residual,omitempty"`
}

// Thresholds are loan-to-value limits measured against lending value:
// LTV = outstanding ÷ lending value of the loan's share of its collateral.
// Warning ≤ MarginCall ≤ Liquidation, and Allowed ≤ MarginCall.
type Thresholds struct {
	// AllowedLTV is the limit a loan must stay within: the shortfall is
	// outstanding − lending value × AllowedLTV, a margin call asks for that
	// much, and a release must not take a loan above it.
	AllowedLTV money.Rate `json:"allowed_ltv"`
	// WarningLTV raises a warning above it.
	WarningLTV money.Rate `json:"warning_ltv"`
	// MarginCallLTV raises a margin call above it (top-up or extra
	// collateral by the deadline).
	MarginCallLTV money.Rate `json:"margin_call_ltv"`
	// LiquidationLTV calls for enforcement above it, as does an uncured call
	// past its deadline.
	LiquidationLTV money.Rate `json:"liquidation_ltv"`
	// CallDays is the time given to cure a margin call, in calendar days.
	CallDays int `json:"call_days"`
}

// CustodyPolicy holds the title-document rules.
type CustodyPolicy struct {
	// MaxCheckoutDays is how long an original may stay out of the vault
	// before it is reported overdue.
	MaxCheckoutDays int `json:"max_checkout_days"`
}

// GuaranteePolicy holds the guarantor-monitoring rules.
type GuaranteePolicy struct {
	// DefaultPeriod is the guarantee period used when the contract agrees
	// none, or one ending on or before the debt's maturity: it runs from the
	// maturity date. Civil Code art. 692 sets six months (evidence verified;
	// configurable).
	DefaultPeriod Period `json:"default_period"`
	// LapseWarningDays raises an alert this many days before a guarantee
	// period ends with no demand made (lender practice; no regulatory
	// source found; configurable).
	LapseWarningDays int `json:"lapse_warning_days"`
	// ReassessEvery is how often a guarantor's capacity must be
	// re-assessed (lender practice; no regulatory source found;
	// configurable).
	ReassessEvery Period `json:"reassess_every"`
}

func pct(s string) money.Rate { return money.MustRate(s) }

// DefaultPolicy returns an illustrative house policy. Sources:
//   - revaluation frequencies (real estate yearly, vehicles quarterly,
//     listed securities daily): lender practice; no regulatory source
//     found. The CBRC Commercial Bank Collateral Management Guidelines
//     (商业银行押品管理指引, 银监发〔2017〕16号) require regular revaluation,
//     but the frequencies they set were not checked (not-found);
//   - haircuts: real estate 30 %, equipment 50 % mirror common maximum
//     loan-to-value ratios (房产 70 %, 设备 50 %): lender practice (secondary);
//     listed securities 40 % mirrors the 60 % cap on the pledge ratio of
//     the exchanges' share-pledge repo rules (股票质押式回购交易及登记结算业务办法,
//     2018 revision; article not checked; secondary); the others are lender
//     practice; no regulatory source found;
//   - depreciation schedules, thresholds, call days and custody limits:
//     lender practice; no regulatory source found (house figures to be
//     replaced by the lender's credit policy);
//   - the six-month default guarantee period: Civil Code art. 692 (verified).
func DefaultPolicy() Policy {
	return Policy{
		Kinds: []KindPolicy{
			{Kind: RealEstate, Haircut: pct("30%"), Every: Period{Months: 12}, ValidFor: Period{Months: 15}, Method: IndexMethod},
			{Kind: Vehicle, Haircut: pct("40%"), Every: Period{Months: 3}, ValidFor: Period{Months: 4}, Method: Depreciation,
				Residual: []money.Rate{pct("100%"), pct("80%"), pct("68%"), pct("58%"), pct("49%"), pct("42%")}},
			{Kind: Equipment, Haircut: pct("50%"), Every: Period{Months: 6}, ValidFor: Period{Months: 7}, Method: Depreciation,
				Residual: []money.Rate{pct("100%"), pct("85%"), pct("72%"), pct("61%"), pct("52%"), pct("44%")}},
			{Kind: Inventory, Haircut: pct("50%"), Every: Period{Months: 1}, ValidFor: Period{Months: 2}, Method: DesktopReview},
			{Kind: Receivables, Haircut: pct("30%"), Every: Period{Months: 1}, ValidFor: Period{Months: 2}, Method: DesktopReview},
			{Kind: Deposit, Haircut: pct("0%"), Every: Period{Months: 12}, ValidFor: Period{Months: 13}, Method: DesktopReview},
			{Kind: Securities, Haircut: pct("40%"), Every: Period{Days: 1}, ValidFor: Period{Days: 7}, Method: MarketPrice},
			{Kind: OtherKind, Haircut: pct("60%"), Every: Period{Months: 6}, ValidFor: Period{Months: 7}, Method: Appraisal},
		},
		Thresholds: Thresholds{
			AllowedLTV:     pct("100%"),
			WarningLTV:     pct("90%"),
			MarginCallLTV:  pct("105%"),
			LiquidationLTV: pct("120%"),
			CallDays:       10,
		},
		Custody: CustodyPolicy{MaxCheckoutDays: 30},
		Guarantees: GuaranteePolicy{
			DefaultPeriod:    Period{Months: 6},
			LapseWarningDays: 30,
			ReassessEvery:    Period{Months: 12},
		},
	}
}

var (
	zeroRate = money.Rate{}
	oneRate  = pct("1")
	tenRate  = pct("10")
)

// Validate reports every bad field at once as a *fault.Fields wrapping
// ErrInvalidPolicy.
func (p *Policy) Validate() error {
	v := invalid(ErrInvalidPolicy)
	seen := map[Kind]bool{}
	for i, k := range p.Kinds {
		f := fmt.Sprintf("kinds[%d]", i)
		switch {
		case !k.Kind.Valid():
			v.Addf(f+".kind", "unknown kind %d", uint8(k.Kind))
		case seen[k.Kind]:
			v.Addf(f+".kind", "%s appears twice", k.Kind)
		}
		seen[k.Kind] = true
		if k.Haircut.IsNegative() || k.Haircut.Cmp(oneRate) >= 0 {
			v.Addf(f+".haircut", "%s must be at least 0 and below 1", k.Haircut)
		}
		k.Every.check(v, f+".every")
		k.ValidFor.check(v, f+".valid_for")
		if !k.Method.Valid() {
			v.Addf(f+".method", "unknown method %d", uint8(k.Method))
		}
		checkResidual(v, f+".residual", k)
	}
	for k := Kind(1); k < kindEnd; k++ {
		if !seen[k] {
			v.Addf("kinds", "no entry for %s", k)
		}
	}
	p.Thresholds.check(v)
	if p.Custody.MaxCheckoutDays < 1 || p.Custody.MaxCheckoutDays > 3660 {
		v.Addf("custody.max_checkout_days", "%d must be 1 to 3660", p.Custody.MaxCheckoutDays)
	}
	g := p.Guarantees
	g.DefaultPeriod.check(v, "guarantees.default_period")
	g.ReassessEvery.check(v, "guarantees.reassess_every")
	if g.LapseWarningDays < 0 || g.LapseWarningDays > 3660 {
		v.Addf("guarantees.lapse_warning_days", "%d must be 0 to 3660", g.LapseWarningDays)
	}
	return v.Err()
}

func checkResidual(v *fault.Fields, f string, k KindPolicy) {
	if k.Method != Depreciation {
		if len(k.Residual) > 0 {
			v.Addf(f, "only method %s takes a residual schedule", Depreciation)
		}
		return
	}
	if len(k.Residual) == 0 {
		v.Add(f, "method depreciation needs a residual schedule")
	}
	for j, r := range k.Residual {
		if r.IsNegative() || r.Cmp(oneRate) > 0 {
			v.Addf(fmt.Sprintf("%s[%d]", f, j), "%s must be between 0 and 1", r)
		}
		if j > 0 && r.Cmp(k.Residual[j-1]) > 0 {
			v.Addf(fmt.Sprintf("%s[%d]", f, j), "%s rises above the year before (%s)", r, k.Residual[j-1])
		}
	}
}

func (t Thresholds) check(v *fault.Fields) {
	rates := []struct {
		name string
		r    money.Rate
	}{
		{"allowed_ltv", t.AllowedLTV}, {"warning_ltv", t.WarningLTV},
		{"margin_call_ltv", t.MarginCallLTV}, {"liquidation_ltv", t.LiquidationLTV},
	}
	ok := true
	for _, r := range rates {
		if r.r.Cmp(zeroRate) <= 0 || r.r.Cmp(tenRate) > 0 {
			v.Addf("thresholds."+r.name, "%s must be above 0 and at most 10 (1000%%)", r.r)
			ok = false
		}
	}
	if ok {
		if t.WarningLTV.Cmp(t.MarginCallLTV) > 0 {
			v.Addf("thresholds.warning_ltv", "%s is above margin_call_ltv %s", t.WarningLTV, t.MarginCallLTV)
		}
		if t.MarginCallLTV.Cmp(t.LiquidationLTV) > 0 {
			v.Addf("thresholds.margin_call_ltv", "%s is above liquidation_ltv %s", t.MarginCallLTV, t.LiquidationLTV)
		}
		if t.AllowedLTV.Cmp(t.MarginCallLTV) > 0 {
			v.Addf("thresholds.allowed_ltv", "%s is above margin_call_ltv %s: a call would be cured the day it is raised", t.AllowedLTV, t.MarginCallLTV)
		}
	}
	if t.CallDays < 1 || t.CallDays > 366 {
		v.Addf("thresholds.call_days", "%d must be 1 to 366", t.CallDays)
	}
}

// kindTable is the policy indexed by kind, for the hot paths, with each
// kind's kept share 1 − haircut worked out once.
type kindTable struct {
	policy [kindEnd]*KindPolicy
	keep   [kindEnd]money.Rate
}

// table indexes a validated policy.
func (p *Policy) table() kindTable {
	var t kindTable
	for i := range p.Kinds {
		k := &p.Kinds[i]
		t.policy[k.Kind] = k
		neg, _ := k.Haircut.Mul(-1, 1)       // cannot fail: the haircut is in [0, 1)
		t.keep[k.Kind], _ = oneRate.Add(neg) // likewise
	}
	return t
}

// clone returns a deep copy of p: its own Kinds and Residual slices.
func (p Policy) clone() Policy {
	cp := p
	if p.Kinds != nil {
		cp.Kinds = make([]KindPolicy, len(p.Kinds))
		for i, k := range p.Kinds {
			if k.Residual != nil {
				k.Residual = append([]money.Rate(nil), k.Residual...)
			}
			cp.Kinds[i] = k
		}
	}
	return cp
}
