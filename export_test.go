package lendcore

import "github.com/google/uuid"

// CacheHolds reports whether e's loan cache has an entry for id (tests of
// package lendcore_test use it).
func CacheHolds(e *Engine, id uuid.UUID) bool {
	sh := e.cache.shard(id)
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	_, ok := sh.m[id]
	return ok
}
