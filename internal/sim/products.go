package sim

import (
	"bytes"
	_ "embed"
	"fmt"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// productsJSON is the simulated lender's product file: an unsecured
// consumer loan, a secured loan and a short bullet cash loan, each with a
// VIP segment.
//
//go:embed products.json
var productsJSON []byte

// Products returns the simulated lender's products (Config.Products).
func Products() ([]lendcore.Product, error) {
	return lendcore.LoadProducts(bytes.NewReader(productsJSON))
}

// productRules say which product a generated loan is sold as, first match
// first: a bullet loan is a short cash loan, a loan with collateral a
// secured loan, any other an unsecured consumer loan.
var productRules = []struct {
	name  string
	takes func(p *plan, method schedule.Method) bool
}{
	{"cash-bullet", func(_ *plan, m schedule.Method) bool { return m == schedule.Bullet }},
	{"secured-mortgage", func(p *plan, _ schedule.Method) bool { return p.secured }},
	{"consumer-unsecured", func(*plan, schedule.Method) bool { return true }},
}

// vipEvery puts every tenth loan in the VIP segment.
const vipEvery = 10

// fitProduct sells loan i of plan p as one of products: its terms are
// brought into the product's ranges (amount, term, rate clamped; a method
// or frequency the product does not offer replaced by its first; its day
// count and rounding), its schedule made again, and its borrower's
// behaviour kept within the new number of installments. Nothing is drawn
// from the random stream.
func fitProduct(i int, p *plan, products map[string]*lendcore.Product) error {
	t := p.request.Terms
	var prod *lendcore.Product
	for _, r := range productRules {
		if r.takes(p, t.Method) {
			prod = products[r.name]
			break
		}
	}
	if prod == nil {
		return fmt.Errorf("sim: no product for loan %d", i)
	}
	rng := &prod.Terms
	cur := rng.MaxAmount.Currency()
	t.Principal = money.Max(money.Min(t.Principal, rng.MaxAmount), money.Max(rng.MinAmount, money.Zero(cur)))
	if t.AnnualRate.Cmp(rng.MinRate) < 0 {
		t.AnnualRate = rng.MinRate
	}
	if !rng.MaxRate.IsZero() && t.AnnualRate.Cmp(rng.MaxRate) > 0 {
		t.AnnualRate = rng.MaxRate
	}
	if len(rng.Methods) > 0 && !contains(rng.Methods, t.Method) {
		t.Method = rng.Methods[0]
	}
	if len(rng.Frequencies) > 0 && !contains(rng.Frequencies, t.Frequency) {
		t.Frequency = rng.Frequencies[0]
	}
	term := &t.Periods
	if t.Frequency == schedule.Days {
		// A generated bullet loan runs 1–12 months: a week for each.
		t.TermDays, t.Periods = 7*t.Periods, 1
		term = &t.TermDays
	}
	*term = max(*term, rng.MinTerm)
	if rng.MaxTerm > 0 {
		*term = min(*term, rng.MaxTerm)
	}
	t.DayCount, t.Rounding = rng.DayCount, rng.Rounding
	s, err := schedule.Generate(t)
	if err != nil {
		return fmt.Errorf("sim: loan %d as %s: %w", i, prod.Name, err)
	}
	p.schedule, p.request.Terms = s, t
	n := len(s.Installments)
	p.stopAt, p.prepayAt = min(p.stopAt, n), min(p.prepayAt, n-1)
	p.request.Product = loan.ProductRef{Name: prod.Name}
	if i%vipEvery == 0 {
		p.request.Product.Segment = "vip"
	}
	return nil
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
