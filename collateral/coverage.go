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
	LoanID      uuid.UUID    `json:"loan_id"`
	Outstanding money.Amount `json:"outstanding"`
}

// StaleItem is an item without a valuation in force: never valued, or its
// latest valuation expired. It counts for nothing unless the policy counts
// expired valuations, and is flagged either way.
type StaleItem struct {
	ItemID uuid.UUID  `json:"item_id"`
	State  ValueState `json:"state"` // NoValuation or ExpiredValue
}

// LoanCoverage is a loan's collateral position as of a day.
type LoanCoverage struct {
	LoanID      uuid.UUID    `json:"loan_id"`
	Outstanding money.Amount `json:"outstanding"`
	// MarketValue is the loan's share of its items' value after prior
	// claims; LendingValue its share of their value after haircuts.
	MarketValue  money.Amount `json:"market_value"`
	LendingValue money.Amount `json:"lending_value"`
	// Shortfall is outstanding − lending value × allowed LTV (the lending
	// value product rounded down), or zero.
	Shortfall money.Amount `json:"shortfall"`
	Action    Action       `json:"action"`
	// CallStatus and CallDeadline describe the loan's live margin call
	// after this evaluation (zero when none); Register.Call has the rest.
	CallStatus   CallStatus `json:"call_status,omitzero"`
	CallDeadline date.Date  `json:"call_deadline,omitzero"`
	// Items counts the items securing the loan; Stale lists those without
	// a valuation in force.
	Items int         `json:"items"`
	Stale []StaleItem `json:"stale,omitempty"`
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

// book indexes the exposures of one evaluation.
type book struct {
	exposures []Exposure
	expOf     []int32           // exposure index by loan slot, or -1
	slot      []int32           // loan slot by exposure index, or -1
	other     map[uuid.UUID]int // exposures of loans no item ever secured
}

// newBook validates and indexes exposures.
func (r *Register) newBook(exposures []Exposure) (*book, error) {
	v := invalid(ErrInvalidInput)
	b := &book{exposures: exposures, expOf: make([]int32, len(r.slotCall)), slot: make([]int32, len(exposures))}
	for i := range b.expOf {
		b.expOf[i] = -1
	}
	for i, e := range exposures {
		f := func(field string) string { return fmt.Sprintf("exposures[%d].%s", i, field) } // only on error
		if e.Outstanding.IsNegative() || e.Outstanding.Minor() > money.MaxMinor {
			v.Addf(f("outstanding"), "%s must be between 0 and the largest amount", e.Outstanding)
		}
		b.slot[i] = -1
		if e.LoanID == uuid.Nil {
			v.Add(f("loan_id"), "must not be the nil uuid")
			continue
		}
		if s, ok := r.loanSlot[e.LoanID]; ok {
			if b.expOf[s] >= 0 {
				v.Addf(f("loan_id"), "loan %s appears twice", e.LoanID)
			}
			b.expOf[s], b.slot[i] = int32(i), s
			continue
		}
		if b.other == nil {
			b.other = map[uuid.UUID]int{}
		}
		if _, dup := b.other[e.LoanID]; dup {
			v.Addf(f("loan_id"), "loan %s appears twice", e.LoanID)
		}
		b.other[e.LoanID] = i
	}
	return b, v.Err()
}

// find returns the index of loan's exposure.
func (b *book) find(r *Register, loan uuid.UUID) (int, bool) {
	if s, ok := r.loanSlot[loan]; ok {
		j := b.expOf[s]
		return int(j), j >= 0
	}
	j, ok := b.other[loan]
	return j, ok
}

func (b *book) out(j int) money.Amount { return b.exposures[j].Outstanding }

// tally collects the loans' shares of their items during an evaluation.
type tally struct {
	res []LoanCoverage // MarketValue, LendingValue and Items accumulate here
	// counted is each loan's lending value had expired items counted at
	// their last value; nil until an expired item is met.
	counted []money.Amount
	stale   []staleRec
}

// staleRec is a stale item met during an evaluation, kept small (the
// exposure and item indexes) because a neglected book may have many.
type staleRec struct {
	j, item int32
	state   ValueState
}

// accumulate adds every securing item (but skip) to the loans of the book.
// Every loan secured by an item that secures a listed loan must be listed
// too, since the split between them depends on all their outstandings.
func (r *Register) accumulate(b *book, t *tally, day date.Date, skip *Item) error {
	v := invalid(ErrInvalidInput)
	var claims []Claim
	var idx []int
	var lend, mkt, cnt []money.Amount
	for n, it := range r.items {
		if it == skip || !it.Status.Secures() {
			continue
		}
		slots := r.slots(it)
		if len(slots) == 1 { // the common case: one item, one loan
			j := int(b.expOf[slots[0]])
			if j < 0 {
				continue
			}
			if c := b.out(j).Currency(); !c.IsZero() && c != it.Currency {
				v.Addf("exposures", "loan %s is in %s but item %s securing it is in %s", it.Liens[0].LoanID, c, it.ID, it.Currency)
				continue
			}
			val := r.valueOf(it, day)
			t.credit(j, n, val, val.Available, val.Lending, r.counted(it, val))
			continue
		}
		claims, idx = claims[:0], idx[:0]
		found, mismatch := 0, false
		for k, s := range slots {
			j := int(b.expOf[s])
			if j >= 0 {
				found++
				if c := b.out(j).Currency(); !c.IsZero() && c != it.Currency {
					v.Addf("exposures", "loan %s is in %s but item %s securing it is in %s", it.Liens[k].LoanID, c, it.ID, it.Currency)
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
		for k, l := range it.Liens {
			claims = append(claims, Claim{Rank: l.Rank, Outstanding: b.out(idx[k])})
		}
		lend, mkt, cnt = resize(lend, len(claims)), resize(mkt, len(claims)), resize(cnt, len(claims))
		waterfall(lend, val.Lending, claims, false)
		waterfall(mkt, val.Available, claims, false)
		waterfall(cnt, r.counted(it, val), claims, false)
		for k := range claims {
			t.credit(idx[k], n, val, mkt[k], lend[k], cnt[k])
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

// counted is what the item would count for at its last value, expired or not.
func (r *Register) counted(it *Item, val Value) money.Amount {
	if val.State != ExpiredValue {
		return val.Lending
	}
	kept, err := val.Valuation.Value.MulRate(r.kinds.keep[it.Kind], money.Down)
	if err != nil {
		return money.Zero(it.Currency)
	}
	return floorZero(kept.Sub(it.Registration.PriorClaims))
}

func (t *tally) credit(j, item int, val Value, market, lending, counted money.Amount) {
	c := &t.res[j]
	c.Items++
	c.MarketValue = c.MarketValue.Add(market)
	c.LendingValue = c.LendingValue.Add(lending)
	if val.State == ValidValue {
		if t.counted != nil {
			t.counted[j] = t.counted[j].Add(lending)
		}
		return
	}
	if t.counted == nil {
		t.counted = make([]money.Amount, len(t.res))
		for k := range t.res {
			t.counted[k] = t.res[k].LendingValue
		}
		t.counted[j] = t.counted[j].Sub(lending).Add(counted)
	} else {
		t.counted[j] = t.counted[j].Add(counted)
	}
	t.stale = append(t.stale, staleRec{int32(j), int32(item), val.State})
}

// staleLists hands each loan its stale items, all in one backing array.
func (t *tally) staleLists(items []*Item) {
	if len(t.stale) == 0 {
		return
	}
	n := make([]int32, len(t.res))
	for _, s := range t.stale {
		n[s.j]++
	}
	all := make([]StaleItem, len(t.stale))
	off := int32(0)
	for j, k := range n {
		if k > 0 {
			t.res[j].Stale = all[off : off : off+k] // appends below stay within capacity
			off += k
		}
	}
	for _, s := range t.stale {
		t.res[s.j].Stale = append(t.res[s.j].Stale, StaleItem{ItemID: items[s.item].ID, State: s.state})
	}
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
	return r.EvaluateInto(nil, day, exposures)
}

// EvaluateInto is Evaluate writing into dst (grown as needed), so a daily
// job over a large book can reuse one buffer.
func (r *Register) EvaluateInto(dst []LoanCoverage, day date.Date, exposures []Exposure) ([]LoanCoverage, error) {
	b, err := r.newBook(exposures)
	if err != nil {
		return dst[:0], err
	}
	if cap(dst) < len(exposures) {
		dst = make([]LoanCoverage, len(exposures))
	}
	dst = dst[:len(exposures)]
	clear(dst)
	t := &tally{res: dst, stale: make([]staleRec, 0, len(dst)/8+16)}
	if err := r.accumulate(b, t, day, nil); err != nil {
		return dst[:0], err
	}
	t.staleLists(r.items)
	th := &r.policy.Thresholds
	for j, e := range exposures {
		c := &dst[j]
		cur := e.Outstanding.Currency()
		if cur.IsZero() {
			cur = c.LendingValue.Currency()
		}
		zero := money.Zero(cur)
		c.LoanID, c.Outstanding = e.LoanID, e.Outstanding
		c.MarketValue, c.LendingValue = c.MarketValue.Add(zero), c.LendingValue.Add(zero)
		base, shortfall := th.assess(e.Outstanding, c.LendingValue)
		if t.counted != nil && len(c.Stale) > 0 && base >= ActionCall {
			// Judge by the last known values: a breach they do not show
			// calls for a revaluation, not for a call or a sale.
			if ca, cs := th.assess(e.Outstanding, t.counted[j]); ca < base {
				base, shortfall = max(ca, ActionRevalue), cs
			}
		}
		c.Shortfall = shortfall.Add(zero)
		// Only loans with a slot can have calls: a loan that no item ever
		// secured has no lending value, so it is never in the call band.
		var call *MarginCall
		c.Action, call = r.follow(b.slot[j], e.LoanID, day, base, c.Shortfall)
		if call != nil {
			c.CallStatus, c.CallDeadline = call.Status, call.Deadline
		}
	}
	return dst, nil
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
	b, err := r.newBook(exposures)
	if err != nil {
		return err
	}
	v := invalid(ErrInvalidInput)
	checkDay(v, "day", day, it.lastChange(), "status change")
	for _, l := range it.Liens {
		if j, ok := b.find(r, l.LoanID); !ok {
			v.Addf("exposures", "loan %s secured by item %s is missing (give zero if repaid)", l.LoanID, id)
		} else if c := b.out(j).Currency(); !c.IsZero() && c != it.Currency {
			v.Addf("exposures", "loan %s is in %s, item %s in %s", l.LoanID, c, id, it.Currency)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	t := &tally{res: make([]LoanCoverage, len(exposures))}
	if err := r.accumulate(b, t, day, it); err != nil {
		return err
	}
	for _, l := range it.Liens {
		j, _ := b.find(r, l.LoanID)
		if out, lend := b.out(j), t.res[j].LendingValue; exceeds(out, lend, r.policy.Thresholds.AllowedLTV) {
			return fmt.Errorf("%w: loan %s would have %s outstanding against %s lending value (allowed LTV %s)",
				ErrBreachesLTV, l.LoanID, out, lend.Add(money.Zero(out.Currency())), r.policy.Thresholds.AllowedLTV.Percent(4))
		}
	}
	return r.transition(id, EventRelease, day)
}
