package lendcore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/storage"
)

// These tests kill a replica in the middle of a daily close — between two
// partitions, inside one, without a chance to let go of its claim — and
// restart PostgreSQL under a close: the survivors finish the day, and the
// result is the one an uninterrupted single Engine gives.

// dying is a store whose writes start failing once die is set: a replica
// whose process is gone, or whose network is, mid-close. Reads keep
// working, as they would from the surviving replicas' side.
type dying struct {
	storage.Store
	dead  atomic.Bool
	after atomic.Int32 // units of work still allowed before it dies on its own; 0 = no countdown
}

var errDead = errors.New("test: the replica died")

func (s *dying) WithTx(ctx context.Context, fn func(storage.Tx) error) error {
	if s.dead.Load() {
		return errDead
	}
	err := s.Store.WithTx(ctx, fn)
	if err == nil && s.after.Load() > 0 && s.after.Add(-1) == 0 {
		s.dead.Store(true)
	}
	return err
}

func (s *dying) Closes() storage.Closes { return dyingCloses{s.Store.Closes(), s} }

type dyingCloses struct {
	storage.Closes
	s *dying
}

func (c dyingCloses) Save(ctx context.Context, p storage.ClosePart) (storage.ClosePart, error) {
	if c.s.dead.Load() {
		return storage.ClosePart{}, errDead
	}
	return c.Closes.Save(ctx, p)
}

// takeoverFixture opens 24 loans through e and closes up to 2024-03-18.
func takeoverFixture(t *testing.T, e *lendcore.Engine) {
	t.Helper()
	fixture(t, e, 24)
	closeDays(t, e, d(2024, 1, 16), d(2024, 3, 18))
}

// reference is what a single Engine with no interruption leaves after the
// close of 2024-03-20.
func reference(t *testing.T) map[string]string {
	t.Helper()
	e := newEngine(t)
	takeoverFixture(t, e)
	closeDays(t, e, d(2024, 3, 19), d(2024, 3, 20))
	return snapshot(t, e.Store())
}

func replicaOn(t *testing.T, s storage.Store, name string, opts ...lendcore.Option) *lendcore.Engine {
	t.Helper()
	e, err := lendcore.New(s, append([]lendcore.Option{lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock),
		lendcore.WithReplicaID(name), lendcore.WithPartitions(6), lendcore.WithBatchSize(2), lendcore.WithWorkers(1)}, opts...)...)
	require.NoError(t, err)
	return e
}

// TestReplicaCancelledMidClose: a replica's close is cancelled after its
// first batch (inside a partition) or after its first partition (between
// two); it lets go of what it held, and the other replica finishes the
// day.
func TestReplicaCancelledMidClose(t *testing.T) {
	want := reference(t)
	for _, c := range []struct {
		name  string
		after int32 // units of work before the cancel: one batch, or one partition's batches
	}{{"within a partition", 1}, {"between partitions", 3}} {
		for _, db := range databases(t) {
			t.Run(c.name+"/"+db.name, func(t *testing.T) {
				ctx := context.Background()
				stores := db.stores(t, 2)
				a := replicaOn(t, stores[0], "a")
				takeoverFixture(t, a)
				closeDays(t, a, d(2024, 3, 19), d(2024, 3, 19))

				killCtx, cancel := context.WithCancel(ctx)
				cs := &cancelAfter{Store: stores[0], cancel: cancel}
				cs.n = cs.done.Load() + c.after
				dyingA := replicaOn(t, cs, "a")
				_, err := dyingA.CloseOfDay(killCtx, d(2024, 3, 20))
				require.ErrorIs(t, err, context.Canceled)
				last, _, err := a.LastClosed(ctx)
				require.NoError(t, err)
				require.Equal(t, d(2024, 3, 19), last, "the day is not closed yet")

				b := replicaOn(t, stores[1], "b")
				reports, err := b.CloseOfDay(ctx, d(2024, 3, 20))
				require.NoError(t, err)
				require.Len(t, reports, 1)
				assert.Equal(t, 24, reports[0].Loans+reports[0].AlreadyClosed, "every loan closed once, by one replica or the other")
				assert.Equal(t, want, snapshot(t, stores[1]))
			})
		}
	}
}

