package collateral

import (
	"fmt"
	"math/bits"
	"time"

	"github.com/google/uuid"
	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
	"github.com/shopspring/decimal"
)

// DueReason says why a revaluation is due.
type DueReason uint8

// Reasons a revaluation is due.
const (
	NeverValued DueReason = iota + 1 // the item has no valuation on or before the day
	Scheduled                        // the kind's revaluation frequency has come round
	Expired                          // the latest valuation is past its validity
)

var dueReasonNames = enum.New[DueReason](ErrInvalidInput, "due_reason", "", "never-valued", "scheduled", "expired")

// String returns the reason's name.
func (d DueReason) String() string { return dueReasonNames.String(d) }

// MarshalText encodes the reason's name.
func (d DueReason) MarshalText() ([]byte, error) { return dueReasonNames.MarshalText(d) }

// UnmarshalText decodes a reason's name.
func (d *DueReason) UnmarshalText(b []byte) error { return dueReasonNames.UnmarshalText(b, d) }

// DueRevaluation is an item whose revaluation is due.
type DueRevaluation struct {
	ItemID uuid.UUID `json:"item_id"`
	Kind   Kind      `json:"kind"`
	Method Method    `json:"method"`          // the kind's revaluation method
	DueOn  date.Date `json:"due_on,omitzero"` // when it fell due (zero when never valued)
	Reason DueReason `json:"reason"`
}

// DueRevaluations lists, in the register's order of items, the live items
// (proposed, pledged or seized) whose revaluation is due on day: never
// valued, past the kind's frequency since the latest valuation, or
// expired.
func (r *Register) DueRevaluations(day date.Date) []DueRevaluation {
	return r.AppendDueRevaluations(nil, day)
}

// AppendDueRevaluations is DueRevaluations appending to dst, so a daily job
// can reuse one buffer.
func (r *Register) AppendDueRevaluations(dst []DueRevaluation, day date.Date) []DueRevaluation {
	for _, it := range r.items {
		if !it.Status.live() {
			continue
		}
		n := len(it.Valuations)
		var v *Valuation
		nextDue := it.nextDue
		if n > 0 && !it.Valuations[n-1].Date.After(day) {
			v = &it.Valuations[n-1] // the usual case: the latest valuation is in the past
		} else if i := it.latest(day); i >= 0 {
			v = &it.Valuations[i]
			nextDue = v.NextDue
		}
		d := DueRevaluation{ItemID: it.ID, Kind: it.Kind, Method: r.kinds.policy[it.Kind].Method}
		switch {
		case v == nil:
			d.Reason = NeverValued
		case day.After(v.ValidUntil):
			d.Reason, d.DueOn = Expired, nextDue
		case !nextDue.After(day):
			d.Reason, d.DueOn = Scheduled, nextDue
		default:
			continue
		}
		dst = append(dst, d)
	}
	return dst
}

// alwaysDue is what RevaluationDue gives for a live item never valued: a
// day before any a store is asked about.
var alwaysDue = date.New(1, time.January, 1)

// RevaluationDue returns the first day on which DueRevaluations lists item
// id, counting from its latest valuation: the earlier of the valuation's
// NextDue and the day after its ValidUntil. A live item never valued is
// due from the start (0001-01-01); a released or liquidated item, or an
// unknown id, gives the zero date. It is the index a store keeps to find
// the revaluations due by a day.
func (r *Register) RevaluationDue(id uuid.UUID) date.Date {
	i, ok := r.byID[id]
	if !ok || !r.items[i].Status.live() {
		return date.Date{}
	}
	it := r.items[i]
	n := len(it.Valuations)
	if n == 0 {
		return alwaysDue
	}
	v := &it.Valuations[n-1]
	if expiry := v.ValidUntil.Add(1); expiry.Before(v.NextDue) {
		return expiry
	}
	return v.NextDue
}

