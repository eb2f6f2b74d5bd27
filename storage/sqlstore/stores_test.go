package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/sqlstore"
)

// PostgresDSNEnv names the variable holding the test database's DSN; .ci/run
// starts a throwaway PostgreSQL and sets it.
const PostgresDSNEnv = "LENDCORE_TEST_POSTGRES_DSN"

// postgresDSN returns the test DSN. Without one the PostgreSQL tests skip,
// except under CI=true, where a missing database is a failure.
func postgresDSN(tb testing.TB) string {
	dsn := os.Getenv(PostgresDSNEnv)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is not set: .ci/run must start PostgreSQL", PostgresDSNEnv)
		}
		tb.Skipf("%s is not set", PostgresDSNEnv)
	}
	return dsn
}

// A database is where the tests open stores: open returns a store on it
// (several calls, several stores sharing the database), unmigrated.
type database struct {
	name string
	new  func(tb testing.TB) func(tb testing.TB) *sqlstore.Store
}

var databases = []database{{"sqlite", sqliteDB}, {"postgres", postgresDB}}

// sqliteDB is a fresh SQLite database file; each store opened on it is a
// pool of its own, as another process's would be.
func sqliteDB(tb testing.TB) func(tb testing.TB) *sqlstore.Store {
	path := filepath.Join(tb.TempDir(), "lendcore.db")
	return func(tb testing.TB) *sqlstore.Store {
		s, err := sqlstore.OpenSQLite(path)
		require.NoError(tb, err)
		tb.Cleanup(func() { _ = s.Close() })
		return s
	}
}

var schemaSeq atomic.Int64

// postgresDB is a fresh PostgreSQL schema, dropped when the test ends;
// each store opened on it is a pool of its own.
func postgresDB(tb testing.TB) func(tb testing.TB) *sqlstore.Store {
	dsn := postgresDSN(tb)
	admin, err := sql.Open("pgx", dsn)
	require.NoError(tb, err)
	defer admin.Close()
	schema := fmt.Sprintf("lc_test_%d_%d", os.Getpid(), schemaSeq.Add(1))
	_, err = admin.Exec("CREATE SCHEMA " + schema)
	require.NoError(tb, err)
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", dsn)
		if err == nil {
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
	return func(tb testing.TB) *sqlstore.Store {
		s, err := sqlstore.OpenPostgres(dsn + sep + "search_path=" + schema)
		require.NoError(tb, err)
		tb.Cleanup(func() { _ = s.Close() })
		return s
	}
}

// migrated opens a store on a fresh database of db's kind and migrates it.
func migrated(db database) func(tb testing.TB) storage.Store {
	return func(tb testing.TB) storage.Store {
		s := db.new(tb)(tb)
		require.NoError(tb, s.Migrate(context.Background()))
		return s
	}
}

func newSQLite(tb testing.TB) storage.Store   { return migrated(databases[0])(tb) }
func newPostgres(tb testing.TB) storage.Store { return migrated(databases[1])(tb) }
