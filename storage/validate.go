package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// Validate reports every bad field of a loan given to Loans.Create: a nil
// id, an empty status, a zero currency, a document that is not JSON, a bad
// index or journal entry, an idempotency key used twice.
func (l *Loan) Validate() error {
	v := invalid()
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
	return done(v)
}

// Validate reports every bad field of an append to a loan in currency cur
// (the stored loan's currency).
func (a *Append) Validate(cur money.Currency) error {
	v := invalid()
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
	return done(v)
}

// Validate reports every bad field of an index update.
func (u *IndexUpdate) Validate() error {
	v := invalid()
	if u.LoanID == uuid.Nil {
		v.Add("loan_id", "must not be nil")
	}
	checkDate(v, "prev_as_of", u.PrevAsOf, false)
	u.Index.check(v, "index")
	return done(v)
}

// check reports the bad fields of x under prefix. The fields are named
// without the prefix first and joined to it only when bad: the daily close
// validates every loan's index every day, and joining the names up front
// cost six allocations a loan.
func (x *LoanIndex) check(v *fault.Fields, prefix string) {
	var bad fault.Fields
	checkDate(&bad, "next_due", x.NextDue, false)
	switch {
	case x.DaysPastDue < 0:
		bad.Add("days_past_due", "must not be negative")
	case x.DaysPastDue > math.MaxInt32:
		bad.Addf("days_past_due", "must be at most %d", math.MaxInt32) // a SQL INTEGER
	}
	checkText(&bad, "classification", x.Classification, false)
	checkText(&bad, "bucket", x.Bucket, false)
	checkText(&bad, "collection", x.Collection, false)
	checkDate(&bad, "inspection_due", x.InspectionDue, false)
	checkDate(&bad, "as_of", x.AsOf, false)
	if x.State != nil {
		checkJSON(&bad, "state", x.State, true)
	}
	for _, f := range bad.List {
		f.Name = fault.Join(prefix, f.Name)
		v.List = append(v.List, f)
	}
}

func checkEntries(v *fault.Fields, prefix string, entries []Entry, cur money.Currency) {
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
	v := invalid()
	if a.ID == uuid.Nil {
		v.Add("id", "must not be nil")
	}
	checkText(v, "status", a.Status, true)
	checkDate(v, "submitted_on", a.SubmittedOn, true)
	checkJSON(v, "document", a.Document, true)
	return done(v)
}

// Validate reports every bad field of an outbox message.
func (m *Message) Validate() error {
	v := invalid()
	checkText(v, "key", m.Key, true)
	checkText(v, "topic", m.Topic, true)
	checkDate(v, "day", m.Day, true)
	checkJSON(v, "payload", m.Payload, true)
	return done(v)
}

// ValidateLoans reports every bad field of the loans given to
// Loans.Create, each named with the loan's position in the call
// ("loans[1].status"), so a batch names all its bad loans at once.
func ValidateLoans(ls []Loan) error {
	v := invalid()
	for i := range ls {
		if err := ls[i].Validate(); err != nil {
			v.Merge(fmt.Sprintf("loans[%d]", i), err)
		}
	}
	return done(v)
}

// ValidateIndexUpdates reports every bad field of the updates given to
// Loans.UpdateIndex, each named with its position ("updates[2].index.as_of"),
// and a loan named twice in one call (its PrevAsOf fence would hold for
// one update only).
func ValidateIndexUpdates(us []IndexUpdate) error {
	v := invalid()
	seen := make(map[uuid.UUID]int, len(us))
	for i := range us {
		if err := us[i].Validate(); err != nil {
			v.Merge(fmt.Sprintf("updates[%d]", i), err)
		}
		if j, dup := seen[us[i].LoanID]; dup && us[i].LoanID != uuid.Nil {
			v.Addf(fmt.Sprintf("updates[%d].loan_id", i), "repeats updates[%d]", j)
		}
		seen[us[i].LoanID] = i
	}
	return done(v)
}

// ValidateMessages reports every bad field of the messages given to
// Outbox.Add, each named with its position ("messages[0].topic").
func ValidateMessages(ms []Message) error {
	v := invalid()
	for i := range ms {
		if err := ms[i].Validate(); err != nil {
			v.Merge(fmt.Sprintf("messages[%d]", i), err)
		}
	}
	return done(v)
}

// checkText rejects what a SQL text column cannot hold byte for byte
// (PostgreSQL refuses NUL and invalid UTF-8), so every adapter accepts the
// same strings.
func checkText(v *fault.Fields, field, s string, required bool) {
	switch {
	case s == "" && required:
		v.Add(field, "must not be empty")
	case !utf8.ValidString(s):
		v.Add(field, "must be valid UTF-8")
	case strings.IndexByte(s, 0) >= 0:
		v.Add(field, "must not contain NUL")
	}
}

