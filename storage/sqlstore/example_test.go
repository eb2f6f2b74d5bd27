package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/sqlstore"
)

// Open a SQLite store, migrate it, store a loan and read it back. The same
// code runs on PostgreSQL with sqlstore.OpenPostgres(dsn).
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "lendcore-example")
	defer os.RemoveAll(dir)
	s, err := sqlstore.OpenSQLite(filepath.Join(dir, "lendcore.db"))
	if err != nil {
		panic(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		panic(err)
	}

	id := uuid.MustParse("0b9a3c1e-5a4f-4c59-8a11-2f6b1b7b9c01")
	err = s.Loans().Create(ctx, storage.Loan{ID: id, Status: "active", Currency: money.CNY,
		Document: json.RawMessage(`{"principal":"CNY 10000.00"}`),
		Journal: []storage.Entry{{ID: uuid.New(), IdempotencyKey: "disburse", ValueDate: date.New(2026, 1, 15),
			Kind: "disbursement", Amount: money.MustParse("10000.00", money.CNY), Payload: json.RawMessage(`{}`)}}})
	if err != nil {
		panic(err)
	}
	l, err := s.Loans().Get(ctx, id)
	if err != nil {
		panic(err)
	}
	fmt.Println(l.Status, l.Version, l.Journal[0].Kind, l.Journal[0].Amount)
	// Output: active 1 disbursement CNY 10000.00
}
