package lendcore

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/account"
	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// Reconcile compares the platform's books at the end of the statement's
// day — each member's balance, summed from the entries of that day and
// before — with the custodian bank's statement of the custody account
// (资金存管), and reports every difference, typed (account.Reconcile).
// It reads only; the host acts on the report. Errors: a *fault.Fields
// naming the statement's bad fields.
func (e *Engine) Reconcile(ctx context.Context, s account.Statement) (account.Reconciliation, error) {
	cur, err := e.booksCurrency(ctx, &s)
	if err != nil {
		return account.Reconciliation{}, err
	}
	if err := s.Validate(cur); err != nil {
		return account.Reconciliation{}, err
	}
	books := map[uuid.UUID]money.Amount{}
	for a, err := range e.store.Accounts().Scan(ctx, storage.AccountFilter{}) {
		if err != nil {
			return account.Reconciliation{}, err
		}
		if !a.Opened.After(s.AsOf) {
			books[a.ID] = money.Zero(cur)
		}
	}
	for en, err := range e.store.Accounts().Entries(ctx, storage.EntryFilter{Days: &storage.DateRange{To: s.AsOf}}) {
		if err != nil {
			return account.Reconciliation{}, err
		}
		books[en.AccountID] = books[en.AccountID].Add(en.Amount)
	}
	r, err := account.Reconcile(cur, books, s)
	if err != nil {
		return r, err
	}
	if !r.Balanced() {
		e.log.Warn("custody reconciliation found differences", "as_of", s.AsOf.String(), "differences", len(r.Differences),
			"books", r.Books.String(), "bank", r.Bank.String())
	}
	return r, nil
}

// booksCurrency is the currency of the platform's accounts, or, before
// there is any, the statement's.
func (e *Engine) booksCurrency(ctx context.Context, s *account.Statement) (money.Currency, error) {
	for a, err := range e.store.Accounts().Scan(ctx, storage.AccountFilter{BatchSize: 1}) {
		if err != nil {
			return money.Currency{}, err
		}
		return a.Currency, nil
	}
	if s.Total != nil {
		return s.Total.Currency(), nil
	}
	for _, b := range s.Balances {
		return b.Currency(), nil
	}
	return money.Currency{}, nil
}

// HomePage is the figures a P2P platform's back office opens on (首页):
// its members, its listings (借款标) by state, the funds in its members'
// accounts and the items awaiting review.
type HomePage struct {
	// Members counts the accounts by role ("investor", "borrower").
	Members map[string]int64 `json:"members"`
	// Listings are the listings by state ("open", "full", "failed",
	// "settled").
	Listings map[string]ListingFigures `json:"listings"`
	Funds    Funds                     `json:"funds"`
	// AwaitingReview counts the applications submitted and not yet
	// decided; AwaitingListing those approved and neither listed nor
	// disbursed.
	AwaitingReview  int `json:"awaiting_review"`
	AwaitingListing int `json:"awaiting_listing"`
}

// ListingFigures are the listings of one state: how many, the loans they
// ask for, and the bids they hold.
type ListingFigures struct {
	Count     int          `json:"count"`
	Target    money.Amount `json:"target"`
	Committed money.Amount `json:"committed"`
}

// Funds are the money in the members' accounts: the sum of their
// balances, of the frozen parts (bids, rewards and withdrawals in
// flight), of what is available, and the withdrawals waiting for the
// payment rail.
type Funds struct {
	Balance            money.Amount `json:"balance"`
	Frozen             money.Amount `json:"frozen"`
	Available          money.Amount `json:"available"`
	PendingWithdrawals money.Amount `json:"pending_withdrawals"`
	// Withdrawals counts the pending withdrawals.
	Withdrawals int64 `json:"withdrawals"`
}

// HomePage reads the platform's home-page figures.
func (e *Engine) HomePage(ctx context.Context) (HomePage, error) {
	var h HomePage
	tot, err := e.store.Accounts().Totals(ctx)
	if err != nil {
		return h, err
	}
	h.Members = tot.Accounts
	h.Funds = Funds{Balance: tot.Balance, Frozen: tot.Frozen, Available: tot.Balance.Sub(tot.Frozen),
		PendingWithdrawals: money.Zero(tot.Balance.Currency())}
	for _, k := range []account.Kind{account.WithdrawalRequested, account.WithdrawalPaid, account.WithdrawalFailed} {
		kt := tot.Kinds[k.String()]
		h.Funds.PendingWithdrawals = h.Funds.PendingWithdrawals.Add(kt.Frozen)
		if k == account.WithdrawalRequested {
			h.Funds.Withdrawals += kt.Entries
		} else {
			h.Funds.Withdrawals -= kt.Entries
		}
	}
	h.Listings = map[string]ListingFigures{}
	listed := map[uuid.UUID]bool{}
	for rec, err := range e.store.Listings().Scan(ctx, storage.ListingFilter{}) {
		if err != nil {
			return h, err
		}
		doc, state, err := decodeHeader(&rec)
		if err != nil {
			return h, err
		}
		listed[rec.ID] = true
		f := h.Listings[rec.State]
		f.Count++
		f.Target = f.Target.Add(doc.Terms.Target)
		committed := rec.Committed
		if state == invest.ListingFailed {
			committed = money.Zero(committed.Currency()) // released
		}
		f.Committed = f.Committed.Add(committed)
		h.Listings[rec.State] = f
	}
	for a, err := range e.store.Applications().Scan(ctx, storage.ApplicationFilter{
		Statuses: []string{loan.Submitted.String(), loan.Approved.String()}}) {
		if err != nil {
			return h, err
		}
		switch {
		case a.Status == loan.Submitted.String():
			h.AwaitingReview++
		case !listed[a.ID] && a.LoanID == uuid.Nil:
			h.AwaitingListing++
		}
	}
	return h, nil
}

// String summarises the figures for a log line.
func (h HomePage) String() string {
	return fmt.Sprintf("members %v, funds %s (%s frozen), %d awaiting review", h.Members, h.Funds.Balance, h.Funds.Frozen, h.AwaitingReview)
}
