package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

// The SQL plumbing every repository shares: a compare-and-set update of a
// versioned row, a table of versioned documents, link tables from records
// to loans, and the idempotency check of keyed rows appended to a parent.

// setter collects the assignments of an UPDATE, its conditions besides
// key and version, and their arguments.
type setter struct {
	a     args
	sets  []string
	conds []string
}

// set assigns v to col.
func (s *setter) set(col string, v any) { s.sets = append(s.sets, col+" = "+s.a.add(v)) }

// cas runs "UPDATE table SET version = version + 1, <sets> WHERE key = k
// AND version = version" and reports whether it updated the row: the
// version condition decides between racing writers, and the loser updates
// nothing.
func (s *setter) cas(ctx context.Context, c conn, table, key string, k any, version int64) (bool, error) {
	sets := append([]string{"version = version + 1"}, s.sets...)
	conds := append(s.conds, key+" = "+s.a.add(k), "version = "+s.a.add(version))
	q := "UPDATE " + table + " SET " + strings.Join(sets, ", ") + " WHERE " + strings.Join(conds, " AND ")
	n, err := affected(c.exec(ctx, q, s.a.vals...))
	return n == 1, err
}

func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// record is a table of versioned documents keyed by one column: each save
// names the version it read, 0 for a new record.
type record struct {
	what  string // the record's name in errors ("item")
	table string
	key   string
	// fixed are columns set when the record is created that never change
	// (an update matches them instead), cols those a save writes.
	fixed, cols []string
}

// save inserts the record (version 0) or updates it at version, and
// returns its new version. vals holds one value per column of r.fixed,
// then of r.cols. Errors: ErrConflict when a new record's key exists, or
// the stored version is not version or its fixed columns differ;
// ErrNotFound when version is not 0 and there is no record.
func (r record) save(ctx context.Context, c conn, k any, version int64, vals ...any) (int64, error) {
	if version == 0 {
		var a args
		q := "INSERT INTO " + r.table + " (" + r.key + ", version, " + strings.Join(append(r.fixed, r.cols...), ", ") +
			") VALUES (" + a.add(k) + ", 1, " + a.list(vals...) + ") ON CONFLICT (" + r.key + ") DO NOTHING"
		// DO NOTHING rather than a unique violation: on PostgreSQL an error
		// aborts the transaction, and the caller may want to read the
		// record that exists (Inspections.Save tells a replay that way).
		n, err := affected(c.exec(ctx, q, a.vals...))
		if err == nil && n == 0 {
			err = fmt.Errorf("%w: %s %v exists", storage.ErrConflict, r.what, k)
		}
		return 1, err
	}
	var s setter
	for i, col := range r.cols {
		s.set(col, vals[len(r.fixed)+i])
	}
	for i, col := range r.fixed {
		s.conds = append(s.conds, col+" = "+s.a.add(vals[i]))
	}
	ok, err := s.cas(ctx, c, r.table, r.key, k, version)
	if err != nil || ok {
		return version + 1, err
	}
	// Only a write that lost reads again, to say why.
	var one int
	err = c.row(ctx, "SELECT 1 FROM "+r.table+" WHERE "+r.key+" = $1", k).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("%w: %s %v", storage.ErrNotFound, r.what, k)
	}
	if err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("%w: %s %v is not at version %d", storage.ErrConflict, r.what, k, version)
}

// getRow reads the one row query returns. Errors: ErrNotFound naming what
// when there is none.
func getRow[T any](ctx context.Context, c conn, read func(rowScanner) (T, error), what string, query string, vals ...any) (T, error) {
	v, err := read(c.row(ctx, query, vals...))
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("%w: %s", storage.ErrNotFound, what)
	}
	return v, err
}

// readRow reads the one row query returns, outside or inside r's unit of
// work. Errors: ErrNotFound naming what when there is none.
func readRow[T any](ctx context.Context, r repo, read func(rowScanner) (T, error), what string, query string, vals ...any) (T, error) {
	var v T
	err := r.read(ctx, func(c conn) error {
		var err error
		v, err = getRow(ctx, c, read, what, query, vals...)
		return err
	})
	return v, err
}