func checkJSON(v *fault.Fields, field string, doc json.RawMessage, required bool) {
	switch {
	case len(doc) == 0:
		if required {
			v.Add(field, "must not be empty")
		}
	case !json.Valid(doc):
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

func checkDate(v *fault.Fields, field string, d date.Date, required bool) {
	switch {
	case d.IsZero():
		if required {
			v.Add(field, "must be set")
		}
	case d.Before(minDate) || d.After(maxDate):
		v.Add(field, "must lie in years 1 to 9999")
	}
}

// checkTime rejects a time outside the years a SQL timestamp holds.
func checkTime(v *fault.Fields, field string, t time.Time, required bool) {
	switch {
	case t.IsZero():
		if required {
			v.Add(field, "must be set")
		}
	case t.UTC().Year() < 1 || t.UTC().Year() > 9999:
		v.Add(field, "must lie in years 1 to 9999")
	}
}

// StoredTime returns t as every adapter stores and returns it: in UTC, to
// the microsecond (PostgreSQL's resolution), without a monotonic clock
// reading. The zero time stays zero. The replay checks compare stored
// times, so a retry that carries the nanoseconds of time.Now() is still a
// replay.
func StoredTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
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

// checkID reports a nil id.
func checkID(v *fault.Fields, field string, id uuid.UUID) {
	if id == uuid.Nil {
		v.Add(field, "must not be nil")
	}
}

func checkVersion(v *fault.Fields, field string, n int64, min int64) {
	if n < min {
		v.Addf(field, "must be at least %d", min)
	}
}

// checkKeys checks the key of each row of an appended list and that no key
// repeats.
func checkKeys(v *fault.Fields, prefix string, n int, key func(int) string) {
	seen := make(map[string]int, n)
	for i := range n {
		k := key(i)
		f := fmt.Sprintf("%s[%d].key", prefix, i)
		checkText(v, f, k, true)
		if j, dup := seen[k]; dup && k != "" {
			v.Addf(f, "repeats %s[%d]", prefix, j)
		}
		seen[k] = i
	}
}

// Validate reports every bad field of a book given to Books.Create.
func (b *Book) Validate() error {
	v := invalid()
	checkID(v, "loan_id", b.LoanID)
	if b.Currency.IsZero() {
		v.Add("currency", "must be set")
	}
	checkDate(v, "opened", b.Opened, true)
	checkJSON(v, "document", b.Document, true)
	checkHolders(v, b.Holders)
	checkOps(v, "ops", b.Ops)
	return done(v)
}

// Validate reports every bad field of an append to a book.
func (a *BookAppend) Validate() error {
	v := invalid()
	checkID(v, "loan_id", a.LoanID)
	checkVersion(v, "expected_version", a.ExpectedVersion, 1)
	if len(a.Ops) == 0 {
		v.Add("ops", "must hold at least one operation")
	}
	checkHolders(v, a.Holders)
	checkOps(v, "ops", a.Ops)
	return done(v)
}

// checkHolders reports nil or repeated holders: a holder is one row of an
// investor's statement index, so it is listed once.
func checkHolders(v *fault.Fields, ids []uuid.UUID) { checkLinks(v, "holders", ids) }

func checkOps(v *fault.Fields, prefix string, ops []BookOp) {
	checkKeys(v, prefix, len(ops), func(i int) string { return ops[i].Key })
	for i := range ops {
		f := fmt.Sprintf("%s[%d]", prefix, i)
		checkDate(v, f+".day", ops[i].Day, true)
		checkText(v, f+".kind", ops[i].Kind, true)
		checkJSON(v, f+".payload", ops[i].Payload, true)
	}
}

// Validate reports every bad field of a collection record given to Save.
func (c *Collection) Validate() error {
	v := invalid()
	checkID(v, "loan_id", c.LoanID)
	checkVersion(v, "version", c.Version, 0)
	checkJSON(v, "document", c.Document, true)
	checkDate(v, "next_deadline", c.NextDeadline, false)
	checkDate(v, "unfed", c.Unfed, false)
	return done(v)
}

// Validate reports every bad field of a write to a debtor.
func (s *DebtorSave) Validate() error {
	v := invalid()
	checkID(v, "id", s.ID)
	checkVersion(v, "expected_version", s.ExpectedVersion, 0)
	if s.State != nil {
		checkJSON(v, "state", s.State, true)
	}
	if s.ExpectedVersion == 0 && s.State == nil && len(s.Contacts) == 0 {
		v.Add("state", "a new debtor needs a state or a contact")
	}
	checkKeys(v, "contacts", len(s.Contacts), func(i int) string { return s.Contacts[i].Key })
	for i := range s.Contacts {
		c := &s.Contacts[i]
		f := fmt.Sprintf("contacts[%d]", i)
		checkID(v, f+".loan_id", c.LoanID)
		checkTime(v, f+".at", c.At, true)
		checkJSON(v, f+".payload", c.Payload, true)
	}
	return done(v)
}

// movementKinds are the kinds of reserve movements, true for the one that
// takes money out: the totals sum by kind, so an unknown kind or a payout
// paying in would make them disagree with the balance.
var movementKinds = map[string]bool{"contribution": false, "payout": true, "recovery": false}

// Validate reports every bad field of an add to the reserve.
func (a *ReserveAdd) Validate() error {
	v := invalid()
	checkVersion(v, "expected_version", a.ExpectedVersion, 0)
	if len(a.Movements) == 0 {
		v.Add("movements", "must hold at least one movement")
	}
	checkKeys(v, "movements", len(a.Movements), func(i int) string { return a.Movements[i].Key })
	var cur money.Currency
	for i := range a.Movements {
		m := &a.Movements[i]
		f := fmt.Sprintf("movements[%d]", i)
		out, known := movementKinds[m.Kind]
		switch {
		case m.Kind == "":
			v.Add(f+".kind", "must not be empty")
		case !known:
			v.Add(f+".kind", `must be "contribution", "payout" or "recovery"`)
		case out && m.Amount.IsPositive():
			v.Add(f+".amount", "a payout takes money out: must not be positive")
		case !out && m.Amount.IsNegative():
			v.Addf(f+".amount", "a %s pays in: must not be negative", m.Kind)
		}
		checkDate(v, f+".day", m.Day, true)
		switch c := m.Amount.Currency(); {
		case c.IsZero():
			v.Add(f+".amount", "has no currency")
		case cur.IsZero():
			cur = c
		case c != cur:
			v.Addf(f+".amount", "currency %s is not %s, that of movements[0]", c, cur)
		}
		if m.Payload != nil {
			checkJSON(v, f+".payload", m.Payload, true)
		}
	}
	return done(v)
}

// Validate reports every bad field of an inspection given to Save.
func (i *Inspection) Validate() error {
	v := invalid()
	checkID(v, "id", i.ID)
	checkID(v, "loan_id", i.LoanID)
	checkVersion(v, "version", i.Version, 0)
	checkDate(v, "date", i.Date, true)
	checkText(v, "status", i.Status, true)
	checkJSON(v, "document", i.Document, true)
	return done(v)
}

// Validate reports every bad field of an item given to SaveItem.
func (it *Item) Validate() error {
	v := invalid()
	checkID(v, "id", it.ID)
	checkVersion(v, "version", it.Version, 0)
	checkText(v, "status", it.Status, true)
	checkLinks(v, "loans", it.Loans)
	checkDate(v, "revaluation_due", it.RevaluationDue, false)
	checkDate(v, "document_out", it.DocumentOut, false)
	checkJSON(v, "document", it.Document, true)
	return done(v)
}

// Validate reports every bad field of a cover given to SaveCover.
func (c *Cover) Validate() error {
	v := invalid()
	checkID(v, "loan_id", c.LoanID)
	checkVersion(v, "version", c.Version, 0)
	checkText(v, "call", c.Call, false)
	checkJSON(v, "document", c.Document, true)
	return done(v)
}

// Validate reports every bad field of a guarantor given to SaveGuarantor.
func (g *Guarantor) Validate() error {
	v := invalid()
	checkID(v, "id", g.ID)
	checkVersion(v, "version", g.Version, 0)
	checkLinks(v, "loans", g.Loans)
	checkDate(v, "period_end", g.PeriodEnd, false)
	checkJSON(v, "document", g.Document, true)
	return done(v)
}

// checkLinks reports nil or repeated ids in a list of links.
func checkLinks(v *fault.Fields, field string, ids []uuid.UUID) {
	seen := make(map[uuid.UUID]bool, len(ids))
	for i, id := range ids {
		f := fmt.Sprintf("%s[%d]", field, i)
		checkID(v, f, id)
		if seen[id] {
			v.Add(f, "repeats an earlier id")
		}
		seen[id] = true
	}
}

// maxParts bounds the partitions of a day's close.
const maxParts = 4096

// Validate reports every bad field of a close partition given to Save.
func (p *ClosePart) Validate() error {
	v := invalid()
	checkDate(v, "day", p.Day, true)
	if p.Parts < 1 || p.Parts > maxParts {
		v.Addf("parts", "must be 1 to %d", maxParts)
	}
	if p.Part < 0 || p.Part > p.Parts {
		v.Add("part", "must be 0 to parts")
	}
	checkVersion(v, "version", p.Version, 1)
	checkText(v, "owner", p.Owner, false)
	checkTime(v, "lease_until", p.LeaseUntil, false)
	if p.Report != nil {
		checkJSON(v, "report", p.Report, true)
	}
	return done(v)
}

// ValidatePlan reports a bad day or number of partitions for Closes.Plan.
func ValidatePlan(day date.Date, parts int) error {
	v := invalid()
	checkDate(v, "day", day, true)
	if parts < 1 || parts > maxParts {
		v.Addf("parts", "must be 1 to %d", maxParts)
	}
	return done(v)
}

// ValidateDay reports a missing or out-of-range day (Closes.Finish,
// Outbox.Purge).
func ValidateDay(day date.Date) error {
	v := invalid()
	checkDate(v, "day", day, true)
	return done(v)
}
