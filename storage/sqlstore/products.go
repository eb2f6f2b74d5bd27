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

// Put stores the next version of a product; see storage.Products. The
// version must follow the latest stored one; the insert does nothing when
// a concurrent writer stored that version first, and then it is a
// conflict (without aborting the caller's unit of work).
func (r products) Put(ctx context.Context, p storage.Product) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return r.write(ctx, func(c conn) error {
		var latest int64
		if err := c.row(ctx, "SELECT COALESCE(MAX(version), 0) FROM lendcore_products WHERE name = $1", p.Name).Scan(&latest); err != nil {
			return err
		}
		conflict := fmt.Errorf("%w: product %s is at version %d: the next is %d, not %d",
			storage.ErrConflict, p.Name, latest, latest+1, p.Version)
		if p.Version != latest+1 {
			return conflict
		}
		n, err := affected(c.exec(ctx, "INSERT INTO lendcore_products (name, version, document) VALUES ($1, $2, $3) ON CONFLICT (name, version) DO NOTHING",
			p.Name, p.Version, string(p.Document)))
		if err != nil {
			return err
		}
		if n != 1 {
			return conflict
		}
		return nil
	})
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

// Move records a loan's next move; see storage.Products. As Put: the
// count read, then an insert that does nothing when a concurrent writer
// stored the move first.
func (r products) Move(ctx context.Context, m storage.ProductMove) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return r.write(ctx, func(c conn) error {
		var n int64
		if err := c.row(ctx, "SELECT COUNT(*) FROM lendcore_product_moves WHERE loan_id = $1", m.LoanID.String()).Scan(&n); err != nil {
			return err
		}
		conflict := fmt.Errorf("%w: loan %s has %d product moves: the next is %d, not %d",
			storage.ErrConflict, m.LoanID, n, n+1, m.Seq)
		if m.Seq != n+1 {
			return conflict
		}
		added, err := affected(c.exec(ctx, "INSERT INTO lendcore_product_moves (loan_id, seq, day, document) VALUES ($1, $2, $3, $4) ON CONFLICT (loan_id, seq) DO NOTHING",
			m.LoanID.String(), m.Seq, dateArg(m.Day), string(m.Document)))
		if err != nil {
			return err
		}
		if added != 1 {
			return conflict
		}
		return nil
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
