package sqlstore

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect is the SQL flavour of a database: its column types, its
// placeholder syntax and how its errors read. In a migration, {{UUID}},
// {{DATE}}, {{NUMERIC}} and {{SERIAL}} stand for column types, and a line
// that starts with {{POSTGRES}} is a statement for PostgreSQL alone
// (SQLite reads it as a comment).
type Dialect struct {
	name     string
	types    *strings.Replacer // schema placeholders → column types
	numbered byte              // '$' (PostgreSQL) or '?' (SQLite: ?1, ?2, ...)
	// inProcess is true for an engine linked into the process (SQLite):
	// a statement costs no round trip, and the store caches prepared
	// statements itself (pgx does so for PostgreSQL).
	inProcess bool
}

var (
	// Postgres is PostgreSQL and the databases that speak its protocol
	// and SQL (CockroachDB, YugabyteDB), through the "pgx" driver.
	Postgres = &Dialect{
		name: "postgres",
		types: strings.NewReplacer("{{UUID}}", "UUID", "{{DATE}}", "DATE", "{{NUMERIC}}", "NUMERIC",
			"{{SERIAL}}", "BIGSERIAL PRIMARY KEY", "{{POSTGRES}}", ""),
		numbered: '$',
	}
	// SQLite is SQLite through the pure-Go "sqlite" driver
	// (modernc.org/sqlite). Ids, dates and amounts are TEXT: ISO dates and
	// decimal amounts compare and round-trip exactly as text.
	SQLite = &Dialect{
		name: "sqlite",
		types: strings.NewReplacer("{{UUID}}", "TEXT", "{{DATE}}", "TEXT", "{{NUMERIC}}", "TEXT",
			"{{SERIAL}}", "INTEGER PRIMARY KEY AUTOINCREMENT", "{{POSTGRES}}", "-- "),
		numbered:  '?',
		inProcess: true,
	}
)

// String returns the dialect's name.
func (d *Dialect) String() string { return d.name }

// q rewrites a query written with $1, $2, ... placeholders for d.
//
// On SQLite, placeholders that appear once each, in order ($1, $2, ...),
// become anonymous "?" rather than "?N": the driver asks SQLite for each
// parameter's name before binding it, and SQLite finds a numbered
// parameter's name by a linear search, so a multi-row statement with
// thousands of "?N" spent most of its time there (13% of the main job on
// SQLite). Any other order keeps "?N".
func (d *Dialect) q(query string) string {
	if d.numbered == '$' {
		return query
	}
	ordered := inOrder(query)
	var b strings.Builder
	b.Grow(len(query))
	for i := 0; i < len(query); i++ {
		if query[i] != '$' {
			b.WriteByte(query[i])
			continue
		}
		b.WriteByte(d.numbered)
		for ordered && i+1 < len(query) && isDigit(query[i+1]) {
			i++
		}
	}
	return b.String()
}

// inOrder reports whether the $N placeholders of query are $1, $2, ...
// each once, in that order.
func inOrder(query string) bool {
	want := 1
	for i := 0; i < len(query); i++ {
		if query[i] != '$' {
			continue
		}
		n := 0
		for i+1 < len(query) && isDigit(query[i+1]) {
			i++
			n = n*10 + int(query[i]-'0')
		}
		if n != want {
			return false
		}
		want++
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

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

// isDuplicateTable reports whether err says a table being created exists.
func isDuplicateTable(err error) bool {
	var pe *pgconn.PgError
	// 42710 (duplicate_object): the table's row type, which PostgreSQL
	// creates with it, collided instead of the table itself.
	return errors.As(err, &pe) && (pe.Code == "42P07" || pe.Code == "42710")
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

// isUndefined reports whether err says a table or column does not exist:
// the schema is missing or older than this adapter (Migrate was not run).
func isUndefined(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "42P01" || pe.Code == "42703" // undefined_table, undefined_column
	}
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_ERROR {
		// SQLite has no code of its own for these: its messages are stable.
		m := se.Error()
		return strings.Contains(m, "no such table") || strings.Contains(m, "no such column") ||
			strings.Contains(m, "has no column named")
	}
	return false
}
