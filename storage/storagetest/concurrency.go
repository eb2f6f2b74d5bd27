package storagetest

import (
	"context"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// Writers is the number of goroutines of the concurrency tests (issue 4).
const Writers = 32

// testConcurrentSameLoan: 32 goroutines append repayments to one loan,
// each reloading and retrying on ErrConflict, and each re-sending its
// first repayment after it succeeded (a retry after a lost response). Every
// accepted entry is stored exactly once, at seqs 1..n without gaps, and no
// cent is lost.
func testConcurrentSameLoan(t *testing.T, s storage.Store) {
	const perWriter = 3
	ctx := context.Background()
	l := newLoan()
	mustCreate(t, s, l)

	var wg sync.WaitGroup
	errs := make(chan error, Writers*perWriter*2)
	for w := range Writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				// Writer w pays (w+1) yuan and i fen: distinct amounts, so a
				// lost or doubled entry shows in the total.
				e := repayment(key("w%d-%d", w, i), day(2024, 6, 1+i), money.New(int64((w+1)*100+i), money.CNY))
				if _, err := appendOne(ctx, s, l.ID, e); err != nil {
					errs <- err
					return
				}
				if i == 0 {
					res, err := appendOne(ctx, s, l.ID, e)
					if err != nil {
						errs <- err
						return
					}
					if !res.Replayed {
						errs <- assert.AnError
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	got := mustGet(t, s, l.ID)
	require.Len(t, got.Journal, Writers*perWriter)
	// Expected total: Σ_w Σ_i ((w+1)·100 + i) fen
	//   = perWriter·100·(1+…+32) + Writers·(0+1+2)
	//   = 3·100·528 + 32·3 = 158,400 + 96 = 158,496 fen.
	total := money.Zero(money.CNY)
	seen := map[string]bool{}
	for i, e := range got.Journal {
		assert.Equal(t, int64(i+1), e.Seq, "seqs have no gaps")
		assert.False(t, seen[e.IdempotencyKey], "key %s stored twice", e.IdempotencyKey)
		seen[e.IdempotencyKey] = true
		total = total.Add(e.Amount)
	}
	assert.Equal(t, money.New(158_496, money.CNY), total)
	// One append per accepted entry after Create's version 1.
	assert.Equal(t, int64(1+Writers*perWriter), got.Version)
}

// testConcurrentManyLoans: 32 goroutines each append to their own loan and
// to a shared pool of 4 loans, all at once.
func testConcurrentManyLoans(t *testing.T, s storage.Store) {
	const perWriter = 4
	ctx := context.Background()
	own := make([]storage.Loan, Writers)
	shared := make([]storage.Loan, 4)
	for i := range own {
		own[i] = newLoan()
	}
	for i := range shared {
		shared[i] = newLoan()
	}
	mustCreate(t, s, append(append([]storage.Loan{}, own...), shared...)...)

	var wg sync.WaitGroup
	errs := make(chan error, Writers)
	for w := range Writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				targets := []uuid.UUID{own[w].ID, shared[(w+i)%len(shared)].ID}
				for _, id := range targets {
					e := repayment(key("w%d-%d", w, i), day(2024, 6, 1), money.New(1, money.CNY))
					if _, err := appendOne(ctx, s, id, e); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for _, l := range own {
		assert.Len(t, mustGet(t, s, l.ID).Journal, perWriter)
	}
	// Each writer put perWriter entries into the shared pool: 128 in all.
	n := 0
	for _, l := range shared {
		got := mustGet(t, s, l.ID)
		for i, e := range got.Journal {
			require.Equal(t, int64(i+1), e.Seq)
		}
		n += len(got.Journal)
	}
	assert.Equal(t, Writers*perWriter, n)
}
