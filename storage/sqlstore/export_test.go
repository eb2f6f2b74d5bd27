package sqlstore

import "context"

// MigrateTo applies the migrations up to version upTo: a database as an
// older release left it.
func (s *Store) MigrateTo(ctx context.Context, upTo int) error { return s.migrate(ctx, upTo) }

// Migrations is the number of migrations embedded in this release.
func Migrations() int {
	ms, err := SQLite.migrations()
	if err != nil {
		panic(err)
	}
	return len(ms)
}
