package storagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// ScanLoans is the portfolio size of the scan benchmark (issue 4).
const ScanLoans = 100_000

// Bench runs the shared benchmarks: append one entry, load a loan with 36
// installments and 40 entries, scan 100,000 active loans, append with 8
// concurrent writers, update the index of 1,000 loans (a batch of the
// daily close), save a collection record at its version, pay into the
// reserve, and an outbox message's life (added, delivered, purged).
// Each reports its throughput as a custom metric.
func Bench(b *testing.B, newStore Factory) {
	b.Run("AppendOne", func(b *testing.B) { benchAppend(b, newStore(b)) })
	b.Run("Load36x40", func(b *testing.B) { benchLoad(b, newStore(b)) })
	b.Run("Scan100k", func(b *testing.B) { benchScan(b, newStore(b)) })
	b.Run("AppendParallel8", func(b *testing.B) { benchAppendParallel(b, newStore(b)) })
	b.Run("UpdateIndex1k", func(b *testing.B) { benchUpdateIndex(b, newStore(b)) })
	b.Run("CollectionSave", func(b *testing.B) { benchCollectionSave(b, newStore(b)) })
	b.Run("ReserveAdd", func(b *testing.B) { benchReserveAdd(b, newStore(b)) })
	b.Run("OutboxCycle", func(b *testing.B) { benchOutboxCycle(b, newStore(b)) })
}

// benchUpdateIndex moves the index of 1,000 loans to the next day in one
// call, as a batch of the daily close does: a new state document for one
// loan in ten, the stored one kept for the others.
func benchUpdateIndex(b *testing.B, s storage.Store) {
	const n = 1000
	ctx := context.Background()
	ls := make([]storage.Loan, n)
	for i := range ls {
		ls[i] = newLoan()
	}
	mustCreate(b, s, ls...)
	state := json.RawMessage(`{"grade":"normal","stage":"pre-due","overdue":"CNY 0.00","dpd":0,"bucket":"M0"}`)
	updates := make([]storage.IndexUpdate, n)
	var prev date.Date // never indexed
	asOf := day(2024, 1, 1)
	b.ReportAllocs()
	for b.Loop() {
		for i := range updates {
			updates[i] = storage.IndexUpdate{LoanID: ls[i].ID, PrevAsOf: prev, Index: storage.LoanIndex{AsOf: asOf,
				NextDue: asOf.Add(30), Classification: "normal", Bucket: "M0", Collection: "pre-due"}}
			if i%10 == 0 {
				updates[i].Index.State = state
			}
		}
		if err := s.Loans().UpdateIndex(ctx, updates...); err != nil {
			b.Fatal(err)
		}
		prev, asOf = asOf, asOf.Add(1)
	}
	b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds(), "loans/s")
}

// benchCollectionSave saves one loan's collection record at the version
// read, as a command recording a promise to pay does.
func benchCollectionSave(b *testing.B, s storage.Store) {
	ctx := context.Background()
	c := storage.Collection{LoanID: uuid.New(), Document: json.RawMessage(`{"promises":[{"due":"2024-03-05","amount":"CNY 500.00"}]}`),
		NextDeadline: day(2024, 3, 5)}
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if c, err = s.Collections().Save(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "saves/s")
}

// benchReserveAdd pays one contribution into the reserve per add, as each
// disbursement of a P2P loan does.
func benchReserveAdd(b *testing.B, s storage.Store) {
	ctx := context.Background()
	loan := uuid.New()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{{Key: key("c%d", i),
			Kind: "contribution", LoanID: loan, Day: day(2024, 1, 1), Amount: money.New(100_00, money.CNY)}}}); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "adds/s")
}

// benchOutboxCycle adds a message, marks it delivered, and purges the
// delivered messages every thousand: the outbox of a long-running host.
func benchOutboxCycle(b *testing.B, s storage.Store) {
	ctx := context.Background()
	payload := json.RawMessage(`{"text":"您的还款日是3月5日","amount":"CNY 1060.66"}`)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		d := day(2024, 1, 1).Add(date.PeriodOfDays(i / 1000))
		k := key("reminder/%d", i)
		if _, err := s.Outbox().Add(ctx, storage.Message{Key: k, Topic: "reminder", Day: d, Payload: payload}); err != nil {
			b.Fatal(err)
		}
		if err := s.Outbox().MarkDelivered(ctx, k); err != nil {
			b.Fatal(err)
		}
		if i%1000 == 999 {
			if _, err := s.Outbox().Purge(ctx, d.Add(1)); err != nil {
				b.Fatal(err)
			}
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "messages/s")
}

