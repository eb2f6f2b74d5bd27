package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// closeLoans is the portfolio of the close benchmark, closeParts and
// closeBatch how the close splits it (the Engine's defaults are of this
// order).
const (
	closeLoans = 4000
	closeParts = 4
	closeBatch = 1000
)

// benchClose measures what the daily close asks of the store, one business
// day per iteration: each partition's loans are scanned (index only), and
// each batch writes its loans' new index (with a new state document for a
// loan in four, as for the loans whose state changed) and a message for a
// loan in ten in one unit of work. The figure is loan-days per second of
// store work; the Engine's own work (folding journals) comes on top.
func benchClose(b *testing.B, s storage.Store) {
	ctx := context.Background()
	ls := make([]storage.Loan, closeLoans)
	doc := closeDocument()
	for i := range ls {
		ls[i] = storage.Loan{ID: uuid.New(), Borrower: uuid.New(), Status: "active", Currency: money.CNY,
			Document: doc,
			Index:    storage.LoanIndex{NextDue: date.New(2024, time.February, 15), Bucket: "M0", Collection: "pre-due"}}
	}
	for c := range slices.Chunk(ls, 1000) {
		if err := s.Loans().Create(ctx, c...); err != nil {
			b.Fatal(err)
		}
	}
	state := closeState()
	first := date.New(2024, time.January, 1)
	day := first
	b.ReportAllocs()
	for b.Loop() {
		for p := range closeParts {
			ids := storage.Partition(p, closeParts)
			f := storage.LoanFilter{IDs: &ids, Statuses: []string{"active", "accelerated", "written-off"},
				NoDocument: true, NoState: true, BatchSize: closeBatch}
			var batch []storage.Loan
			flush := func() {
				updates := make([]storage.IndexUpdate, len(batch))
				var msgs []storage.Message
				for i, l := range batch {
					x := l.Index
					x.AsOf, x.State = day, nil
					if i%4 == 0 {
						x.State = state
					}
					updates[i] = storage.IndexUpdate{LoanID: l.ID, PrevAsOf: l.Index.AsOf, Index: x}
					if i%10 == 0 {
						msgs = append(msgs, storage.Message{Key: fmt.Sprintf("reminder/%s/%s", l.ID, day), Topic: "reminder",
							LoanID: l.ID, Day: day, Payload: json.RawMessage(`{"kind":"due-soon","due":"2024-02-15","amount":"CNY 1055.00"}`)})
					}
				}
				err := s.WithTx(ctx, func(tx storage.Tx) error {
					if err := tx.Loans().UpdateIndex(ctx, updates...); err != nil {
						return err
					}
					_, err := tx.Outbox().Add(ctx, msgs...)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
				batch = batch[:0]
			}
			for l, err := range s.Loans().Scan(ctx, f) {
				if err != nil {
					b.Fatal(err)
				}
				batch = append(batch, l)
				if len(batch) == closeBatch {
					flush()
				}
			}
			if len(batch) > 0 {
				flush()
			}
		}
		day = day.Add(1)
	}
	b.ReportMetric(float64(b.N)*closeLoans/b.Elapsed().Seconds(), "loan-days/s")
}

func BenchmarkCloseSQLite(b *testing.B)   { benchClose(b, newSQLite(b)) }
func BenchmarkClosePostgres(b *testing.B) { benchClose(b, newPostgres(b)) }

// closeDocument is a loan document of the size the Engine stores (terms
// and servicing policy: about 1.2 KB).
func closeDocument() json.RawMessage {
	return padded(`{"terms":{"principal":"CNY 12000.00","annual_rate":"0.1200","periods":12,"method":"equal-installment"},"policy":{"pad":"`, 1200, `"}}`)
}

// closeState is a state document of the size the Engine stores (about
// 600 bytes).
func closeState() json.RawMessage {
	return padded(`{"grade":"normal","stage":"pre-due","balance":"CNY 11834.52","overdue":"CNY 0.00","dpd":0,"pad":"`, 600, `"}`)
}

func padded(head string, n int, tail string) json.RawMessage {
	b := []byte(head)
	for len(b) < n-len(tail) {
		b = append(b, 'x')
	}
	return append(b, tail...)
}
