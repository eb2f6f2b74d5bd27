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

const factCols = "subject, seq, fact_key, loan_id, day, kind, payload"

type factsRepo struct{ repo }

var factRows = keyed[storage.Fact]{
	sel: "SELECT " + factCols + " FROM lendcore_facts", parent: "subject", key: "fact_key",
	read:  scanFact,
	keyOf: func(f *storage.Fact) string { return f.Key },
	same:  func(s, f *storage.Fact) bool { return s.SameRequest(*f) },
}

func scanFact(r rowScanner) (storage.Fact, error) {
	var x storage.Fact
	err := r.Scan(&x.Subject, &x.Seq, &x.Key, nullID{&x.LoanID}, dateCol{&x.Day}, &x.Kind, jsonCol{&x.Payload})
	return x, err
}

// Facts returns the repository of facts journals.
func (r repo) Facts() storage.Facts { return factsRepo{r} }

// Get returns a subject's journal; see storage.Facts.
func (r factsRepo) Get(ctx context.Context, subject uuid.UUID) (storage.FactJournal, error) {
	var j storage.FactJournal
	err := r.read(ctx, func(c conn) error {
		var lastSeq int64
		err := c.row(ctx, "SELECT version, last_seq FROM lendcore_fact_journals WHERE subject = $1", subject.String()).
			Scan(&j.Version, &lastSeq)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: facts of %s", storage.ErrNotFound, subject)
		}
		if err != nil {
			return err
		}
		j.Subject = subject
		// The journal is append-only: the facts up to the header's
		// last_seq are those the header's version describes.
		j.Facts, err = queryRows(ctx, c, scanFact, factRows.sel+" WHERE subject = $1 AND seq <= $2 ORDER BY seq",
			subject.String(), lastSeq)
		return err
	})
	return j, err
}

// Append appends facts at the version read; see storage.Facts.
func (r factsRepo) Append(ctx context.Context, a storage.FactAppend) (version int64, replayed bool, err error) {
	if err := a.Validate(); err != nil {
		return 0, false, err
	}
	err = r.write(ctx, func(c conn) error {
		var lastSeq int64
		err := c.row(ctx, "SELECT version, last_seq FROM lendcore_fact_journals WHERE subject = $1", a.Subject.String()).
			Scan(&version, &lastSeq)
		exists := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if exists {
			stored, err := factRows.replay(ctx, c, a.Subject.String(), a.Facts)
			if err != nil || stored != nil {
				replayed = stored != nil
				return err
			}
		}
		switch {
		case !exists && a.ExpectedVersion != 0:
			return fmt.Errorf("%w: facts of %s were never written", storage.ErrNotFound, a.Subject)
		case exists && a.ExpectedVersion == 0:
			return fmt.Errorf("%w: facts of %s were written before", storage.ErrConflict, a.Subject)
		case a.ExpectedVersion == 0:
			_, err := c.exec(ctx, "INSERT INTO lendcore_fact_journals (subject, version, last_seq) VALUES ($1, 1, $2)",
				a.Subject.String(), len(a.Facts))
			if isUnique(err) {
				return fmt.Errorf("%w: facts of %s were written before", storage.ErrConflict, a.Subject)
			}
			if err != nil {
				return err
			}
		default:
			var u setter
			u.sets = append(u.sets, "last_seq = last_seq + "+u.a.add(len(a.Facts)))
			ok, err := u.cas(ctx, c, "lendcore_fact_journals", "subject", a.Subject.String(), a.ExpectedVersion)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%w: facts of %s are not at version %d", storage.ErrConflict, a.Subject, a.ExpectedVersion)
			}
		}
		version = a.ExpectedVersion + 1
		rows := make([][]any, len(a.Facts))
		for i, f := range a.Facts {
			rows[i] = []any{a.Subject.String(), lastSeq + int64(i+1), f.Key, uuidArg(f.LoanID), dateArg(f.Day), f.Kind,
				string(f.Payload)}
		}
		err = insertRows(ctx, c, "INSERT INTO lendcore_facts ("+factCols+")", rows)
		if isUnique(err) {
			return fmt.Errorf("%w: facts journal position taken by a concurrent writer", storage.ErrConflict)
		}
		return err
	})
	if err != nil {
		return 0, false, err
	}
	return version, replayed, nil
}

// Scan yields matching facts by subject and Seq; see storage.Facts.
func (r factsRepo) Scan(ctx context.Context, f storage.FactFilter) iter.Seq2[storage.Fact, error] {
	q := scan[storage.Fact]{sel: factRows.sel, keys: []string{"subject", "seq"},
		cursor: func(x *storage.Fact) []any { return []any{x.Subject.String(), x.Seq} }, batch: f.Batch(), read: scanFact}
	q.w.id("subject", f.Subject)
	q.w.id("loan_id", f.LoanID)
	q.w.dates("day", f.Days)
	return q.run(ctx, r.repo)
}
