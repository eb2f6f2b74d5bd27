package loan

import (
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/schedule"
)

// loanJSON is the stored form of a Loan: terms, policy and journal. Status
// and version are written for readers; decoding re-derives them.
type loanJSON struct {
	ID      uuid.UUID      `json:"id"`
	Terms   schedule.Terms `json:"terms"`
	Policy  Policy         `json:"policy"`
	Status  Status         `json:"status"`
	Version int            `json:"version"`
	Journal []Entry        `json:"journal"`
}

// MarshalJSON encodes the loan as its terms, policy and journal.
func (l *Loan) MarshalJSON() ([]byte, error) {
	j := l.journal
	if j == nil {
		j = []Entry{}
	}
	return json.Marshal(loanJSON{ID: l.id, Terms: l.terms, Policy: l.policy, Status: l.status,
		Version: len(l.journal), Journal: j})
}

// UnmarshalJSON rebuilds a loan by replaying its journal through Post, so
// a stored loan is checked exactly like a live one; malformed input
// (including dates the date library would panic on) returns an error.
func (l *Loan) UnmarshalJSON(b []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: malformed loan JSON: %v", ErrInvalidInput, r)
		}
	}()
	var j loanJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return decodeError(err)
	}
	n, err := New(j.ID, j.Terms, j.Policy)
	if err != nil {
		return err
	}
	for i, e := range j.Journal {
		if e.Seq != i+1 {
			return invalid(fmt.Sprintf("journal[%d].seq", i), fmt.Sprintf("is %d, not %d", e.Seq, i+1))
		}
		e.Seq = 0
		if _, err := n.Post(e); err != nil {
			bad := &fault.Fields{Kind: ErrInvalidInput}
			if bad.Merge(fmt.Sprintf("journal[%d]", i), err) {
				return bad
			}
			return fmt.Errorf("journal entry %d: %w", i+1, err)
		}
	}
	bad := &fault.Fields{Kind: ErrInvalidInput}
	if j.Status != n.status {
		bad.Add("status", fmt.Sprintf("is %s, the journal leads to %s", j.Status, n.status))
	}
	if j.Version != len(n.journal) {
		bad.Add("version", fmt.Sprintf("is %d, the journal has %d entries", j.Version, len(n.journal)))
	}
	if err := bad.Err(); err != nil {
		return err
	}
	*l = *n
	return nil
}
