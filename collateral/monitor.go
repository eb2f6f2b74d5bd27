package collateral

import (
	"slices"

	"github.com/google/uuid"
	"github.com/rickb777/date"
)

// Monitoring is what the day's Monitor found that is news: each standing
// condition is reported on the day it arises and again whenever it
// changes, not every day it lasts.
type Monitoring struct {
	// Coverage holds the loans whose coverage calls for an action (warn,
	// revalue, call, liquidate) that was not announced as it stands: new,
	// or with the action, the call, the items, the stale items or the
	// collateral's values changed (Announcement.Same; the outstanding alone
	// moves every day interest or penalty accrues, and is not news). In the
	// order of the exposures.
	Coverage []LoanCoverage
	// Revaluations holds the revaluations due that were not announced as
	// they stand, in the register's order of items.
	Revaluations []DueRevaluation
	// Alerts holds the guarantor alerts that were not announced as they
	// stand, per guarantor in the register's order.
	Alerts []Alert
}

// Monitor is the daily evaluation of the register on day: it evaluates the
// coverage of the exposures (raising, escalating and curing margin calls,
// as Evaluate), lists the revaluations due (DueRevaluations) and the
// guarantor alerts (GuarantorAlerts), and returns only what is news: a
// coverage action, a revaluation due or an alert that arose or changed
// since it was last announced. What it announces is recorded in the parts
// (Cover.Announced, Item.Announced, Guarantor.Announced), so it is stored
// with them and survives a restart or a move to another replica; Changes
// names the parts it touched. A condition that ended is forgotten, so one
// that comes back is announced again.
//
// exposures are every loan on the books with its outstanding amount, in
// loan-id order (the order the coverage comes back in), as Evaluate and
// GuarantorAlerts take them. Every input is checked before anything
// changes: on error the register is as it was.
func (r *Register) Monitor(day date.Date, exposures []Exposure) (Monitoring, error) {
	// The alerts depend on the guarantees alone, so they can be worked out
	// (and their input checked) before Evaluate changes any call.
	alerts, err := r.GuarantorAlerts(day, exposures)
	if err != nil {
		return Monitoring{}, err
	}
	cov, err := r.Evaluate(day, exposures)
	if err != nil {
		return Monitoring{}, err
	}
	var m Monitoring
	m.Coverage = r.announceCoverage(cov)
	m.Revaluations = r.announceRevaluations(day)
	m.Alerts = r.announceAlerts(alerts)
	return m, nil
}

// announceCoverage records the day's coverage actions in the loans'
// covers and returns those that are news.
func (r *Register) announceCoverage(cov []LoanCoverage) []LoanCoverage {
	var news []LoanCoverage
	standing := make(map[uuid.UUID]bool)
	for i := range cov {
		c := &cov[i]
		if c.Items == 0 || c.Action == ActionNone {
			continue
		}
		standing[c.LoanID] = true
		a := announcement(c)
		cv := r.coverOf(c.LoanID)
		if cv.Announced != nil && cv.Announced.Same(a) {
			continue
		}
		cv.Announced = &a
		r.changes.cover(c.LoanID)
		news = append(news, *c)
	}
	for loan, cv := range r.covers {
		if cv.Announced == nil || standing[loan] {
			continue
		}
		cv.Announced = nil
		r.changes.cover(loan)
		if cv.empty() {
			delete(r.covers, loan)
		}
	}
	return news
}

// announceRevaluations records the day's revaluations due in the items
// and returns those that are news.
func (r *Register) announceRevaluations(day date.Date) []DueRevaluation {
	var news []DueRevaluation
	due := r.DueRevaluations(day) // in the order of r.items
	for _, it := range r.items {
		if len(due) == 0 || due[0].ItemID != it.ID {
			if it.Announced != nil {
				it.Announced = nil
				r.changes.item(it.ID)
			}
			continue
		}
		d := due[0]
		due = due[1:]
		if it.Announced == nil || *it.Announced != d {
			it.Announced = &d
			r.changes.item(it.ID)
			news = append(news, d)
		}
	}
	return news
}

// announceAlerts records the day's alerts (per guarantor in the register's
// order, as GuarantorAlerts gives them) in the guarantors and returns
// those that are news.
func (r *Register) announceAlerts(alerts []Alert) []Alert {
	var news []Alert
	for _, g := range r.guars {
		n := 0 // g's alerts are alerts[:n]
		for n < len(alerts) && alerts[n].GuarantorID == g.ID {
			n++
		}
		mine := alerts[:n:n]
		alerts = alerts[n:]
		before := make(map[Alert]bool, len(g.Announced))
		for _, a := range g.Announced {
			before[a] = true
		}
		for _, a := range mine {
			if !before[a] {
				news = append(news, a)
			}
		}
		if !slices.Equal(g.Announced, mine) {
			g.Announced = nil
			if n > 0 {
				g.Announced = slices.Clone(mine)
			}
			r.changes.guar(g.ID)
		}
	}
	return news
}
