package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

const (
	loanCols  = "id, version, status, currency, document, next_due, days_past_due, classification, as_of, state"
	entryCols = "loan_id, seq, version, entry_id, idempotency_key, value_date, kind, CAST(amount AS TEXT), payload"
)

type loans struct {
	s *Store
	t *txn
}

type rowScanner interface{ Scan(dest ...any) error }

func scanLoan(r rowScanner) (storage.Loan, error) {
	var l storage.Loan
	var cur string
	err := r.Scan(&l.ID, &l.Version, &l.Status, &cur, jsonCol{&l.Document}, dateCol{&l.Index.NextDue},
		&l.Index.DaysPastDue, &l.Index.Classification, dateCol{&l.Index.AsOf}, jsonCol{&l.Index.State})
	if err != nil {
		return l, err
	}
	l.Currency, err = parseCurrency(cur)
	return l, err
}

// scanEntry reads an entry row; currency gives the currency of its loan.
func scanEntry(r rowScanner, currency func(uuid.UUID) money.Currency) (storage.Entry, error) {
	var e storage.Entry
	var amount sql.NullString
	err := r.Scan(&e.LoanID, &e.Seq, &e.Version, &e.ID, &e.IdempotencyKey, dateCol{&e.ValueDate},
		&e.Kind, &amount, jsonCol{&e.Payload})
	if err != nil {
		return e, err
	}
	e.Amount, err = parseAmount(amount, currency(e.LoanID))
	return e, err
}

// Create stores new loans; see storage.Loans.
func (r loans) Create(ctx context.Context, ls ...storage.Loan) error {
	seen := make(map[uuid.UUID]bool, len(ls))
	for i := range ls {
		if err := ls[i].Validate(); err != nil {
			return fmt.Errorf("loan %d: %w", i, err)
		}
		if seen[ls[i].ID] {
			return fmt.Errorf("%w: loan %s given twice", storage.ErrDuplicate, ls[i].ID)
		}
		seen[ls[i].ID] = true
	}
	return r.s.write(ctx, r.t, func(c conn) error {
		for chunk := range slices.Chunk(ls, maxRowsPerInsert) {
			var a args
			rows := make([]string, len(chunk))
			for i, l := range chunk {
				rows[i] = a.row(l.ID.String(), 1, len(l.Journal), l.Status, currencyArg(l.Currency), string(l.Document),
					dateArg(l.Index.NextDue), l.Index.DaysPastDue, l.Index.Classification, dateArg(l.Index.AsOf),
					jsonArg(l.Index.State))
			}
			_, err := c.exec(ctx, "INSERT INTO lendcore_loans (id, version, last_seq, status, currency, document, "+
				"next_due, days_past_due, classification, as_of, state) VALUES "+strings.Join(rows, ", "), a.vals...)
			if isUnique(err) {
				return fmt.Errorf("%w: a loan with one of the ids exists", storage.ErrDuplicate)
			}
			if err != nil {
				return err
			}
		}
		var entries []storage.Entry
		for _, l := range ls {
			for i, e := range l.Journal {
				e.LoanID, e.Seq, e.Version = l.ID, int64(i+1), 1
				entries = append(entries, e)
			}
		}
		return insertEntries(ctx, c, entries)
	})
}

