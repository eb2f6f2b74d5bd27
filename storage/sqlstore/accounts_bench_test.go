package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// BenchmarkAccountTake measures a take and a read of a long-lived
// account: one post freezing 0.01 at the version read, then a Get, on an
// account holding `history` earlier entries. Summing the whole history
// made both grow with it; the running balance (migration 0009) keeps them
// flat.
func BenchmarkAccountTake(b *testing.B) {
	for _, db := range databases {
		for _, history := range []int{100, 10_000} {
			b.Run(fmt.Sprintf("%s/history=%d", db.name, history), func(b *testing.B) {
				s := migrated(db)(b)
				ctx := context.Background()
				day := date.New(2024, time.March, 1)
				id := uuid.New()
				if err := s.Accounts().Open(ctx, storage.Account{ID: id, Role: "investor", Currency: money.CNY, Opened: day}); err != nil {
					b.Fatal(err)
				}
				for n := 0; n < history; n += 1000 {
					var es []storage.AccountEntry
					for k := n; k < min(n+1000, history); k++ {
						es = append(es, storage.AccountEntry{Key: fmt.Sprint("c", k), AccountID: id, Kind: "distribution", Day: day,
							Amount: money.New(100, money.CNY), Frozen: money.Zero(money.CNY)})
					}
					if _, err := s.Accounts().Post(ctx, storage.AccountPost{Entries: es}); err != nil {
						b.Fatal(err)
					}
				}
				version := int64(1)
				take := func(k int) {
					_, err := s.Accounts().Post(ctx, storage.AccountPost{Versions: map[uuid.UUID]int64{id: version},
						Entries: []storage.AccountEntry{{Key: fmt.Sprint("f", k), AccountID: id, Kind: "freeze", Day: day,
							Amount: money.Zero(money.CNY), Frozen: money.New(1, money.CNY)}}})
					if err != nil {
						b.Fatal(err)
					}
					a, err := s.Accounts().Get(ctx, id)
					if err != nil {
						b.Fatal(err)
					}
					version = a.Version
				}
				take(-1) // the first take after the credits folds them (the running balance)
				k := 0
				b.ReportAllocs()
				for b.Loop() {
					take(k)
					k++
				}
			})
		}
	}
}
