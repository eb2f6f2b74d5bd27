package sqlstore

import (
	"context"
	"fmt"
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
// With the columns' types given, PostgreSQL takes the rows as arrays, up
// to maxRowsPerArray (see rowSource).
func (d *Dialect) rowsPerStatement(types []string) int {
	switch {
	case d.inProcess:
		return 1
	case types != nil:
		return maxRowsPerArray
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
	return writeRows(ctx, c, head, "", nil, rows)
}

// upsertRows inserts rows as insertRows does, replacing the value column
// of a row whose key is stored (INSERT ... ON CONFLICT (key) DO UPDATE,
// which PostgreSQL, SQLite and CockroachDB accept); types are the
// columns' SQL types, for arrays (see rowSource).
func upsertRows(ctx context.Context, c conn, head, key, value string, types []string, rows [][]any) error {
	return writeRows(ctx, c, head, " ON CONFLICT ("+key+") DO UPDATE SET "+value+" = excluded."+value, types, rows)
}

// writeRows runs "head <rows> tail" for each chunk of rows the dialect
// writes in one statement (see rowSource).
func writeRows(ctx context.Context, c conn, head, tail string, types []string, rows [][]any) error {
	for chunk := range slices.Chunk(rows, c.d.rowsPerStatement(types)) {
		q, a := rowSource(c.d, head, types, chunk, func(r *[]any) []any { return *r })
		if _, err := c.exec(ctx, q+tail, a.vals...); err != nil {
			return err
		}
	}
	return nil
}

// maxRowsPerArray bounds the rows of a statement that takes them as
// arrays: no parameter limit applies, this only bounds one message.
const maxRowsPerArray = 10_000

// rowSource returns head followed by the rows (vals gives a row's values)
// and the arguments. On PostgreSQL, when the columns' types are given,
// the rows go as one text array per column, "SELECT * FROM
// unnest(CAST(CAST($1 AS TEXT[]) AS UUID[]), ...)": a statement of one
// text for any number of rows, which pgx prepares once per connection
// and PostgreSQL plans in a fraction of a millisecond, where a VALUES
// list of 500 rows and 5,000 parameters took it 5 to 20 ms to parse and
// plan, each time its length changed. Otherwise "VALUES (...), (...)".
func rowSource[T any](d *Dialect, head string, types []string, rows []T, vals func(*T) []any) (string, args) {
	var a args
	var b strings.Builder
	b.WriteString(head)
	if d.inProcess || types == nil {
		b.WriteString(" VALUES ")
		for i := range rows {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(a.row(vals(&rows[i])...))
		}
		return b.String(), a
	}
	b.WriteString(" SELECT * FROM ")
	b.WriteString(unnest(&a, types, rows, vals))
	return b.String(), a
}

// unnest returns "unnest(CAST(CAST($1 AS TEXT[]) AS T1[]), ...) AS
// v(c1, c2, ...)" over the columns of rows (PostgreSQL, CockroachDB), each
// column a text array: every argument the store passes has an exact text
// form, and a text[] parameter is one pgx encodes for sure.
func unnest[T any](a *args, types []string, rows []T, vals func(*T) []any) string {
	cols := make([][]*string, len(types))
	for j := range cols {
		cols[j] = make([]*string, len(rows))
	}
	for i := range rows {
		for j, v := range vals(&rows[i]) {
			cols[j][i] = textOf(v)
		}
	}
	var b strings.Builder
	b.WriteString("unnest(")
	for j, t := range types {
		if j > 0 {
			b.WriteString(", ")
		}
		b.WriteString("CAST(CAST(" + a.add(cols[j]) + " AS TEXT[]) AS " + t + "[])")
	}
	b.WriteString(") AS v(")
	for j := range types {
		if j > 0 {
			b.WriteString(", ")
		}
		b.WriteString("c" + strconv.Itoa(j+1))
	}
	b.WriteString(")")
	return b.String()
}

// textOf is the text form of a query argument, nil for NULL.
func textOf(v any) *string {
	var s string
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		s = v
	case bool:
		s = strconv.FormatBool(v)
	case int:
		s = strconv.Itoa(v)
	case int64:
		s = strconv.FormatInt(v, 10)
	default:
		s = fmt.Sprint(v)
	}
	return &s
}

// idArgs returns ids as query arguments.
func idArgs(ids []uuid.UUID) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}
