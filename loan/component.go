package loan

import (
	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/money"
)

// Component is one part of what a borrower owes.
type Component uint8

// Components, in the default waterfall order's reverse (principal last).
const (
	Principal Component = iota
	Interest
	Penalty
	Fee
	componentCount
)

var componentNames = enum.New[Component](ErrInvalidInput, "component",
	"principal", "interest", "penalty", "fee")

// String returns the component's name.
func (c Component) String() string { return componentNames.String(c) }

// MarshalText encodes the component's name.
func (c Component) MarshalText() ([]byte, error) { return componentNames.MarshalText(c) }

// UnmarshalText decodes a component's name; on an error c is unchanged.
func (c *Component) UnmarshalText(b []byte) error { return componentNames.UnmarshalText(b, c) }

// Split is an amount broken down by component: what a repayment paid, what
// an installment owes, what a write-off removed.
type Split struct {
	Principal money.Amount `json:"principal"`
	Interest  money.Amount `json:"interest"`
	Penalty   money.Amount `json:"penalty"`
	Fee       money.Amount `json:"fee"`
}

// Get returns the amount of component c.
func (s Split) Get(c Component) money.Amount {
	switch c {
	case Principal:
		return s.Principal
	case Interest:
		return s.Interest
	case Penalty:
		return s.Penalty
	default:
		return s.Fee
	}
}

// Set sets the amount of component c.
func (s *Split) Set(c Component, a money.Amount) {
	switch c {
	case Principal:
		s.Principal = a
	case Interest:
		s.Interest = a
	case Penalty:
		s.Penalty = a
	default:
		s.Fee = a
	}
}

// Total returns the sum of the components.
func (s Split) Total() money.Amount {
	return s.Principal.Add(s.Interest).Add(s.Penalty).Add(s.Fee)
}

// Add returns s+t component by component.
func (s Split) Add(t Split) Split {
	return Split{s.Principal.Add(t.Principal), s.Interest.Add(t.Interest), s.Penalty.Add(t.Penalty), s.Fee.Add(t.Fee)}
}

// Sub returns s−t component by component.
func (s Split) Sub(t Split) Split {
	return Split{s.Principal.Sub(t.Principal), s.Interest.Sub(t.Interest), s.Penalty.Sub(t.Penalty), s.Fee.Sub(t.Fee)}
}
