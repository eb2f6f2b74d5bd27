// Package storagetest is the conformance suite every storage adapter runs.
// For every repository of package storage it checks round trips (every
// field back, documents byte for byte, exact decimals, times in UTC to the
// microsecond), copies (nothing a caller passes in or gets back aliases
// what is stored), validation (each bad field named, nothing written), not
// found, versions (a stale one conflicts, each write counts one),
// idempotent replays and ErrDuplicate, scans (every filter, batch sizes 1
// to 3, the documented order, each record once, stopping early), units of
// work across all repositories (commit, rollback on error, panic and
// cancel, a failed write leaving the unit usable) and concurrent writers
// (Writers goroutines reading, deciding and retrying on ErrConflict:
// nothing lost, versions count every write, exactly one claimant wins).
// Bench runs the shared benchmarks.
//
// An adapter's test calls Run with a factory that returns a fresh, empty
// store for each subtest, and RunShared with a factory of two stores on one
// fresh database — two connection pools, as two replicas of a host service
// open it — so the concurrency tests run half their writers on each:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t testing.TB) storage.Store { return memory.New() })
//	}
//
//	func TestShared(t *testing.T) {
//		storagetest.RunShared(t, func(t testing.TB) (storage.Store, storage.Store) {
//			s := memory.New() // no database to share: the same store twice
//			return s, s
//		})
//	}
package storagetest
