package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/storage/sqlstore"
)

// testDSNEnv names the test database's DSN; .ci/run starts a throwaway
// PostgreSQL and sets it.
const testDSNEnv = "LENDCORE_TEST_POSTGRES_DSN"

// TestPostgres runs the walk-through on PostgreSQL in a schema of its own
// when LENDCORE_TEST_POSTGRES_DSN is set, and on SQLite in a temporary
// directory otherwise (saying so in its output and the test log): the same
// code runs on both, so the example is exercised either way.
func TestPostgres(t *testing.T) {
	var out bytes.Buffer
	var store *sqlstore.Store
	if dsn := os.Getenv(testDSNEnv); dsn != "" {
		store = postgresSchema(t, dsn)
		fmt.Fprintln(&out, "store: PostgreSQL (test schema)")
	} else {
		msg := testDSNEnv + " is unset: running on SQLite in a temporary directory instead"
		t.Log(msg)
		fmt.Fprintln(&out, msg)
		var err error
		store, err = sqlstore.OpenSQLite(filepath.Join(t.TempDir(), "lendcore.db"))
		require.NoError(t, err)
		t.Cleanup(func() { _ = store.Close() })
	}
	require.NoError(t, embed(context.Background(), &out, store))
	got := out.String()
	t.Log("\n" + got)

	for _, want := range []string{
		"schema migrated",
		// The first close runs for the day it is given, and only then.
		"closed 2026-03-08: 1 loan,",
		"closing 2026-03-08 again: 0 days closed",
		// 10,000 − principal 788.49 of installment 1 = 9,211.51.
		"loan on 2026-03-08: active, principal balance CNY 9211.51, dpd 0, next due 2026-03-15 CNY 888.49",
		// Current and normal, provisioned at the general 1 % of 9,211.51
		// (classify.LegacyChinaProvision) = 92.12.
		"derived by the close of 2026-03-08: bucket M0, grade normal, collection pre-due, provision CNY 92.12",
		// collect.DefaultReminderPolicy: SMS and push 7 days before the
		// 2026-03-15 due date, i.e. on 2026-03-08.
		"deliver reminder 2026-03-08: borrower by sms about 2026-03-15",
		"deliver reminder 2026-03-08: borrower by app-push about 2026-03-15",
		// The disbursement, and installment 1 split into interest 100.00
		// (1 % of 10,000) and principal 788.49.
		"deliver posting  2026-01-15: disbursement debit loans-receivable    credit cash                10000.00",
		"deliver posting  2026-02-15: repayment    debit cash                credit interest-receivable 100.00",
		"deliver posting  2026-02-15: repayment    debit cash                credit loans-receivable    788.49",
		"0 pending",
	} {
		assert.Contains(t, got, want)
	}

	// The fixed loan id refuses a second run on the same database with a
	// message saying why.
	err := embed(context.Background(), &bytes.Buffer{}, store)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "already stored")
}

// TestRunNeedsDSN: without LENDCORE_POSTGRES_DSN the program explains what
// to set instead of failing obscurely.
func TestRunNeedsDSN(t *testing.T) {
	t.Setenv(DSNEnv, "")
	err := run(&bytes.Buffer{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), DSNEnv)
}

// postgresSchema opens a store in a fresh schema of the test database,
// dropped when the test ends.
func postgresSchema(t *testing.T, dsn string) *sqlstore.Store {
	t.Helper()
	schema := fmt.Sprintf("lc_example_%d", os.Getpid())
	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	defer admin.Close()
	_, err = admin.Exec("CREATE SCHEMA " + schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		if db, err := sql.Open("pgx", dsn); err == nil {
			_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
			_ = db.Close()
		}
	})
	sep := " "
	if strings.Contains(dsn, "://") {
		sep = "&"
		if !strings.Contains(dsn, "?") {
			sep = "?"
		}
	}
	s, err := sqlstore.OpenPostgres(dsn + sep + "search_path=" + schema)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}
