package sqlstore

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

// maxRowsPerInsert bounds a multi-row INSERT so its parameters stay well
// within every database's limit (SQLite's is 32,766, PostgreSQL's 65,535).
const maxRowsPerInsert = 500

// rowsPerStatement is how many rows one INSERT or UPDATE writes on d. On
// PostgreSQL each statement is a round trip, so rows go in multi-row
// statements of up to maxRowsPerInsert. SQLite runs in the process: there
// is no round trip to save, and the cost of a statement is parsing it, so
// rows go one per statement, a text the statement cache prepares once
// (parsing the multi-row forms, one text per row count, was 15% of the
// main job on SQLite).
func (d *Dialect) rowsPerStatement() int {
	if d.inProcess {
		return 1
	}
	return maxRowsPerInsert
}

// args collects query arguments and writes their numbered placeholders.
type args struct {
	vals []any
}

// add appends v and returns its placeholder ($n).
func (a *args) add(v any) string {
	a.vals = append(a.vals, v)
	return "$" + strconv.Itoa(len(a.vals))
}

// list appends vs and returns "$i, $i+1, ...".
func (a *args) list(vs ...any) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.add(v))
	}
	return b.String()
}

// in appends vs and returns "$i, $i+1, ..." for an IN list, padded to a
// power of two by repeating the last value (which changes no IN test), so
// lists of any length take a few statement texts and the statement caches
// (ours on SQLite, pgx's on PostgreSQL) keep them prepared.
func (a *args) in(vs ...any) string {
	n := 1
	for n < len(vs) {
		n *= 2
	}
	if len(vs) > 0 && n > len(vs) {
		padded := make([]any, n)
		copy(padded, vs)
		for i := len(vs); i < n; i++ {
			padded[i] = vs[len(vs)-1]
		}
		vs = padded
	}
	return a.list(vs...)
}

// row appends vs and returns "($i, ...)".
func (a *args) row(vs ...any) string { return "(" + a.list(vs...) + ")" }

// clone returns a copy whose further adds do not touch a.
func (a args) clone() args { return args{vals: slices.Clone(a.vals)} }

// where collects the conditions of a filtered query, ANDed, and their
// arguments. Each method adds its condition only when the filter field is
// set, so a repository's Scan is a list of calls, one per field.
type where struct {
	a     args
	conds []string
}

// and returns the conditions joined by AND; "1 = 1" when there are none.
func (w *where) and() string {
	if len(w.conds) == 0 {
		return "1 = 1"
	}
	return strings.Join(w.conds, " AND ")
}

// cond adds a literal condition.
func (w *where) cond(c string) { w.conds = append(w.conds, c) }

// eq adds "col = v".
func (w *where) eq(col string, v any) { w.cond(col + " = " + w.a.add(v)) }

// id adds "col = id" unless id is uuid.Nil.
func (w *where) id(col string, id uuid.UUID) {
	if id != uuid.Nil {
		w.eq(col, id.String())
	}
}

// in adds "col IN (vs...)" unless vs is empty.
func (w *where) in(col string, vs []string) {
	if len(vs) == 0 {
		return
	}
	anys := make([]any, len(vs))
	for i, v := range vs {
		anys[i] = v
	}
	w.cond(col + " IN (" + w.a.in(anys...) + ")")
}

// dates adds the bounds of r on a nullable date column; a range open at
// both ends still excludes NULL (the zero Date, "none").
func (w *where) dates(col string, r *storage.DateRange) {
	if r == nil {
		return
	}
	if r.From.IsZero() && r.To.IsZero() {
		w.cond(col + " IS NOT NULL")
	}
	if !r.From.IsZero() {
		w.cond(col + " >= " + w.a.add(dateArg(r.From)))
	}
	if !r.To.IsZero() {
		w.cond(col + " <= " + w.a.add(dateArg(r.To)))
	}
}

// ints adds the bounds of r; a Max below Min leaves the top open.
func (w *where) ints(col string, r *storage.IntRange) {
	if r == nil {
		return
	}
	w.cond(col + " >= " + w.a.add(r.Min))
	if r.Max >= r.Min {
		w.cond(col + " <= " + w.a.add(r.Max))
	}
}

// ids adds the half-open range of ids r.
func (w *where) ids(col string, r *storage.IDRange) {
	if r == nil {
		return
	}
	w.cond(col + " >= " + w.a.add(r.From.String()))
	if r.To != uuid.Nil {
		w.cond(col + " < " + w.a.add(r.To.String()))
	}
}

// linked adds "col IN (SELECT owner FROM links WHERE loan_id = id)": the
// records linked to a loan, unless id is uuid.Nil.
func (w *where) linked(col string, l links, id uuid.UUID) {
	if id != uuid.Nil {
		w.cond(col + " IN (SELECT " + l.owner + " FROM " + l.table + " WHERE " + l.target + " = " + w.a.add(id.String()) + ")")
	}
}

// insertRows inserts rows with multi-row INSERTs: head is "INSERT INTO t
// (cols)", each row holds one value per column.
func insertRows(ctx context.Context, c conn, head string, rows [][]any) error {
	return writeRows(ctx, c, head, "", rows)
}

// upsertRows inserts rows as insertRows does, replacing the value column
// of a row whose key is stored (INSERT ... ON CONFLICT (key) DO UPDATE,
// which PostgreSQL, SQLite and CockroachDB accept).
func upsertRows(ctx context.Context, c conn, head, key, value string, rows [][]any) error {
	return writeRows(ctx, c, head, " ON CONFLICT ("+key+") DO UPDATE SET "+value+" = excluded."+value, rows)
}

// writeRows runs "head VALUES (row), (row), ... tail" for each chunk of
// rows the dialect writes in one statement.
func writeRows(ctx context.Context, c conn, head, tail string, rows [][]any) error {
	for chunk := range slices.Chunk(rows, c.d.rowsPerStatement()) {
		q, a := values(head, chunk, func(r *[]any) []any { return *r })
		if _, err := c.exec(ctx, q+tail, a.vals...); err != nil {
			return err
		}
	}
	return nil
}

// values returns "head VALUES (...), (...)" with the values of rows
// (vals gives a row's) and the arguments.
func values[T any](head string, rows []T, vals func(*T) []any) (string, args) {
	var a args
	var b strings.Builder
	b.WriteString(head)
	b.WriteString(" VALUES ")
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.row(vals(&rows[i])...))
	}
	return b.String(), a
}

// idArgs returns ids as query arguments.
func idArgs(ids []uuid.UUID) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}
