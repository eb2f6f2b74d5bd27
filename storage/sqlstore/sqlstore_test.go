package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/storagetest"
)

// TestConformanceSQLite runs the shared suite on SQLite.
func TestConformanceSQLite(t *testing.T) { storagetest.Run(t, newSQLite) }

// TestConformancePostgres runs the shared suite on PostgreSQL.
func TestConformancePostgres(t *testing.T) { storagetest.Run(t, newPostgres) }

// pair opens two stores on one fresh database of db's kind, migrated
// once: two connection pools, as two replicas of a host service have.
func pair(db database) storagetest.PairFactory {
	return func(tb testing.TB) (storage.Store, storage.Store) {
		open := db.new(tb)
		s := open(tb)
		require.NoError(tb, s.Migrate(context.Background()))
		return s, open(tb)
	}
}

// TestSharedSQLite runs the concurrency tests across two stores opened on
// one SQLite file.
func TestSharedSQLite(t *testing.T) { storagetest.RunShared(t, pair(databases[0])) }

// TestSharedPostgres runs the concurrency tests across two pools on one
// PostgreSQL schema.
func TestSharedPostgres(t *testing.T) { storagetest.RunShared(t, pair(databases[1])) }

func BenchmarkSQLite(b *testing.B)   { storagetest.Bench(b, newSQLite) }
func BenchmarkPostgres(b *testing.B) { storagetest.Bench(b, newPostgres) }
