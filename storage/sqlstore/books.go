package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

const (
	bookCols = "loan_id, version, currency, opened, document"
	opCols   = "seq, version, op_key, day, kind, payload"
)

type books struct{ repo }

var (
	holders = links{table: "lendcore_book_holders", owner: "loan_id", target: "holder"}
	bookOps = keyed[storage.BookOp]{
		sel: "SELECT " + opCols + " FROM lendcore_book_ops", parent: "loan_id", key: "op_key", read: scanOp,
		keyOf: func(o *storage.BookOp) string { return o.Key },
		same:  func(s, o *storage.BookOp) bool { return s.SameRequest(*o) },
	}
)

func scanBook(r rowScanner) (storage.Book, error) {
	var b storage.Book
	var cur string
	if err := r.Scan(&b.LoanID, &b.Version, &cur, dateCol{&b.Opened}, jsonCol{&b.Document}); err != nil {
		return b, err
	}
	var err error
	b.Currency, err = parseCurrency(cur)
	return b, err
}

func scanOp(r rowScanner) (storage.BookOp, error) {
	var o storage.BookOp
	err := r.Scan(&o.Seq, &o.Version, &o.Key, dateCol{&o.Day}, &o.Kind, jsonCol{&o.Payload})
	return o, err
}

// insertOps inserts a book's operations, stamped from seq first at version.
func insertOps(ctx context.Context, c conn, loanID uuid.UUID, first, version int64, ops []storage.BookOp) error {
	rows := make([][]any, len(ops))
	for i, o := range ops {
		rows[i] = []any{loanID.String(), first + int64(i), version, o.Key, dateArg(o.Day), o.Kind, string(o.Payload)}
	}
	err := insertRows(ctx, c, "INSERT INTO lendcore_book_ops (loan_id, seq, version, op_key, day, kind, payload)", rows)
	if isUnique(err) {
		return fmt.Errorf("%w: book position taken by a concurrent writer", storage.ErrConflict)
	}
	return err
}

// Create stores a new book; see storage.Books.
func (r books) Create(ctx context.Context, b storage.Book) error {
	if err := b.Validate(); err != nil {
		return err
	}
	return r.write(ctx, func(c conn) error {
		_, err := c.exec(ctx, "INSERT INTO lendcore_books (loan_id, version, last_seq, currency, opened, document) "+
			"VALUES ($1, 1, $2, $3, $4, $5)", b.LoanID.String(), len(b.Ops), currencyArg(b.Currency), dateArg(b.Opened), string(b.Document))
		if isUnique(err) {
			return fmt.Errorf("%w: loan %s has a book", storage.ErrDuplicate, b.LoanID)
		}
		if err != nil {
			return err
		}
		if err := insertOps(ctx, c, b.LoanID, 1, 1, b.Ops); err != nil {
			return err
		}
		return holders.replace(ctx, c, b.LoanID, b.Holders)
	})
}

// Get returns a book with its operations; see storage.Books.
func (r books) Get(ctx context.Context, loanID uuid.UUID) (storage.Book, error) {
	var b storage.Book
	err := r.read(ctx, func(c conn) error {
		var err error
		b, err = getRow(ctx, c, scanBook, "book of loan "+loanID.String(),
			"SELECT "+bookCols+" FROM lendcore_books WHERE loan_id = $1", loanID.String())
		if err != nil {
			return err
		}
		// Operations are append-only: those up to the header's version are
		// the book the header describes.
		if b.Ops, err = queryRows(ctx, c, scanOp, "SELECT "+opCols+" FROM lendcore_book_ops WHERE loan_id = $1 "+
			"AND version <= $2 ORDER BY seq", loanID.String(), b.Version); err != nil {
			return err
		}
		hs, err := holders.load(ctx, c, loanID)
		b.Holders = hs[loanID]
		return err
	})
	return b, err
}

// Append appends operations at the expected version; see storage.Books.
func (r books) Append(ctx context.Context, a storage.BookAppend) (version int64, replayed bool, err error) {
	if err := a.Validate(); err != nil {
		return 0, false, err
	}
	err = r.write(ctx, func(c conn) error {
		var lastSeq int64
		err := c.row(ctx, "SELECT version, last_seq FROM lendcore_books WHERE loan_id = $1", a.LoanID.String()).Scan(&version, &lastSeq)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: book of loan %s", storage.ErrNotFound, a.LoanID)
		}
		if err != nil {
			return err
		}
		stored, err := bookOps.replay(ctx, c, a.LoanID.String(), a.Ops)
		if err != nil || stored != nil {
			replayed = stored != nil
			return err
		}
		var s setter
		s.sets = append(s.sets, "last_seq = last_seq + "+s.a.add(len(a.Ops)))
		ok, err := s.cas(ctx, c, "lendcore_books", "loan_id", a.LoanID.String(), a.ExpectedVersion)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: book of loan %s is at version %d, not %d", storage.ErrConflict, a.LoanID, version, a.ExpectedVersion)
		}
		version = a.ExpectedVersion + 1
		if err := insertOps(ctx, c, a.LoanID, lastSeq+1, version, a.Ops); err != nil {
			return err
		}
		if a.Holders == nil {
			return nil
		}
		return holders.replace(ctx, c, a.LoanID, a.Holders)
	})
	if err != nil {
		return 0, false, err
	}
	return version, replayed, nil
}

// Scan yields matching books, without their operations, in loan id order;
// see storage.Books.
func (r books) Scan(ctx context.Context, f storage.BookFilter) iter.Seq2[storage.Book, error] {
	id := func(b *storage.Book) uuid.UUID { return b.LoanID }
	q := idScan("SELECT "+bookCols+" FROM lendcore_books", "loan_id", id, f.Batch(), scanBook)
	q.enrich = fill(holders, id, func(b *storage.Book, ids []uuid.UUID) { b.Holders = ids })
	q.w.linked("loan_id", holders, f.Holder)
	return q.run(ctx, r.repo)
}