// TestDeadReplicaLeaseRunsOut: a replica dies holding a partition (its
// writes fail from the middle of the partition on, so it cannot let go);
// the other replica waits for the lease to run out, takes the partition
// over and finishes the day.
func TestDeadReplicaLeaseRunsOut(t *testing.T) {
	want := reference(t)
	for _, db := range databases(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			stores := db.stores(t, 2)
			setup := replicaOn(t, stores[0], "setup")
			takeoverFixture(t, setup)
			closeDays(t, setup, d(2024, 3, 19), d(2024, 3, 19))

			const lease = 300 * time.Millisecond
			ds := &dying{Store: stores[0]}
			ds.after.Store(1) // one batch of 2024-03-20, then it is gone
			a := replicaOn(t, ds, "a", lendcore.WithLease(lease))
			_, err := a.CloseOfDay(ctx, d(2024, 3, 20))
			require.ErrorIs(t, err, errDead)
			parts, err := stores[1].Closes().Plan(ctx, d(2024, 3, 20), 6)
			require.NoError(t, err)
			held := 0
			for _, p := range parts {
				if p.Owner == "a" && !p.Done {
					held++
				}
			}
			require.Equal(t, 1, held, "the dead replica still holds the partition it was in")

			b := replicaOn(t, stores[1], "b", lendcore.WithLease(lease))
			began := time.Now()
			reports, err := b.CloseOfDay(ctx, d(2024, 3, 20))
			require.NoError(t, err)
			require.Len(t, reports, 1)
			assert.GreaterOrEqual(t, time.Since(began), lease/2, "b waited for a's lease")
			assert.Equal(t, want, snapshot(t, stores[1]))
		})
	}
}

// TestPostgresRestartMidClose restarts the PostgreSQL server while two
// replicas close a day: both fail or finish, and a close run again
// afterwards finishes the day with the uninterrupted result. It needs the
// server's data directory and binaries, which .ci/postgres.sh exports.
func TestPostgresRestartMidClose(t *testing.T) {
	dir, bin, user := os.Getenv("PG_CI_DIR"), os.Getenv("PG_CI_BIN"), os.Getenv("PG_CI_USER")
	if os.Getenv(postgresDSNEnv) == "" || dir == "" || bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("PG_CI_DIR and PG_CI_BIN are not set: .ci/run must start PostgreSQL with .ci/postgres.sh")
		}
		t.Skip("needs the PostgreSQL that .ci/postgres.sh starts (PG_CI_DIR, PG_CI_BIN)")
	}
	want := reference(t)
	ctx := context.Background()
	stores := postgresStores(t, 2)
	a := replicaOn(t, stores[0], "a", lendcore.WithLease(2*time.Second))
	b := replicaOn(t, stores[1], "b", lendcore.WithLease(2*time.Second))
	takeoverFixture(t, a)
	closeDays(t, a, d(2024, 3, 19), d(2024, 3, 19))

	var wg sync.WaitGroup
	for _, e := range []*lendcore.Engine{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = e.CloseOfDay(ctx, d(2024, 3, 20)) // may fail: the server goes away under it
		}()
	}
	time.Sleep(20 * time.Millisecond)
	restart := exec.Command(bin+"/pg_ctl", "-D", dir+"/data", "-m", "fast", "-w", "restart", "-l", dir+"/server.log")
	if user != "" && user != os.Getenv("USER") && os.Geteuid() == 0 {
		restart = exec.Command("runuser", append([]string{"-u", user, "--"}, restart.Args...)...)
	}
	out, err := restart.CombinedOutput()
	require.NoError(t, err, "pg_ctl restart: %s", out)
	wg.Wait()

	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := b.CloseOfDay(ctx, d(2024, 3, 20))
		if err == nil {
			break
		}
		require.True(t, time.Now().Before(deadline), "the close never finished after the restart: %v", err)
		time.Sleep(200 * time.Millisecond) // the server is still coming up
	}
	last, _, err := b.LastClosed(ctx)
	require.NoError(t, err)
	assert.Equal(t, d(2024, 3, 20), last)
	assert.Equal(t, want, snapshot(t, stores[1]), "the restart changed nothing in the result")
}

var _ = fmt.Sprint
var _ = date.Date{}
