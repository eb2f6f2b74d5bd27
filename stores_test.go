package lendcore_test

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
	"github.com/lendcore/lendcore/storage/memory"
	"github.com/lendcore/lendcore/storage/sqlstore"
)

// A database is where replicas meet: stores opens n stores on one fresh
// database (n pools on one PostgreSQL schema, n SQLite stores on one file,
// or one memory store n times, which is one process's way of sharing).
type database struct {
	name   string
	stores func(t testing.TB, n int) []storage.Store
}

// databases are the databases the replica tests run on. PostgreSQL needs
// LENDCORE_TEST_POSTGRES_DSN, which .ci/run sets; outside CI a missing DSN
// leaves PostgreSQL out (and says so), under CI it fails the test.
func databases(t *testing.T) []database {
	dbs := []database{{"memory", memoryStores}, {"sqlite", sqliteStores}}
	if os.Getenv(postgresDSNEnv) != "" {
		return append(dbs, database{"postgres", postgresStores})
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not set: .ci/run must start PostgreSQL", postgresDSNEnv)
	}
	t.Logf("%s is not set: the replica tests run on memory and SQLite only", postgresDSNEnv)
	return dbs
}

const postgresDSNEnv = "LENDCORE_TEST_POSTGRES_DSN"

func memoryStores(_ testing.TB, n int) []storage.Store {
	s := memory.New()
	out := make([]storage.Store, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func sqliteStores(t testing.TB, n int) []storage.Store {
	path := filepath.Join(t.TempDir(), "lendcore.db")
	out := make([]storage.Store, n)
	for i := range out {
		s, err := sqlstore.OpenSQLite(path)
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		if i == 0 {
			require.NoError(t, s.Migrate(context.Background()))
		}
		out[i] = s
	}
	return out
}

var schemaSeq atomic.Int64

// postgresSchema makes a fresh schema and returns a DSN that uses it; the
// schema is dropped when the test ends.
func postgresSchema(t testing.TB) string {
	dsn := os.Getenv(postgresDSNEnv)
	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	defer admin.Close()
	schema := fmt.Sprintf("lc_root_%d_%d", os.Getpid(), schemaSeq.Add(1))
	_, err = admin.Exec("CREATE SCHEMA " + schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		db, err := sql.Open("pgx", dsn)
		if err == nil {
			_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
			_ = db.Close()
		}
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

func postgresStores(t testing.TB, n int) []storage.Store {
	dsn := postgresSchema(t)
	out := make([]storage.Store, n)
	for i := range out {
		s, err := sqlstore.OpenPostgres(dsn)
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		if i == 0 {
			require.NoError(t, s.Migrate(context.Background()))
		}
		out[i] = s
	}
	return out
}
