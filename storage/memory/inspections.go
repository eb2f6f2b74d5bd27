package memory

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sort"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/storage"
)

// inspectionStore holds the inspections by id and, for Last and the scans,
// each loan's inspections in (date, id) order under an index of loans.
type inspectionStore struct {
	m      map[uuid.UUID]*storage.Inspection
	byLoan map[uuid.UUID]*inspLog
	loans  idIndex[inspLog]
}

// inspLog is a loan's inspections by date, then id.
type inspLog struct{ list []*storage.Inspection }

func (x *inspectionStore) init() {
	x.m = map[uuid.UUID]*storage.Inspection{}
	x.byLoan = map[uuid.UUID]*inspLog{}
}

// cmpInspection orders a loan's inspections: by date, then id.
func cmpInspection(a *storage.Inspection, b *storage.Inspection) int {
	if c := a.Date.Sub(b.Date); c != 0 {
		return int(c)
	}
	return cmpID(a.ID, b.ID)
}

// after returns the position of the first inspection of l after c.
func (l *inspLog) after(c *storage.Inspection) int {
	return sort.Search(len(l.list), func(i int) bool { return cmpInspection(l.list[i], c) > 0 })
}

type inspections struct {
	s *Store
	t *txn
}

// Get returns an inspection; see storage.Inspections.
func (r inspections) Get(ctx context.Context, id uuid.UUID) (storage.Inspection, error) {
	var out storage.Inspection
	err := r.s.read(ctx, r.t, func() error {
		p := r.s.insp.m[id]
		if p == nil {
			return fmt.Errorf("%w: inspection %s", storage.ErrNotFound, id)
		}
		out = p.Clone()
		return nil
	})
	return out, err
}

// Last returns a loan's latest inspection; see storage.Inspections.
func (r inspections) Last(ctx context.Context, loanID uuid.UUID) (storage.Inspection, error) {
	var out storage.Inspection
	err := r.s.read(ctx, r.t, func() error {
		l := r.s.insp.byLoan[loanID]
		if l == nil {
			return fmt.Errorf("%w: no inspection of loan %s", storage.ErrNotFound, loanID)
		}
		out = l.list[len(l.list)-1].Clone()
		return nil
	})
	return out, err
}

// Save stores an inspection at the version read; see storage.Inspections.
func (r inspections) Save(ctx context.Context, i storage.Inspection) (storage.Inspection, error) {
	if err := i.Validate(); err != nil {
		return storage.Inspection{}, err
	}
	i = i.Clone()
	var out storage.Inspection
	err := r.s.write(ctx, r.t, func(t *txn) error {
		x := &r.s.insp
		old := x.m[i.ID]
		switch {
		case i.Version == 0 && old != nil:
			if old.LoanID != i.LoanID || old.Date != i.Date || old.Status != i.Status || !storage.SameJSON(old.Document, i.Document) {
				return fmt.Errorf("%w: inspection %s", storage.ErrDuplicate, i.ID)
			}
			out = old.Clone() // a replay
			return nil
		case i.Version == 0:
			p := &i
			p.Version = 1
			x.m[p.ID] = p
			l := x.byLoan[p.LoanID]
			if l == nil {
				l = &inspLog{}
				x.byLoan[p.LoanID] = l
				x.loans.add(p.LoanID, l)
			}
			at := l.after(p)
			l.list = slices.Insert(l.list, at, p)
			t.onUndo(func() {
				delete(x.m, p.ID)
				l.list = slices.Delete(l.list, at, at+1)
				if len(l.list) == 0 {
					delete(x.byLoan, p.LoanID)
					x.loans.remove(p.LoanID)
				}
			})
			out = p.Clone()
			return nil
		case old == nil:
			return fmt.Errorf("%w: inspection %s", storage.ErrNotFound, i.ID)
		}
		bad := &fault.Fields{Kind: storage.ErrInvalid}
		if old.LoanID != i.LoanID {
			bad.Add("loan_id", "is the inspection's loan: it cannot change")
		}
		if old.Date != i.Date {
			bad.Add("date", "is the day the inspection was carried out: it cannot change")
		}
		if err := bad.Err(); err != nil {
			return err
		}
		if old.Version != i.Version {
			return fmt.Errorf("%w: inspection %s is at version %d, not %d", storage.ErrConflict, i.ID, old.Version, i.Version)
		}
		prev := *old
		old.Status, old.Document, old.Version = i.Status, i.Document, old.Version+1
		t.onUndo(func() { *old = prev })
		out = old.Clone()
		return nil
	})
	return out, err
}

// Scan yields matching inspections by loan, date and id; see
// storage.Inspections.
func (r inspections) Scan(ctx context.Context, f storage.InspectionFilter) iter.Seq2[storage.Inspection, error] {
	f.Statuses, f.Dates = slices.Clone(f.Statuses), cloneRange(f.Dates)
	return func(yield func(storage.Inspection, error) bool) {
		n := f.Batch()
		x := &r.s.insp
		var cursor *storage.Inspection // the last inspection examined
		pick := func(l *inspLog, buf []storage.Inspection, sl *slab, examined *int) ([]storage.Inspection, bool) {
			j := 0
			if cursor != nil && cursor.LoanID == l.list[0].LoanID {
				j = l.after(cursor)
			}
			for ; j < len(l.list); j++ {
				if len(buf) == n || *examined == examineFactor*n {
					return buf, true
				}
				*examined++
				p := l.list[j]
				if f.Matches(p) {
					c := *p
					c.Document = sl.clone(c.Document)
					buf = append(buf, c)
				}
				cursor = p
			}
			return buf, false
		}
		batches(ctx, r.s, r.t, n, &x.loans, func(buf []storage.Inspection, sl *slab) ([]storage.Inspection, bool) {
			examined := 0
			if f.LoanID != uuid.Nil {
				l := x.byLoan[f.LoanID]
				if l == nil {
					return buf, false
				}
				return pick(l, buf, sl, &examined)
			}
			i := 0
			if cursor != nil {
				i = x.loans.atOrAfter(cursor.LoanID)
			}
			for ; i < len(x.loans.items); i++ {
				var more bool
				if buf, more = pick(x.loans.items[i].rec, buf, sl, &examined); more {
					return buf, true
				}
			}
			return buf, false
		}, yield)
	}
}
