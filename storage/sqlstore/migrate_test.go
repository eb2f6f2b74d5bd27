package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/sqlstore"
)

// migrations is the number of migrations embedded in this release.
var migrations = sqlstore.Migrations()

// TestMigrateTwice: a second Migrate is a no-op, and two stores migrating
// one database at once (two replicas starting together) apply each
// migration once.
func TestMigrateTwice(t *testing.T) {
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			open := db.new(t)
			a, b := open(t), open(t)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, s := range []*sqlstore.Store{a, b} {
				wg.Go(func() { errs[i] = s.Migrate(context.Background()) })
			}
			wg.Wait()
			require.NoError(t, errs[0])
			require.NoError(t, errs[1])
			require.NoError(t, a.Migrate(context.Background()))
			var n int
			require.NoError(t, a.DB().QueryRow("SELECT COUNT(*) FROM lendcore_schema").Scan(&n))
			assert.Equal(t, migrations, n, "each migration recorded once")
			assert.NoError(t, a.Analyze(context.Background()))
		})
	}
}

// TestMigrateFrom0002: a database left at schema 0002 by the previous
// release, with a loan and (unless it never closed a day) the close's last
// day in lendcore_checkpoints, migrates to this release: the last day
// becomes Closes.Last, the loan reads back with the new columns empty, and
// the checkpoints table is gone.
func TestMigrateFrom0002(t *testing.T) {
	for _, db := range databases {
		for _, last := range []date.Date{date.New(2024, time.March, 31), {}} {
			name := "never closed"
			if !last.IsZero() {
				name = "last " + last.String()
			}
			t.Run(db.name+"/"+name, func(t *testing.T) {
				ctx := context.Background()
				s := db.new(t)(t)
				require.NoError(t, s.MigrateTo(ctx, 2))
				id := uuid.New()
				_, err := s.DB().Exec(q(s, "INSERT INTO lendcore_loans (id, version, last_seq, status, currency, document, "+
					"next_due, days_past_due, classification, as_of, state) VALUES ($1, 1, 0, 'active', 'CNY', '{}', $2, 3, 'normal', $3, '{\"s\":1}')"),
					id.String(), "2024-04-15", "2024-03-31")
				require.NoError(t, err)
				_, err = s.DB().Exec(q(s, "INSERT INTO lendcore_checkpoints (scope, ckey, day, payload) VALUES ('close-batch', '7', $1, '{}')"),
					"2024-03-30")
				require.NoError(t, err)
				if !last.IsZero() {
					_, err = s.DB().Exec(q(s, "INSERT INTO lendcore_checkpoints (scope, ckey, day) VALUES ('close', 'last-day', $1)"), last.String())
					require.NoError(t, err)
				}

				require.NoError(t, s.Migrate(ctx))
				got, err := s.Closes().Last(ctx)
				require.NoError(t, err)
				assert.Equal(t, last, got, "the last closed day survives")
				l, err := s.Loans().Get(ctx, id)
				require.NoError(t, err)
				assert.Equal(t, storage.Loan{ID: id, Version: 1, Status: "active", Currency: money.CNY, Document: json.RawMessage(`{}`),
					Index: storage.LoanIndex{NextDue: date.New(2024, time.April, 15), DaysPastDue: 3, Classification: "normal",
						AsOf: date.New(2024, time.March, 31), State: json.RawMessage(`{"s":1}`)}}, l)
				_, err = s.DB().Exec("SELECT COUNT(*) FROM lendcore_checkpoints")
				assert.Error(t, err, "lendcore_checkpoints is dropped")
				next := date.New(2024, time.April, 1)
				require.NoError(t, s.Closes().Finish(ctx, next), "the close goes on from the day it had reached")
				assert.ErrorIs(t, s.Closes().Finish(ctx, next.Add(2)), storage.ErrConflict)
			})
		}
	}
}

// q rewrites a query's $N placeholders for s's dialect.
func q(s *sqlstore.Store, query string) string {
	if s.Dialect() == sqlstore.SQLite {
		return sqliteQuery(query)
	}
	return query
}

func sqliteQuery(query string) string {
	b := []byte(query)
	for i := range b {
		if b[i] == '$' {
			b[i] = '?'
		}
	}
	return string(b)
}

