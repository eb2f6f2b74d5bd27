package lendcore

import (
	"context"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// TrialBalance is a general ledger of loan postings on a day: the balance
// of every account, debits less credits (an asset's balance positive, a
// liability's and income's negative), and the totals of each side. Post
// adds postings to it, as a host's ledger fed from the outbox books them;
// Engine.TrialBalance gives the one the loans' own postings make.
type TrialBalance struct {
	Day date.Date `json:"day"`
	// Accounts holds every account a posting touched whose balance is
	// not zero.
	Accounts map[string]money.Amount `json:"accounts"`
	// Debits and Credits are the sums of the postings' two sides; a
	// ledger of balanced postings has them equal and its balances add up
	// to zero.
	Debits  money.Amount `json:"debits"`
	Credits money.Amount `json:"credits"`
}

// Post books p, a posting of loan loanID: Amount debited to p.Debit and
// credited to p.Credit. A posting in another currency than the ledger's
// first is refused with a *CurrencyError naming the loan (the ledger is
// single-currency), the ledger unchanged.
func (tb *TrialBalance) Post(loanID uuid.UUID, p loan.Posting) error {
	cur := p.Amount.Currency()
	switch {
	case tb.Debits.Currency().IsZero():
		tb.Debits, tb.Credits = money.Zero(cur), money.Zero(cur)
	case cur != tb.Debits.Currency():
		return &CurrencyError{Loan: loanID, Currency: cur, Portfolio: tb.Debits.Currency()}
	}
	if tb.Accounts == nil {
		tb.Accounts = map[string]money.Amount{}
	}
	tb.Debits, tb.Credits = tb.Debits.Add(p.Amount), tb.Credits.Add(p.Amount)
	for _, side := range [2]struct {
		account string
		a       money.Amount
	}{{p.Debit, p.Amount}, {p.Credit, p.Amount.Neg()}} {
		b := tb.Accounts[side.account]
		if b.Currency().IsZero() {
			b = money.Zero(cur)
		}
		if b = b.Add(side.a); b.IsZero() {
			delete(tb.Accounts, side.account)
		} else {
			tb.Accounts[side.account] = b
		}
	}
	return nil
}

// Balanced reports whether debits equal credits.
func (tb *TrialBalance) Balanced() bool { return tb.Debits == tb.Credits }

// TrialBalance returns the ledger of every loan's postings folded to day
// (loan.Loan.Postings): what a host's ledger fed with the outbox's
// postings holds once the close of day has run (TestTrialBalanceFromOutbox
// checks the two agree account by account). It folds every loan, closed
// ones included (their income stays booked). A loan in another currency
// than the first is refused with a *CurrencyError.
func (e *Engine) TrialBalance(ctx context.Context, day date.Date) (TrialBalance, error) {
	tb := TrialBalance{Day: day}
	for rec, err := range e.store.Loans().Scan(ctx, storage.LoanFilter{Journal: true}) {
		if err != nil {
			return tb, err
		}
		l, err := e.decode(&rec)
		if err != nil {
			return tb, err
		}
		ps, err := l.Postings(day)
		if err != nil {
			return tb, err
		}
		for _, p := range ps {
			if err := tb.Post(rec.ID, p); err != nil {
				return tb, err
			}
		}
	}
	return tb, nil
}
