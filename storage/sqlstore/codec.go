package sqlstore

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// Values cross the driver boundary as text or integers only: amounts as
// decimal text (never a float), dates as ISO text, ids as canonical text.

// dateArg is the query argument for d: ISO text, or NULL for the zero Date.
func dateArg(d date.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// amountArg is the query argument for a: exact decimal text, or NULL for
// the currency-less zero Amount.
func amountArg(a money.Amount) any {
	if a == (money.Amount{}) {
		return nil
	}
	return a.Number()
}

// uuidArg is the query argument for id: text, or NULL for uuid.Nil.
func uuidArg(id uuid.UUID) any {
	if id == uuid.Nil {
		return nil
	}
	return id.String()
}

// dateCol scans a DATE (PostgreSQL hands a time.Time) or ISO text (SQLite)
// column; NULL gives the zero Date. Text is parsed strictly here: the date
// package's own parser can panic on malformed input.
type dateCol struct{ d *date.Date }

func (c dateCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.d = date.Date{}
		return nil
	case time.Time:
		*c.d = date.New(v.Year(), v.Month(), v.Day())
		return nil
	case string:
		return parseISODate(v, c.d)
	case []byte:
		return parseISODate(string(v), c.d)
	}
	return fmt.Errorf("%w: %T is not a date", storage.ErrCorrupt, v)
}

func parseISODate(s string, d *date.Date) error {
	if len(s) >= 10 && (len(s) == 10 || s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	var y, m, dd int
	ok := len(s) == 10 && s[4] == '-' && s[7] == '-'
	for i := 0; ok && i < 10; i++ {
		if i == 4 || i == 7 {
			continue
		}
		c := s[i]
		if c < '0' || c > '9' {
			ok = false
			break
		}
		switch {
		case i < 4:
			y = y*10 + int(c-'0')
		case i < 7:
			m = m*10 + int(c-'0')
		default:
			dd = dd*10 + int(c-'0')
		}
	}
	if ok {
		*d = date.New(y, time.Month(m), dd)
		if d.String() == s {
			return nil
		}
	}
	return fmt.Errorf("%w: %q is not an ISO date", storage.ErrCorrupt, s)
}

// parseAmount reads a stored amount of currency cur; NULL is the
// currency-less zero Amount.
func parseAmount(s sql.NullString, cur money.Currency) (money.Amount, error) {
	if !s.Valid {
		return money.Amount{}, nil
	}
	a, err := money.Parse(s.String, cur)
	if err != nil {
		return money.Amount{}, fmt.Errorf("%w: amount %q: %v", storage.ErrCorrupt, s.String, err)
	}
	return a, nil
}

func parseCurrency(s string) (money.Currency, error) {
	var c money.Currency
	if err := c.UnmarshalText([]byte(s)); err != nil {
		return c, fmt.Errorf("%w: currency %q: %v", storage.ErrCorrupt, s, err)
	}
	return c, nil
}

func currencyArg(c money.Currency) string {
	b, _ := c.MarshalText() // validated non-zero before any write
	return string(b)
}

// jsonCol scans a TEXT column holding a JSON document into a fresh copy.
type jsonCol struct{ p *json.RawMessage }

func (c jsonCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.p = nil
	case string:
		*c.p = json.RawMessage(v)
	case []byte:
		*c.p = bytes.Clone(v)
	default:
		return fmt.Errorf("%w: %T is not a JSON document", storage.ErrCorrupt, v)
	}
	return nil
}

// jsonArg is the query argument for an optional JSON document: text, or
// NULL for nil.
func jsonArg(doc json.RawMessage) any {
	if doc == nil {
		return nil
	}
	return string(doc)
}

// timeLayout is how points in time are stored: as text, in UTC, to the
// microsecond (storage.StoredTime), fixed width, so that text order is
// time order on every database.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// timeArg is the query argument for t: text in timeLayout, or NULL for the
// zero time.
func timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return storage.StoredTime(t).Format(timeLayout)
}

// timeCol scans a point in time stored by timeArg; NULL gives the zero
// time. Times come back in UTC.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(v any) error {
	var s string
	switch v := v.(type) {
	case nil:
		*c.t = time.Time{}
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("%w: %T is not a time", storage.ErrCorrupt, v)
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return fmt.Errorf("%w: %q is not a time: %v", storage.ErrCorrupt, s, err)
	}
	*c.t = t
	return nil
}

// nullID scans a nullable id column; NULL gives uuid.Nil.
type nullID struct{ id *uuid.UUID }

func (c nullID) Scan(v any) error {
	if v == nil {
		*c.id = uuid.Nil
		return nil
	}
	return c.id.Scan(v)
}
