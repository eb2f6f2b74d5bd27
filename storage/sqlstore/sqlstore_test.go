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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/sqlstore"
	"github.com/lendcore/lendcore/storage/storagetest"
)

// newSQLite is a fresh SQLite store in a temporary file.
func newSQLite(tb testing.TB) storage.Store {
	s, err := sqlstore.OpenSQLite(filepath.Join(tb.TempDir(), "lendcore.db"))
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = s.Close() })
	require.NoError(tb, s.Migrate(context.Background()))
	return s
}

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

var schemaSeq atomic.Int64

// newPostgres is a fresh PostgreSQL store in a schema of its own, dropped
// when the test ends.
func newPostgres(tb testing.TB) storage.Store {
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
	s, err := sqlstore.OpenPostgres(dsn + sep + "search_path=" + schema)
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = s.Close() })
	require.NoError(tb, s.Migrate(context.Background()))
	return s
}

// TestConformanceSQLite runs the shared suite on SQLite (issue 4).
func TestConformanceSQLite(t *testing.T) { storagetest.Run(t, newSQLite) }

// TestConformancePostgres runs the shared suite on PostgreSQL (issue 4).
func TestConformancePostgres(t *testing.T) { storagetest.Run(t, newPostgres) }

// TestMigrateTwice: a second Migrate is a no-op (issue 4: "a second run is
// a no-op").
func TestMigrateTwice(t *testing.T) {
	for name, open := range map[string]storagetest.Factory{"sqlite": newSQLite, "postgres": newPostgres} {
		t.Run(name, func(t *testing.T) {
			s := open(t).(*sqlstore.Store)
			require.NoError(t, s.Migrate(context.Background()))
			var n int
			require.NoError(t, s.DB().QueryRow("SELECT COUNT(*) FROM lendcore_schema").Scan(&n))
			assert.Equal(t, 2, n, "two migrations, each recorded once")
			assert.NoError(t, s.Analyze(context.Background()))
		})
	}
}

func BenchmarkSQLite(b *testing.B)   { storagetest.Bench(b, newSQLite) }
func BenchmarkPostgres(b *testing.B) { storagetest.Bench(b, newPostgres) }
