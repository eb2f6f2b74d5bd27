package storage

import (
	"bytes"
	"encoding/json"
	"slices"
)

// Clone returns a deep copy of l: no slice is shared with l.
func (l Loan) Clone() Loan {
	l.Document = cloneJSON(l.Document)
	l.Index.State = cloneJSON(l.Index.State)
	if l.Journal != nil {
		j := make([]Entry, len(l.Journal))
		for i, e := range l.Journal {
			j[i] = e.Clone()
		}
		l.Journal = j
	}
	return l
}

// Clone returns a deep copy of e.
func (e Entry) Clone() Entry {
	e.Payload = cloneJSON(e.Payload)
	return e
}

// Clone returns a deep copy of a.
func (a Application) Clone() Application {
	a.Document = cloneJSON(a.Document)
	return a
}

// Clone returns a deep copy of m.
func (m Message) Clone() Message {
	m.Payload = cloneJSON(m.Payload)
	return m
}

// Clone returns a deep copy of c.
func (c Checkpoint) Clone() Checkpoint {
	c.Payload = cloneJSON(c.Payload)
	return c
}

func cloneJSON(b json.RawMessage) json.RawMessage {
	if b == nil {
		return nil
	}
	return bytes.Clone(b)
}

// Clone returns a deep copy of f.
func (f LoanFilter) Clone() LoanFilter {
	f.Statuses = slices.Clone(f.Statuses)
	f.Classifications = slices.Clone(f.Classifications)
	if f.NextDue != nil {
		r := *f.NextDue
		f.NextDue = &r
	}
	if f.DaysPastDue != nil {
		r := *f.DaysPastDue
		f.DaysPastDue = &r
	}
	return f
}
