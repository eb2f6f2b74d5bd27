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
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// loanSelect returns the columns scanLoan reads, with NULL in place of
// the document or the state when the caller does not need them. The
// documents live in tables of their own (migration 0004), read by key.
func loanSelect(document, state bool) string {
	doc, st := "(SELECT document FROM lendcore_loan_documents WHERE loan_id = lendcore_loans.id)",
		"(SELECT state FROM lendcore_loan_states WHERE loan_id = lendcore_loans.id)"
	if !document {
		doc = "NULL"
	}
	if !state {
		st = "NULL"
	}
	return "id, borrower, version, status, currency, " + doc + ", next_due, days_past_due, classification, " +
		"bucket, collection, inspection_due, as_of, final, " + st
}

var loanCols = loanSelect(true, true)

const (
	entryCols = "loan_id, seq, version, entry_id, idempotency_key, value_date, kind, CAST(amount AS TEXT), payload"
)

type loans struct{ repo }

type rowScanner interface{ Scan(dest ...any) error }

func scanLoan(r rowScanner) (storage.Loan, error) {
	var l storage.Loan
	var cur string
	x := &l.Index
	err := r.Scan(&l.ID, nullID{&l.Borrower}, &l.Version, &l.Status, &cur, jsonCol{&l.Document}, dateCol{&x.NextDue},
		&x.DaysPastDue, &x.Classification, &x.Bucket, &x.Collection, dateCol{&x.InspectionDue}, dateCol{&x.AsOf},
		&x.Final, jsonCol{&x.State})
	if err != nil {
		return l, err
	}
	l.Currency, err = parseCurrency(cur)
	return l, err
}

// indexArgs are the values of x's columns, indexCols.
func indexArgs(x *storage.LoanIndex) []any {
	return []any{dateArg(x.NextDue), x.DaysPastDue, x.Classification, x.Bucket, x.Collection,
		dateArg(x.InspectionDue), dateArg(x.AsOf), x.Final}
}

var indexCols = []string{"next_due", "days_past_due", "classification", "bucket", "collection", "inspection_due", "as_of", "final"}

// entries is the loan journal's idempotency check.
var entries = keyed[storage.Entry]{
	sel: "SELECT " + entryCols + " FROM lendcore_loan_entries", parent: "loan_id", key: "idempotency_key",
	keyOf: func(e *storage.Entry) string { return e.IdempotencyKey },
	same:  func(s, e *storage.Entry) bool { return s.SameRequest(*e) },
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
	if err := storage.ValidateLoans(ls); err != nil {
		return err
	}
	seen := make(map[uuid.UUID]bool, len(ls))
	for _, l := range ls {
		if seen[l.ID] {
			return fmt.Errorf("%w: loan %s given twice", storage.ErrDuplicate, l.ID)
		}
		seen[l.ID] = true
	}
	return r.write(ctx, func(c conn) error {
		rows := make([][]any, len(ls))
		docs := make([][]any, len(ls))
		var states []storage.IndexUpdate
		var journal []storage.Entry
		for i, l := range ls {
			rows[i] = append([]any{l.ID.String(), uuidArg(l.Borrower), 1, len(l.Journal), l.Status,
				currencyArg(l.Currency)}, indexArgs(&l.Index)...)
			docs[i] = []any{l.ID.String(), string(l.Document)}
			if l.Index.State != nil {
				states = append(states, storage.IndexUpdate{LoanID: l.ID, Index: l.Index})
			}
			for j, e := range l.Journal {
				e.LoanID, e.Seq, e.Version = l.ID, int64(j+1), 1
				journal = append(journal, e)
			}
		}
		err := insertRows(ctx, c, "INSERT INTO lendcore_loans (id, borrower, version, last_seq, status, currency, "+
			strings.Join(indexCols, ", ")+")", rows)
		if isUnique(err) {
			return fmt.Errorf("%w: a loan with one of the ids exists", storage.ErrDuplicate)
		}
		if err != nil {
			return err
		}
		if err := insertRows(ctx, c, "INSERT INTO lendcore_loan_documents (loan_id, document)", docs); err != nil {
			return err
		}
		if err := putStates(ctx, c, states); err != nil {
			return err
		}
		return insertEntries(ctx, c, journal)
	})
}

