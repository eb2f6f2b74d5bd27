package sqlstore

import (
	"context"
	"iter"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// batches yields the rows of "base WHERE where... AND id > cursor ORDER BY
// id LIMIT batch", one query per batch, keyset-paginated on id so every
// row is read once however many batches there are. enrich runs on each
// batch before it is yielded (to load journals); rows are read and closed
// before the first is yielded, so the loop body may write through the same
// unit of work.
func batches[T any](ctx context.Context, s *Store, t *txn, base string, where []string, a args, batch int,
	scan func(rowScanner) (T, error), id func(*T) uuid.UUID, enrich func(conn, []T) error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		var cursor uuid.UUID
		started := false
		for {
			q := a // a copy: the filter's arguments, then this batch's cursor
			q.vals = append([]any(nil), a.vals...)
			conds := where
			if started {
				conds = append(append([]string(nil), where...), "id > "+q.add(cursor.String()))
			}
			query := base
			if len(conds) > 0 {
				query += " WHERE " + strings.Join(conds, " AND ")
			}
			query += " ORDER BY id LIMIT " + strconv.Itoa(batch)
			var out []T
			err := s.read(ctx, t, func(c conn) error {
				rows, err := c.query(ctx, query, q.vals...)
				if err != nil {
					return err
				}
				for rows.Next() {
					v, err := scan(rows)
					if err != nil {
						rows.Close()
						return err
					}
					out = append(out, v)
				}
				if err := rows.Close(); err != nil {
					return err
				}
				if err := rows.Err(); err != nil {
					return err
				}
				return enrich(c, out)
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
			if len(out) < batch {
				return
			}
			cursor, started = id(&out[len(out)-1]), true
		}
	}
}
