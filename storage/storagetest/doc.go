// Package storagetest is the conformance suite every storage adapter runs:
// round trips of every stored type with exact decimals, not found,
// optimistic-concurrency conflicts, idempotency, rolled-back and cancelled
// units of work, 32 concurrent writers, and batched scans. Bench runs the
// shared benchmarks.
//
// An adapter's test calls it with a factory that returns a fresh, empty
// store for each subtest:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t testing.TB) storage.Store { return memory.New() })
//	}
package storagetest
