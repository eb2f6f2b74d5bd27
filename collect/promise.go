package collect

import (
	"fmt"
	"sort"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// Promise is a promise to pay (承诺还款): an amount by a date, with a
// tolerance in days and in amount, made to a collector.
type Promise struct {
	ID            uuid.UUID    `json:"id"`
	Loan          uuid.UUID    `json:"loan"`
	Collector     string       `json:"collector"`
	Made          date.Date    `json:"made"`
	Due           date.Date    `json:"due"`
	Amount        money.Amount `json:"amount"`
	ToleranceDays int          `json:"tolerance_days"` // payments this many days after Due still count
	Shortfall     money.Amount `json:"shortfall"`      // a payment this much short still keeps the promise
}

// Validate reports every bad field of the promise in one *fault.Fields.
func (p *Promise) Validate() error {
	e := invalid()
	if p.Collector == "" {
		e.Add("collector", "missing")
	}
	if !p.Amount.IsPositive() {
		e.Addf("amount", "%s: a promise must be for a positive amount", p.Amount)
	}
	if p.Due.Before(p.Made) {
		e.Addf("due", "%s is before the promise was made (%s)", p.Due, p.Made)
	}
	if p.ToleranceDays < 0 {
		e.Addf("tolerance_days", "%d is negative", p.ToleranceDays)
	}
	if p.Shortfall.IsNegative() || !p.Shortfall.SameCurrency(p.Amount) || p.Amount.IsPositive() && !p.Shortfall.Less(p.Amount) {
		e.Addf("shortfall", "%s must be zero or more, below the amount and in its currency", p.Shortfall)
	}
	return e.Err()
}

// Deadline is the last day a payment counts towards the promise.
func (p *Promise) Deadline() date.Date { return p.Due.Add(date.PeriodOfDays(p.ToleranceDays)) }

// PromiseStatus is the state of a promise on a day.
type PromiseStatus uint8

// Promise statuses.
const (
	Pending PromiseStatus = iota + 1 // not yet covered, deadline not passed
	Kept                             // payments by the deadline cover it
	Broken                           // the deadline passed without cover
)

var promiseStatusNames = enum.New[PromiseStatus](ErrInvalidInput, "promise status", "", "pending", "kept", "broken")

// String returns the status's name.
func (s PromiseStatus) String() string { return promiseStatusNames.String(s) }

// Valid reports whether s is a defined status.
func (s PromiseStatus) Valid() bool { return promiseStatusNames.Valid(s) }

// MarshalText encodes the status's name.
func (s PromiseStatus) MarshalText() ([]byte, error) { return promiseStatusNames.MarshalText(s) }

// UnmarshalText decodes a status's name.
func (s *PromiseStatus) UnmarshalText(b []byte) error { return promiseStatusNames.UnmarshalText(b, s) }

// Payment is money received on a loan.
type Payment struct {
	Day    date.Date    `json:"day"`
	Amount money.Amount `json:"amount"`
}

// Evaluate returns the promise's status as of asOf given the loan's
// payments: Kept once the payments made from the day of the promise to the
// deadline (and not after asOf) reach the amount less the allowed
// shortfall; Broken when asOf is past the deadline without that; Pending
// otherwise. A payment in another currency is an error.
func (p *Promise) Evaluate(payments []Payment, asOf date.Date) (PromiseStatus, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	paid := money.Zero(p.Amount.Currency())
	end := p.Deadline().Min(asOf)
	for i, pay := range payments {
		if !pay.Amount.SameCurrency(paid) {
			return 0, fault.Invalid(ErrInvalidInput, fmt.Sprintf("payments[%d].amount", i), fmt.Sprintf("%s, the promise is in %s", pay.Amount, p.Amount.Currency()))
		}
		if !pay.Day.Before(p.Made) && !pay.Day.After(end) {
			paid = paid.Add(pay.Amount)
		}
	}
	switch {
	case !paid.Less(p.Amount.Sub(p.Shortfall)):
		return Kept, nil
	case asOf.After(p.Deadline()):
		return Broken, nil
	}
	return Pending, nil
}

// PromiseOutcome is a promise's collector and status, the input of keep
// rates and performance figures.
type PromiseOutcome struct {
	Collector string        `json:"collector"`
	Made      date.Date     `json:"made"`
	Amount    money.Amount  `json:"amount"`
	Status    PromiseStatus `json:"status"`
}

// KeepRate is a collector's promise record.
type KeepRate struct {
	Collector string `json:"collector"`
	Made      int    `json:"made"`
	Kept      int    `json:"kept"`
	Broken    int    `json:"broken"`
	// Rate is Kept ÷ (Kept + Broken), exact; pending promises are left
	// out. Zero when no promise has resolved.
	Rate money.Rate `json:"rate"`
}

// KeepRates returns each collector's keep rate, sorted by collector id.
func KeepRates(outcomes []PromiseOutcome) []KeepRate {
	by := map[string]*KeepRate{}
	for _, o := range outcomes {
		k := by[o.Collector]
		if k == nil {
			k = &KeepRate{Collector: o.Collector}
			by[o.Collector] = k
		}
		k.count(o.Status)
	}
	out := make([]KeepRate, 0, len(by))
	for _, k := range by {
		k.Rate = ratio(k.Kept, k.Kept+k.Broken)
		out = append(out, *k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Collector < out[j].Collector })
	return out
}

func (k *KeepRate) count(s PromiseStatus) {
	k.Made++
	switch s {
	case Kept:
		k.Kept++
	case Broken:
		k.Broken++
	}
}

// ratio returns n/d as an exact rate, zero when d is zero.
func ratio(n, d int) money.Rate {
	if d == 0 {
		return money.Rate{}
	}
	r, _ := money.NewRate(int64(n), int64(d)) // d > 0 here
	return r
}