// insertEntries inserts stamped journal rows with multi-row INSERTs.
func insertEntries(ctx context.Context, c conn, entries []storage.Entry) error {
	rows := make([][]any, len(entries))
	for i, e := range entries {
		rows[i] = []any{e.LoanID.String(), e.Seq, e.Version, e.ID.String(), e.IdempotencyKey,
			dateArg(e.ValueDate), e.Kind, amountArg(e.Amount), string(e.Payload)}
	}
	err := insertRows(ctx, c, "INSERT INTO lendcore_loan_entries (loan_id, seq, version, entry_id, idempotency_key, "+
		"value_date, kind, amount, payload)", rows)
	if isUnique(err) {
		// The version check should have stopped a racing writer first;
		// the (loan_id, seq) key is the last line of defence.
		return fmt.Errorf("%w: journal position taken by a concurrent writer", storage.ErrConflict)
	}
	return err
}

// Get returns a loan with its journal; see storage.Loans. It is one query
// (the header joined with its entries, a row per entry): one round trip,
// and one snapshot, so the journal is exactly the one the header's
// version describes.
func (r loans) Get(ctx context.Context, id uuid.UUID) (storage.Loan, error) {
	var l storage.Loan
	err := r.read(ctx, func(c conn) error {
		rows, err := c.query(ctx, loanWithJournal, id.String())
		if err != nil {
			return err
		}
		defer rows.Close()
		found := false
		for rows.Next() {
			var e storage.Entry
			var seq, version sql.NullInt64
			var key, kind, amount sql.NullString
			row, err := scanLoan(withTail{rows, []any{&seq, &version, nullID{&e.ID}, &key, dateCol{&e.ValueDate}, &kind,
				&amount, jsonCol{&e.Payload}}})
			if err != nil {
				return err
			}
			if !found {
				l, found = row, true
			}
			if !seq.Valid {
				continue // no entries: the header's row alone
			}
			e.LoanID, e.Seq, e.Version, e.IdempotencyKey, e.Kind = id, seq.Int64, version.Int64, key.String, kind.String
			if e.Amount, err = parseAmount(amount, l.Currency); err != nil {
				return err
			}
			l.Journal = append(l.Journal, e)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("%w: loan %s", storage.ErrNotFound, id)
		}
		return nil
	})
	return l, err
}

// loanWithJournal is Get's query: the loan's columns (scanLoan's), then
// an entry's (NULL when the journal is empty), in journal order.
var loanWithJournal = "WITH l AS (SELECT " + loanCols + " FROM lendcore_loans WHERE id = $1) " +
	"SELECT l.*, e.seq, e.version, e.entry_id, e.idempotency_key, e.value_date, e.kind, CAST(e.amount AS TEXT), e.payload " +
	"FROM l LEFT JOIN lendcore_loan_entries e ON e.loan_id = l.id AND e.version <= l.version ORDER BY e.seq"

// withTail scans a row into the destinations a reader gives, then tail:
// a row that carries more columns than the reader knows of.
type withTail struct {
	r    rowScanner
	tail []any
}

func (w withTail) Scan(dest ...any) error { return w.r.Scan(append(dest, w.tail...)...) }

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
	cur := func(id uuid.UUID) money.Currency { return byID[id].Currency }
	all, err := queryRows(ctx, c, func(r rowScanner) (storage.Entry, error) { return scanEntry(r, cur) },
		"SELECT "+entryCols+" FROM lendcore_loan_entries WHERE loan_id IN ("+a.in(ids...)+") ORDER BY loan_id, seq", a.vals...)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, e := range all {
		if e.Version <= byID[e.LoanID].Version {
			out = append(out, e)
		}
	}
	return out, nil
}

