package storagetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// Writers is the number of goroutines of the concurrency tests (issue 4);
// writer w writes through store w%2 of the pair.
const Writers = 32

// perWriter is the number of writes each writer makes to a shared record.
const perWriter = 3

// race runs fn for each writer at once, on its store, and fails the test
// with the errors they return.
func race(t *testing.T, ss [2]storage.Store, fn func(w int, s storage.Store) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, Writers)
	for w := range Writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(w, ss[w%2]); err != nil {
				errs <- fmt.Errorf("writer %d: %w", w, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

// retry runs op until it does not conflict: read again, decide again,
// write again, as every command does.
func retry(op func() error) error {
	for {
		if err := op(); !isConflict(err) {
			return err
		}
	}
}

// tokens is the document the read-modify-write tests share: the tokens of
// every write, so a lost write shows as a missing token.
type tokens struct {
	Tokens []string `json:"tokens"`
}

func withToken(doc json.RawMessage, tok string) json.RawMessage {
	var d tokens
	if len(doc) > 0 {
		_ = json.Unmarshal(doc, &d)
	}
	d.Tokens = append(d.Tokens, tok)
	out, _ := json.Marshal(d)
	return out
}

// assertTokens checks that doc holds each writer's perWriter tokens once.
func assertTokens(t *testing.T, doc json.RawMessage) {
	t.Helper()
	var d tokens
	require.NoError(t, json.Unmarshal(doc, &d))
	var want []string
	for w := range Writers {
		for i := range perWriter {
			want = append(want, key("w%d-%d", w, i))
		}
	}
	assert.ElementsMatch(t, want, d.Tokens)
}

// testConcurrentSameLoan: the writers append repayments to one loan, each
// reloading and retrying on ErrConflict, and each re-sending its first
// repayment after it succeeded (a retry after a lost response). Every
// accepted entry is stored exactly once, at seqs 1..n without gaps, and no
// cent is lost.
func testConcurrentSameLoan(t *testing.T, ss [2]storage.Store) {
	ctx := context.Background()
	l := newLoan()
	mustCreate(t, ss[0], l)
	race(t, ss, func(w int, s storage.Store) error {
		for i := range perWriter {
			// Writer w pays (w+1) yuan and i fen: distinct amounts, so a
			// lost or doubled entry shows in the total.
			e := repayment(key("w%d-%d", w, i), day(2024, 6, 1+i), cny(int64((w+1)*100+i)))
			if _, err := appendOne(ctx, s, l.ID, e); err != nil {
				return err
			}
			if i == 0 {
				res, err := appendOne(ctx, s, l.ID, e)
				if err != nil {
					return err
				}
				if !res.Replayed {
					return errors.New("a re-sent repayment was stored again")
				}
			}
		}
		return nil
	})
	for _, s := range ss {
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
		assert.Equal(t, cny(158_496), total)
		// One append per accepted entry after Create's version 1.
		assert.Equal(t, int64(1+Writers*perWriter), got.Version)
	}
}

// testConcurrentManyLoans: the writers each append to their own loan and
// to a shared pool of 4 loans, all at once.
func testConcurrentManyLoans(t *testing.T, ss [2]storage.Store) {
	const n = 4
	ctx := context.Background()
	own := make([]storage.Loan, Writers)
	shared := make([]storage.Loan, 4)
	for i := range own {
		own[i] = newLoan()
	}
	for i := range shared {
		shared[i] = newLoan()
	}
	mustCreate(t, ss[0], append(slices.Clone(own), shared...)...)
	race(t, ss, func(w int, s storage.Store) error {
		for i := range n {
			for _, id := range []uuid.UUID{own[w].ID, shared[(w+i)%len(shared)].ID} {
				e := repayment(key("w%d-%d", w, i), day(2024, 6, 1), cny(1))
				if _, err := appendOne(ctx, s, id, e); err != nil {
					return err
				}
			}
		}
		return nil
	})
	for _, l := range own {
		assert.Len(t, mustGet(t, ss[1], l.ID).Journal, n)
	}
	// Each writer put n entries into the shared pool: 128 in all.
	total := 0
	for _, l := range shared {
		got := mustGet(t, ss[1], l.ID)
		for i, e := range got.Journal {
			require.Equal(t, int64(i+1), e.Seq)
		}
		assert.Equal(t, int64(1+len(got.Journal)), got.Version)
		total += len(got.Journal)
	}
	assert.Equal(t, Writers*n, total)
}

// testConcurrentIndexFence: in each round every writer reads a shared
// loan's index AsOf, and all then try to move it to the next day in one
// batch with an index of their own loan: exactly one writer wins each
// round, and the losers' own loans are not written (two closes of one
// day cannot both write).
func testConcurrentIndexFence(t *testing.T, ss [2]storage.Store) {
	const rounds = 4
	ctx := context.Background()
	shared := newLoan()
	own := make([]storage.Loan, Writers)
	for i := range own {
		own[i] = newLoan()
	}
	mustCreate(t, ss[0], append(slices.Clone(own), shared)...)
	won := make([]int, Writers)
	for r := range rounds {
		asOf := day(2024, 4, 1+r)
		var wins atomic.Int32
		var read sync.WaitGroup
		read.Add(Writers)
		race(t, ss, func(w int, s storage.Store) error {
			l, err := s.Loans().Get(ctx, shared.ID)
			read.Done()
			read.Wait()
			if err != nil {
				return err
			}
			o, err := s.Loans().Get(ctx, own[w].ID)
			if err != nil {
				return err
			}
			err = s.Loans().UpdateIndex(ctx,
				storage.IndexUpdate{LoanID: own[w].ID, PrevAsOf: o.Index.AsOf, Index: storage.LoanIndex{AsOf: asOf, DaysPastDue: r + 1}},
				storage.IndexUpdate{LoanID: shared.ID, PrevAsOf: l.Index.AsOf, Index: storage.LoanIndex{AsOf: asOf, DaysPastDue: w}})
			switch {
			case err == nil:
				wins.Add(1)
				won[w]++
			case !isConflict(err):
				return err
			}
			return nil
		})
		assert.Equal(t, int32(1), wins.Load(), "round %d", r)
		assert.Equal(t, asOf, mustGet(t, ss[1], shared.ID).Index.AsOf)
	}
	for w, l := range own {
		got := mustGet(t, ss[w%2], l.ID)
		if won[w] == 0 {
			assert.Equal(t, storage.LoanIndex{}, got.Index, "writer %d never won", w)
		} else {
			assert.NotZero(t, got.Index.DaysPastDue, "writer %d won", w)
		}
	}
}

// testConcurrentApplications: the writers update one application at the
// version each read, retrying on conflict: no update is lost and the
// version counts them all.
func testConcurrentApplications(t *testing.T, ss [2]storage.Store) {
	ctx := context.Background()
	a := newApplication(uuid.New())
	a.Document = json.RawMessage(`{"tokens":[]}`)
	require.NoError(t, ss[0].Applications().Create(ctx, a))
	race(t, ss, func(w int, s storage.Store) error {
		for i := range perWriter {
			err := retry(func() error {
				got, err := s.Applications().Get(ctx, a.ID)
				if err != nil {
					return err
				}
				got.Document = withToken(got.Document, key("w%d-%d", w, i))
				_, err = s.Applications().Update(ctx, got)
				return err
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	got, err := ss[1].Applications().Get(ctx, a.ID)
	require.NoError(t, err)
	assertTokens(t, got.Document)
	assert.Equal(t, int64(1+Writers*perWriter), got.Version)
}

// testConcurrentBooks: the writers append operations to one book at the
// version each read, retrying on conflict, and re-send their first
// operation (a replay): every operation is stored once at seqs 1..n and
// the version counts the appends.
func testConcurrentBooks(t *testing.T, ss [2]storage.Store) {
	ctx := context.Background()
	b := newBook()
	require.NoError(t, ss[0].Books().Create(ctx, b))
	race(t, ss, func(w int, s storage.Store) error {
		for i := range perWriter {
			op := bookOp(key("w%d-%d", w, i), w)
			send := func() (bool, error) {
				var replayed bool
				err := retry(func() error {
					cur, err := s.Books().Get(ctx, b.LoanID)
					if err != nil {
						return err
					}
					_, replayed, err = s.Books().Append(ctx, storage.BookAppend{LoanID: b.LoanID, ExpectedVersion: cur.Version,
						Ops: []storage.BookOp{op}, Holders: []uuid.UUID{uuid.New()}})
					return err
				})
				return replayed, err
			}
			if _, err := send(); err != nil {
				return err
			}
			if i == 0 {
				replayed, err := send()
				if err != nil {
					return err
				}
				if !replayed {
					return errors.New("a re-sent operation was stored again")
				}
			}
		}
		return nil
	})
	got, err := ss[1].Books().Get(ctx, b.LoanID)
	require.NoError(t, err)
	require.Len(t, got.Ops, Writers*perWriter)
	seen := map[string]bool{}
	for i, o := range got.Ops {
		assert.Equal(t, int64(i+1), o.Seq)
		assert.False(t, seen[o.Key], "key %s twice", o.Key)
		seen[o.Key] = true
	}
	assert.Equal(t, int64(1+Writers*perWriter), got.Version)
	assert.Len(t, got.Holders, 1, "the last append's holders")
}

// testConcurrentCollections: the writers create (at version 0) and then
// update one collection record, each at the version it read, retrying on
// conflict: one creates it, none is lost, the version counts every save.
func testConcurrentCollections(t *testing.T, ss [2]storage.Store) {
	ctx := context.Background()
	loan := uuid.New()
	race(t, ss, func(w int, s storage.Store) error {
		for i := range perWriter {
			err := retry(func() error {
				c, err := s.Collections().Get(ctx, loan)
				switch {
				case errors.Is(err, storage.ErrNotFound):
					c = storage.Collection{LoanID: loan}
				case err != nil:
					return err
				}
				c.Document = withToken(c.Document, key("w%d-%d", w, i))
				c.NextDeadline = day(2024, 3, 1+w%28)
				_, err = s.Collections().Save(ctx, c)
				return err
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	got, err := ss[1].Collections().Get(ctx, loan)
	require.NoError(t, err)
	assertTokens(t, got.Document)
	assert.Equal(t, int64(Writers*perWriter), got.Version)
}

// testConcurrentDebtors: the writers save contacts and the contact state
// of one debtor never saved before, each at the version it read, retrying
// on conflict: every contact is stored once at seqs 1..n, the state holds
// every token, the version counts every save.
func testConcurrentDebtors(t *testing.T, ss [2]storage.Store) {
	ctx := context.Background()
	id, loan := uuid.New(), uuid.New()
	at := time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC)
	race(t, ss, func(w int, s storage.Store) error {
		for i := range perWriter {
			tok := key("w%d-%d", w, i)
			err := retry(func() error {
				d, err := s.Debtors().Get(ctx, id, at)
				switch {
				case errors.Is(err, storage.ErrNotFound):
				case err != nil:
					return err
				}
				_, replayed, err := s.Debtors().Save(ctx, storage.DebtorSave{ID: id, ExpectedVersion: d.Version,
					State: withToken(d.State, tok), Contacts: []storage.Contact{contact(tok, loan, at.Add(time.Duration(w)*time.Minute))}})
				if err == nil && replayed {
					return errors.New("a new contact was taken for a replay")
				}
				return err
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	got, err := ss[1].Debtors().Get(ctx, id, time.Time{})
	require.NoError(t, err)
	assertTokens(t, got.State)
	require.Len(t, got.Contacts, Writers*perWriter)
	for i, c := range got.Contacts {
		assert.Equal(t, int64(i+1), c.Seq)
	}
	assert.Equal(t, int64(Writers*perWriter), got.Version)
}

// testConcurrentReserveCredits: half the writers pay into the reserve and
// never conflict, whatever version they state; the other half pay out of
// it at the version they read, retrying on conflict. Nothing is lost: the
// totals are exact and the version counts the payouts.
func testConcurrentReserveCredits(t *testing.T, ss [2]storage.Store) {
	ctx := context.Background()
	seed := movement("seed", "contribution", uuid.New(), 1, 1_000_000_00)
	_, err := ss[0].Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{seed}})
	require.NoError(t, err)
	race(t, ss, func(w int, s storage.Store) error {
		for i := range perWriter {
			k := key("w%d-%d", w, i)
			if w%4 < 2 { // writers 0, 1, 4, 5, …: credits, on both stores
				n, err := s.Reserve().Add(ctx, storage.ReserveAdd{ExpectedVersion: 999,
					Movements: []storage.Movement{movement(k, "contribution", uuid.New(), 2, int64(100+w))}})
				if err != nil {
					return fmt.Errorf("a credit failed: %w", err)
				}
				if n != 1 {
					return errors.New("a credit was not added")
				}
				continue
			}
			err := retry(func() error {
				tot, err := s.Reserve().Totals(ctx)
				if err != nil {
					return err
				}
				_, err = s.Reserve().Add(ctx, storage.ReserveAdd{ExpectedVersion: tot.Version,
					Movements: []storage.Movement{movement(k, "payout", uuid.New(), 2, -int64(10+w))}})
				return err
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	// Credits: writers w%4 ∈ {0,1} pay 100+w fen three times; payouts:
	// writers w%4 ∈ {2,3} take 10+w fen three times.
	var in, out int64
	payouts := int64(0)
	for w := range Writers {
		if w%4 < 2 {
			in += perWriter * int64(100+w)
		} else {
			out += perWriter * int64(10+w)
			payouts += perWriter
		}
	}
	tot := totals(t, ss[1])
	assert.Equal(t, cny(1_000_000_00+in-out), tot.Balance)
	assert.Equal(t, cny(1_000_000_00+in), tot.Contributions)
	assert.Equal(t, cny(out), tot.Payouts)
	assert.Equal(t, int64(1+Writers*perWriter), tot.Movements)
	assert.Equal(t, payouts, tot.Version, "one version per payout")
}

// testConcurrentPayouts: the reserve holds ten payouts' worth; every
// writer pays out at the version it read while the balance allows,
// retrying on conflict. Exactly ten succeed, and the balance is never
// below zero at any point of the movements' history.
func testConcurrentPayouts(t *testing.T, ss [2]storage.Store) {
	const unit, units = 100_00, 10
	ctx := context.Background()
	_, err := ss[0].Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{
		movement("seed", "contribution", uuid.New(), 1, unit*units)}})
	require.NoError(t, err)
	var paid atomic.Int32
	var read sync.WaitGroup
	read.Add(Writers)
	race(t, ss, func(w int, s storage.Store) error {
		for attempt := 0; ; attempt++ {
			tot, err := s.Reserve().Totals(ctx)
			if attempt == 0 { // every writer reads the first balance before any pays out
				read.Done()
				read.Wait()
			}
			if err != nil {
				return err
			}
			if tot.Balance.IsNegative() {
				return fmt.Errorf("the balance is %s", tot.Balance)
			}
			if tot.Balance.Less(cny(unit)) {
				return nil
			}
			_, err = s.Reserve().Add(ctx, storage.ReserveAdd{ExpectedVersion: tot.Version,
				Movements: []storage.Movement{movement(key("w%d-%d", w, attempt), "payout", uuid.New(), 2, -unit)}})
			switch {
			case err == nil:
				paid.Add(1)
			case !isConflict(err):
				return err
			}
		}
	})
	assert.Equal(t, int32(units), paid.Load())
	tot := totals(t, ss[1])
	assert.True(t, tot.Balance.IsZero(), "balance %s", tot.Balance)
	assert.Equal(t, int64(units), tot.Version)
	assert.Equal(t, int64(1+units), tot.Movements)
	balance := cny(0)
	for m, err := range ss[0].Reserve().Scan(ctx, storage.MovementFilter{}) {
		require.NoError(t, err)
		balance = balance.Add(m.Amount)
		assert.False(t, balance.IsNegative(), "after movement %d", m.Seq)
	}
}

// testConcurrentInspections: the writers record inspections of one loan
// (new ones never conflict) and sign off a shared one at the version they
// read, retrying on conflict: every inspection is kept, no sign-off is
// lost.
func testConcurrentInspections(t *testing.T, ss [2]storage.Store) {
	ctx := context.Background()
	loan := uuid.New()
	shared := newInspection(loan, 1)
	shared.Document = json.RawMessage(`{"tokens":[]}`)
	_, err := ss[0].Inspections().Save(ctx, shared)
	require.NoError(t, err)
	race(t, ss, func(w int, s storage.Store) error {
		for i := range perWriter {
			if _, err := s.Inspections().Save(ctx, newInspection(loan, 2+w%20)); err != nil {
				return err
			}
			err := retry(func() error {
				x, err := s.Inspections().Get(ctx, shared.ID)
				if err != nil {
					return err
				}
				x.Status, x.Document = "signed-off", withToken(x.Document, key("w%d-%d", w, i))
				_, err = s.Inspections().Save(ctx, x)
				return err
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	got, err := ss[1].Inspections().Get(ctx, shared.ID)
	require.NoError(t, err)
	assertTokens(t, got.Document)
	assert.Equal(t, int64(1+Writers*perWriter), got.Version)
	n := 0
	for _, err := range ss[1].Inspections().Scan(ctx, storage.InspectionFilter{LoanID: loan}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 1+Writers*perWriter, n)
}

// testConcurrentCollateral: the writers change one item, one cover and one
// guarantor, each at the version read, retrying on conflict: none of the
// changes is lost and each version counts them.
func testConcurrentCollateral(t *testing.T, ss [2]storage.Store) {
	ctx := context.Background()
	c := ss[0].Collateral()
	it, err := c.SaveItem(ctx, storage.Item{ID: uuid.New(), Status: "pledged", Document: json.RawMessage(`{"tokens":[]}`)})
	require.NoError(t, err)
	g, err := c.SaveGuarantor(ctx, storage.Guarantor{ID: uuid.New(), Document: json.RawMessage(`{"tokens":[]}`)})
	require.NoError(t, err)
	loan := uuid.New() // its cover does not exist yet: the writers race to create it
	race(t, ss, func(w int, s storage.Store) error {
		c := s.Collateral()
		for i := range perWriter {
			tok := key("w%d-%d", w, i)
			err := retry(func() error {
				x, err := c.Item(ctx, it.ID)
				if err != nil {
					return err
				}
				x.Document, x.Loans = withToken(x.Document, tok), []uuid.UUID{uuid.New()}
				_, err = c.SaveItem(ctx, x)
				return err
			})
			if err == nil {
				err = retry(func() error {
					x, err := c.Cover(ctx, loan)
					switch {
					case errors.Is(err, storage.ErrNotFound):
						x = storage.Cover{LoanID: loan}
					case err != nil:
						return err
					}
					x.Document, x.Call = withToken(x.Document, tok), "open"
					_, err = c.SaveCover(ctx, x)
					return err
				})
			}
			if err == nil {
				err = retry(func() error {
					x, err := c.Guarantor(ctx, g.ID)
					if err != nil {
						return err
					}
					x.Document = withToken(x.Document, tok)
					_, err = c.SaveGuarantor(ctx, x)
					return err
				})
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	c = ss[1].Collateral()
	gotItem, err := c.Item(ctx, it.ID)
	require.NoError(t, err)
	assertTokens(t, gotItem.Document)
	assert.Equal(t, int64(1+Writers*perWriter), gotItem.Version)
	gotCover, err := c.Cover(ctx, loan)
	require.NoError(t, err)
	assertTokens(t, gotCover.Document)
	assert.Equal(t, int64(Writers*perWriter), gotCover.Version)
	gotG, err := c.Guarantor(ctx, g.ID)
	require.NoError(t, err)
	assertTokens(t, gotG.Document)
	assert.Equal(t, int64(1+Writers*perWriter), gotG.Version)
}

// testConcurrentCloseClaims: in each round every writer reads one
// partition, and all then try to claim it at the version read: exactly
// one claimant wins each version.
func testConcurrentCloseClaims(t *testing.T, ss [2]storage.Store) {
	const rounds = 5
	ctx := context.Background()
	d := day(2024, 3, 5)
	_, err := ss[0].Closes().Plan(ctx, d, 1)
	require.NoError(t, err)
	for r := range rounds {
		var wins atomic.Int32
		var winner atomic.Value
		var read sync.WaitGroup
		read.Add(Writers)
		race(t, ss, func(w int, s storage.Store) error {
			ps, err := s.Closes().Plan(ctx, d, 1)
			read.Done()
			read.Wait()
			if err != nil {
				return err
			}
			p := ps[0]
			p.Owner, p.LeaseUntil = key("replica-%d", w), time.Date(2024, 3, 5, 18, r, 0, 0, time.UTC)
			_, err = s.Closes().Save(ctx, p)
			switch {
			case err == nil:
				wins.Add(1)
				winner.Store(p.Owner)
			case !isConflict(err):
				return err
			}
			return nil
		})
		require.Equal(t, int32(1), wins.Load(), "round %d", r)
		ps, err := ss[1].Closes().Plan(ctx, d, 1)
		require.NoError(t, err)
		assert.Equal(t, int64(r+2), ps[0].Version)
		assert.Equal(t, winner.Load(), ps[0].Owner)
	}
}

// testConcurrentClosePlan: the writers plan one day at once, each with
// another number of partitions: all get the same plan, the first one's;
// then they all try to finish the day: exactly one does.
func testConcurrentClosePlan(t *testing.T, ss [2]storage.Store) {
	ctx := context.Background()
	d := day(2024, 3, 5)
	lens := make([]int, Writers)
	race(t, ss, func(w int, s storage.Store) error {
		return retry(func() error { // a database may abort one of two first plans: plan again
			ps, err := s.Closes().Plan(ctx, d, 1+w%7)
			lens[w] = len(ps)
			return err
		})
	})
	for w := range lens {
		assert.Equal(t, lens[0], lens[w], "writer %d", w)
	}
	var finished atomic.Int32
	race(t, ss, func(w int, s storage.Store) error {
		err := s.Closes().Finish(ctx, d)
		switch {
		case err == nil:
			finished.Add(1)
		case !isConflict(err):
			return err
		}
		return nil
	})
	assert.Equal(t, int32(1), finished.Load())
	last, err := ss[1].Closes().Last(ctx)
	require.NoError(t, err)
	assert.Equal(t, d, last)
}

// testConcurrentOutbox: the writers add messages under keys they share
// (the same content: a re-run day) and keys of their own, and mark them
// delivered: each key is stored once, the adds count each new message
// once, Seqs are unique.
func testConcurrentOutbox(t *testing.T, ss [2]storage.Store) {
	const sharedKeys = 20
	ctx := context.Background()
	var added atomic.Int32
	race(t, ss, func(w int, s storage.Store) error {
		for i := range sharedKeys {
			msgs := []storage.Message{
				{Key: key("shared/%d", i), Topic: "reminder", Day: day(2024, 3, 5), Payload: doc("%d", i)},
				{Key: key("own/%d/%d", w, i), Topic: "posting", Day: day(2024, 3, 5), Payload: doc("%d", w)},
			}
			var n int
			err := retry(func() (err error) { // a database may abort one of two adds of one key: add again
				n, err = s.Outbox().Add(ctx, msgs...)
				return err
			})
			if err != nil {
				return err
			}
			added.Add(int32(n))
			if i%2 == 0 {
				if err := s.Outbox().MarkDelivered(ctx, msgs[1].Key); err != nil {
					return err
				}
			}
		}
		return nil
	})
	want := sharedKeys + Writers*sharedKeys
	assert.Equal(t, int32(want), added.Load())
	keys, seqs := map[string]bool{}, map[int64]bool{}
	delivered := 0
	for m, err := range ss[1].Outbox().Scan(ctx, storage.MessageFilter{BatchSize: 100}) {
		require.NoError(t, err)
		assert.False(t, keys[m.Key], "key %s twice", m.Key)
		assert.False(t, seqs[m.Seq], "seq %d twice", m.Seq)
		keys[m.Key], seqs[m.Seq] = true, true
		if m.Delivered {
			delivered++
		}
	}
	assert.Len(t, keys, want)
	assert.Equal(t, Writers*sharedKeys/2, delivered)
}

// testConcurrentTx: the writers run units of work that append to a shared
// loan, save a shared collection record, pay into the reserve and add an
// outbox message, retrying the whole unit on conflict: every unit is
// there entirely, none twice.
func testConcurrentTx(t *testing.T, ss [2]storage.Store) {
	ctx := context.Background()
	l := newLoan()
	mustCreate(t, ss[0], l)
	race(t, ss, func(w int, s storage.Store) error {
		for i := range perWriter {
			tok := key("w%d-%d", w, i)
			err := retry(func() error {
				return s.WithTx(ctx, func(tx storage.Tx) error {
					cur, err := tx.Loans().Get(ctx, l.ID)
					if err != nil {
						return err
					}
					if _, err := tx.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: cur.Version,
						Entries: []storage.Entry{repayment(tok, day(2024, 6, 1), cny(1))}}); err != nil {
						return err
					}
					c, err := tx.Collections().Get(ctx, l.ID)
					switch {
					case errors.Is(err, storage.ErrNotFound):
						c = storage.Collection{LoanID: l.ID}
					case err != nil:
						return err
					}
					c.Document = withToken(c.Document, tok)
					if _, err := tx.Collections().Save(ctx, c); err != nil {
						return err
					}
					if _, err := tx.Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{
						movement(tok, "contribution", l.ID, 1, 1)}}); err != nil {
						return err
					}
					_, err = tx.Outbox().Add(ctx, storage.Message{Key: tok, Topic: "receipt", LoanID: l.ID, Day: day(2024, 6, 1), Payload: doc("1")})
					return err
				})
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	got := mustGet(t, ss[1], l.ID)
	assert.Len(t, got.Journal, Writers*perWriter)
	c, err := ss[1].Collections().Get(ctx, l.ID)
	require.NoError(t, err)
	assertTokens(t, c.Document)
	tot := totals(t, ss[1])
	assert.Equal(t, int64(Writers*perWriter), tot.Movements)
	assert.Equal(t, cny(Writers*perWriter), tot.Balance)
	n := 0
	for _, err := range ss[1].Outbox().Scan(ctx, storage.MessageFilter{LoanID: l.ID}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, Writers*perWriter, n)
}
