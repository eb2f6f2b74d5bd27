package lendcore

import (
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// closePostings returns the outbox records of one loan's close of day:
// the postings that turn the host's ledger of the loan — what the closes
// before emitted, the postings of the loan at the version and day of its
// stored state (stored; nothing when none is stored) — into the postings
// of the loan now folded to day. New postings go as they are, vanished
// ones (restated by a backdated entry or a reversal) reversed. So the
// postings the passage of time makes (interest and fees falling due,
// penalty accruing) leave with the close of their day, a missed day's with
// the close that catches up, and the sum of every posting emitted for a
// loan equals its ledger (Loan.Ledger) as of its last closed day. Keyed by
// loan and day: a re-run of the day adds nothing twice.
//
// A loan whose journal has not changed, with no entry, no due date since
// the day its postings were brought to and nothing overdue, has nothing
// new to post: it is not folded — unless its policy books interest
// accrued ahead of its due date on a day since (daily, or a month end).
// st.Posted is set to day when the loan's
// postings are brought to it.
func closePostings(rec *storage.Loan, l *loan.Loan, stored *LoanState, exists bool, st *LoanState, day date.Date) ([]storage.Message, error) {
	posted := stored.Posted
	if posted.IsZero() {
		posted = stored.Day
	}
	st.Posted = stored.Posted
	if exists && stored.Version == rec.Version && stored.LastDue == st.LastDue && stored.Status == st.Status &&
		stored.Overdue.IsZero() && st.Overdue.IsZero() && !l.LatestValueDate().After(posted) &&
		!l.Policy().Accrual.Frequency.Books(posted, day) {
		return nil, nil
	}
	var old []loan.Posting
	if exists {
		var err error
		if old, err = l.PostingsAt(int(stored.Version), posted); err != nil {
			return nil, err
		}
	}
	st.Posted = day
	now, err := l.Postings(day)
	if err != nil {
		return nil, err
	}
	delta := netAccruals(postingDelta(old, now), day)
	if len(delta) == 0 {
		return nil, nil
	}
	msgs := make([]storage.Message, len(delta))
	for i, p := range delta {
		if msgs[i], err = message(TopicPosting, fmt.Sprintf("posting/%s/%s/%d", rec.ID, day, i), rec.ID, day, p); err != nil {
			return nil, err
		}
	}
	return msgs, nil
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

// netAccruals nets the postings of delta the passage of time made (no
// entry: interest and fees falling due, penalty accruing, nonaccrual
// moves) by pair of accounts and owner into one posting each, dated day:
// a penalty recognised to yesterday and restated to today becomes the
// day's accrual, one message instead of two. The balances they give are
// the same. Postings an entry caused keep their own lines.
func netAccruals(delta []loan.Posting, day date.Date) []loan.Posting {
	type pair struct{ a, b, owner string }
	var (
		order []pair
		net   map[pair]int64
		out   = delta[:0]
		cur   money.Currency
	)
	for _, p := range delta {
		if p.Entry != uuid.Nil {
			out = append(out, p)
			continue
		}
		if net == nil {
			net = map[pair]int64{}
		}
		k, a := pair{p.Debit, p.Credit, p.Owner}, p.Amount.Minor()
		if p.Credit < p.Debit {
			k, a = pair{p.Credit, p.Debit, p.Owner}, -a
		}
		if _, seen := net[k]; !seen {
			order = append(order, k)
		}
		net[k] += a
		cur = p.Amount.Currency()
	}
	for _, k := range order {
		a := net[k]
		if a == 0 {
			continue
		}
		p := loan.Posting{Date: day, Kind: "accrual", Debit: k.a, Credit: k.b, Owner: k.owner}
		if a < 0 {
			p.Debit, p.Credit, a = k.b, k.a, -a
		}
		p.Amount = money.New(a, cur)
		out = append(out, p)
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
