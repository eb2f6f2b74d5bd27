package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
)

// Validate reports every bad field of a loan given to Loans.Create: a nil
// id, an empty status, a zero currency, a document that is not JSON, a bad
// index or journal entry, an idempotency key used twice.
func (l *Loan) Validate() error {
	v := &ValidationError{}
	if l.ID == uuid.Nil {
		v.Add("id", "must not be nil")
	}
	checkText(v, "status", l.Status, true)
	if l.Currency.IsZero() {
		v.Add("currency", "must be set")
	}
	checkJSON(v, "document", l.Document, true)
	l.Index.check(v, "index")
	checkEntries(v, "journal", l.Journal, l.Currency)
	return v.Err()
}

// Validate reports every bad field of an append to a loan in currency cur
// (the stored loan's currency).
func (a *Append) Validate(cur money.Currency) error {
	v := &ValidationError{}
	if a.LoanID == uuid.Nil {
		v.Add("loan_id", "must not be nil")
	}
	if a.ExpectedVersion < 1 {
		v.Add("expected_version", "must be at least 1")
	}
	if len(a.Entries) == 0 {
		v.Add("entries", "must hold at least one entry")
	}
	checkText(v, "status", a.Status, false)
	if a.Document != nil {
		checkJSON(v, "document", a.Document, true)
	}
	if a.Index != nil {
		a.Index.check(v, "index")
	}
	checkEntries(v, "entries", a.Entries, cur)
	return v.Err()
}

// Validate reports every bad field of an index update.
func (u *IndexUpdate) Validate() error {
	v := &ValidationError{}
	if u.LoanID == uuid.Nil {
		v.Add("loan_id", "must not be nil")
	}
	u.Index.check(v, "index")
	return v.Err()
}

func (x *LoanIndex) check(v *ValidationError, prefix string) {
	checkDate(v, prefix+".next_due", x.NextDue, false)
	if x.DaysPastDue < 0 {
		v.Add(prefix+".days_past_due", "must not be negative")
	}
	checkText(v, prefix+".classification", x.Classification, false)
	checkDate(v, prefix+".as_of", x.AsOf, false)
	if x.State != nil {
		checkJSON(v, prefix+".state", x.State, true)
	}
}

func checkEntries(v *ValidationError, prefix string, entries []Entry, cur money.Currency) {
	seen := make(map[string]int, len(entries))
	for i := range entries {
		e := &entries[i]
		f := fmt.Sprintf("%s[%d]", prefix, i)
		checkText(v, f+".idempotency_key", e.IdempotencyKey, true)
		if j, dup := seen[e.IdempotencyKey]; dup && e.IdempotencyKey != "" {
			v.Add(f+".idempotency_key", fmt.Sprintf("repeats %s[%d]", prefix, j))
		}
		seen[e.IdempotencyKey] = i
		checkText(v, f+".kind", e.Kind, true)
		checkDate(v, f+".value_date", e.ValueDate, true)
		switch c := e.Amount.Currency(); {
		case c.IsZero() && !e.Amount.IsZero():
			v.Add(f+".amount", "has no currency")
		case !c.IsZero() && !cur.IsZero() && c != cur:
			v.Add(f+".amount", fmt.Sprintf("currency %s is not the loan's %s", c, cur))
		}
		checkJSON(v, f+".payload", e.Payload, true)
	}
}

// Validate reports every bad field of an application.
func (a *Application) Validate() error {
	v := &ValidationError{}
	if a.ID == uuid.Nil {
		v.Add("id", "must not be nil")
	}
	checkText(v, "status", a.Status, true)
	checkDate(v, "submitted_on", a.SubmittedOn, true)
	checkJSON(v, "document", a.Document, true)
	return v.Err()
}

// Validate reports every bad field of an outbox message.
func (m *Message) Validate() error {
	v := &ValidationError{}
	checkText(v, "key", m.Key, true)
	checkText(v, "topic", m.Topic, true)
	checkDate(v, "day", m.Day, true)
	checkJSON(v, "payload", m.Payload, true)
	return v.Err()
}

// Validate reports every bad field of a checkpoint.
func (c *Checkpoint) Validate() error {
	v := &ValidationError{}
	checkText(v, "scope", c.Scope, true)
	checkText(v, "key", c.Key, true)
	checkDate(v, "day", c.Day, true)
	if c.Payload != nil {
		checkJSON(v, "payload", c.Payload, true)
	}
	return v.Err()
}

// checkText rejects what a SQL text column cannot hold byte for byte
// (PostgreSQL refuses NUL and invalid UTF-8), so every adapter accepts the
// same strings.
func checkText(v *ValidationError, field, s string, required bool) {
	switch {
	case s == "" && required:
		v.Add(field, "must not be empty")
	case !utf8.ValidString(s):
		v.Add(field, "must be valid UTF-8")
	case strings.IndexByte(s, 0) >= 0:
		v.Add(field, "must not contain NUL")
	}
}

func checkJSON(v *ValidationError, field string, doc json.RawMessage, required bool) {
	switch {
	case len(doc) == 0:
		if required {
			v.Add(field, "must not be empty")
		}
	case !validJSON(doc):
		v.Add(field, "must be valid JSON")
	case !utf8.Valid(doc):
		v.Add(field, "must be valid UTF-8")
	}
}

// Dates are stored as SQL DATE or ISO text, so the year must have four
// digits.
var (
	minDate = date.New(1, 1, 1)
	maxDate = date.New(9999, 12, 31)
)

func checkDate(v *ValidationError, field string, d date.Date, required bool) {
	switch {
	case d.IsZero():
		if required {
			v.Add(field, "must be set")
		}
	case d.Before(minDate) || d.After(maxDate):
		v.Add(field, "must lie in years 1 to 9999")
	}
}

// SameJSON reports whether a and b are the same JSON text apart from
// insignificant white space. Two invalid documents are never the same.
func SameJSON(a, b json.RawMessage) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return false
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}
