package loan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// RuleID names a compliance rule; a failed check reports the ids it broke.
type RuleID string

// Compliance rules checked by CompliancePolicy.Check.
const (
	RuleRateCap               RuleID = "rate-cap"                // all-in annual rate (fees included, IRR method) above the cap
	RuleAmountPerPlatform     RuleID = "amount-per-platform"     // borrower's balance on this platform above the limit
	RuleAmountAcrossPlatforms RuleID = "amount-across-platforms" // borrower's balance on all platforms above the limit
	RulePurpose               RuleID = "purpose"                 // purpose not on the allowed list
	RuleTermMin               RuleID = "term-min"                // maturity earlier than the minimum term allows
	RuleTermMax               RuleID = "term-max"                // maturity later than the maximum term allows
	RuleCleanDossier          RuleID = "clean-dossier"           // investigation has an adverse finding
)

// Violation is one broken compliance rule.
type Violation struct {
	Rule   RuleID `json:"rule"`
	Detail string `json:"detail"`
}

// ComplianceError lists every compliance rule an application breaks. It
// wraps ErrCompliance, so fault.CodeOf gives fault.CodeRefused: the input
// is well formed, a rule refuses it.
type ComplianceError struct {
	Violations []Violation
}

func (e *ComplianceError) Error() string {
	var b strings.Builder
	b.WriteString("loan: compliance check failed: ")
	for i, v := range e.Violations {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(string(v.Rule))
		b.WriteString(": ")
		b.WriteString(v.Detail)
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrCompliance) true.
func (e *ComplianceError) Unwrap() error { return ErrCompliance }

// Rules returns the ids of the broken rules, in the order they were checked.
func (e *ComplianceError) Rules() []RuleID {
	ids := make([]RuleID, len(e.Violations))
	for i, v := range e.Violations {
		ids[i] = v.Rule
	}
	return ids
}

// Has reports whether rule r was broken.
func (e *ComplianceError) Has(r RuleID) bool {
	return slices.ContainsFunc(e.Violations, func(v Violation) bool { return v.Rule == r })
}

// Exposure is what the borrower already owes, excluding the application
// being checked: the host supplies it from its books and the credit bureau.
type Exposure struct {
	// OnPlatform is the borrower's outstanding principal with this lender
	// or platform.
	OnPlatform money.Amount `json:"on_platform"`
	// Elsewhere is the borrower's outstanding principal on other platforms,
	// used only by cross-platform limits.
	Elsewhere money.Amount `json:"elsewhere"`
}

// CompliancePolicy is the set of regulatory and house rules an application
// must meet before it may be approved. The zero value checks nothing but
// the terms' presence; DefaultCompliancePolicy is a conservative start.
type CompliancePolicy struct {
	// RateCap bounds the all-in annual rate of the terms: the APR of their
	// schedule, interest and every fee, by the IRR method (PBoC
	// Announcement [2021] No. 3 defines the annualised rate so; a flat
	// 12 % loan costs 21.46 % and fails a 15.4 % cap its nominal rate
	// passes). A loan disbursed in tranches, which has no APR, is checked
	// on its nominal rate; the violation names the rate it used.
	RateCap RateCap `json:"rate_cap,omitzero"`
	// Limits bound the borrower's outstanding principal after this loan,
	// by borrower kind; at most one row per kind, none = no limit.
	Limits []BorrowingLimit `json:"limits,omitempty"`
	// Purposes lists the allowed purpose codes; empty allows any purpose.
	Purposes []string `json:"purposes,omitempty"`
	// MinTerm and MaxTerm bound the contractual maturity counted from the
	// terms' start date; a zero Term means no bound. These are house
	// rules, not regulation.
	MinTerm Term `json:"min_term,omitzero"`
	MaxTerm Term `json:"max_term,omitzero"`
	// RequireCleanDossier refuses an application whose investigation has
	// an adverse finding.
	RequireCleanDossier bool `json:"require_clean_dossier"`
	// Penalty is the penalty policy the loans are serviced under, which a
	// rate cap on nominal plus penalty needs (RateCap.Basis); the Engine
	// fills it from its servicing policy when it is nil.
	Penalty *PenaltyPolicy `json:"penalty,omitempty"`
}

// DefaultCompliancePolicy caps the nominal annual rate at 24 % (the
// enforceable ceiling of the SPC private-lending provisions of 2015, art.
// 26; evidence secondary — re-check, or use RateCapLPR for contracts
// under the 2020 revision), refuses applications with an adverse
// investigation finding, and sets no amount, purpose or term limits.
func DefaultCompliancePolicy() CompliancePolicy {
	return CompliancePolicy{RateCap: RateCap24(), RequireCleanDossier: true}
}

// Validate reports every bad field of the policy in a *fault.Fields.
func (p CompliancePolicy) Validate() error {
	v := fault.Fields{Kind: ErrInvalidInput}
	p.validate(&v)
	return v.Err()
}

func (p *CompliancePolicy) validate(v *fault.Fields) {
	p.RateCap.validate("rate_cap", v)
	switch {
	case p.Penalty != nil:
		p.Penalty.validate("penalty.", v)
	case p.RateCap.Basis == NominalPlusPenalty:
		v.Add("penalty", "missing: rate_cap.basis nominal-plus-penalty needs the penalty policy")
	}
	var cur money.Currency
	for i, l := range p.Limits {
		name := fmt.Sprintf("limits[%d]", i)
		if !l.Kind.valid() {
			v.Add(name+".kind", "must be individual or legal-entity")
		} else if slices.ContainsFunc(p.Limits[:i], func(o BorrowingLimit) bool { return o.Kind == l.Kind }) {
			v.Add(name+".kind", "repeats "+l.Kind.String())
		}
		for _, f := range []struct {
			field string
			a     money.Amount
		}{{"per_platform", l.PerPlatform}, {"across_platforms", l.AcrossPlatforms}} {
			checkLimit(f.a, name+"."+f.field, &cur, v)
		}
	}
	for i, s := range p.Purposes {
		switch {
		case s == "":
			v.Add(fmt.Sprintf("purposes[%d]", i), "is empty")
		case slices.Contains(p.Purposes[:i], s):
			v.Add(fmt.Sprintf("purposes[%d]", i), "repeats "+s)
		}
	}
	p.MinTerm.validate("min_term", v)
	p.MaxTerm.validate("max_term", v)
}

// Check tests the application against every rule of the policy, given the
// borrower's existing exposure. It returns nil when all rules pass, a
// *ComplianceError listing every broken rule (wrapping ErrCompliance), or a
// *fault.Fields when the policy or the exposure is malformed.
func (p CompliancePolicy) Check(a *Application, exp Exposure) error {
	v := fault.Fields{Kind: ErrInvalidInput}
	p.validate(&v)
	t := &a.req.Terms
	cur := t.Principal.Currency()
	if !exp.OnPlatform.SameCurrency(t.Principal) {
		v.Add("exposure.on_platform", "is not in "+cur.Code())
	} else if exp.OnPlatform.IsNegative() {
		v.Add("exposure.on_platform", "must not be negative")
	}
	if !exp.Elsewhere.SameCurrency(t.Principal) {
		v.Add("exposure.elsewhere", "is not in "+cur.Code())
	} else if exp.Elsewhere.IsNegative() {
		v.Add("exposure.elsewhere", "must not be negative")
	}
	for i, l := range p.Limits {
		if (!l.PerPlatform.SameCurrency(t.Principal)) || !l.AcrossPlatforms.SameCurrency(t.Principal) {
			v.Add(fmt.Sprintf("limits[%d]", i), "is not in the application's currency "+cur.Code())
		}
	}
	if err := v.Err(); err != nil {
		return err
	}

	var ce ComplianceError
	add := func(r RuleID, format string, args ...any) {
		ce.Violations = append(ce.Violations, Violation{r, fmt.Sprintf(format, args...)})
	}
	if limit, ok, err := p.RateCap.Limit(); err != nil {
		return err
	} else if ok {
		if detail, err := p.rateAboveCap(t, limit); err != nil {
			return err
		} else if detail != "" {
			add(RuleRateCap, "%s", detail)
		}
	}
	for _, l := range p.Limits {
		if l.Kind != a.req.BorrowerKind {
			continue
		}
		after := exp.OnPlatform.Add(t.Principal)
		if l.PerPlatform.IsPositive() && after.Cmp(l.PerPlatform) > 0 {
			add(RuleAmountPerPlatform, "%s on this platform after the loan exceeds the %s limit %s", after.Number(), l.Kind, l.PerPlatform.Number())
		}
		total := after.Add(exp.Elsewhere)
		if l.AcrossPlatforms.IsPositive() && total.Cmp(l.AcrossPlatforms) > 0 {
			add(RuleAmountAcrossPlatforms, "%s on all platforms after the loan exceeds the %s limit %s", total.Number(), l.Kind, l.AcrossPlatforms.Number())
		}
	}
	if len(p.Purposes) > 0 && !slices.Contains(p.Purposes, a.req.Purpose) {
		add(RulePurpose, "purpose %q is not allowed", a.req.Purpose)
	}
	maturity := contractMaturity(t)
	if !p.MinTerm.IsZero() && maturity.Before(p.MinTerm.From(t.Start)) {
		add(RuleTermMin, "maturity %s is earlier than %s after the start", maturity, p.MinTerm)
	}
	if !p.MaxTerm.IsZero() && maturity.After(p.MaxTerm.From(t.Start)) {
		add(RuleTermMax, "maturity %s is later than %s after the start", maturity, p.MaxTerm)
	}
	if p.RequireCleanDossier {
		if bad := a.req.Dossier.adverse(); len(bad) > 0 {
			add(RuleCleanDossier, "adverse findings on %v", bad)
		}
	}
	if len(ce.Violations) > 0 {
		return &ce
	}
	return nil
}

// checkLimit validates one limit of a policy: not negative, and in the same
// currency as the policy's other limits (*cur, set by the first one that
// has a currency).
func checkLimit(a money.Amount, field string, cur *money.Currency, v *fault.Fields) {
	switch c := a.Currency(); {
	case c.IsZero():
	case cur.IsZero():
		*cur = c
	case c != *cur:
		v.Add(field, "is in "+c.Code()+", other limits in "+cur.Code())
		return
	}
	if a.IsNegative() {
		v.Add(field, "must not be negative")
	}
}

// rateAboveCap compares the terms' rate on the cap's basis with limit and
// describes the breach, naming the rate used; "" when within the cap.
func (p *CompliancePolicy) rateAboveCap(t *schedule.Terms, limit money.Rate) (string, error) {
	if p.RateCap.Basis == NominalPlusPenalty {
		overdue, err := p.Penalty.annualRate(t.AnnualRate)
		if err != nil {
			return "", invalid("penalty.rate", err.Error())
		}
		if overdue.Cmp(limit) <= 0 {
			return "", nil
		}
		return fmt.Sprintf("overdue annual rate (nominal plus penalty) %s exceeds the cap %s (nominal %s; penalty: %s)",
			overdue.Percent(4), limit.Percent(4), t.AnnualRate.Percent(4), p.Penalty.describe()), nil
	}
	if len(t.Tranches) > 0 {
		if t.AnnualRate.Cmp(limit) > 0 {
			return fmt.Sprintf("nominal annual rate %s (a loan in tranches has no all-in rate) exceeds the cap %s",
				t.AnnualRate.Percent(4), limit.Percent(4)), nil
		}
		return "", nil
	}
	s, err := schedule.Generate(*t)
	if err != nil {
		return "", err
	}
	above, apr, err := s.AllInAbove(limit.Decimal(schedule.APRPlaces))
	if err != nil || !above {
		return "", err
	}
	return fmt.Sprintf("all-in annual rate (APR, IRR method) %s%% exceeds the cap %s (nominal %s)",
		apr.Shift(2).StringFixed(schedule.CapPlaces-2), limit.Percent(4), t.AnnualRate.Percent(4)), nil
}
