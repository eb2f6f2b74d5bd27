package lendcore

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/line"
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
	// Lines are the credit lines: counts and limits by status, what is
	// drawn under them, their utilisation and the frozen ones.
	Lines LinesSummary `json:"lines"`
	// ByProduct is Snapshot for each product's loans on the books, by
	// product name (all its versions and segments); loans under the
	// Engine's own policies are in no product. Nil when no loan names a
	// product.
	ByProduct map[string]*portfolio.Snapshot `json:"by_product,omitempty"`
}

// LinesSummary is the credit lines' part of the dashboard. The open lines
// are the active, frozen and suspended ones: their limits can still be
// used (a frozen or suspended line once it is lifted). A loan's part is
// its principal on the books as of its last close, as in the rest of the
// dashboard; a written-off loan's claim is off the books and counts
// nothing.
type LinesSummary struct {
	// ByStatus counts the lines of each status with the sum of their
	// limits in force on Day (a temporary limit in its period).
	ByStatus map[string]LineTally `json:"by_status"`
	// Limit is the open lines' limits in force on Day.
	Limit money.Amount `json:"limit"`
	// Outstanding is the principal on the books of the loans drawn under
	// any line, expired and closed ones included (their loans run on).
	Outstanding money.Amount `json:"outstanding"`
	// Used is what counts against the open lines' limits: the outstanding
	// of their loans on a revolving line, what was drawn on another.
	Used money.Amount `json:"used"`
	// UtilisationBP is Used ÷ Limit in basis points (10000 = 100 %),
	// rounded down; zero without a limit.
	UtilisationBP int64 `json:"utilisation_bp"`
	// Available is what the active lines may still draw: each one's limit
	// less what it uses, never below zero.
	Available money.Amount `json:"available"`
	// Undrawn is the open lines' undrawn commitment: each one's limit less
	// what it uses, never below zero, frozen and suspended lines included
	// (the lender may lift the stop).
	Undrawn money.Amount `json:"undrawn"`
	// Converted is the undrawn commitment converted to exposure at default
	// by each line's CCF (line.Policy.Conversion); Provision is what the
	// provisioning grid asks for it at the worst grade of each line's
	// loans. The loans drawn are provisioned in Snapshot, not here.
	Converted money.Amount `json:"converted"`
	Provision money.Amount `json:"provision"`
	// Frozen counts the frozen lines (冻结); FrozenOutstanding is what
	// their loans still owe.
	Frozen            int          `json:"frozen"`
	FrozenOutstanding money.Amount `json:"frozen_outstanding"`
}

