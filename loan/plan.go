package loan

import (
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/schedule"
)

// planRow is one installment of a schedule as the fold needs it.
type planRow struct {
	from, due                date.Date
	principal, interest, fee int64
}

// rowsOf returns a generated schedule's installments as plan rows.
func rowsOf(s *schedule.Schedule) []planRow {
	rows := make([]planRow, len(s.Installments))
	for i, r := range s.Installments {
		rows[i] = planRow{r.From, r.Due, r.Principal.Minor(), r.Interest.Minor(), r.Fee.Minor()}
	}
	return rows
}

// plan is a loan's original schedule, kept for the life of the loan and
// therefore compact and pointer-free: each installment's principal and
// interest, its due date, and the date its interest runs from only when
// that is not the previous due date (the loan's start for the first), as
// after a business-day adjustment.
type plan struct {
	amounts []int64     // principal and interest, two per installment
	dates   []date.Date // the due dates; then the from dates, if any is not chained
	fees    []int64     // the fees the terms charge with each installment; nil when none
}

func newPlan(s *schedule.Schedule, start date.Date) plan {
	n := len(s.Installments)
	chained := true
	prev := start
	for _, r := range s.Installments {
		chained = chained && r.From == prev
		prev = r.Due
	}
	size := n
	if !chained {
		size = 2 * n
	}
	p := plan{amounts: make([]int64, 2*n), dates: make([]date.Date, size)}
	if len(s.Terms.Fees) > 0 {
		p.fees = make([]int64, n)
	}
	for i, r := range s.Installments {
		if p.fees != nil {
			p.fees[i] = r.Fee.Minor()
		}
		p.amounts[2*i], p.amounts[2*i+1] = r.Principal.Minor(), r.Interest.Minor()
		p.dates[i] = r.Due
		if !chained {
			p.dates[n+i] = r.From
		}
	}
	return p
}

// len returns the number of installments.
func (p *plan) len() int { return len(p.amounts) / 2 }

// row returns installment i (0-based) of a loan that starts on start.
func (p *plan) row(i int, start date.Date) planRow {
	n := p.len()
	r := planRow{due: p.dates[i], principal: p.amounts[2*i], interest: p.amounts[2*i+1]}
	if p.fees != nil {
		r.fee = p.fees[i]
	}
	switch {
	case len(p.dates) > n:
		r.from = p.dates[n+i]
	case i > 0:
		r.from = p.dates[i-1]
	default:
		r.from = start
	}
	return r
}
