package lendcore

import (
	"context"

	"github.com/google/uuid"
	"github.com/rickb777/date"
)

// brokenPromises returns the loans whose promise to pay was found broken
// and not yet fed to the collection ladder; the day's close marks them on
// the ladder (collect.Facts.BrokenPromise).
func (e *Engine) brokenPromises(ctx context.Context, day date.Date) (map[uuid.UUID]bool, error) {
	return nil, nil
}

// reviewPromises runs after the day's batches: it settles the promises whose
// deadline has passed (kept or broken) and clears the broken ones the day's
// close has fed to the ladder. It returns the outbox records it added.
func (e *Engine) reviewPromises(ctx context.Context, day date.Date, fed map[uuid.UUID]bool) (int, error) {
	return 0, nil
}
