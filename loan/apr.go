package loan

import (
	"fmt"

	"github.com/rickb777/date"
	"github.com/shopspring/decimal"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// APR returns the all-in annual rate of the application's proposed terms
// (schedule.Schedule.APR): interest and every fee, by the IRR method, as
// PBoC Announcement [2021] No. 3 requires it to be shown to the borrower
// before the contract is signed.
func (a *Application) APR() (decimal.Decimal, error) {
	s, err := schedule.Generate(a.req.Terms)
	if err != nil {
		return decimal.Zero, err
	}
	return s.APR()
}

// RealisedAPR returns the all-in annual rate the loan's actual cash flows
// give up to asOf, by the IRR method over days: the first disbursement
// advanced, every later payment the journal records (repayments,
// prepayments, down payments, settlements, recoveries) as the borrower's,
// later tranches and refunds as the lender's, each on its value date, and —
// for a loan still active or accelerated — the payoff on asOf as if paid
// that day. The daily IRR × 365, rounded half-up to schedule.APRPlaces
// decimals, as schedule.Schedule.APR annualises a loan of days. Reversed
// entries count for nothing. ErrNoIRR (of package schedule) when the loan
// has no disbursement or no payment.
func (l *Loan) RealisedAPR(asOf date.Date) (decimal.Decimal, error) {
	reversed := map[int]bool{}
	for _, e := range l.journal {
		if e.Kind == Reversal {
			if t := indexOf(l.journal, &e); t >= 0 {
				reversed[t] = true
			}
		}
	}
	var (
		start    date.Date
		advanced money.Amount
		flows    []schedule.Flow
	)
	for k := range l.journal {
		ix := orderAt(l.order, k)
		e := &l.journal[ix]
		if e.ValueDate.After(asOf) || reversed[ix] {
			continue
		}
		var a money.Amount
		switch e.Kind {
		case Disbursement:
			start, advanced = e.ValueDate, e.Amount
			continue
		case Repayment, Prepayment, DownPayment, Settlement, Recovery:
			a = e.Amount
		case Tranche, Refund:
			a = e.Amount.Neg()
		default:
			continue
		}
		flows = append(flows, schedule.Flow{Amount: a, Periods: int(e.ValueDate.Sub(start))})
	}
	if advanced.IsZero() {
		return decimal.Zero, fmt.Errorf("%w: the loan is not disbursed by %s", schedule.ErrNoIRR, asOf)
	}
	if s := l.status; s == Active || s == Accelerated {
		p, err := l.PositionAt(asOf)
		if err != nil {
			return decimal.Zero, err
		}
		if p.Status == Active || p.Status == Accelerated {
			flows = append(flows, schedule.Flow{Amount: p.Payoff, Periods: int(asOf.Sub(start))})
		}
	}
	i, err := schedule.IRROf(advanced, flows)
	if err != nil {
		return decimal.Zero, err
	}
	return i.Mul(decimal.New(365, 0)).Round(schedule.APRPlaces), nil
}
