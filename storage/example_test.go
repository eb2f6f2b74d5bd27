package storage_test

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

// Store a loan, append a repayment with its outbox message in one unit of
// work, and read the loan back. Swapping memory.New() for
// sqlstore.OpenSQLite(path) or sqlstore.OpenPostgres(dsn) changes nothing
// else.
func Example() {
	ctx := context.Background()
	var s storage.Store = memory.New()

	terms := schedule.Terms{
		Principal: money.MustParse("12000", money.CNY), AnnualRate: money.MustRate("12%"),
		Method: schedule.EqualPrincipal, Frequency: schedule.Monthly, Periods: 3,
		Start: date.New(2026, time.January, 15), DayCount: schedule.Actual360,
	}
	id := uuid.MustParse("6f1c1a52-52a4-4ad4-9a55-0d4f1c3f4b10")
	l, _ := loan.New(id, terms, loan.DefaultPolicy())
	booked := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	entry := func(k loan.Kind, d date.Date, amount, key string) loan.Entry {
		return loan.Entry{ID: uuid.NewSHA1(id, []byte(key)), Kind: k, ValueDate: d, BookedAt: booked,
			Actor: "teller-7", IdempotencyKey: key, Amount: money.MustParse(amount, money.CNY)}
	}
	if _, err := l.Post(entry(loan.Disbursement, terms.Start, "12000", "disburse")); err != nil {
		panic(err)
	}
	rec, _ := storage.FromLoan(l, storage.LoanIndex{})
	if err := s.Loans().Create(ctx, rec); err != nil {
		panic(err)
	}

	// A repayment: post it to the domain loan, then store the entry and
	// its receipt together.
	res, err := l.Post(entry(loan.Repayment, date.New(2026, time.February, 15), "4120.00", "pay-1"))
	if err != nil {
		panic(err)
	}
	row, _ := storage.FromEntry(res.Entry)
	err = s.WithTx(ctx, func(tx storage.Tx) error {
		if _, err := tx.Loans().Append(ctx, storage.Append{LoanID: id, ExpectedVersion: 1,
			Entries: []storage.Entry{row}, Status: res.Status.String()}); err != nil {
			return err
		}
		_, err := tx.Outbox().Add(ctx, storage.Message{Key: "receipt/pay-1", Topic: "receipt", LoanID: id,
			Day: date.New(2026, time.February, 15), Payload: []byte(`{"amount":"CNY 4120.00"}`)})
		return err
	})
	if err != nil {
		panic(err)
	}

	stored, _ := s.Loans().Get(ctx, id)
	back, err := stored.Decode()
	if err != nil {
		panic(err)
	}
	p, _ := back.PositionAt(date.New(2026, time.March, 1))
	fmt.Println("version", stored.Version, "entries", len(stored.Journal), "status", back.Status())
	fmt.Println("payoff on", p.AsOf, "is", p.Payoff)
	pending, _ := s.Outbox().Pending(ctx, 10)
	fmt.Println("outbox:", pending[0].Key)
	// Output:
	// version 2 entries 2 status active
	// payoff on 2026-03-01 is CNY 8040.00
	// outbox: receipt/pay-1
}