// links is a link table from records (owner) to the loans they concern,
// with each link's position so a record's list comes back in its order.
type links struct {
	table  string
	owner  string // the record's key column
	target string // the linked loan's column
}

// replace makes ids the links of owner.
func (l links) replace(ctx context.Context, c conn, owner uuid.UUID, ids []uuid.UUID) error {
	if _, err := c.exec(ctx, "DELETE FROM "+l.table+" WHERE "+l.owner+" = $1", owner.String()); err != nil {
		return err
	}
	rows := make([][]any, len(ids))
	for i, id := range ids {
		rows[i] = []any{owner.String(), i, id.String()}
	}
	return insertRows(ctx, c, "INSERT INTO "+l.table+" ("+l.owner+", pos, "+l.target+")", rows)
}

// load returns the links of owners, each list in its order; an owner
// without links has none in the map.
func (l links) load(ctx context.Context, c conn, owners ...uuid.UUID) (map[uuid.UUID][]uuid.UUID, error) {
	var a args
	type link struct{ owner, target uuid.UUID }
	rows, err := queryRows(ctx, c, func(r rowScanner) (link, error) {
		var k link
		return k, r.Scan(&k.owner, &k.target)
	}, "SELECT "+l.owner+", "+l.target+" FROM "+l.table+" WHERE "+l.owner+" IN ("+a.in(idArgs(owners)...)+
		") ORDER BY "+l.owner+", pos", a.vals...)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID][]uuid.UUID, len(owners))
	for _, k := range rows {
		out[k.owner] = append(out[k.owner], k.target)
	}
	return out, nil
}

// fill returns the enrich function of a scan that sets the links of each
// record of its batch, read in one query.
func fill[T any](l links, id func(*T) uuid.UUID, set func(*T, []uuid.UUID)) func(context.Context, conn, []T) error {
	return func(ctx context.Context, c conn, batch []T) error {
		owners := make([]uuid.UUID, len(batch))
		for i := range batch {
			owners[i] = id(&batch[i])
		}
		m, err := l.load(ctx, c, owners...)
		if err != nil {
			return err
		}
		for i := range batch {
			set(&batch[i], m[owners[i]])
		}
		return nil
	}
}

// linked is a table of versioned records that each list the loans they
// concern in a link table: collateral items and guarantors.
type linked[T any] struct {
	rec   record
	links links
	sel   string // "SELECT columns FROM table"
	read  func(rowScanner) (T, error)
	id    func(*T) uuid.UUID
	loans func(*T) *[]uuid.UUID
}

// get reads one record and its links.
func (l linked[T]) get(ctx context.Context, r repo, id uuid.UUID) (T, error) {
	var v T
	err := r.read(ctx, func(c conn) error {
		var err error
		if v, err = getRow(ctx, c, l.read, l.rec.what+" "+id.String(), l.sel+" WHERE "+l.rec.key+" = $1", id.String()); err != nil {
			return err
		}
		m, err := l.links.load(ctx, c, id)
		*l.loans(&v) = m[id]
		return err
	})
	return v, err
}

// save saves v at the version read and replaces its links, in one write,
// and returns the new version; vals are as for record.save.
func (l linked[T]) save(ctx context.Context, r repo, v *T, version int64, vals ...any) (int64, error) {
	err := r.write(ctx, func(c conn) error {
		var err error
		if version, err = l.rec.save(ctx, c, l.id(v).String(), version, vals...); err != nil {
			return err
		}
		return l.links.replace(ctx, c, l.id(v), *l.loans(v))
	})
	return version, err
}

// scan returns a scan of the records in id order, with their links.
func (l linked[T]) scan(batch int) scan[T] {
	q := idScan(l.sel, l.rec.key, l.id, batch, l.read)
	q.enrich = fill(l.links, l.id, func(v *T, ids []uuid.UUID) { *l.loans(v) = ids })
	return q
}

