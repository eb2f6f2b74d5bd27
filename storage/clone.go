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

// Clone returns a deep copy of b.
func (b Book) Clone() Book {
	b.Holders = slices.Clone(b.Holders)
	b.Document = cloneJSON(b.Document)
	if b.Ops != nil {
		ops := make([]BookOp, len(b.Ops))
		for i, o := range b.Ops {
			o.Payload = cloneJSON(o.Payload)
			ops[i] = o
		}
		b.Ops = ops
	}
	return b
}

// Clone returns a deep copy of c.
func (c Collection) Clone() Collection {
	c.Document = cloneJSON(c.Document)
	return c
}

// Clone returns a deep copy of d.
func (d Debtor) Clone() Debtor {
	d.State = cloneJSON(d.State)
	if d.Contacts != nil {
		cs := make([]Contact, len(d.Contacts))
		for i, c := range d.Contacts {
			cs[i] = c.Clone()
		}
		d.Contacts = cs
	}
	return d
}

// Clone returns a deep copy of c.
func (c Contact) Clone() Contact {
	c.Payload = cloneJSON(c.Payload)
	return c
}

// Clone returns a deep copy of m.
func (m Movement) Clone() Movement {
	m.Payload = cloneJSON(m.Payload)
	return m
}

// Clone returns a deep copy of i.
func (i Inspection) Clone() Inspection {
	i.Document = cloneJSON(i.Document)
	return i
}

// Clone returns a deep copy of it.
func (it Item) Clone() Item {
	it.Loans = slices.Clone(it.Loans)
	it.Document = cloneJSON(it.Document)
	return it
}

// Clone returns a deep copy of c.
func (c Cover) Clone() Cover {
	c.Document = cloneJSON(c.Document)
	return c
}

// Clone returns a deep copy of g.
func (g Guarantor) Clone() Guarantor {
	g.Loans = slices.Clone(g.Loans)
	g.Document = cloneJSON(g.Document)
	return g
}

// Clone returns a deep copy of p.
func (p ClosePart) Clone() ClosePart {
	p.Report = cloneJSON(p.Report)
	return p
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
	f.Buckets = slices.Clone(f.Buckets)
	f.Collections = slices.Clone(f.Collections)
	if f.IDs != nil {
		r := *f.IDs
		f.IDs = &r
	}
	if f.InspectionDue != nil {
		r := *f.InspectionDue
		f.InspectionDue = &r
	}
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