// notMigrated lists a call on every repository, each of which needs a
// table or column of the current schema.
var notMigrated = []struct {
	name  string
	older bool // fails on a database at schema 0002 too (not only on an empty one)
	call  func(ctx context.Context, s storage.Store) error
}{
	{"Loans.Create", true, func(ctx context.Context, s storage.Store) error {
		return s.Loans().Create(ctx, storage.Loan{ID: uuid.New(), Status: "active", Currency: money.CNY, Document: json.RawMessage(`{}`)})
	}},
	{"Loans.Get", true, func(ctx context.Context, s storage.Store) error { _, err := s.Loans().Get(ctx, uuid.New()); return err }},
	{"Loans.Scan", true, func(ctx context.Context, s storage.Store) error {
		return first(s.Loans().Scan(ctx, storage.LoanFilter{}))
	}},
	{"Loans.UpdateIndex", true, func(ctx context.Context, s storage.Store) error {
		return s.Loans().UpdateIndex(ctx, storage.IndexUpdate{LoanID: uuid.New()})
	}},
	{"Applications.Get", false, func(ctx context.Context, s storage.Store) error {
		_, err := s.Applications().Get(ctx, uuid.New())
		return err
	}},
	{"Books.Get", true, func(ctx context.Context, s storage.Store) error { _, err := s.Books().Get(ctx, uuid.New()); return err }},
	{"Collections.Scan", true, func(ctx context.Context, s storage.Store) error {
		return first(s.Collections().Scan(ctx, storage.CollectionFilter{}))
	}},
	{"Debtors.Get", true, func(ctx context.Context, s storage.Store) error {
		_, err := s.Debtors().Get(ctx, uuid.New(), time.Time{})
		return err
	}},
	{"Reserve.Totals", true, func(ctx context.Context, s storage.Store) error { _, err := s.Reserve().Totals(ctx); return err }},
	{"Inspections.Last", true, func(ctx context.Context, s storage.Store) error {
		_, err := s.Inspections().Last(ctx, uuid.New())
		return err
	}},
	{"Collateral.Item", true, func(ctx context.Context, s storage.Store) error {
		_, err := s.Collateral().Item(ctx, uuid.New())
		return err
	}},
	{"Closes.Last", true, func(ctx context.Context, s storage.Store) error { _, err := s.Closes().Last(ctx); return err }},
	{"Outbox.Pending", false, func(ctx context.Context, s storage.Store) error { _, err := s.Outbox().Pending(ctx, 1); return err }},
	{"WithTx", true, func(ctx context.Context, s storage.Store) error {
		return s.WithTx(ctx, func(tx storage.Tx) error { _, err := tx.Closes().Last(ctx); return err })
	}},
}

func first[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		return err
	}
	return nil
}

// TestNotMigrated: a store used before Migrate, or on a database an older
// release migrated, says to run Migrate (issue 22) rather than returning
// the driver's "no such table".
func TestNotMigrated(t *testing.T) {
	for _, db := range databases {
		for _, at := range []int{0, 2} {
			t.Run(fmt.Sprintf("%s/schema %d", db.name, at), func(t *testing.T) {
				ctx := context.Background()
				s := db.new(t)(t)
				if at > 0 {
					require.NoError(t, s.MigrateTo(ctx, at))
				}
				for _, c := range notMigrated {
					if at > 0 && !c.older {
						continue
					}
					err := c.call(ctx, s)
					assert.ErrorIs(t, err, storage.ErrNotMigrated, "%s: %v", c.name, err)
					assert.ErrorContains(t, err, "run Migrate", c.name)
				}
				require.NoError(t, s.Migrate(ctx))
				for _, c := range notMigrated {
					assert.NotErrorIs(t, c.call(ctx, s), storage.ErrNotMigrated, "%s after Migrate", c.name)
				}
			})
		}
	}
}

// TestMigrateAccountBalances: an account posted to before the running
// balance (schema 0009) reads the same totals after the migration — its
// entries start unfolded — and its next take, finding 64 or more
// unfolded, folds them into its row.
func TestMigrateAccountBalances(t *testing.T) {
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			s := db.new(t)(t)
			require.NoError(t, s.MigrateTo(ctx, 8))
			cur := money.CNY
			d := date.New(2024, time.March, 1)
			id := uuid.New()
			require.NoError(t, s.Accounts().Open(ctx, storage.Account{ID: id, Role: "investor", Currency: cur, Opened: d}))
			entry := func(k, kind string, amount, frozen int64) storage.AccountEntry {
				return storage.AccountEntry{Key: k, AccountID: id, Kind: kind, Day: d, Amount: money.New(amount, cur), Frozen: money.New(frozen, cur)}
			}
			// Schema 8 sums the entries: 100.00 in (in 64 deposits, 63 of
			// 1.00 and one of 37.00), 30.00 frozen.
			_, err := s.DB().Exec(q(s, "INSERT INTO lendcore_account_entries (entry_key, account_id, kind, ref, day, amount_minor, frozen_minor) "+
				"VALUES ('d', $1, 'deposit', '', $2, 3700, 0), ('f', $1, 'freeze', '', $2, 0, 3000)"), id.String(), d.String())
			require.NoError(t, err)
			for k := range 63 {
				_, err := s.DB().Exec(q(s, "INSERT INTO lendcore_account_entries (entry_key, account_id, kind, ref, day, amount_minor, frozen_minor) "+
					"VALUES ($1, $2, 'deposit', '', $3, 100, 0)"), fmt.Sprint("d", k), id.String(), d.String())
				require.NoError(t, err)
			}

			require.NoError(t, s.Migrate(ctx))
			want := storage.Account{ID: id, Role: "investor", Currency: cur, Opened: d, Version: 1,
				Balance: money.New(100_00, cur), Frozen: money.New(30_00, cur), Entries: 65}
			got, err := s.Accounts().Get(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, want, got)

			_, err = s.Accounts().Post(ctx, storage.AccountPost{Versions: map[uuid.UUID]int64{id: 1},
				Entries: []storage.AccountEntry{entry("f2", "freeze", 0, 70_01)}})
			require.ErrorIs(t, err, storage.ErrInvalid, "the unfolded entries count in the overdraft check")
			_, err = s.Accounts().Post(ctx, storage.AccountPost{Versions: map[uuid.UUID]int64{id: 1},
				Entries: []storage.AccountEntry{entry("f2", "freeze", 0, 70_00)}})
			require.NoError(t, err)
			var unfolded int
			require.NoError(t, s.DB().QueryRow("SELECT COUNT(*) FROM lendcore_account_entries WHERE folded = 0").Scan(&unfolded))
			assert.Zero(t, unfolded, "the take folded every entry")
			want.Version, want.Frozen, want.Entries = 2, money.New(100_00, cur), 66
			got, err = s.Accounts().Get(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}
