package collateral

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// Exposure is a loan's outstanding amount as of the evaluation day, as the
// loan ledger reports it.
type Exposure struct {
	LoanID      uuid.UUID
	Outstanding money.Amount
}

// StaleItem is an item without a valuation in force: never valued, or its
// latest valuation expired. It counts for nothing unless the policy counts
// expired valuations, and is flagged either way.
type StaleItem struct {
	ItemID uuid.UUID
	State  ValueState // NoValuation or ExpiredValue
}

// LoanCoverage is a loan's collateral position as of a day.
type LoanCoverage struct {
	LoanID      uuid.UUID
	Outstanding money.Amount
	// MarketValue is the loan's share of its items' value after prior
	// claims; LendingValue its share of their value after haircuts.
	MarketValue  money.Amount
	LendingValue money.Amount
	// Shortfall is outstanding − lending value × allowed LTV (the lending
	// value product rounded down), or zero.
	Shortfall money.Amount
	Action    Action
	// Call is the live margin call after this evaluation, if any.
	Call    MarginCall
	HasCall bool
	// Items counts the items securing the loan; Stale lists those without
	// a valuation in force.
	Items int
	Stale []StaleItem
}

// LTV returns outstanding ÷ lending value, the measure the thresholds use;
// ok is false when the lending value is zero.
func (c LoanCoverage) LTV() (ltv money.Rate, ok bool) {
	return ratio(c.Outstanding, c.LendingValue)
}

// MarketLTV returns outstanding ÷ market value (the 抵质押率 of the CBRC
// collateral guidelines); ok is false when the market value is zero.
func (c LoanCoverage) MarketLTV() (ltv money.Rate, ok bool) {
	return ratio(c.Outstanding, c.MarketValue)
}

// Coverage returns lending value ÷ outstanding, never negative; ok is false
// when nothing is outstanding.
func (c LoanCoverage) Coverage() (cov money.Rate, ok bool) {
	return ratio(c.LendingValue, c.Outstanding)
}

func ratio(n, d money.Amount) (money.Rate, bool) {
	if !d.IsPositive() {
		return money.Rate{}, false
	}
	r, err := money.NewRate(n.Minor(), d.Minor())
	return r, err == nil
}

// exceeds reports whether out > lending × limit exactly: out is a whole
// number of minor units, so comparing with the product rounded down is exact.
func exceeds(out, lending money.Amount, limit money.Rate) bool {
	cap, err := lending.MulRate(limit, money.Floor)
	if err != nil { // the product is beyond any amount
		return false
	}
	return out.Cmp(cap) > 0
}

// assess applies the thresholds to one loan.
func (t *Thresholds) assess(out, lending money.Amount) (Action, money.Amount) {
	shortfall := money.Zero(out.Currency())
	if allowed, err := lending.MulRate(t.AllowedLTV, money.Floor); err == nil && out.Cmp(allowed) > 0 {
		shortfall = out.Sub(allowed)
	}
	switch {
	case exceeds(out, lending, t.LiquidationLTV):
		return ActionLiquidate, shortfall
	case exceeds(out, lending, t.MarginCallLTV):
		return ActionCall, shortfall
	case exceeds(out, lending, t.WarningLTV):
		return ActionWarn, shortfall
	}
	return ActionNone, shortfall
}

// loanAcc accumulates one loan's share of its items.
type loanAcc struct {
	market, lending money.Amount
	counted         money.Amount // lending value had stale items counted at their last value
	items           int
	stale           []StaleItem
}

// book indexes the exposures of one evaluation.
type book struct {
	index map[uuid.UUID]int
	out   []money.Amount
	acc   []loanAcc
}

