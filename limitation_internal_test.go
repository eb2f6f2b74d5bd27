package lendcore

import (
	"testing"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// TestAcknowledgements: the debtor's repayments and prepayments
// acknowledge the debt (SPC limitation provisions art. 14); a reversed
// one does not, nor a recovery, nor the proceeds of a sale of collateral
// that Liquidate posts as a repayment — enforcement, not the debtor, paid.
func TestAcknowledgements(t *testing.T) {
	amt := money.New(100_00, money.CNY)
	day := func(d int) date.Date { return date.New(2024, 5, d) }
	reversed := uuid.New()
	journal := []loan.Entry{
		{ID: uuid.New(), Kind: loan.Repayment, ValueDate: day(1), IdempotencyKey: "pay-1", Amount: amt},
		{ID: reversed, Kind: loan.Repayment, ValueDate: day(2), IdempotencyKey: "pay-2", Amount: amt},
		{ID: uuid.New(), Kind: loan.Reversal, ValueDate: day(3), IdempotencyKey: "rev", Reverses: reversed},
		{ID: uuid.New(), Kind: loan.Prepayment, ValueDate: day(4), IdempotencyKey: "pre", Amount: amt},
		{ID: uuid.New(), Kind: loan.Repayment, ValueDate: day(5), IdempotencyKey: liquidationKey + uuid.NewString(), Amount: amt},
		{ID: uuid.New(), Kind: loan.Recovery, ValueDate: day(6), IdempotencyKey: "rec", Amount: amt},
	}
	var got []string
	for _, a := range acknowledgements(journal) {
		got = append(got, a.Day.String()+" "+a.Evidence)
	}
	assert.Equal(t, []string{"2024-05-01 entry/pay-1", "2024-05-04 entry/pre"}, got)
}
