package memory_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

// Optimistic concurrency and idempotency in the in-memory store: a stale
// version conflicts, a retried key returns the first result.
func Example() {
	ctx := context.Background()
	s := memory.New()
	id := uuid.MustParse("7d0f6f5e-1f3b-4f0e-9d8c-3a1f2b4c5d6e")
	_ = s.Loans().Create(ctx, storage.Loan{ID: id, Status: "active", Currency: money.CNY,
		Document: json.RawMessage(`{}`)})

	pay := storage.Entry{ID: uuid.New(), IdempotencyKey: "pay-1", ValueDate: date.New(2026, 2, 15),
		Kind: "repayment", Amount: money.MustParse("4120.00", money.CNY), Payload: json.RawMessage(`{"n":1}`)}
	first, _ := s.Loans().Append(ctx, storage.Append{LoanID: id, ExpectedVersion: 1, Entries: []storage.Entry{pay}})
	fmt.Println("appended at version", first.Version, "seq", first.Entries[0].Seq)

	other := pay
	other.IdempotencyKey = "pay-2"
	_, err := s.Loans().Append(ctx, storage.Append{LoanID: id, ExpectedVersion: 1, Entries: []storage.Entry{other}})
	fmt.Println("stale version:", errors.Is(err, storage.ErrConflict))

	again, _ := s.Loans().Append(ctx, storage.Append{LoanID: id, ExpectedVersion: 1, Entries: []storage.Entry{pay}})
	fmt.Println("retry replayed:", again.Replayed, "version", again.Version)
	// Output:
	// appended at version 2 seq 1
	// stale version: true
	// retry replayed: true version 2
}
