package collect

import (
	"fmt"
	"sort"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// CaseOutcome is what became of one case a collector handled in a period:
// the stage it had when the period began and at its end, and whether it
// cured.
type CaseOutcome struct {
	Case      uuid.UUID `json:"case"`
	Collector string    `json:"collector"`
	From      Stage     `json:"from"`
	To        Stage     `json:"to"`
	Cured     bool      `json:"cured"`
}

// Activity is the raw material of performance figures for a period.
type Activity struct {
	Cases      []CaseOutcome    `json:"cases"`      // cases handled in the period
	Contacts   []ContactRecord  `json:"contacts"`   // attempts; only those dated in the period count
	Promises   []PromiseOutcome `json:"promises"`   // promises; only those made in the period count
	Recoveries []Recovery       `json:"recoveries"` // only those dated in the period count
}

// Scorecard is one collector's (or one team's) figures for a period
// (绩效考核). Rates are exact fractions, zero when their denominator is.
type Scorecard struct {
	Name          string       `json:"name"` // collector or team id
	Cases         int          `json:"cases"`
	Cured         int          `json:"cured"`
	RolledForward int          `json:"rolled_forward"` // cases that ended in a harsher stage than they began
	Attempts      int          `json:"attempts"`
	Contacted     int          `json:"contacted"` // attempts in which the party was spoken to
	Promises      KeepRate     `json:"promises"`
	Recovered     money.Amount `json:"recovered"`

	ContactRate     money.Rate `json:"contact_rate"`      // Contacted ÷ Attempts
	CureRate        money.Rate `json:"cure_rate"`         // Cured ÷ Cases
	RollForwardRate money.Rate `json:"roll_forward_rate"` // RolledForward ÷ Cases
}

func (s *Scorecard) finish() {
	s.Promises.Collector = s.Name
	s.ContactRate = ratio(s.Contacted, s.Attempts)
	s.CureRate = ratio(s.Cured, s.Cases)
	s.RollForwardRate = ratio(s.RolledForward, s.Cases)
	s.Promises.Rate = ratio(s.Promises.Kept, s.Promises.Kept+s.Promises.Broken)
}

func (s *Scorecard) merge(o *Scorecard) error {
	if !s.Recovered.SameCurrency(o.Recovered) {
		return fault.Invalid(ErrInvalidInput, "recoveries", fmt.Sprintf("recoveries in %s and %s", s.Recovered.Currency(), o.Recovered.Currency()))
	}
	s.Cases += o.Cases
	s.Cured += o.Cured
	s.RolledForward += o.RolledForward
	s.Attempts += o.Attempts
	s.Contacted += o.Contacted
	s.Promises.Made += o.Promises.Made
	s.Promises.Kept += o.Promises.Kept
	s.Promises.Broken += o.Promises.Broken
	s.Recovered = s.Recovered.Add(o.Recovered)
	return nil
}

// Performance computes each collector's scorecard over the days from to to
// (inclusive), and each team's, teams mapping a collector to a team
// (collectors without a team are left out of the team figures). Both lists
// are sorted by name. Recoveries in more than one currency are an error.
func Performance(act Activity, from, to date.Date, teams map[string]string) (collectors, teamCards []Scorecard, err error) {
	by := map[string]*Scorecard{}
	card := func(name string) *Scorecard {
		s := by[name]
		if s == nil {
			s = &Scorecard{Name: name}
			by[name] = s
		}
		return s
	}
	in := func(d date.Date) bool { return !d.Before(from) && !d.After(to) }
	for _, c := range act.Cases {
		s := card(c.Collector)
		s.Cases++
		if c.Cured {
			s.Cured++
		}
		if c.To > c.From {
			s.RolledForward++
		}
	}
	for i := range act.Contacts {
		r := &act.Contacts[i]
		if !in(date.NewAt(r.Local())) {
			continue
		}
		s := card(r.Collector)
		s.Attempts++
		if r.Outcome.Spoke() {
			s.Contacted++
		}
	}
	for _, p := range act.Promises {
		if in(p.Made) {
			card(p.Collector).Promises.count(p.Status)
		}
	}
	for i, r := range act.Recoveries {
		if !in(r.Day) || r.Collector == "" {
			continue
		}
		s := card(r.Collector)
		if !s.Recovered.SameCurrency(r.Amount) {
			return nil, nil, fault.Invalid(ErrInvalidInput, fmt.Sprintf("recoveries[%d].amount", i), fmt.Sprintf("%s, others are %s", r.Amount, s.Recovered.Currency()))
		}
		s.Recovered = s.Recovered.Add(r.Amount)
	}
	tb := map[string]*Scorecard{}
	for name, s := range by {
		team, ok := teams[name]
		if !ok {
			continue
		}
		t := tb[team]
		if t == nil {
			t = &Scorecard{Name: team}
			tb[team] = t
		}
		if err := t.merge(s); err != nil {
			return nil, nil, err
		}
	}
	return sorted(by), sorted(tb), nil
}

func sorted(m map[string]*Scorecard) []Scorecard {
	out := make([]Scorecard, 0, len(m))
	for _, s := range m {
		s.finish()
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
