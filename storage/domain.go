package storage

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/schedule"
)

// This file converts between the domain types of package loan and the
// stored records, so a host stores a *loan.Loan without writing the mapping
// itself. The domain never imports storage; storage imports the domain.

// loanHeader is the Document of a loan record made by FromLoan: everything
// of the loan but its journal, which is stored row by row.
type loanHeader struct {
	ID     uuid.UUID      `json:"id"`
	Terms  schedule.Terms `json:"terms"`
	Policy loan.Policy    `json:"policy"`
}

// FromLoan returns the record of l for Loans.Create: its terms and policy
// as the document, its journal as entries, its status, and the index
// columns idx (which the daily close derives; the zero LoanIndex when not
// yet known).
func FromLoan(l *loan.Loan, idx LoanIndex) (Loan, error) {
	doc, err := json.Marshal(loanHeader{ID: l.ID(), Terms: l.Terms(), Policy: l.Policy()})
	if err != nil {
		return Loan{}, fmt.Errorf("%w: loan %s: %v", ErrInvalid, l.ID(), err)
	}
	rec := Loan{ID: l.ID(), Status: l.Status().String(), Currency: l.Currency(), Document: doc, Index: idx}
	for _, e := range l.Journal() {
		se, err := FromEntry(e)
		if err != nil {
			return Loan{}, err
		}
		rec.Journal = append(rec.Journal, se)
	}
	return rec, nil
}

// FromEntry returns the journal row of a posted entry, for Append: the
// whole entry as the payload, and its id, key, value date, kind and amount
// as columns.
//
// The store's idempotency check compares payloads, which include the
// entry's ID and BookedAt, while loan.Loan.Post ignores those two on a
// retry. So on ErrDuplicate (as on ErrConflict) reload the loan and post
// the entry again: Post then tells a replay from a real duplicate by its
// own rule.
func FromEntry(e loan.Entry) (Entry, error) {
	p, err := json.Marshal(e)
	if err != nil {
		return Entry{}, fmt.Errorf("%w: entry %s: %v", ErrInvalid, e.IdempotencyKey, err)
	}
	return Entry{ID: e.ID, IdempotencyKey: e.IdempotencyKey, ValueDate: e.ValueDate,
		Kind: e.Kind.String(), Amount: e.Amount, Payload: p}, nil
}

// Decode rebuilds the domain loan from a record made by FromLoan and
// Append of FromEntry rows: it replays the journal through loan.Loan.Post,
// so a stored loan is checked exactly like a live one. l must carry its
// journal (Get, or Scan with LoanFilter.Journal). Errors: ErrCorrupt when
// the record does not decode or replay.
func (l *Loan) Decode() (*loan.Loan, error) {
	var hdr map[string]json.RawMessage
	if err := json.Unmarshal(l.Document, &hdr); err != nil {
		return nil, fmt.Errorf("%w: loan %s document: %v", ErrCorrupt, l.ID, err)
	}
	// Assemble the loan's own JSON form and let it replay the journal.
	var b bytes.Buffer
	id, _ := json.Marshal(l.ID)
	fmt.Fprintf(&b, `{"id":%s,"terms":%s,"policy":%s,"status":%q,"version":%d,"journal":[`,
		id, field(hdr, "terms"), field(hdr, "policy"), l.Status, len(l.Journal))
	for i, e := range l.Journal {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(e.Payload)
	}
	b.WriteString("]}")
	var out loan.Loan
	if err := out.UnmarshalJSON(b.Bytes()); err != nil {
		return nil, fmt.Errorf("%w: loan %s: %v", ErrCorrupt, l.ID, err)
	}
	return &out, nil
}

// field returns a top-level field of a decoded document, or null.
func field(doc map[string]json.RawMessage, name string) json.RawMessage {
	if v, ok := doc[name]; ok && len(v) > 0 {
		return v
	}
	return json.RawMessage("null")
}

// FromApplication returns the record of a for Applications.Create or
// Update (set Version to the stored one for Update).
func FromApplication(a *loan.Application) (Application, error) {
	doc, err := json.Marshal(a)
	if err != nil {
		return Application{}, fmt.Errorf("%w: application %s: %v", ErrInvalid, a.ID(), err)
	}
	return Application{ID: a.ID(), Status: a.Status().String(), SubmittedOn: a.Request().SubmittedOn, Document: doc}, nil
}

// Decode rebuilds the domain application, re-validating it as
// loan.Application's UnmarshalJSON does. Errors: ErrCorrupt.
func (a *Application) Decode() (*loan.Application, error) {
	var out loan.Application
	if err := out.UnmarshalJSON(a.Document); err != nil {
		return nil, fmt.Errorf("%w: application %s: %v", ErrCorrupt, a.ID, err)
	}
	return &out, nil
}