func newBook(exposures []Exposure) (*book, error) {
	v := newValidation(ErrInvalidInput)
	b := &book{index: make(map[uuid.UUID]int, len(exposures)), out: make([]money.Amount, len(exposures)),
		acc: make([]loanAcc, len(exposures))}
	for i, e := range exposures {
		f := fmt.Sprintf("exposures[%d]", i)
		if e.LoanID == uuid.Nil {
			v.Add(f+".loan_id", "must not be the nil uuid")
		} else if _, dup := b.index[e.LoanID]; dup {
			v.Addf(f+".loan_id", "loan %s appears twice", e.LoanID)
		}
		if e.Outstanding.IsNegative() || e.Outstanding.Minor() > money.MaxMinor {
			v.Addf(f+".outstanding", "%s must be between 0 and the largest amount", e.Outstanding)
		}
		b.index[e.LoanID] = i
		b.out[i] = e.Outstanding
	}
	return b, v.Err()
}

// accumulate adds every securing item (but skip) to the loans of the book.
// Every loan secured by an item that secures a listed loan must be listed
// too, since the split between them depends on all their outstandings.
func (r *Register) accumulate(b *book, day date.Date, skip *Item) error {
	v := newValidation(ErrInvalidInput)
	var claims []Claim
	var idx []int
	lend, mkt, cnt := make([]money.Amount, 0, 4), make([]money.Amount, 0, 4), make([]money.Amount, 0, 4)
	for _, it := range r.items {
		if it == skip || !it.Status.Secures() {
			continue
		}
		claims, idx = claims[:0], idx[:0]
		found, mismatch := 0, false
		for _, l := range it.Liens {
			j, ok := b.index[l.LoanID]
			if !ok {
				j = -1
			} else {
				found++
				if c := b.out[j].Currency(); !c.IsZero() && c != it.Currency {
					v.Addf("exposures", "loan %s is in %s but item %s securing it is in %s", l.LoanID, c, it.ID, it.Currency)
					mismatch = true
				}
			}
			idx = append(idx, j)
		}
		if found == 0 || mismatch {
			continue
		}
		if found < len(it.Liens) {
			for k, l := range it.Liens {
				if idx[k] < 0 {
					v.Addf("exposures", "loan %s shares item %s with a listed loan and must be listed too (outstanding zero if repaid)", l.LoanID, it.ID)
				}
			}
			continue
		}
		val := r.valueOf(it, day)
		counted := val.Lending // what the item would count for at its last value
		if val.State == ExpiredValue {
			counted = r.lendingAt(it, val.Valuation.Value)
		}
		if len(it.Liens) == 1 { // fast path: no split
			r.credit(&b.acc[idx[0]], it, val, val.Available, val.Lending, counted)
			continue
		}
		for k, l := range it.Liens {
			claims = append(claims, Claim{Rank: l.Rank, Outstanding: b.out[idx[k]]})
		}
		lend = resize(lend, len(claims))
		mkt = resize(mkt, len(claims))
		cnt = resize(cnt, len(claims))
		waterfall(lend, val.Lending, claims, false)
		waterfall(mkt, val.Available, claims, false)
		waterfall(cnt, counted, claims, false)
		for k := range claims {
			r.credit(&b.acc[idx[k]], it, val, mkt[k], lend[k], cnt[k])
		}
	}
	return v.Err()
}

func resize(s []money.Amount, n int) []money.Amount {
	if cap(s) < n {
		return make([]money.Amount, n)
	}
	return s[:n]
}

func (r *Register) credit(a *loanAcc, it *Item, val Value, market, lending, counted money.Amount) {
	a.items++
	a.market = a.market.Add(market)
	a.lending = a.lending.Add(lending)
	a.counted = a.counted.Add(counted)
	if val.State != ValidValue {
		a.stale = append(a.stale, StaleItem{ItemID: it.ID, State: val.State})
	}
}

// lendingAt is the lending value of the item were it worth value.
func (r *Register) lendingAt(it *Item, value money.Amount) money.Amount {
	kept, err := value.MulRate(r.kinds.keep[it.Kind], money.Down)
	if err != nil {
		return money.Zero(it.Currency)
	}
	return floorZero(kept.Sub(it.Registration.PriorClaims))
}

