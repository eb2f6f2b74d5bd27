package lendcore

import (
	"context"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"

	"github.com/google/uuid"
)

// Funding is one investor's share of a P2P loan's principal.
type Funding struct {
	Investor uuid.UUID
	Amount   money.Amount
}

func (e *Engine) fund(ctx context.Context, tx storage.Tx, l *loan.Loan, f []Funding) error {
	return nil
}

func (e *Engine) distribute(ctx context.Context, tx storage.Tx, before, after *loan.Loan, en loan.Entry, asOf date.Date) error {
	return nil
}
