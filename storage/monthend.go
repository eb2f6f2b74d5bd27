package storage

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/rickb777/date"
)

// MonthEnd is what the daily close recorded about the portfolio on a
// month end, once, after every loan was closed for the day: the figures a
// portfolio report over the store reads back (the Engine's document, as
// JSON). It is written once and never changed: the month end is history.
type MonthEnd struct {
	// Day is the month's last day.
	Day date.Date
	// Document is the Engine's month-end figures as a JSON object.
	Document json.RawMessage
}

// Clone returns a deep copy of m.
func (m MonthEnd) Clone() MonthEnd {
	m.Document = cloneJSON(m.Document)
	return m
}

// Validate checks a month end before it is stored: Day set and the last
// day of its month, Document valid JSON.
func (m *MonthEnd) Validate() error {
	v := invalid()
	checkDate(v, "day", m.Day, true)
	if !m.Day.IsZero() && m.Day.Add(1).Day() != 1 {
		v.Addf("day", "%s is not the last day of a month", m.Day)
	}
	checkJSON(v, "document", m.Document, true)
	return done(v)
}

// MonthEnds is the repository of the month-end figures the daily close
// records.
type MonthEnds interface {
	// Add stores m unless a month end of m.Day is stored already. Adding
	// the same document again is a replay and succeeds; another document
	// for a stored day is refused, so the first record of a month end
	// stands. Errors: ErrInvalid (see MonthEnd.Validate); ErrConflict when
	// m.Day is stored with another document.
	Add(ctx context.Context, m MonthEnd) error

	// Get returns the month end of day. Errors: ErrNotFound.
	Get(ctx context.Context, day date.Date) (MonthEnd, error)

	// Scan yields the month ends in days (a zero bound is open), oldest
	// first.
	Scan(ctx context.Context, days DateRange) iter.Seq2[MonthEnd, error]
}
