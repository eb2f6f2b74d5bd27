package lendcore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

// emitPostings writes to the outbox the postings that turn the host's
// ledger from before's to after's, both folded to asOf: new postings as
// they are, vanished ones (restated by a backdated entry or a reversal)
// reversed. before is nil for a new loan. What the passage of time books
// (interest falling due, penalty accruing) is in both folds and so is not
// emitted: see the package doc.
func (e *Engine) emitPostings(ctx context.Context, tx storage.Tx, before, after *loan.Loan, asOf date.Date) error {
	var old []loan.Posting
	if before != nil {
		var err error
		if old, err = before.Postings(asOf); err != nil {
			return err
		}
	}
	now, err := after.Postings(asOf)
	if err != nil {
		return err
	}
	delta := postingDelta(old, now)
	if len(delta) == 0 {
		return nil
	}
	msgs := make([]storage.Message, len(delta))
	version := after.Version()
	for i, p := range delta {
		payload, err := json.Marshal(p)
		if err != nil {
			return err
		}
		msgs[i] = storage.Message{Key: fmt.Sprintf("posting/%s/v%d/%d", after.ID(), version, i),
			Topic: TopicPosting, LoanID: after.ID(), Day: asOf, Payload: payload}
	}
	_, err = tx.Outbox().Add(ctx, msgs...)
	return err
}

// postingDelta returns the postings of now that are not in old, followed by
// those of old that are not in now with debit and credit swapped.
func postingDelta(old, now []loan.Posting) []loan.Posting {
	// A new entry restates nothing before its value date, so the two lists
	// usually share a long prefix; only what follows it is counted, sparing
	// every command a hash of the loan's whole history.
	same := 0
	for same < min(len(old), len(now)) && old[same] == now[same] {
		same++
	}
	count := make(map[loan.Posting]int, len(old)-same)
	for _, p := range old[same:] {
		count[p]++
	}
	var out []loan.Posting
	restated := len(old) - same
	for _, p := range now[same:] {
		if count[p] > 0 {
			count[p]--
			restated--
			continue
		}
		out = append(out, p)
	}
	if restated == 0 {
		return out
	}
	// Reverse what was restated, earliest occurrence first across the whole
	// of old (a prefix posting equal to a restated one counts as it).
	for _, p := range old {
		if count[p] > 0 {
			count[p]--
			p.Debit, p.Credit = p.Credit, p.Debit
			p.Kind = "restatement"
			out = append(out, p)
		}
	}
	return out
}

// message makes an outbox record of v under key.
func message(topic, key string, loanID uuid.UUID, day date.Date, v any) (storage.Message, error) {
	payload, err := json.Marshal(v)
	if err != nil {
		return storage.Message{}, err
	}
	return storage.Message{Key: key, Topic: topic, LoanID: loanID, Day: day, Payload: payload}, nil
}
