package line

import (
	"strings"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// Observation is what the daily close knows of a line's loans on a day.
type Observation struct {
	Day date.Date `json:"day"`
	// Outstanding is the outstanding principal of the line's loans.
	Outstanding money.Amount `json:"outstanding"`
	// WorstDPD and WorstLevel are the worst days past due and early-warning
	// level among the line's loans.
	WorstDPD   int            `json:"worst_dpd"`
	WorstLevel classify.Level `json:"worst_level"`
}

// Review is a line's monitoring result for a day: its use, its loans'
// worst delinquency, the warning rules that fired and the action they ask
// for.
type Review struct {
	Day         date.Date    `json:"day"`
	Limit       money.Amount `json:"limit"`
	Outstanding money.Amount `json:"outstanding"`
	Available   money.Amount `json:"available"`
	// UtilisationBP is what is used of the limit in basis points (10000 =
	// 100 %, above it when a decrease left the line over its limit),
	// rounded down; 10000 on a zero limit with something used.
	UtilisationBP int64          `json:"utilisation_bp"`
	WorstDPD      int            `json:"worst_dpd"`
	WorstLevel    classify.Level `json:"worst_level"`
	// Fired lists the ids of the warning rules that fired, in table order.
	Fired []string `json:"fired,omitempty"`
	// Action is the strongest action the fired rules ask for that the
	// line's state allows (a frozen line is not frozen again, a line with
	// a change pending is not reduced again); NoAction when none.
	Action Action `json:"action"`
	// Expire is set when the day is after the line's validity and the line
	// may still expire.
	Expire bool `json:"expire,omitempty"`
}

// Review checks the line against p's warning rules on o. It changes
// nothing: the caller applies Action (and Expire) through Apply, so the
// move is recorded like any other. Errors: *fault.Fields naming every bad
// field of o or p.
func (l *Line) Review(o Observation, p Policy) (Review, error) {
	v := fault.Fields{Kind: ErrInvalidInput}
	if o.Day.IsZero() {
		v.Add("day", "is missing")
	}
	if !o.Outstanding.SameCurrency(l.terms.Limit) {
		v.Add("outstanding", "is not in the line's currency "+l.Currency().Code())
	} else if o.Outstanding.IsNegative() {
		v.Add("outstanding", "must not be negative")
	}
	if o.WorstDPD < 0 {
		v.Add("worst_dpd", "must not be negative")
	}
	if o.WorstLevel > classify.Red {
		v.Add("worst_level", "is not a warning level")
	}
	p.validate(&v)
	if err := v.Err(); err != nil {
		return Review{}, err
	}
	limit := l.Limit(o.Day)
	used := l.Used(o.Outstanding)
	r := Review{Day: o.Day, Limit: limit, Outstanding: money.Zero(l.Currency()).Add(o.Outstanding),
		Available: l.Available(o.Day, o.Outstanding), WorstDPD: o.WorstDPD, WorstLevel: o.WorstLevel}
	switch {
	case limit.IsPositive():
		bp, err := used.MulFrac(10000, limit.Minor(), money.Down)
		if err != nil {
			return Review{}, fault.Invalid(ErrInvalidInput, "outstanding", err.Error())
		}
		r.UtilisationBP = bp.Minor()
	case used.IsPositive():
		r.UtilisationBP = 10000
	}
	for _, w := range p.Warnings {
		if w.MinDPD > 0 && o.WorstDPD < w.MinDPD ||
			w.MinLevel != classify.LevelNone && o.WorstLevel < w.MinLevel ||
			w.MinUtilisationBP > 0 && r.UtilisationBP < w.MinUtilisationBP {
			continue
		}
		r.Fired = append(r.Fired, w.ID)
		if w.Action > r.Action && l.can(w.Action, used, limit) {
			r.Action = w.Action
		}
	}
	r.Expire = o.Day.After(l.terms.Until) && lineLifecycle.Can(l.status, EventExpire)
	return r, nil
}

// can reports whether action a would change the line: its event is legal
// from the status, and a reduction has something to cut and no other
// change pending.
func (l *Line) can(a Action, used, limit money.Amount) bool {
	if !lineLifecycle.Can(l.status, a.Event()) {
		return false
	}
	return a != Reduce || l.pending == nil && used.Cmp(limit) < 0
}

// Reduction returns the limit change a Reduce action files on the
// review's day: down to what the line uses, requested by officer for the
// rules that fired. The line's policy then needs a second officer to
// approve it, as any decrease does.
func (l *Line) Reduction(r Review, officer string) Change {
	return Change{Limit: l.Used(r.Outstanding), RequestedBy: officer, RequestedOn: r.Day,
		Reason: "warning rules: " + strings.Join(r.Fired, ", ")}
}

// Facts returns the line-level facts the review feeds to classification:
// the worst days past due of its loans, the outstanding as the balance,
// and whether it revolves (an open-end credit).
func (r Review) Facts(revolving bool) classify.Facts {
	return classify.Facts{DPD: r.WorstDPD, Balance: r.Outstanding, OpenEnd: revolving}
}

// Behaviour sets the review's utilisation in b, the behaviour-score input
// classify.UtilisationBP, and returns b.
func (r Review) Behaviour(b classify.Behaviour) classify.Behaviour {
	b[classify.UtilisationBP] = r.UtilisationBP
	return b
}
