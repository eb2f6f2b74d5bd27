package lendcore_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/account"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage/memory"
)

// p2pReplicas returns two Engines on one fresh PostgreSQL schema, with
// retries enough for the contention the benchmarks make.
func p2pReplicas(b *testing.B) []*lendcore.Engine {
	if os.Getenv(postgresDSNEnv) == "" {
		b.Skip(postgresDSNEnv + " is not set")
	}
	var engines []*lendcore.Engine
	for i, s := range postgresStores(b, 2) {
		e, err := lendcore.New(s, lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock),
			lendcore.WithReplicaID(fmt.Sprint("replica-", i)), lendcore.WithRetries(1000))
		if err != nil {
			b.Fatal(err)
		}
		engines = append(engines, e)
	}
	return engines
}

// BenchmarkBidsPostgres places bids of 0.01 from 64 investors on 8
// listings through two replicas at once (eight goroutines): each bid
// reads and writes its listing and the investor's account at their
// versions, so bids on one listing contend and retry. It reports bids/s.
func BenchmarkBidsPostgres(b *testing.B) { benchBids(b, p2pReplicas(b)) }

// BenchmarkBids is BenchmarkBidsPostgres on the memory store: the cost of
// the domain and the Engine without a database.
func BenchmarkBids(b *testing.B) {
	s := memory.New()
	var engines []*lendcore.Engine
	for range 2 {
		e, err := lendcore.New(s, lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock))
		if err != nil {
			b.Fatal(err)
		}
		engines = append(engines, e)
	}
	benchBids(b, engines)
}

func benchBids(b *testing.B, engines []*lendcore.Engine) {
	ctx := context.Background()
	listings := make([]uuid.UUID, 8)
	for i := range listings {
		listings[i] = uuid.New()
		approved(b, engines[0], listings[i])
		if _, err := engines[0].PublishListing(ctx, listings[i], lendcore.ListingRequest{Day: d(2024, 1, 12), Closes: d(2024, 1, 14),
			MinBid: cny("0.01")}); err != nil {
			b.Fatal(err)
		}
	}
	investors := make([]uuid.UUID, 64)
	for i := range investors {
		investors[i] = member(b, engines[0], account.Investor, "100000")
	}
	var seq atomic.Int64
	b.ResetTimer()
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			k := seq.Add(1)
			_, err := engines[k%2].PlaceBid(ctx, listings[k%8], lendcore.Bid{Investor: investors[(k/8)%64], Amount: cny("0.01"),
				Day: d(2024, 1, 13), Key: fmt.Sprint("b-", k)})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bids/s")
}

// BenchmarkAccountMovementsPostgres makes deposits (credits: no version)
// and transfers (a debit at the payer's version) among 64 members through
// two replicas at once, and reports movements/s (a transfer is two).
func BenchmarkAccountMovementsPostgres(b *testing.B) {
	engines := p2pReplicas(b)
	ctx := context.Background()
	members := make([]uuid.UUID, 64)
	for i := range members {
		members[i] = member(b, engines[0], account.Investor, "100000")
	}
	var seq, moves atomic.Int64
	b.ResetTimer()
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			k := seq.Add(1)
			e := engines[k%2]
			m := lendcore.CashMove{Key: fmt.Sprint("m-", k), Day: d(2024, 1, 13), Amount: cny("0.01")}
			var err error
			if k%2 == 0 {
				_, err = e.Deposit(ctx, members[k%64], m)
				moves.Add(1)
			} else {
				err = e.TransferCash(ctx, members[k%64], members[(k+1)%64], m)
				moves.Add(2)
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(moves.Load())/b.Elapsed().Seconds(), "movements/s")
}

// BenchmarkCloseWithAccounts closes the first due date of 1,000 P2P loans,
// each funded by four of 100 investors and repaid on the day: every loan
// makes a distribution, which the close credits to the investors' cash
// accounts ("accounts") or, when the investors have none, leaves to the
// host ("no-accounts"). It reports the close's loan-days/s.
func BenchmarkCloseWithAccounts(b *testing.B) {
	for _, accounts := range []bool{true, false} {
		b.Run(accountsName(accounts), func(b *testing.B) {
			benchCloseWithAccounts(b, accounts, func(b *testing.B) []*lendcore.Engine {
				e, err := lendcore.New(memory.New(), lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock))
				if err != nil {
					b.Fatal(err)
				}
				return []*lendcore.Engine{e}
			})
		})
	}
}

// BenchmarkCloseWithAccountsPostgres is BenchmarkCloseWithAccounts on
// PostgreSQL, the day closed by two replicas at once.
func BenchmarkCloseWithAccountsPostgres(b *testing.B) {
	for _, accounts := range []bool{true, false} {
		b.Run(accountsName(accounts), func(b *testing.B) { benchCloseWithAccounts(b, accounts, p2pReplicas) })
	}
}

func accountsName(accounts bool) string {
	if accounts {
		return "accounts"
	}
	return "no-accounts"
}

func benchCloseWithAccounts(b *testing.B, accounts bool, replicas func(*testing.B) []*lendcore.Engine) {
	const loans, investors = 1000, 100
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		engines := replicas(b)
		e := engines[0]
		inv := make([]uuid.UUID, investors)
		for j := range inv {
			inv[j] = uuid.New()
			if accounts {
				if _, err := e.OpenAccount(ctx, inv[j], account.Investor, money.CNY, d(2024, 1, 11)); err != nil {
					b.Fatal(err)
				}
			}
		}
		for j := range loans {
			id := uuid.New()
			approved(b, e, id)
			var f []lendcore.Funding
			for k := range 4 {
				f = append(f, lendcore.Funding{Investor: inv[(j+k*25)%investors], Amount: cny("2500")})
			}
			if _, err := e.Disburse(ctx, id, lendcore.Disbursement{Actor: "teller", IdempotencyKey: "d", Funding: f}); err != nil {
				b.Fatal(err)
			}
			if _, err := e.Post(ctx, id, loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, 2, 15), Actor: "bank",
				IdempotencyKey: "pay-1", Amount: cny("888.49")}); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := e.CloseOfDay(ctx, d(2024, 2, 14)); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		var wg sync.WaitGroup
		for _, r := range engines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := r.CloseOfDay(ctx, d(2024, 2, 15)); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	b.ReportMetric(float64(loans)*float64(b.N)/b.Elapsed().Seconds(), "loan-days/s")
}
