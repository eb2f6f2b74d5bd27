package sqlstore

import (
	"context"
	"fmt"
	"iter"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/storage"
)

// products is the repository of product versions.
type products struct{ repo }

// Products returns the repository of product versions.
func (r repo) Products() storage.Products { return products{r} }

const productCols = "SELECT name, version, document FROM lendcore_products"

func scanProduct(r rowScanner) (storage.Product, error) {
	var p storage.Product
	err := r.Scan(&p.Name, &p.Version, jsonCol{&p.Document})
	return p, err
}

// Put stores the next version of a product; see storage.Products and
// insertNext.
func (r products) Put(ctx context.Context, p storage.Product) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return r.write(ctx, func(c conn) error {
		return insertNext(ctx, c, "product "+p.Name+" version", p.Version,
			"SELECT COALESCE(MAX(version), 0) FROM lendcore_products WHERE name = $1",
			"INSERT INTO lendcore_products (name, version, document) VALUES ($1, $2, $3) ON CONFLICT (name, version) DO NOTHING",
			p.Name, string(p.Document))
	})
}

// insertNext inserts the seq-th element of a list written once (a
// product's versions, a loan's moves): last reads the list's length from
// the key, insert takes the key, seq and the rest. A seq that is not the
// next is ErrConflict; so is one a concurrent writer inserted first, which
// the insert's ON CONFLICT DO NOTHING tells without aborting the caller's
// unit of work.
func insertNext(ctx context.Context, c conn, what string, seq int64, last, insert string, key any, rest ...any) error {
	var n int64
	if err := c.row(ctx, last, key).Scan(&n); err != nil {
		return err
	}
	conflict := fmt.Errorf("%w: %s %d is stored or skips one: the next is %d", storage.ErrConflict, what, seq, n+1)
	if seq != n+1 {
		return conflict
	}
	added, err := affected(c.exec(ctx, insert, append([]any{key, seq}, rest...)...))
	if err != nil {
		return err
	}
	if added != 1 {
		return conflict
	}
	return nil
}

// Get returns one version of a product; see storage.Products.
func (r products) Get(ctx context.Context, name string, version int64) (storage.Product, error) {
	return readRow(ctx, r.repo, scanProduct, fmt.Sprintf("product %s version %d", name, version),
		productCols+" WHERE name = $1 AND version = $2", name, version)
}

// Latest returns the latest version of a product; see storage.Products.
func (r products) Latest(ctx context.Context, name string) (storage.Product, error) {
	return readRow(ctx, r.repo, scanProduct, "product "+name,
		productCols+" WHERE name = $1 ORDER BY version DESC LIMIT 1", name)
}

// List yields every version by name and version; see storage.Products. A
// lender has a few products: one query reads them all.
func (r products) List(ctx context.Context) iter.Seq2[storage.Product, error] {
	return queryAll(ctx, r.repo, scanProduct, productCols+" ORDER BY name, version")
}

// queryAll yields the rows of one query, read when the loop starts, or
// the query's error once: for the short lists (products, moves) read
// whole.
func queryAll[T any](ctx context.Context, r repo, read func(rowScanner) (T, error), query string, args ...any) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var out []T
		err := r.read(ctx, func(c conn) error {
			var err error
			out, err = queryRows(ctx, c, read, query, args...)
			return err
		})
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for _, v := range out {
			if !yield(v, nil) {
				return
			}
		}
	}
}

const moveCols = "SELECT loan_id, seq, day, document FROM lendcore_product_moves"

func scanMove(r rowScanner) (storage.ProductMove, error) {
	var m storage.ProductMove
	err := r.Scan(&m.LoanID, &m.Seq, dateCol{&m.Day}, jsonCol{&m.Document})
	return m, err
}

// Move records a loan's next move; see storage.Products and insertNext.
func (r products) Move(ctx context.Context, m storage.ProductMove) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return r.write(ctx, func(c conn) error {
		return insertNext(ctx, c, "loan "+m.LoanID.String()+" product move", m.Seq,
			"SELECT COUNT(*) FROM lendcore_product_moves WHERE loan_id = $1",
			"INSERT INTO lendcore_product_moves (loan_id, seq, day, document) VALUES ($1, $2, $3, $4) ON CONFLICT (loan_id, seq) DO NOTHING",
			m.LoanID.String(), dateArg(m.Day), string(m.Document))
	})
}

// Moves yields the matching moves by loan and Seq; see storage.Products.
// Moves are few: one query reads them all.
func (r products) Moves(ctx context.Context, f storage.MoveFilter) iter.Seq2[storage.ProductMove, error] {
	q, args := moveCols+" WHERE 1 = 1", []any{}
	if f.LoanID != uuid.Nil {
		args = append(args, f.LoanID.String())
		q += fmt.Sprintf(" AND loan_id = $%d", len(args))
	}
	if f.Days != nil {
		for _, b := range []struct {
			op string
			d  date.Date
		}{{">=", f.Days.From}, {"<=", f.Days.To}} {
			if !b.d.IsZero() {
				args = append(args, dateArg(b.d))
				q += fmt.Sprintf(" AND day %s $%d", b.op, len(args))
			}
		}
	}
	return queryAll(ctx, r.repo, scanMove, q+" ORDER BY loan_id, seq", args...)
}