// MarketData is the outside data a scheduled revaluation draws on.
type MarketData struct {
	// Indices holds each region's price index (real estate).
	Indices map[string]IndexSeries `json:"indices,omitempty"`
	// Prices holds the price of one unit of each instrument (listed
	// securities), in the item's currency.
	Prices map[string]money.Amount `json:"prices,omitempty"`
	// Source names the data provider; it becomes the valuation's Source.
	Source string `json:"source,omitempty"`
}

// Revalue makes item id's scheduled revaluation on day by its kind's
// method and records it (AddValuation): depreciation of Cost by age,
// the region's index applied to the latest appraisal or desktop review, or
// market price × units. Kinds revalued by a valuer return
// ErrManualValuation.
func (r *Register) Revalue(id uuid.UUID, day date.Date, m MarketData) (Valuation, error) {
	it, err := r.item(id)
	if err != nil {
		return Valuation{}, err
	}
	kp := r.kinds.policy[it.Kind]
	var value money.Amount
	switch kp.Method {
	case Depreciation:
		if !it.Cost.IsPositive() {
			return Valuation{}, fmt.Errorf("%w: item %s has no cost to depreciate", ErrNoValuation, id)
		}
		value, err = DepreciatedValue(it.Cost, it.AcquiredOn, day, kp.Residual)
	case IndexMethod:
		value, err = r.indexed(it, day, m)
	case MarketPrice:
		value, err = marketValue(it, m)
	default:
		return Valuation{}, fmt.Errorf("%w: %s revalues %s by %s", ErrManualValuation, id, it.Kind, kp.Method)
	}
	if err != nil {
		return Valuation{}, err
	}
	v := Valuation{Date: day, Amount: value, Method: kp.Method, Source: m.Source}
	if v.Source == "" {
		v.Source = "lendcore " + kp.Method.String()
	}
	if err := r.AddValuation(id, v, day); err != nil {
		return Valuation{}, err
	}
	return it.Valuations[it.latest(day)], nil
}

func (r *Register) indexed(it *Item, day date.Date, m MarketData) (money.Amount, error) {
	var base *Valuation
	for i := it.latest(day); i >= 0; i-- {
		if it.Valuations[i].Method.manual() {
			base = &it.Valuations[i]
			break
		}
	}
	if base == nil {
		return money.Amount{}, fmt.Errorf("%w: item %s has no appraisal to index", ErrNoValuation, it.ID)
	}
	series, ok := m.Indices[it.Region]
	if !ok {
		return money.Amount{}, fmt.Errorf("%w: no price index for region %q", ErrNoValuation, it.Region)
	}
	return IndexedValue(base.Value, base.Date, day, series)
}

func marketValue(it *Item, m MarketData) (money.Amount, error) {
	price, ok := m.Prices[it.Instrument]
	switch {
	case !ok:
		return money.Amount{}, fmt.Errorf("%w: no price for instrument %q", ErrNoValuation, it.Instrument)
	case price.Currency() != it.Currency || price.IsNegative():
		v := invalid(ErrInvalidInput)
		v.Addf(fmt.Sprintf("market.prices[%q]", it.Instrument), "price %s must be a non-negative %s amount", price, it.Currency)
		return money.Amount{}, v
	}
	hi, lo := bits.Mul64(uint64(price.Minor()), uint64(it.Units))
	if hi != 0 || lo > money.MaxMinor {
		v := invalid(ErrInvalidInput)
		v.Addf("item.units", "%d units at %s is out of range", it.Units, price)
		return money.Amount{}, v
	}
	return money.New(int64(lo), it.Currency), nil
}

