package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one schema version: migrations/NNNN_name.sql.
type migration struct {
	version    int
	name       string
	statements []string
}

// migrations returns the embedded migrations in version order, with the
// dialect's column types filled in.
func (d *Dialect) migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []migration
	for _, n := range names {
		base := path.Base(n)
		num, name, ok := strings.Cut(strings.TrimSuffix(base, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("sqlstore: migration file %s is not NNNN_name.sql", base)
		}
		body, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, statements: splitSQL(d.types.Replace(string(body)))})
	}
	return out, nil
}

// splitSQL splits a migration into statements at semicolons ending a line,
// dropping comment lines.
func splitSQL(body string) []string {
	var out []string
	var cur strings.Builder
	for line := range strings.Lines(body) {
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		cur.WriteString(line)
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			if s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(cur.String()), ";")); s != "" {
				out = append(out, s)
			}
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// Migrate brings the schema up to date, applying each embedded migration
// not yet recorded in lendcore_schema in its own transaction. A second run
// is a no-op. Two processes migrating at once are safe: each migration
// first claims its version row, so the second waits for the first and
// then skips it.
func (s *Store) Migrate(ctx context.Context) error { return s.migrate(ctx, math.MaxInt) }

// migrate applies the migrations up to version upTo.
func (s *Store) migrate(ctx context.Context, upTo int) error {
	ms, err := s.d.migrations()
	if err != nil {
		return err
	}
	c := conn{q: s.db, d: s.d}
	create := "CREATE TABLE IF NOT EXISTS lendcore_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
	_, err = c.exec(ctx, create)
	if isUnique(err) || isDuplicateTable(err) {
		// PostgreSQL's IF NOT EXISTS does not cover a table another
		// process is creating at the same moment: that one has committed
		// by the time this one fails, so a second try finds it.
		_, err = c.exec(ctx, create)
	}
	// SQLite answers a second process switching a new file to WAL, or
	// upgrading its read lock, with SQLITE_BUSY at once, whatever the busy
	// timeout: two replicas starting together wait a moment and try again.
	for try := 1; try <= 5 && isContention(err); try++ {
		time.Sleep(time.Duration(try) * 50 * time.Millisecond)
		_, err = c.exec(ctx, create)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	for _, m := range ms {
		if m.version > upTo {
			break
		}
		err := s.apply(ctx, m)
		for try := 1; try <= 5 && isContention(err); try++ {
			time.Sleep(time.Duration(try) * 50 * time.Millisecond)
			err = s.apply(ctx, m)
		}
		if err != nil {
			return fmt.Errorf("sqlstore: migration %04d_%s: %w", m.version, m.name, err)
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, m migration) error {
	var n int
	if err := (conn{q: s.db, d: s.d}).row(ctx, "SELECT COUNT(*) FROM lendcore_schema WHERE version = $1", m.version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	c := conn{q: tx, d: s.d}
	if _, err := c.exec(ctx, "INSERT INTO lendcore_schema (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
		if isUnique(err) {
			return nil // another process applied it meanwhile
		}
		return err
	}
	for _, st := range m.statements {
		if _, err := c.exec(ctx, st); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Analyze refreshes the planner statistics of lendcore's tables. Call it
// after a bulk import: until statistics exist, PostgreSQL may plan a batch
// of a portfolio scan as a bitmap scan and sort instead of an ordered index
// scan, making each batch cost a pass over the table. (Autovacuum analyses
// a grown table by itself within about a minute.)
func (s *Store) Analyze(ctx context.Context) error {
	for _, t := range []string{"lendcore_loans", "lendcore_loan_entries", "lendcore_applications", "lendcore_outbox",
		"lendcore_books", "lendcore_book_ops", "lendcore_book_holders", "lendcore_collections", "lendcore_debtors",
		"lendcore_debtor_contacts", "lendcore_reserve_movements", "lendcore_inspections", "lendcore_items",
		"lendcore_item_loans", "lendcore_covers", "lendcore_guarantors", "lendcore_guarantor_loans",
		"lendcore_close_parts", "lendcore_accounts", "lendcore_account_entries", "lendcore_listings", "lendcore_listing_bids",
		"lendcore_lines", "lendcore_line_loans", "lendcore_fact_journals", "lendcore_facts", "lendcore_loan_documents", "lendcore_loan_states",
		"lendcore_month_ends", "lendcore_products", "lendcore_product_moves"} {
		if _, err := s.db.ExecContext(ctx, "ANALYZE "+t); err != nil {
			return fmt.Errorf("sqlstore: analyze %s: %w", t, err)
		}
	}
	return nil
}