// keyed describes rows that carry an idempotency key: the loan journal,
// book operations, contact attempts (a key unique per parent), reserve
// movements and outbox messages (a key unique in the table).
type keyed[T any] struct {
	// sel is "SELECT columns FROM table", parent the parent's column (""
	// when keys are unique in the table) and key the key's column.
	sel, parent, key string
	read             func(rowScanner) (T, error)
	keyOf            func(*T) string
	same             func(stored, req *T) bool
	// types are the SQL types of the columns add writes, for arrays on
	// PostgreSQL (see rowSource); nil for VALUES lists.
	types []string
}

// stored returns the stored rows of parent whose keys are those of rows,
// by key.
func (k keyed[T]) stored(ctx context.Context, c conn, parent any, rows []T) (map[string]T, error) {
	var a args
	q := k.sel + " WHERE "
	if k.parent != "" {
		q += k.parent + " = " + a.add(parent) + " AND "
	}
	keys := make([]any, len(rows))
	for i := range rows {
		keys[i] = k.keyOf(&rows[i])
	}
	found, err := queryRows(ctx, c, k.read, q+k.key+" IN ("+a.in(keys...)+")", a.vals...)
	if err != nil {
		return nil, err
	}
	out := make(map[string]T, len(found))
	for i := range found {
		out[k.keyOf(&found[i])] = found[i]
	}
	return out, nil
}

// replay checks the keys of an append of rows: it returns the stored rows,
// in the order of rows, when every key is stored with the same content (a
// replay: nothing is to be written), nil when none is stored, and
// ErrDuplicate when only some keys are, or one with other content.
func (k keyed[T]) replay(ctx context.Context, c conn, parent any, rows []T) ([]T, error) {
	found, err := k.stored(ctx, c, parent, rows)
	if err != nil || len(found) == 0 {
		return nil, err
	}
	out := make([]T, len(rows))
	for i := range rows {
		s, ok := found[k.keyOf(&rows[i])]
		if !ok {
			return nil, fmt.Errorf("%w: only some keys of the append are stored", storage.ErrDuplicate)
		}
		if !k.same(&s, &rows[i]) {
			return nil, fmt.Errorf("%w: key %q", storage.ErrDuplicate, k.keyOf(&rows[i]))
		}
		out[i] = s
	}
	return out, nil
}

// add inserts the rows whose keys are not stored and returns which of rows
// it inserted: keys unique in the table (k.parent is ""), each chunk one
// "INSERT ... ON CONFLICT (key) DO NOTHING RETURNING key", and the skipped
// keys compared with one SELECT, so an add of new rows is one round trip.
// head is "INSERT INTO t (cols)", vals a row's values. Errors:
// ErrDuplicate when a key is stored with other content.
func (k keyed[T]) add(ctx context.Context, c conn, head string, rows []T, vals func(*T) []any) ([]bool, error) {
	inserted := make([]bool, 0, len(rows))
	for chunk := range slices.Chunk(rows, c.d.rowsPerStatement(k.types)) {
		q, a := rowSource(c.d, head, k.types, chunk, vals)
		got, err := queryRows(ctx, c, func(r rowScanner) (string, error) {
			var s string
			return s, r.Scan(&s)
		}, q+" ON CONFLICT ("+k.key+") DO NOTHING RETURNING "+k.key, a.vals...)
		if err != nil {
			return nil, err
		}
		in := make(map[string]bool, len(got))
		for _, s := range got {
			in[s] = true
		}
		var skipped []T
		for i := range chunk {
			ok := in[k.keyOf(&chunk[i])]
			delete(in, k.keyOf(&chunk[i])) // a key given twice was inserted once
			inserted = append(inserted, ok)
			if !ok {
				skipped = append(skipped, chunk[i])
			}
		}
		if len(skipped) == 0 {
			continue
		}
		found, err := k.stored(ctx, c, nil, skipped)
		if err != nil {
			return nil, err
		}
		for i := range skipped {
			if s, ok := found[k.keyOf(&skipped[i])]; ok && !k.same(&s, &skipped[i]) {
				return nil, fmt.Errorf("%w: key %q", storage.ErrDuplicate, k.keyOf(&skipped[i]))
			}
		}
	}
	return inserted, nil
}
