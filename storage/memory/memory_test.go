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

func BenchmarkStore(b *testing.B) { storagetest.Bench(b, newStore) }
