package sqlstore

import (
	"testing"
	"time"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
)

func TestParseISODate(t *testing.T) {
	cases := []struct {
		in   string
		want date.Date
		ok   bool
	}{
		{"2024-02-29", date.New(2024, time.February, 29), true},
		{"2024-02-29T00:00:00Z", date.New(2024, time.February, 29), true}, // SQLite may hand back a timestamp form
		{"0001-01-01", date.New(1, time.January, 1), true},
		{"2023-02-29", date.Date{}, false}, // not a day: date.New would normalise it to March 1
		{"2024-13-01", date.Date{}, false},
		{"2024-1-01", date.Date{}, false},
		{"20240101", date.Date{}, false},
		{"", date.Date{}, false},
		{"abcd-ef-gh", date.Date{}, false},
	}
	for _, c := range cases {
		var d date.Date
		err := parseISODate(c.in, &d)
		if c.ok {
			assert.NoError(t, err, c.in)
			assert.Equal(t, c.want, d, c.in)
		} else {
			assert.Error(t, err, c.in)
		}
	}
}

// FuzzParseISODate: no input panics, and what parses prints back the same.
func FuzzParseISODate(f *testing.F) {
	for _, s := range []string{"2024-02-29", "9999-12-31", "0000-00-00", "2024-02-30", "x", "2024-02-29 10:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var d date.Date
		if parseISODate(s, &d) == nil && len(s) == 10 && d.String() != s {
			t.Fatalf("%q parsed as %s", s, d)
		}
	})
}

// TestPlaceholders: $N placeholders become SQLite's anonymous ? when they
// come once each in order (the driver then binds by position, without
// SQLite's linear search for each numbered parameter), ?N otherwise;
// PostgreSQL keeps $N.
func TestPlaceholders(t *testing.T) {
	cases := []struct{ in, sqlite string }{
		{"SELECT 1", "SELECT 1"},
		{"a = $1 AND b IN ($2, $3)", "a = ? AND b IN (?, ?)"},
		{"a = $1 AND b = $1", "a = ?1 AND b = ?1"},
		{"a = $2 AND b = $1", "a = ?2 AND b = ?1"},
		{"VALUES ($1, $2), ($3, $4), ($5, $6), ($7, $8), ($9, $10), ($11, $12)", "VALUES (?, ?), (?, ?), (?, ?), (?, ?), (?, ?), (?, ?)"},
	}
	for _, c := range cases {
		assert.Equal(t, c.sqlite, SQLite.q(c.in), c.in)
		assert.Equal(t, c.in, Postgres.q(c.in), c.in)
	}
}
