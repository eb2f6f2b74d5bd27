package loan

import (
	"sync"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// reamKey is everything a re-amortised schedule depends on besides the
// loan's own terms, which never change.
type reamKey struct {
	principal int64
	rate      money.Rate
	x         date.Date // the new schedule's start
	firstDue  date.Date
	periods   int
	keep      int // the installment to keep; 0: keep the term
	holiday   int
	method    schedule.Method
}

// reamMemoSize bounds the schedules a loan remembers: a handful of
// prepayments and restructures, each re-folded many times.
const reamMemoSize = 4

// reamMemo remembers the schedules a loan's prepayments and restructures
// re-amortised to, so a fold re-amortises by copying rows instead of
// generating a schedule each time. It is a pure memo keyed by every input: it holds
// no state of the loan, and several folds may share it, so it locks.
type reamMemo struct {
	mu   sync.Mutex
	keys [reamMemoSize]reamKey
	rows [reamMemoSize][]planRow // nil: free slot; never modified once stored
	next int                     // the slot the next new schedule takes
}

// get returns the rows remembered for k, if any. A nil memo remembers
// nothing.
func (m *reamMemo) get(k *reamKey) ([]planRow, bool) {
	if m == nil {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.keys {
		if m.rows[i] != nil && m.keys[i] == *k {
			return m.rows[i], true
		}
	}
	return nil, false
}

// put remembers rows for k, replacing the oldest schedule when full.
func (m *reamMemo) put(k *reamKey, rows []planRow) {
	if m == nil || rows == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.keys[m.next], m.rows[m.next] = *k, rows
	m.next = (m.next + 1) % reamMemoSize
}