// Evaluate works out each exposure's coverage as of day and the action due,
// and keeps the margin calls in step: a loan crossing the margin-call LTV
// gets a call with a deadline CallDays ahead; a call whose shortfall is gone
// is cured and closed; a call still short after its deadline escalates to
// liquidation. A breach that exists only because some items have expired or
// missing valuations gives ActionRevalue and raises no call; otherwise the
// action is the one the last known values justify.
//
// Every loan sharing an item with a listed loan must be listed (with zero
// outstanding if repaid), because the split of a shared item depends on all
// of them. Results are in the order of exposures. On error nothing changes.
func (r *Register) Evaluate(day date.Date, exposures []Exposure) ([]LoanCoverage, error) {
	b, err := newBook(exposures)
	if err != nil {
		return nil, err
	}
	if err := r.accumulate(b, day, nil); err != nil {
		return nil, err
	}
	t := &r.policy.Thresholds
	res := make([]LoanCoverage, len(exposures))
	for j, e := range exposures {
		a := &b.acc[j]
		cur := e.Outstanding.Currency()
		if cur.IsZero() {
			cur = a.lending.Currency()
		}
		c := &res[j]
		c.LoanID, c.Outstanding, c.Items, c.Stale = e.LoanID, e.Outstanding, a.items, a.stale
		c.MarketValue, c.LendingValue = a.market.Add(money.Zero(cur)), a.lending.Add(money.Zero(cur))
		base, shortfall := t.assess(e.Outstanding, a.lending)
		if len(a.stale) > 0 && base >= ActionCall {
			// Judge by the last known values: a breach they do not show
			// calls for a revaluation, not for a call or a sale.
			if ca, cs := t.assess(e.Outstanding, a.counted); ca < base {
				base, shortfall = max(ca, ActionRevalue), cs
			}
		}
		c.Shortfall = shortfall.Add(money.Zero(cur))
		var call *MarginCall
		c.Action, call = r.follow(e.LoanID, day, base, c.Shortfall)
		if call != nil {
			c.Call, c.HasCall = *call, true
		}
	}
	return res, nil
}

// Release releases item id on day, after checking that no loan it secures
// would be left above the allowed LTV without it. exposures must list every
// loan the item secures (zero outstanding if repaid) and every loan sharing
// an item with them. A refused release returns an error wrapping
// ErrBreachesLTV and changes nothing.
func (r *Register) Release(id uuid.UUID, day date.Date, exposures []Exposure) error {
	it, err := r.item(id)
	if err != nil {
		return err
	}
	if _, err := it.Status.Next(EventRelease); err != nil {
		return err
	}
	b, err := newBook(exposures)
	if err != nil {
		return err
	}
	v := newValidation(ErrInvalidInput)
	for _, l := range it.Liens {
		if j, ok := b.index[l.LoanID]; !ok {
			v.Addf("exposures", "loan %s secured by item %s is missing (give zero if repaid)", l.LoanID, id)
		} else if c := b.out[j].Currency(); !c.IsZero() && c != it.Currency {
			v.Addf("exposures", "loan %s is in %s, item %s in %s", l.LoanID, c, id, it.Currency)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := r.accumulate(b, day, it); err != nil {
		return err
	}
	for _, l := range it.Liens {
		j := b.index[l.LoanID]
		if out, lend := b.out[j], b.acc[j].lending; exceeds(out, lend, r.policy.Thresholds.AllowedLTV) {
			return fmt.Errorf("%w: loan %s would have %s outstanding against %s lending value (allowed LTV %s)",
				ErrBreachesLTV, l.LoanID, out, lend.Add(money.Zero(out.Currency())), r.policy.Thresholds.AllowedLTV.Percent(4))
		}
	}
	return r.transition(id, EventRelease, day)
}