// DepreciatedValue returns cost × the residual fraction for the asset's age
// on day: residual[n] at n full years, moving linearly by whole months
// between two years (age 1 year 6 months is halfway from residual[1] to
// residual[2]), and staying at the last entry past the schedule's end.
// Rounded half-up to the minor unit. Bad input gives a *fault.Fields
// naming "residual", "day" or "cost".
func DepreciatedValue(cost money.Amount, acquired, day date.Date, residual []money.Rate) (money.Amount, error) {
	v := invalid(ErrInvalidInput)
	if len(residual) == 0 {
		v.Add("residual", "empty residual schedule")
	}
	if day.Before(acquired) {
		v.Addf("day", "%s is before acquisition on %s", day, acquired)
	}
	if err := v.Err(); err != nil {
		return money.Amount{}, err
	}
	months := fullMonths(acquired, day)
	n, k := months/12, months%12
	frac := residual[len(residual)-1]
	if n+1 < len(residual) {
		frac = residual[n]
		if k > 0 {
			down, err := residual[n+1].Add(neg(residual[n]))
			if err == nil {
				down, err = down.Mul(int64(k), 12)
			}
			if err == nil {
				frac, err = frac.Add(down)
			}
			if err != nil {
				v.Addf(fmt.Sprintf("residual[%d]", n+1), "interpolating the residual schedule: %v", err)
				return money.Amount{}, v
			}
		}
	}
	value, err := cost.MulRate(frac, money.HalfUp)
	if err != nil {
		v.Addf("cost", "%s × %s: %v", cost, frac, err)
		return money.Amount{}, v
	}
	return value, nil
}

func neg(r money.Rate) money.Rate {
	n, _ := r.Mul(-1, 1) // cannot overflow for a normalised rate
	return n
}

// fullMonths returns the number of whole months from a to b (b ≥ a),
// counting a month complete on the same day of the month (or the month's
// last day when it is shorter).
func fullMonths(a, b date.Date) int {
	ya, ma, _ := a.Date()
	yb, mb, _ := b.Date()
	n := (yb-ya)*12 + int(mb) - int(ma)
	for n > 0 && addMonths(a, n).After(b) {
		n--
	}
	return n
}

// IndexPoint is a price-index level published for a month.
type IndexPoint struct {
	Month date.Date       `json:"month"` // any day in the month the level applies to
	Level decimal.Decimal `json:"level"`
}

// IndexSeries is a regional price index, in ascending month order.
type IndexSeries []IndexPoint

// indexDecimals is the fixed-point precision index levels are taken at.
const indexDecimals = 6

// level returns the latest level published for a month on or before d,
// as an integer of millionths.
func (s IndexSeries) level(d date.Date) (int64, bool) {
	y, m, _ := d.Date()
	for i := len(s) - 1; i >= 0; i-- {
		py, pm, _ := s[i].Month.Date()
		if py < y || py == y && pm <= m {
			return s[i].Level.Shift(indexDecimals).IntPart(), true
		}
	}
	return 0, false
}

func (s IndexSeries) check() error {
	v := invalid(ErrInvalidInput)
	limit := decimal.New(1, 9)
	for i, p := range s {
		f := fmt.Sprintf("index[%d]", i)
		if !p.Level.IsPositive() || p.Level.GreaterThanOrEqual(limit) {
			v.Addf(f+".level", "%s must be above 0 and below 10⁹", p.Level)
		} else if !p.Level.Shift(indexDecimals).IsInteger() {
			v.Addf(f+".level", "%s has more than %d decimals", p.Level, indexDecimals)
		}
		if i > 0 && !p.Month.After(s[i-1].Month) {
			v.Addf(f+".month", "%s is not after the point above", p.Month)
		}
	}
	return v.Err()
}

// IndexedValue applies a price index to a base valuation: base × level of
// day's month ÷ level of the base date's month (each the latest published
// on or before), rounded half-up to the minor unit.
func IndexedValue(base money.Amount, baseDate, day date.Date, series IndexSeries) (money.Amount, error) {
	if err := series.check(); err != nil {
		return money.Amount{}, err
	}
	from, ok1 := series.level(baseDate)
	to, ok2 := series.level(day)
	if !ok1 || !ok2 {
		return money.Amount{}, fmt.Errorf("%w: index has no level for %s or %s", ErrNoValuation, baseDate, day)
	}
	return base.MulFrac(to, from, money.HalfUp)
}
