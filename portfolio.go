package lendcore

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/portfolio"
	"github.com/lendcore/lendcore/storage"
)

// Portfolio is the dashboard a back office opens first: the portfolio as
// of one closed business day.
type Portfolio struct {
	Day date.Date `json:"day"`
	// ByStatus counts loans and their principal balance by loan status
	// (written-off loans count their claim still pursued).
	ByStatus map[string]portfolio.Tally `json:"by_status"`
	// Snapshot has the counts and balances by bucket, grade and stage, the
	// overdue, M1+/M3+ and NPL figures and provisions of the loans on the
	// books (active and accelerated).
	Snapshot *portfolio.Snapshot `json:"snapshot"`
	// Roll is the roll-rate matrix from the previous month end to Day.
	Roll *portfolio.RollMatrix `json:"roll,omitempty"`
	// Collection counts loans by collection stage.
	Collection map[string]int `json:"collection"`
	// AwaitingApproval counts applications submitted and not yet decided.
	AwaitingApproval int `json:"awaiting_approval"`
	// WrittenOffClaims is the written-off principal and interest still pursued.
	WrittenOffClaims money.Amount `json:"written_off_claims"`
	// Reserve is the risk reserve's balance and its contributions, payouts
	// and recoveries to date (zero without a reserve policy).
	Reserve ReserveSummary `json:"reserve"`
	// Stale counts loans whose last close is older than Day (the day was
	// not closed for them); their figures are as of their last close.
	Stale int `json:"stale"`
}

// M1Plus is the balance 1+ days past due ÷ outstanding principal.
func (p *Portfolio) M1Plus() portfolio.Ratio { return p.Snapshot.AtLeastBucket(1) }

// M3Plus is the balance in M3 or worse ÷ outstanding principal.
func (p *Portfolio) M3Plus() portfolio.Ratio { return p.Snapshot.AtLeastBucket(3) }

// NPLRatio is the non-performing balance ÷ outstanding principal.
func (p *Portfolio) NPLRatio() portfolio.Ratio {
	return portfolio.Ratio{Num: p.Snapshot.NPL.Balance, Den: p.Snapshot.Total.Balance}
}

// PortfolioAt aggregates the loans' states as of the daily close of day
// (run CloseOfDay first; loans not closed for day count as Stale).
//
// The dashboard is single-currency: its balances are sums of minor units.
// A loan in another currency than the first loan scanned returns a
// *CurrencyError (errors.Is money.ErrCurrencyMismatch).
func (e *Engine) PortfolioAt(ctx context.Context, day date.Date) (Portfolio, error) {
	p := Portfolio{Day: day, ByStatus: map[string]portfolio.Tally{}, Collection: map[string]int{}}
	var now, before []portfolio.Position
	cur := money.Currency{}
	for rec, err := range e.store.Loans().Scan(ctx, storage.LoanFilter{NoDocument: true, Statuses: []string{
		loan.Active.String(), loan.Accelerated.String(), loan.WrittenOff.String()}}) {
		if err != nil {
			return p, err
		}
		st, err := e.stateOf(&rec)
		if err != nil {
			return p, err
		}
		if cur.IsZero() {
			cur = rec.Currency
		} else if rec.Currency != cur {
			return p, &CurrencyError{Loan: rec.ID, Currency: rec.Currency, Portfolio: cur}
		}
		if st.Day != day {
			p.Stale++
		}
		t := p.ByStatus[rec.Status]
		if rec.Status == loan.WrittenOff.String() {
			t.Count++
			t.Balance += st.Claim.Minor()
			p.WrittenOffClaims = p.WrittenOffClaims.Add(st.Claim)
		} else {
			t.Count++
			t.Balance += st.Balance.Minor()
			pos := portfolio.Position{Loan: rec.ID.String(), Principal: st.Balance, Overdue: st.Overdue,
				DPD: st.DPD, Grade: st.Grade, Stage: st.Stage, Provision: st.Provision}
			if pos.Grade == classify.GradeNone {
				pos.Grade = classify.Normal
			}
			if pos.Stage == classify.StageNone {
				pos.Stage = classify.Stage1
			}
			now = append(now, pos)
		}
		p.ByStatus[rec.Status] = t
		if st.Collection != 0 {
			p.Collection[st.Collection.String()]++
		}
		if !st.MonthEnd.Day.IsZero() {
			before = append(before, portfolio.Position{Loan: rec.ID.String(), DPD: st.MonthEnd.DPD, Principal: st.MonthEnd.Balance})
		}
	}
	if cur.IsZero() {
		cur = money.CNY
	}
	buckets := e.policies.Classification.Buckets
	snap, err := portfolio.Measure(now, buckets)
	if err != nil {
		return p, err
	}
	if snap.Currency.IsZero() {
		snap.Currency = cur
	}
	p.Snapshot = snap
	if len(before) > 0 {
		if p.Roll, err = portfolio.RollRates(buckets, before, now); err != nil {
			return p, err
		}
	}
	var err2 error
	if p.Reserve, err2 = e.ReserveState(ctx); err2 != nil {
		return p, err2
	}
	for a, err := range e.store.Applications().Scan(ctx, storage.ApplicationFilter{Statuses: []string{loan.Submitted.String()}}) {
		if err != nil {
			return p, err
		}
		if a.Status == loan.Submitted.String() {
			p.AwaitingApproval++
		}
	}
	return p, nil
}

// CurrencyError is PortfolioAt's error for a portfolio holding loans in
// more than one currency: Loan is in Currency, the portfolio in Portfolio.
type CurrencyError struct {
	Loan      uuid.UUID
	Currency  money.Currency
	Portfolio money.Currency
}

func (e *CurrencyError) Error() string {
	return fmt.Sprintf("lendcore: portfolio: loan %s is in %s, the portfolio in %s (the dashboard is single-currency)",
		e.Loan, e.Currency, e.Portfolio)
}

// Unwrap returns money.ErrCurrencyMismatch.
func (e *CurrencyError) Unwrap() error { return money.ErrCurrencyMismatch }