// LineTally is a count of lines and the sum of their limits.
type LineTally struct {
	Count int          `json:"count"`
	Limit money.Amount `json:"limit"`
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
	var byProduct map[string][]portfolio.Position
	cur := money.Currency{}
	lines, lineOf, err := e.allLines(ctx)
	if err != nil {
		return p, err
	}
	drawn := make([]int64, len(lines))           // principal on the books under each line, minor units
	grades := make([]classify.Grade, len(lines)) // the worst grade of each line's loans
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
			if name := st.Product.Name; name != "" {
				if byProduct == nil {
					byProduct = map[string][]portfolio.Position{}
				}
				byProduct[name] = append(byProduct[name], pos)
			}
			if i, ok := lineOf[rec.ID]; ok {
				drawn[i] += st.Balance.Minor()
				grades[i] = max(grades[i], pos.Grade)
			}
		}
		p.ByStatus[rec.Status] = t
		if st.Collection != 0 {
			p.Collection[st.Collection.String()]++
		}
		if !st.MonthEnd.Day.IsZero() {
			before = append(before, portfolio.Position{Loan: rec.ID.String(), DPD: st.MonthEnd.DPD, Principal: st.MonthEnd.Balance})
		}
	}
	if cur.IsZero() && len(lines) > 0 {
		cur = lines[0].Currency() // no loans yet: the lines give the currency
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
	for name, pos := range byProduct {
		if p.ByProduct == nil {
			p.ByProduct = map[string]*portfolio.Snapshot{}
		}
		if p.ByProduct[name], err = portfolio.Measure(pos, buckets); err != nil {
			return p, err
		}
	}
	if p.Lines, err = e.summariseLines(day, cur, lines, drawn, grades); err != nil {
		return p, err
	}
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

// allLines returns every line, and the index in it of the line each
// drawn loan is under.
func (e *Engine) allLines(ctx context.Context) ([]*line.Line, map[uuid.UUID]int, error) {
	var lines []*line.Line
	lineOf := map[uuid.UUID]int{}
	for rec, err := range e.store.Lines().Scan(ctx, storage.LineFilter{}) {
		if err != nil {
			return nil, nil, err
		}
		l, err := rec.Decode()
		if err != nil {
			return nil, nil, err
		}
		for _, id := range l.Loans() {
			lineOf[id] = len(lines)
		}
		lines = append(lines, l)
	}
	return lines, lineOf, nil
}

// summariseLines adds up the lines on day; drawn[i] is the principal on
// the books of lines[i]'s loans in minor units of cur, grades[i] the worst
// grade among them (GradeNone without loans: a normal line).
func (e *Engine) summariseLines(day date.Date, cur money.Currency, lines []*line.Line, drawn []int64,
	grades []classify.Grade) (LinesSummary, error) {
	zero := money.Zero(cur)
	s := LinesSummary{ByStatus: map[string]LineTally{}, Limit: zero, Outstanding: zero, Used: zero,
		Available: zero, Undrawn: zero, Converted: zero, Provision: zero, FrozenOutstanding: zero}
	for i, l := range lines {
		if l.Currency() != cur {
			return s, &CurrencyError{Line: l.ID(), Currency: l.Currency(), Portfolio: cur}
		}
		st, limit, outstanding := l.Status(), l.Limit(day), money.New(drawn[i], cur)
		t := s.ByStatus[st.String()]
		t.Count++
		t.Limit = zero.Add(t.Limit).Add(limit)
		s.ByStatus[st.String()] = t
		s.Outstanding = s.Outstanding.Add(outstanding)
		if st == line.Frozen {
			s.Frozen++
			s.FrozenOutstanding = s.FrozenOutstanding.Add(outstanding)
		}
		if st != line.Active && st != line.Frozen && st != line.Suspended {
			continue
		}
		s.Limit = s.Limit.Add(limit)
		s.Used = s.Used.Add(l.Used(outstanding))
		r, err := l.Review(line.Observation{Day: day, Outstanding: outstanding}, e.policies.Lines)
		if err != nil {
			return s, fmt.Errorf("line %s: %w", l.ID(), err)
		}
		x, err := l.Exposure(r, e.policies.Lines)
		if err != nil {
			return s, fmt.Errorf("line %s: %w", l.ID(), err)
		}
		provision, err := e.undrawnProvision(x, grades[i])
		if err != nil {
			return s, fmt.Errorf("line %s: %w", l.ID(), err)
		}
		s.Undrawn = s.Undrawn.Add(x.Undrawn)
		s.Converted = s.Converted.Add(x.Converted)
		s.Provision = s.Provision.Add(provision)
		if st == line.Active {
			s.Available = s.Available.Add(x.Undrawn)
		}
	}
	if s.Limit.IsPositive() {
		bp, err := s.Used.MulFrac(10000, s.Limit.Minor(), money.Down)
		if err != nil {
			return s, err
		}
		s.UtilisationBP = bp.Minor()
	}
	return s, nil
}

// CurrencyError is PortfolioAt's error for a portfolio holding loans or
// credit lines in more than one currency: Loan (or Line) is in Currency,
// the portfolio in Portfolio.
type CurrencyError struct {
	Loan      uuid.UUID
	Line      uuid.UUID
	Currency  money.Currency
	Portfolio money.Currency
}

func (e *CurrencyError) Error() string {
	what := "loan " + e.Loan.String()
	if e.Line != uuid.Nil {
		what = "line " + e.Line.String()
	}
	return fmt.Sprintf("lendcore: portfolio: %s is in %s, the portfolio in %s (the dashboard is single-currency)",
		what, e.Currency, e.Portfolio)
}

// Unwrap returns money.ErrCurrencyMismatch.
func (e *CurrencyError) Unwrap() error { return money.ErrCurrencyMismatch }
