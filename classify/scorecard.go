package classify

import (
	"fmt"
	"strings"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
)

// Feature names a behaviour-score input.
type Feature uint8

// Behaviour features.
const (
	MaxDPD6M       Feature = iota // worst DPD in the last six months
	LatePayments                  // installments paid late in the last twelve months
	MonthsOnBook                  // whole months since disbursement
	UtilisationBP                 // credit-line utilisation in basis points (10000 = 100 %)
	BrokenPromises                // promises to pay broken in the last twelve months
	featureCount
)

var featureNames = enum.New[Feature](ErrInvalidInput, "feature", "max-dpd-6m", "late-payments", "months-on-book",
	"utilisation-bp", "broken-promises")

// String returns the feature's name.
func (f Feature) String() string { return featureNames.String(f) }

// MarshalText encodes the feature name.
func (f Feature) MarshalText() ([]byte, error) { return featureNames.MarshalText(f) }

// UnmarshalText decodes a feature name.
func (f *Feature) UnmarshalText(b []byte) error { return featureNames.UnmarshalText(b, f) }

// Behaviour holds one loan's behaviour features, indexed by Feature.
type Behaviour [featureCount]int64

// Score is a behaviour score and the risk band it falls in.
type Score struct {
	Points int    `json:"points"`
	Band   string `json:"band"`
}

// Model scores a loan's behaviour. Scorecard implements it; a host can
// plug in its own model behind the same interface.
type Model interface {
	Score(b Behaviour) (Score, error)
}

// Bin gives Points to feature values from From (inclusive) up to the next
// bin's From; the last bin is open-ended.
type Bin struct {
	From   int64 `json:"from"`
	Points int   `json:"points"`
}

// Characteristic is a feature's bins, ordered by From.
type Characteristic struct {
	Feature Feature `json:"feature"`
	Bins    []Bin   `json:"bins"`
}

// Band is a risk band: scores from MinPoints up to the next band's
// MinPoints; bands are ordered by MinPoints, the first open downwards.
type Band struct {
	Name      string `json:"name"`
	MinPoints int    `json:"min_points"`
}

// Scorecard is a points-based behaviour scorecard as data: Base points
// plus the points of each characteristic's bin, mapped to a band.
type Scorecard struct {
	Name            string           `json:"name"`
	Base            int              `json:"base"`
	Characteristics []Characteristic `json:"characteristics"`
	Bands           []Band           `json:"bands"`
	Source          string           `json:"source"`
}

// DefaultScorecard returns an illustrative behaviour scorecard (a house
// example, not a calibrated model — calibrate on your own data).
func DefaultScorecard() Scorecard {
	return Scorecard{
		Name: "behaviour-example", Base: 600,
		Characteristics: []Characteristic{
			{MaxDPD6M, []Bin{{0, 40}, {1, 0}, {31, -60}, {61, -120}, {91, -200}}},
			{LatePayments, []Bin{{0, 20}, {1, 0}, {3, -40}, {6, -80}}},
			{MonthsOnBook, []Bin{{0, -20}, {6, 0}, {24, 20}}},
			{UtilisationBP, []Bin{{0, 20}, {3000, 0}, {7000, -30}, {9500, -60}}},
			{BrokenPromises, []Bin{{0, 0}, {1, -50}, {2, -100}}},
		},
		Bands:  []Band{{"E", 0}, {"D", 450}, {"C", 540}, {"B", 600}, {"A", 660}},
		Source: "illustrative house example, not calibrated (no regulatory source)",
	}
}

// Validate reports every problem with the scorecard.
func (s Scorecard) Validate() error {
	e := policyErrors()
	if strings.TrimSpace(s.Name) == "" {
		e.Add("name", "must not be empty")
	}
	seen := map[Feature]bool{}
	for i, c := range s.Characteristics {
		f := fmt.Sprintf("characteristics[%d]", i)
		if c.Feature >= featureCount {
			e.Add(f+".feature", "unknown feature")
		} else if seen[c.Feature] {
			e.Add(f+".feature", "duplicate feature "+c.Feature.String())
		}
		seen[c.Feature] = true
		if len(c.Bins) == 0 {
			e.Add(f+".bins", "needs at least one bin")
		}
		for j, b := range c.Bins {
			if j > 0 && b.From <= c.Bins[j-1].From {
				e.Add(fmt.Sprintf("%s.bins[%d].from", f, j), "must be greater than the previous bin's from")
			}
		}
	}
	if len(s.Bands) == 0 {
		e.Add("bands", "needs at least one band")
	}
	for i, b := range s.Bands {
		if strings.TrimSpace(b.Name) == "" {
			e.Add(fmt.Sprintf("bands[%d].name", i), "must not be empty")
		}
		if i > 0 && b.MinPoints <= s.Bands[i-1].MinPoints {
			e.Add(fmt.Sprintf("bands[%d].min_points", i), "must be greater than the previous band's")
		}
	}
	if strings.TrimSpace(s.Source) == "" {
		e.Add("source", "must cite its source")
	}
	return e.Err()
}

// Score implements Model. A feature value below a characteristic's first
// bin is invalid input (features are counts and cannot be negative).
func (s Scorecard) Score(b Behaviour) (Score, error) {
	pts := s.Base
	for i, c := range s.Characteristics {
		if c.Feature >= featureCount || len(c.Bins) == 0 {
			return Score{}, fault.Invalid(ErrInvalidPolicy, fmt.Sprintf("characteristics[%d]", i),
				"needs a known feature and at least one bin")
		}
		v := b[c.Feature]
		i := len(c.Bins) - 1
		for i >= 0 && v < c.Bins[i].From {
			i--
		}
		if i < 0 {
			return Score{}, fault.Invalid(ErrInvalidInput, c.Feature.String(), fmt.Sprintf("%d is below the first bin", v))
		}
		pts += c.Bins[i].Points
	}
	if len(s.Bands) == 0 {
		return Score{}, fault.Invalid(ErrInvalidPolicy, "bands", "needs at least one band")
	}
	band := s.Bands[0].Name // the first band is open downwards
	for _, bd := range s.Bands[1:] {
		if pts >= bd.MinPoints {
			band = bd.Name
		}
	}
	return Score{Points: pts, Band: band}, nil
}
