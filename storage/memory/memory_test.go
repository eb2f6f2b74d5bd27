package memory_test

import (
	"testing"

	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
	"github.com/lendcore/lendcore/storage/storagetest"
)

func newStore(testing.TB) storage.Store { return memory.New() }

// TestConformance runs the shared storage conformance suite (issue 4).
func TestConformance(t *testing.T) { storagetest.Run(t, newStore) }

// TestShared runs the concurrency tests across "two" stores on one
// database: a memory store has no database to share, so both are the same
// store.
func TestShared(t *testing.T) {
	storagetest.RunShared(t, func(testing.TB) (storage.Store, storage.Store) {
		s := memory.New()
		return s, s
	})
}

func BenchmarkStore(b *testing.B) { storagetest.Bench(b, newStore) }
