package collateral

import (
	"github.com/google/uuid"
	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// Valuation is one valuation of an item.
type Valuation struct {
	Date date.Date `json:"date"`
	// Amount is the value as reported, in any currency.
	Amount money.Amount `json:"amount"`
	// FXRate converts Amount into the item's currency (units of the item's
	// currency per unit of Amount's); required when the currencies differ
	// and not allowed when they are the same.
	FXRate money.Rate `json:"fx_rate,omitzero"`
	// Value is Amount in the item's currency (rounded half-up to its minor
	// unit); AddValuation sets it.
	Value  money.Amount `json:"value"`
	Method Method       `json:"method"`
	Source string       `json:"source"` // the valuer, the data feed, or the index publisher
	// ValidUntil is the last day the valuation counts; left zero,
	// AddValuation sets it to Date + the kind's ValidFor.
	ValidUntil date.Date `json:"valid_until"`
	// NextDue is when the next revaluation falls due: Date + the kind's
	// Every. AddValuation sets it.
	NextDue date.Date `json:"next_due"`
}

// ValueState says whether an item has a valuation in force as of a day.
type ValueState uint8

// Value states.
const (
	NoValuation  ValueState = iota // no valuation dated on or before the day
	ValidValue                     // the latest valuation is within its validity
	ExpiredValue                   // the latest valuation has expired: flagged, and not counted unless the policy says so
)

// valueStateNames names every state, "none" included: it is the zero
// value and a valid state.
var valueStateNames = enum.New[ValueState](ErrInvalidInput, "value_state", "none", "valid", "expired")

// String returns "none", "valid" or "expired".
func (s ValueState) String() string { return valueStateNames.String(s) }

// MarshalText encodes the state's name.
func (s ValueState) MarshalText() ([]byte, error) { return valueStateNames.MarshalText(s) }

// UnmarshalText decodes a state's name.
func (s *ValueState) UnmarshalText(b []byte) error { return valueStateNames.UnmarshalText(b, s) }

// Value is an item's worth as of a day.
type Value struct {
	State ValueState `json:"state"`
	// Valuation is the latest valuation dated on or before the day (zero
	// when State is NoValuation).
	Valuation Valuation `json:"valuation,omitzero"`
	// Market is the value counted: the valuation's Value, or zero when
	// there is none or it expired and the policy does not count expired
	// valuations.
	Market money.Amount `json:"market"`
	// Available is Market less the prior claims of creditors ranking ahead,
	// never below zero.
	Available money.Amount `json:"available"`
	// Lending is Market × (1 − haircut) − prior claims, rounded down and
	// never below zero: what the lender may lend against.
	Lending money.Amount `json:"lending"`
}

// AddValuation records a valuation of item id made no later than asOf. A
// valuation in another currency needs FXRate; a future-dated one, a
// negative amount, or a valuation of a released or liquidated item is
// refused. Valuations are kept in date order whatever order they arrive in.
func (r *Register) AddValuation(id uuid.UUID, v Valuation, asOf date.Date) error {
	it, err := r.item(id)
	if err != nil {
		return err
	}
	kp := r.kinds.policy[it.Kind]
	bad := invalid(ErrInvalidInput)
	if it.Status == Released || it.Status == Liquidated {
		bad.Addf("item", "item %s is %s", id, it.Status)
	}
	if v.Date.After(asOf) {
		bad.Addf("valuation.date", "%s is after the as-of date %s", v.Date, asOf)
	}
	if !v.ValidUntil.IsZero() && v.ValidUntil.Before(v.Date) {
		bad.Addf("valuation.valid_until", "%s is before the valuation date %s", v.ValidUntil, v.Date)
	}
	if !v.Method.Valid() {
		bad.Addf("valuation.method", "unknown method %d", uint8(v.Method))
	}
	checkText(bad, "valuation.source", v.Source, true)
	value, ok := convert(bad, v.Amount, v.FXRate, it.Currency)
	if err := bad.Err(); err != nil || !ok {
		return err
	}
	v.Value = value
	if v.ValidUntil.IsZero() {
		v.ValidUntil = kp.ValidFor.After(v.Date)
	}
	v.NextDue = kp.Every.After(v.Date)
	at := len(it.Valuations)
	for at > 0 && it.Valuations[at-1].Date.After(v.Date) {
		at--
	}
	it.Valuations = append(it.Valuations, Valuation{})
	copy(it.Valuations[at+1:], it.Valuations[at:])
	it.Valuations[at] = v
	it.nextDue = it.Valuations[len(it.Valuations)-1].NextDue
	r.changes.item(id)
	return nil
}

// convert returns amount in currency to, recording problems in bad; ok is
// false when there was one.
func convert(bad *fault.Fields, amount money.Amount, fx money.Rate, to money.Currency) (money.Amount, bool) {
	from := amount.Currency()
	switch {
	case from.IsZero():
		bad.Add("valuation.amount", "missing currency")
		return money.Amount{}, false
	case amount.IsNegative() || amount.Minor() > money.MaxMinor:
		bad.Addf("valuation.amount", "%s must be between 0 and the largest amount", amount)
		return money.Amount{}, false
	case from == to:
		if !fx.IsZero() && fx != oneRate {
			bad.Addf("valuation.fx_rate", "%s given for a valuation already in %s", fx, to)
			return money.Amount{}, false
		}
		return amount, true
	case fx.IsZero():
		bad.Addf("valuation.fx_rate", "valuation in %s needs an exchange rate to %s", from, to)
		return money.Amount{}, false
	case fx.IsNegative():
		bad.Addf("valuation.fx_rate", "%s must be positive", fx)
		return money.Amount{}, false
	}
	// Minor units of `to` per minor unit of `from`: fx × 10^(to.scale − from.scale).
	scaled, err := fx.Mul(pow10(to.Scale()), pow10(from.Scale()))
	if err == nil {
		var v money.Amount
		if v, err = amount.MulRate(scaled, money.HalfUp); err == nil { // MulRate keeps within MaxMinor
			return money.New(v.Minor(), to), true
		}
	}
	bad.Addf("valuation.amount", "%s at %s does not fit: %v", amount, fx, err)
	return money.Amount{}, false
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// ValueAt returns the worth of item id as of day.
func (r *Register) ValueAt(id uuid.UUID, day date.Date) (Value, error) {
	it, err := r.item(id)
	if err != nil {
		return Value{}, err
	}
	return r.valueOf(it, day), nil
}

// latest returns the index of the latest valuation dated on or before day,
// or -1.
func (it *Item) latest(day date.Date) int {
	i := len(it.Valuations) - 1
	for i >= 0 && it.Valuations[i].Date.After(day) {
		i--
	}
	return i
}

func (r *Register) valueOf(it *Item, day date.Date) Value {
	i := it.latest(day)
	if i < 0 {
		return Value{State: NoValuation}
	}
	v := Value{State: ValidValue, Valuation: it.Valuations[i]}
	if day.After(v.Valuation.ValidUntil) {
		v.State = ExpiredValue
		if !r.policy.CountExpiredValuations {
			return v
		}
	}
	v.Market = v.Valuation.Value
	prior := it.Registration.PriorClaims
	v.Available = floorZero(v.Market.Sub(prior))
	kept, err := v.Market.MulRate(r.kinds.keep[it.Kind], money.Down)
	if err != nil { // cannot happen: keep ≤ 1, so kept ≤ Market
		kept = money.Zero(it.Currency)
	}
	v.Lending = floorZero(kept.Sub(prior))
	return v
}

func floorZero(a money.Amount) money.Amount {
	if a.IsNegative() {
		return money.Zero(a.Currency())
	}
	return a
}
