package lendcore

import (
	"time"

	"github.com/google/uuid"
)

// CacheHolds reports whether e's loan cache has an entry for id (tests of
// package lendcore_test use it).
func CacheHolds(e *Engine, id uuid.UUID) bool {
	c, ok := e.loans.(*loanCache)
	return ok && c.cached(id)
}

// SetLeaseClock replaces the clock of e's close leases (tests make a
// replica's lease run out without waiting).
func SetLeaseClock(e *Engine, now func() time.Time) { e.leaseNow = now }