func benchAppend(b *testing.B, s storage.Store) {
	ctx := context.Background()
	l := newLoan()
	mustCreate(b, s, l)
	version := int64(1)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		res, err := s.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: version,
			Entries: []storage.Entry{repayment(key("r%d", i), day(2024, 1, 1), money.New(100_00, money.CNY))}})
		if err != nil {
			b.Fatal(err)
		}
		version = res.Version
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}

// termsDocument is a realistic terms document: 36 monthly installments.
func termsDocument() json.RawMessage {
	type inst struct {
		N         int          `json:"n"`
		Due       string       `json:"due"`
		Principal money.Amount `json:"principal"`
		Interest  money.Amount `json:"interest"`
	}
	doc := struct {
		Principal    money.Amount `json:"principal"`
		Rate         string       `json:"rate"`
		Method       string       `json:"method"`
		Installments []inst       `json:"installments"`
	}{Principal: money.New(36_000_00, money.CNY), Rate: "12%", Method: "equal-installment"}
	for n := 1; n <= 36; n++ {
		doc.Installments = append(doc.Installments, inst{n, fmt.Sprintf("%04d-%02d-15", 2024+(n-1)/12, 1+(n-1)%12),
			money.New(1000_00, money.CNY), money.New(int64(360_00-n*10_00), money.CNY)})
	}
	b, _ := json.Marshal(doc)
	return b
}

func benchLoad(b *testing.B, s storage.Store) {
	ctx := context.Background()
	l := newLoan()
	l.Document = termsDocument()
	for i := range 40 {
		l.Journal = append(l.Journal, repayment(key("r%d", i), day(2024, 1, 1+i%28), money.New(int64(1195_78+i), money.CNY)))
	}
	mustCreate(b, s, l)
	b.ReportAllocs()
	for b.Loop() {
		got, err := s.Loans().Get(ctx, l.ID)
		if err != nil || len(got.Journal) != 40 {
			b.Fatal(err, len(got.Journal))
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "loans/s")
}

func benchScan(b *testing.B, s storage.Store) {
	ctx := context.Background()
	ls := make([]storage.Loan, ScanLoans)
	for i := range ls {
		ls[i] = newLoan()
		ls[i].Index = storage.LoanIndex{NextDue: day(2024, 3, 1+i%28), DaysPastDue: i % 40, Classification: "normal"}
	}
	for c := range slices.Chunk(ls, 1000) {
		mustCreate(b, s, c...)
	}
	// A host refreshes planner statistics after a bulk import.
	if a, ok := s.(interface{ Analyze(context.Context) error }); ok {
		if err := a.Analyze(ctx); err != nil {
			b.Fatal(err)
		}
	}
	f := storage.LoanFilter{Statuses: []string{"active"}}
	// One untimed scan first: PostgreSQL sets hint bits on the first read
	// of freshly inserted rows, a one-off cost a settled table never pays.
	for _, err := range s.Loans().Scan(ctx, f) {
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range s.Loans().Scan(ctx, f) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != ScanLoans {
			b.Fatalf("scanned %d loans", n)
		}
	}
	b.ReportMetric(float64(b.N)*ScanLoans/b.Elapsed().Seconds(), "loans/s")
}

// benchAppendParallel appends with 8 writers, each on its own loan (the
// daily close and repayment intake touch different loans).
func benchAppendParallel(b *testing.B, s storage.Store) {
	const writers = 8
	ctx := context.Background()
	var next atomic.Int64
	b.SetParallelism(max(1, writers/max(1, runtime.GOMAXPROCS(0))))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		l := newLoan()
		if err := s.Loans().Create(ctx, l); err != nil {
			b.Error(err)
			return
		}
		version := int64(1)
		for pb.Next() {
			res, err := s.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: version,
				Entries: []storage.Entry{repayment(key("r%d", next.Add(1)), day(2024, 1, 1), money.New(100_00, money.CNY))}})
			if err != nil {
				b.Error(err)
				return
			}
			version = res.Version
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}