// Append appends journal entries; see storage.Loans.
func (r loans) Append(ctx context.Context, ap storage.Append) (storage.AppendResult, error) {
	var res storage.AppendResult
	err := r.write(ctx, func(c conn) error {
		var curText string
		var version, lastSeq int64
		err := c.row(ctx, "SELECT currency, version, last_seq FROM lendcore_loans WHERE id = $1",
			ap.LoanID.String()).Scan(&curText, &version, &lastSeq)
		if errors.Is(err, sql.ErrNoRows) {
			if verr := ap.Validate(money.Currency{}); verr != nil {
				return verr
			}
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
		k := entries
		k.read = func(r rowScanner) (storage.Entry, error) {
			return scanEntry(r, func(uuid.UUID) money.Currency { return cur })
		}
		stored, err := k.replay(ctx, c, ap.LoanID.String(), ap.Entries)
		if err != nil {
			return err
		}
		if stored != nil {
			res = storage.AppendResult{Version: stored[0].Version, Entries: stored, Replayed: true}
			return nil
		}
		conflict := fmt.Errorf("%w: loan %s is at version %d, not %d", storage.ErrConflict, ap.LoanID, version, ap.ExpectedVersion)
		if version != ap.ExpectedVersion {
			return conflict
		}
		var s setter
		s.sets = append(s.sets, "last_seq = last_seq + "+s.a.add(len(ap.Entries)))
		if ap.Status != "" {
			s.set("status", ap.Status)
		}
		if x := ap.Index; x != nil {
			for i, v := range indexArgs(x) {
				s.set(indexCols[i], v)
			}
		}
		ok, err := s.cas(ctx, c, "lendcore_loans", "id", ap.LoanID.String(), ap.ExpectedVersion)
		if err != nil {
			return err
		}
		if !ok {
			return conflict
		}
		if ap.Document != nil {
			if _, err := c.exec(ctx, "UPDATE lendcore_loan_documents SET document = $1 WHERE loan_id = $2",
				string(ap.Document), ap.LoanID.String()); err != nil {
				return err
			}
		}
		if x := ap.Index; x != nil && x.State != nil {
			if err := putStates(ctx, c, []storage.IndexUpdate{{LoanID: ap.LoanID, Index: *x}}); err != nil {
				return err
			}
		} else if x != nil { // an index replaced without a state: none is stored
			if _, err := c.exec(ctx, "DELETE FROM lendcore_loan_states WHERE loan_id = $1", ap.LoanID.String()); err != nil {
				return err
			}
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

// UpdateIndex sets index columns; see storage.Loans.
//
// The index columns and the state document are two writes: the fenced
// update of the narrow loans rows (every loan, every day), then the state
// documents of the loans whose state changed (a loan in a few on a quiet
// day). On PostgreSQL a batch of index updates is one statement (UPDATE
// ... FROM unnest(arrays), which CockroachDB accepts too) whose condition
// on as_of is the PrevAsOf fence, so the daily close makes one round trip
// per batch; a batch that updates fewer rows than it names is rolled back
// and only then are the missing or stale loans looked for. On SQLite each
// loan is two prepared statements (see updateIndexRow).
func (r loans) UpdateIndex(ctx context.Context, updates ...storage.IndexUpdate) error {
	if err := storage.ValidateIndexUpdates(updates); err != nil {
		return err
	}
	return r.write(ctx, func(c conn) error {
		if c.d.inProcess {
			for i := range updates {
				if err := updateIndexRow(ctx, c, &updates[i]); err != nil {
					return err
				}
			}
		} else {
			for chunk := range slices.Chunk(updates, maxRowsPerArray) {
				if err := updateIndexChunk(ctx, c, chunk); err != nil {
					return err
				}
			}
		}
		var states []storage.IndexUpdate
		for _, u := range updates {
			if u.Index.State != nil {
				states = append(states, u)
			}
		}
		return putStates(ctx, c, states)
	})
}

// updateIndexChunk updates the index columns of a chunk of loans in one
// statement, fenced on their PrevAsOf, the rows given as arrays (see
// rowSource).
func updateIndexChunk(ctx context.Context, c conn, chunk []storage.IndexUpdate) error {
	var a args
	from := unnest(&a, []string{"UUID", "DATE", "DATE", "INTEGER", "TEXT", "TEXT", "TEXT", "DATE", "DATE", "BOOLEAN"}, chunk,
		func(u *storage.IndexUpdate) []any {
			return append([]any{u.LoanID.String(), dateArg(u.PrevAsOf)}, indexArgs(&u.Index)...)
		})
	n, err := affected(c.exec(ctx, "UPDATE lendcore_loans SET next_due = v.c3, days_past_due = v.c4, classification = v.c5, "+
		"bucket = v.c6, collection = v.c7, inspection_due = v.c8, as_of = v.c9, final = v.c10 FROM "+from+
		" WHERE lendcore_loans.id = v.c1 AND lendcore_loans.as_of IS NOT DISTINCT FROM v.c2", a.vals...))
	if err != nil {
		return err
	}
	if n != int64(len(chunk)) {
		return whyNotUpdated(ctx, c, chunk)
	}
	return nil
}

// updateIndexRow updates one loan's index on SQLite: the columns other
// than as_of only where they changed, then the move of as_of, both fenced
// on PrevAsOf (the first changes no as_of, so the second's count says
// whether the fence held). SQLite rewrites the entries of every index on a
// column an UPDATE sets, whatever the values, so setting all the indexed
// columns of a quiet loan (whose index only moves its as_of) would rewrite
// ten index entries for nothing; the first statement's condition skips it.
func updateIndexRow(ctx context.Context, c conn, u *storage.IndexUpdate) error {
	x := &u.Index
	_, err := c.exec(ctx, "UPDATE lendcore_loans SET next_due = $1, days_past_due = $2, classification = $3, bucket = $4, "+
		"collection = $5, inspection_due = $6, final = $7 WHERE id = $8 AND as_of IS NOT DISTINCT FROM $9 AND "+
		"(next_due IS DISTINCT FROM $1 OR days_past_due <> $2 OR classification <> $3 OR bucket <> $4 OR "+
		"collection <> $5 OR inspection_due IS DISTINCT FROM $6 OR final <> $7)",
		dateArg(x.NextDue), x.DaysPastDue, x.Classification, x.Bucket, x.Collection, dateArg(x.InspectionDue), x.Final,
		u.LoanID.String(), dateArg(u.PrevAsOf))
	if err != nil {
		return err
	}
	n, err := affected(c.exec(ctx, "UPDATE lendcore_loans SET as_of = $1 WHERE id = $2 AND as_of IS NOT DISTINCT FROM $3",
		dateArg(x.AsOf), u.LoanID.String(), dateArg(u.PrevAsOf)))
	if err != nil {
		return err
	}
	if n != 1 {
		return whyNotUpdated(ctx, c, []storage.IndexUpdate{*u})
	}
	return nil
}

// putStates stores the state documents of updates (none nil), replacing
// those stored.
func putStates(ctx context.Context, c conn, updates []storage.IndexUpdate) error {
	rows := make([][]any, len(updates))
	for i, u := range updates {
		rows[i] = []any{u.LoanID.String(), string(u.Index.State)}
	}
	return upsertRows(ctx, c, "INSERT INTO lendcore_loan_states (loan_id, state)", "loan_id", "state",
		[]string{"UUID", "TEXT"}, rows)
}

// whyNotUpdated names the first loan of updates that does not exist
// (ErrNotFound) or whose stored AsOf is not the update's PrevAsOf
// (ErrConflict).
func whyNotUpdated(ctx context.Context, c conn, updates []storage.IndexUpdate) error {
	var a args
	ids := make([]any, len(updates))
	for i, u := range updates {
		ids[i] = u.LoanID.String()
	}
	type asOf struct {
		id  uuid.UUID
		day date.Date
	}
	rows, err := queryRows(ctx, c, func(r rowScanner) (asOf, error) {
		var v asOf
		return v, r.Scan(&v.id, dateCol{&v.day})
	}, "SELECT id, as_of FROM lendcore_loans WHERE id IN ("+a.in(ids...)+")", a.vals...)
	if err != nil {
		return err
	}
	stored := make(map[uuid.UUID]date.Date, len(rows))
	for _, v := range rows {
		stored[v.id] = v.day
	}
	for _, u := range updates {
		if _, ok := stored[u.LoanID]; !ok {
			return fmt.Errorf("%w: loan %s", storage.ErrNotFound, u.LoanID)
		}
	}
	for _, u := range updates {
		if s := stored[u.LoanID]; s != u.PrevAsOf {
			return fmt.Errorf("%w: loan %s: index as of %s, not %s", storage.ErrConflict, u.LoanID, s, u.PrevAsOf)
		}
	}
	return fmt.Errorf("%w: an index update matched fewer loans than it named", storage.ErrConflict)
}

// Scan yields matching loans in id order, one query per batch (two with
// the journal); see storage.Loans.
func (r loans) Scan(ctx context.Context, f storage.LoanFilter) iter.Seq2[storage.Loan, error] {
	f = f.Clone()
	q := idScan("SELECT "+loanSelect(!f.NoDocument, !f.NoState)+" FROM lendcore_loans", "id",
		func(l *storage.Loan) uuid.UUID { return l.ID }, f.Batch(), scanLoan)
	q.w.ids("id", f.IDs)
	q.w.id("borrower", f.Borrower)
	q.w.in("status", f.Statuses)
	q.w.dates("next_due", f.NextDue)
	q.w.ints("days_past_due", f.DaysPastDue)
	q.w.in("classification", f.Classifications)
	q.w.in("bucket", f.Buckets)
	q.w.in("collection", f.Collections)
	q.w.dates("inspection_due", f.InspectionDue)
	if f.Unfinished {
		q.w.eq("final", false)
	}
	if f.Journal {
		q.enrich = func(ctx context.Context, c conn, batch []storage.Loan) error {
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
		}
	}
	return q.run(ctx, r.repo)
}
