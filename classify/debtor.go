package classify

import (
	"fmt"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// ApplyDebtorRules applies the policy's debtor rules (contagion) to the
// results of all claims one debtor has here: claims[i] are the facts behind
// results[i] (from Classify or Step). The non-performing share is computed
// by balance from the results' grades; a triggered rule raises every
// result to its minimum grade and stage and records its bit. The debtor is
// non-retail when any claim is. A result raised here is not yet in the
// claim's Track: pass it to Track.Hold, or the next Step would upgrade the
// claim at once when the rule stops applying, skipping the cure rules.
// Bad input returns a *fault.Fields and leaves results unchanged; so does
// a Classifier not made by Compile (an error wrapping ErrInvalidPolicy).
func (c *Classifier) ApplyDebtorRules(claims []Facts, results []Result, asOf date.Date) error {
	if err := c.compiled(); err != nil {
		return err
	}
	npl, total, nonRetail, err := debtorShare(claims, results)
	if err != nil {
		return err
	}
	ep := c.epochAt(asOf)
	for i := range ep.debtor {
		cr := &ep.debtor[i]
		if !cr.matchDebtor(npl, total, nonRetail) {
			continue
		}
		for j := range results {
			results[j].Grade = max(results[j].Grade, cr.out.MinGrade)
			results[j].Stage = max(results[j].Stage, cr.out.MinStage)
			results[j].Rules |= cr.bit
		}
	}
	return nil
}

// ClassifyDebtor classifies each claim of one debtor into out (which must
// have len(claims) elements) and applies the debtor rules.
func (c *Classifier) ClassifyDebtor(claims []Facts, asOf date.Date, out []Result) error {
	if err := c.compiled(); err != nil {
		return err
	}
	if len(out) != len(claims) {
		return fault.Invalid(ErrInvalidInput, "out", fmt.Sprintf("has %d results for %d claims", len(out), len(claims)))
	}
	tmp := make([]Result, len(claims))
	for i := range claims {
		r, err := c.Classify(&claims[i], asOf)
		if err != nil {
			e := inputErrors()
			if f := fmt.Sprintf("claims[%d]", i); !e.Merge(f, err) {
				e.Add(f, err.Error())
			}
			return e
		}
		tmp[i] = r
	}
	if err := c.ApplyDebtorRules(claims, tmp, asOf); err != nil {
		return err
	}
	copy(out, tmp)
	return nil
}

// debtorShare sums the debtor's balances and the non-performing part.
func debtorShare(claims []Facts, results []Result) (npl, total int64, nonRetail bool, err error) {
	e := inputErrors()
	if len(claims) != len(results) {
		e.Add("results", fmt.Sprintf("%d results for %d claims", len(results), len(claims)))
		return 0, 0, false, e
	}
	var cur money.Amount
	for i := range claims {
		b := claims[i].Balance
		f := fmt.Sprintf("claims[%d].balance", i)
		switch {
		case b.IsNegative() || b.Minor() > money.MaxMinor:
			e.Add(f, "must be within 0..money.MaxMinor")
			continue
		case !b.SameCurrency(cur):
			e.Add(f, fmt.Sprintf("currency %s differs from %s", b.Currency(), cur.Currency()))
			continue
		}
		if !b.IsZero() {
			cur = b
		}
		if !results[i].Grade.Valid() {
			e.Add(fmt.Sprintf("results[%d].grade", i), "unknown grade")
		}
		// MaxMinor·claims stays below 2⁶³ for up to 9,000 claims per debtor.
		if total > 1<<62 {
			e.Add("claims", "balances too large to sum")
			break
		}
		total += b.Minor()
		if results[i].Grade.NonPerforming() {
			npl += b.Minor()
		}
		nonRetail = nonRetail || claims[i].NonRetail
	}
	return npl, total, nonRetail, e.Err()
}

func (cr *compiledRule) matchDebtor(npl, total int64, nonRetail bool) bool {
	for i := 0; i < cr.n; i++ {
		c := &cr.conds[i]
		var hit bool
		switch c.kind {
		case DebtorNPLShare:
			hit = total > 0 && c.op.holds(cmpFrac(npl, total, c.num, c.den))
		case NonRetail:
			hit = nonRetail
		}
		if c.not {
			hit = !hit
		}
		if !hit {
			return false
		}
	}
	return true
}
