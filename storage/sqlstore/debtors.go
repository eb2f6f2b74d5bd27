package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

const contactCols = "debtor_id, seq, contact_key, loan_id, at, payload"

type debtors struct{ repo }

var contacts = keyed[storage.Contact]{
	sel: "SELECT " + contactCols + " FROM lendcore_debtor_contacts", parent: "debtor_id", key: "contact_key",
	read:  scanContact,
	keyOf: func(c *storage.Contact) string { return c.Key },
	same:  func(s, c *storage.Contact) bool { return s.SameRequest(*c) },
}

func scanContact(r rowScanner) (storage.Contact, error) {
	var x storage.Contact
	err := r.Scan(&x.Debtor, &x.Seq, &x.Key, &x.LoanID, timeCol{&x.At}, jsonCol{&x.Payload})
	return x, err
}

// Get returns a debtor with the contacts made since a time; see
// storage.Debtors.
func (r debtors) Get(ctx context.Context, id uuid.UUID, since time.Time) (storage.Debtor, error) {
	var d storage.Debtor
	err := r.read(ctx, func(c conn) error {
		var lastSeq int64
		err := c.row(ctx, "SELECT version, last_seq, state FROM lendcore_debtors WHERE id = $1", id.String()).
			Scan(&d.Version, &lastSeq, jsonCol{&d.State})
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: debtor %s", storage.ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		d.ID = id
		// The log is append-only: the attempts up to the header's last_seq
		// are those the header describes.
		var w where
		w.eq("debtor_id", id.String())
		w.cond("seq <= " + w.a.add(lastSeq))
		if !since.IsZero() {
			w.cond("at >= " + w.a.add(timeArg(since)))
		}
		d.Contacts, err = queryRows(ctx, c, scanContact, contacts.sel+" WHERE "+w.and()+" ORDER BY seq", w.a.vals...)
		return err
	})
	return d, err
}

// Save appends contacts and replaces the state at the version read; see
// storage.Debtors.
func (r debtors) Save(ctx context.Context, s storage.DebtorSave) (version int64, replayed bool, err error) {
	if err := s.Validate(); err != nil {
		return 0, false, err
	}
	err = r.write(ctx, func(c conn) error {
		var lastSeq int64
		err := c.row(ctx, "SELECT version, last_seq FROM lendcore_debtors WHERE id = $1", s.ID.String()).Scan(&version, &lastSeq)
		exists := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if exists && len(s.Contacts) > 0 {
			stored, err := contacts.replay(ctx, c, s.ID.String(), s.Contacts)
			if err != nil || stored != nil {
				replayed = stored != nil
				return err
			}
		}
		switch {
		case !exists && s.ExpectedVersion != 0:
			return fmt.Errorf("%w: debtor %s was never saved", storage.ErrNotFound, s.ID)
		case exists && s.ExpectedVersion == 0:
			return fmt.Errorf("%w: debtor %s was saved before", storage.ErrConflict, s.ID)
		case s.ExpectedVersion == 0:
			_, err := c.exec(ctx, "INSERT INTO lendcore_debtors (id, version, last_seq, state) VALUES ($1, 1, $2, $3)",
				s.ID.String(), len(s.Contacts), jsonArg(s.State))
			if isUnique(err) {
				return fmt.Errorf("%w: debtor %s was saved before", storage.ErrConflict, s.ID)
			}
			if err != nil {
				return err
			}
		default:
			var u setter
			u.sets = append(u.sets, "last_seq = last_seq + "+u.a.add(len(s.Contacts)))
			if s.State != nil {
				u.set("state", string(s.State))
			}
			ok, err := u.cas(ctx, c, "lendcore_debtors", "id", s.ID.String(), s.ExpectedVersion)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%w: debtor %s is not at version %d", storage.ErrConflict, s.ID, s.ExpectedVersion)
			}
		}
		version = s.ExpectedVersion + 1
		rows := make([][]any, len(s.Contacts))
		for i, x := range s.Contacts {
			rows[i] = []any{s.ID.String(), lastSeq + int64(i+1), x.Key, x.LoanID.String(), timeArg(x.At), string(x.Payload)}
		}
		err = insertRows(ctx, c, "INSERT INTO lendcore_debtor_contacts ("+contactCols+")", rows)
		if isUnique(err) {
			return fmt.Errorf("%w: contact log position taken by a concurrent writer", storage.ErrConflict)
		}
		return err
	})
	if err != nil {
		return 0, false, err
	}
	return version, replayed, nil
}

// Contacts yields matching contact attempts by debtor and Seq; see
// storage.Debtors.
func (r debtors) Contacts(ctx context.Context, f storage.ContactFilter) iter.Seq2[storage.Contact, error] {
	q := scan[storage.Contact]{sel: contacts.sel, keys: []string{"debtor_id", "seq"},
		cursor: func(x *storage.Contact) []any { return []any{x.Debtor.String(), x.Seq} }, batch: f.Batch(), read: scanContact}
	q.w.id("debtor_id", f.Debtor)
	q.w.id("loan_id", f.LoanID)
	if !f.From.IsZero() {
		q.w.cond("at >= " + q.w.a.add(timeArg(f.From)))
	}
	if !f.To.IsZero() {
		q.w.cond("at < " + q.w.a.add(timeArg(f.To)))
	}
	return q.run(ctx, r.repo)
}
