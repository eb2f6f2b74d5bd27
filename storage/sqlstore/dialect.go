package sqlstore

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect is the SQL flavour of a database: its column types, its
// placeholder syntax and how its errors read.
type Dialect struct {
	name     string
	types    *strings.Replacer // schema placeholders → column types
	numbered byte              // '$' (PostgreSQL) or '?' (SQLite: ?1, ?2, ...)
}

var (
	// Postgres is PostgreSQL and the databases that speak its protocol
	// and SQL (CockroachDB, YugabyteDB), through the "pgx" driver.
	Postgres = &Dialect{
		name: "postgres",
		types: strings.NewReplacer("{{UUID}}", "UUID", "{{DATE}}", "DATE", "{{NUMERIC}}", "NUMERIC",
			"{{SERIAL}}", "BIGSERIAL PRIMARY KEY"),
		numbered: '$',
	}
	// SQLite is SQLite through the pure-Go "sqlite" driver
	// (modernc.org/sqlite). Ids, dates and amounts are TEXT: ISO dates and
	// decimal amounts compare and round-trip exactly as text.
	SQLite = &Dialect{
		name: "sqlite",
		types: strings.NewReplacer("{{UUID}}", "TEXT", "{{DATE}}", "TEXT", "{{NUMERIC}}", "TEXT",
			"{{SERIAL}}", "INTEGER PRIMARY KEY AUTOINCREMENT"),
		numbered: '?',
	}
)

// String returns the dialect's name.
func (d *Dialect) String() string { return d.name }

// q rewrites a query written with $1, $2, ... placeholders for d.
func (d *Dialect) q(query string) string {
	if d.numbered == '$' {
		return query
	}
	return strings.ReplaceAll(query, "$", string(d.numbered))
}

// isUnique reports whether err is a unique or primary-key violation.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isContention reports whether err means a concurrent writer made the
// database abort: a serialization failure or deadlock (PostgreSQL,
// CockroachDB's retry errors), or a lock held too long (SQLite).
func isContention(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}
