package sqlstore

import (
	"context"
	"iter"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// scan is a portfolio scan: "SELECT ... WHERE conditions ORDER BY keyset
// LIMIT batch", one query per batch, keyset-paginated (each batch starts
// after the last row of the one before, "(k1, k2) > (last1, last2)"), so
// every row is read once however many batches there are and no batch
// costs more than its own rows.
type scan[T any] struct {
	// sel is "SELECT columns FROM table".
	sel string
	// w holds the filter's conditions.
	w where
	// keys are the ORDER BY columns, unique together, and cursor returns
	// their values in a row.
	keys   []string
	cursor func(*T) []any
	batch  int
	read   func(rowScanner) (T, error)
	// enrich, if set, completes a batch before it is yielded (loads the
	// journals or links of its rows) in the same read.
	enrich func(ctx context.Context, c conn, batch []T) error
}

// idScan is a scan of sel in the order of the id column key.
func idScan[T any](sel, key string, id func(*T) uuid.UUID, batch int, read func(rowScanner) (T, error)) scan[T] {
	return scan[T]{sel: sel, keys: []string{key}, cursor: func(v *T) []any { return []any{id(v).String()} },
		batch: batch, read: read}
}

// run yields the rows. Each batch is read and its rows closed before the
// first is yielded, so the loop body may write through the same unit of
// work. A read error is yielded once and ends the scan.
func (q scan[T]) run(ctx context.Context, r repo) iter.Seq2[T, error] {
	order := " ORDER BY " + strings.Join(q.keys, ", ") + " LIMIT " + strconv.Itoa(q.batch)
	after := q.keys[0]
	if len(q.keys) > 1 {
		after = "(" + strings.Join(q.keys, ", ") + ")"
	}
	return func(yield func(T, error) bool) {
		var zero T
		var last []any
		for {
			w := where{a: q.w.a.clone(), conds: q.w.conds}
			if last != nil {
				w.conds = append(w.conds[:len(w.conds):len(w.conds)], after+" > ("+w.a.list(last...)+")")
			}
			query := q.sel
			if len(w.conds) > 0 {
				query += " WHERE " + strings.Join(w.conds, " AND ")
			}
			var out []T
			err := r.read(ctx, func(c conn) error {
				var err error
				if out, err = queryRows(ctx, c, q.read, query+order, w.a.vals...); err != nil {
					return err
				}
				if q.enrich == nil || len(out) == 0 {
					return nil
				}
				return q.enrich(ctx, c, out)
			})
			if err != nil {
				yield(zero, err)
				return
			}
			for _, v := range out {
				if !yield(v, nil) {
					return
				}
			}
			if len(out) < q.batch {
				return
			}
			last = q.cursor(&out[len(out)-1])
		}
	}
}

// queryRows runs a query and reads every row with read.
func queryRows[T any](ctx context.Context, c conn, read func(rowScanner) (T, error), query string, vals ...any) ([]T, error) {
	rows, err := c.query(ctx, query, vals...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := read(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	return out, rows.Err()
}