// insertEntries inserts stamped journal rows with multi-row INSERTs.
func insertEntries(ctx context.Context, c conn, entries []storage.Entry) error {
	for chunk := range slices.Chunk(entries, maxRowsPerInsert) {
		var a args
		rows := make([]string, len(chunk))
		for i, e := range chunk {
			rows[i] = a.row(e.LoanID.String(), e.Seq, e.Version, e.ID.String(), e.IdempotencyKey,
				dateArg(e.ValueDate), e.Kind, amountArg(e.Amount), string(e.Payload))
		}
		_, err := c.exec(ctx, "INSERT INTO lendcore_loan_entries (loan_id, seq, version, entry_id, idempotency_key, "+
			"value_date, kind, amount, payload) VALUES "+strings.Join(rows, ", "), a.vals...)
		if isUnique(err) {
			// The version check should have stopped a racing writer first;
			// the (loan_id, seq) key is the last line of defence.
			return fmt.Errorf("%w: journal position taken by a concurrent writer", storage.ErrConflict)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Get returns a loan with its journal; see storage.Loans.
func (r loans) Get(ctx context.Context, id uuid.UUID) (storage.Loan, error) {
	var l storage.Loan
	err := r.s.read(ctx, r.t, func(c conn) error {
		var err error
		l, err = scanLoan(c.row(ctx, "SELECT "+loanCols+" FROM lendcore_loans WHERE id = $1", id.String()))
		if err == sql.ErrNoRows {
			return fmt.Errorf("%w: loan %s", storage.ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		// Entries are append-only, so those up to the header's version are
		// exactly the journal the header describes, even if a writer
		// appended in between the two reads.
		l.Journal, err = journals(ctx, c, []storage.Loan{l})
		return err
	})
	return l, err
}

// journals reads the journals of ls in one query, in (loan, seq) order,
// keeping only entries up to each loan's version.
func journals(ctx context.Context, c conn, ls []storage.Loan) ([]storage.Entry, error) {
	var a args
	ids := make([]any, len(ls))
	byID := make(map[uuid.UUID]*storage.Loan, len(ls))
	for i := range ls {
		ids[i] = ls[i].ID.String()
		byID[ls[i].ID] = &ls[i]
	}
	rows, err := c.query(ctx, "SELECT "+entryCols+" FROM lendcore_loan_entries WHERE loan_id IN ("+
		a.list(ids...)+") ORDER BY loan_id, seq", a.vals...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storage.Entry
	cur := func(id uuid.UUID) money.Currency { return byID[id].Currency }
	for rows.Next() {
		e, err := scanEntry(rows, cur)
		if err != nil {
			return nil, err
		}
		if e.Version <= byID[e.LoanID].Version {
			out = append(out, e)
		}
	}
	return out, rows.Err()
}

// Append appends journal entries; see storage.Loans.
func (r loans) Append(ctx context.Context, ap storage.Append) (storage.AppendResult, error) {
	var res storage.AppendResult
	err := r.s.write(ctx, r.t, func(c conn) error {
		var curText string
		var version, lastSeq int64
		err := c.row(ctx, "SELECT currency, version, last_seq FROM lendcore_loans WHERE id = $1",
			ap.LoanID.String()).Scan(&curText, &version, &lastSeq)
		if err == sql.ErrNoRows {
			return fmt.Errorf("%w: loan %s", storage.ErrNotFound, ap.LoanID)
		}
		if err != nil {
			return err
		}
		cur, err := parseCurrency(curText)
		if err != nil {
			return err
		}
		if err := ap.Validate(cur); err != nil {
			return err
		}
		stored, err := storedByKey(ctx, c, ap.LoanID, cur, ap.Entries)
		if err != nil {
			return err
		}
		if stored != nil {
			res = storage.AppendResult{Version: stored[0].Version, Entries: stored, Replayed: true}
			return nil
		}
		conflict := fmt.Errorf("%w: loan %s is past version %d", storage.ErrConflict, ap.LoanID, ap.ExpectedVersion)
		if version != ap.ExpectedVersion {
			return conflict
		}
		// The version condition makes the update the point where racing
		// writers are decided: the loser updates no row.
		var a args
		set := "version = version + 1, last_seq = last_seq + " + a.add(len(ap.Entries))
		if ap.Status != "" {
			set += ", status = " + a.add(ap.Status)
		}
		if ap.Document != nil {
			set += ", document = " + a.add(string(ap.Document))
		}
		if x := ap.Index; x != nil {
			set += ", next_due = " + a.add(dateArg(x.NextDue)) + ", days_past_due = " + a.add(x.DaysPastDue) +
				", classification = " + a.add(x.Classification) + ", as_of = " + a.add(dateArg(x.AsOf)) +
				", state = " + a.add(jsonArg(x.State))
		}
		q := "UPDATE lendcore_loans SET " + set + " WHERE id = " + a.add(ap.LoanID.String()) +
			" AND version = " + a.add(ap.ExpectedVersion)
		n, err := affected(c.exec(ctx, q, a.vals...))
		if err != nil {
			return err
		}
		if n == 0 {
			return conflict
		}
		res = storage.AppendResult{Version: version + 1, Entries: make([]storage.Entry, len(ap.Entries))}
		for i, e := range ap.Entries {
			e = e.Clone()
			e.LoanID, e.Seq, e.Version = ap.LoanID, lastSeq+int64(i+1), version+1
			res.Entries[i] = e
		}
		return insertEntries(ctx, c, res.Entries)
	})
	if err != nil {
		return storage.AppendResult{}, err
	}
	return res, nil
}

// storedByKey checks the idempotency keys of entries: it returns the
// stored entries, in the order of entries, when all are stored with the
// same content, nil when none is stored, and ErrDuplicate otherwise.
func storedByKey(ctx context.Context, c conn, loan uuid.UUID, cur money.Currency, entries []storage.Entry) ([]storage.Entry, error) {
	var a args
	keys := make([]any, len(entries))
	for i, e := range entries {
		keys[i] = e.IdempotencyKey
	}
	q := "SELECT " + entryCols + " FROM lendcore_loan_entries WHERE loan_id = " + a.add(loan.String()) +
		" AND idempotency_key IN (" + a.list(keys...) + ")"
	rows, err := c.query(ctx, q, a.vals...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := map[string]storage.Entry{}
	for rows.Next() {
		e, err := scanEntry(rows, func(uuid.UUID) money.Currency { return cur })
		if err != nil {
			return nil, err
		}
		found[e.IdempotencyKey] = e
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, nil
	}
	if len(found) < len(entries) {
		return nil, fmt.Errorf("%w: only some idempotency keys of the append are stored", storage.ErrDuplicate)
	}
	out := make([]storage.Entry, len(entries))
	for i, e := range entries {
		s := found[e.IdempotencyKey]
		if !s.SameRequest(e) {
			return nil, fmt.Errorf("%w: idempotency key %q", storage.ErrDuplicate, e.IdempotencyKey)
		}
		out[i] = s
	}
	return out, nil
}

func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// UpdateIndex sets index columns; see storage.Loans.
func (r loans) UpdateIndex(ctx context.Context, updates ...storage.IndexUpdate) error {
	for i := range updates {
		if err := updates[i].Validate(); err != nil {
			return fmt.Errorf("update %d: %w", i, err)
		}
	}
	// A later update of the same loan wins, as it would one at a time.
	last := make(map[uuid.UUID]int, len(updates))
	for i, u := range updates {
		last[u.LoanID] = i
	}
	rows := make([]storage.IndexUpdate, 0, len(last))
	for i, u := range updates {
		if last[u.LoanID] == i {
			rows = append(rows, u)
		}
	}
	return r.s.write(ctx, r.t, func(c conn) error {
		// One statement per chunk (UPDATE ... FROM VALUES, which
		// PostgreSQL, SQLite ≥ 3.33 and CockroachDB accept), so the daily
		// close makes no round trip per loan.
		for start := 0; start < len(rows); start += maxRowsPerInsert {
			chunk := rows[start:min(start+maxRowsPerInsert, len(rows))]
			var a args
			var b strings.Builder
			b.WriteString("UPDATE lendcore_loans SET next_due = v.column2, days_past_due = v.column3, " +
				"classification = v.column4, as_of = v.column5, state = COALESCE(v.column6, lendcore_loans.state) FROM (VALUES ")
			for i, u := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				x := u.Index
				fmt.Fprintf(&b, "(CAST(%s AS {{UUID}}), CAST(%s AS {{DATE}}), CAST(%s AS INTEGER), CAST(%s AS TEXT), CAST(%s AS {{DATE}}), CAST(%s AS TEXT))",
					a.add(u.LoanID.String()), a.add(dateArg(x.NextDue)), a.add(x.DaysPastDue), a.add(x.Classification),
					a.add(dateArg(x.AsOf)), a.add(jsonArg(x.State)))
			}
			b.WriteString(") AS v WHERE lendcore_loans.id = v.column1")
			n, err := affected(c.exec(ctx, c.d.types.Replace(b.String()), a.vals...))
			if err != nil {
				return err
			}
			if n != int64(len(chunk)) {
				return r.missing(ctx, c, chunk)
			}
		}
		return nil
	})
}

// missing returns ErrNotFound naming the first loan of updates that is not
// stored.
func (r loans) missing(ctx context.Context, c conn, updates []storage.IndexUpdate) error {
	for _, u := range updates {
		var one int
		err := c.row(ctx, "SELECT 1 FROM lendcore_loans WHERE id = $1", u.LoanID.String()).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: loan %s", storage.ErrNotFound, u.LoanID)
		}
		if err != nil {
			return err
		}
	}
	return fmt.Errorf("%w: an index update matched fewer loans than it named", storage.ErrConflict)
}

// Scan yields matching loans in id order, one query per batch (two with
// the journal); see storage.Loans.
func (r loans) Scan(ctx context.Context, f storage.LoanFilter) iter.Seq2[storage.Loan, error] {
	f = f.Clone()
	var a args
	var where []string
	if len(f.Statuses) > 0 {
		where = append(where, "status IN ("+a.list(stringsToAny(f.Statuses)...)+")")
	}
	if r := f.NextDue; r != nil {
		where = append(where, "next_due IS NOT NULL")
		if !r.From.IsZero() {
			where = append(where, "next_due >= "+a.add(dateArg(r.From)))
		}
		if !r.To.IsZero() {
			where = append(where, "next_due <= "+a.add(dateArg(r.To)))
		}
	}
	if r := f.DaysPastDue; r != nil {
		where = append(where, "days_past_due >= "+a.add(r.Min), "days_past_due <= "+a.add(r.Max))
	}
	if len(f.Classifications) > 0 {
		where = append(where, "classification IN ("+a.list(stringsToAny(f.Classifications)...)+")")
	}
	return batches(ctx, r.s, r.t, "SELECT "+loanCols+" FROM lendcore_loans", where, a, f.Batch(),
		scanLoan, func(l *storage.Loan) uuid.UUID { return l.ID },
		func(c conn, batch []storage.Loan) error {
			if !f.Journal || len(batch) == 0 {
				return nil
			}
			entries, err := journals(ctx, c, batch)
			if err != nil {
				return err
			}
			at := make(map[uuid.UUID]int, len(batch))
			for i := range batch {
				at[batch[i].ID] = i
			}
			for _, e := range entries {
				l := &batch[at[e.LoanID]]
				l.Journal = append(l.Journal, e)
			}
			return nil
		})
}
