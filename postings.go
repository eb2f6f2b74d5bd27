package lendcore

import (
	"encoding/json"
	"strconv"

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
func closePostings(rec *storage.Loan, l *loan.Loan, pos *loan.Position, stored *LoanState, exists bool, st *LoanState,
	day date.Date) ([]storage.Message, error) {
	posted := stored.Posted
	if posted.IsZero() {
		posted = stored.Day
	}
	st.Posted, st.Ahead = stored.Posted, stored.Ahead
	freq := l.Policy().Accrual.Frequency
	unchanged := exists && stored.Version == rec.Version && stored.LastDue == st.LastDue && stored.Status == st.Status &&
		stored.Overdue.IsZero() && st.Overdue.IsZero() && !l.LatestValueDate().After(posted)
	switch {
	case unchanged && !freq.Books(posted, day):
		return nil, nil
	case unchanged && freq == loan.AccrueDaily && stored.Accrual == freq && !stored.Posted.IsZero() &&
		st.Status == loan.Active && !pos.NonaccrualDecision:
		return dailyAccrual(rec, l, pos, st, day)
	}
	var old []loan.Posting
	if exists {
		var err error
		if old, err = l.PostingsAt(int(stored.Version), posted); err != nil {
			return nil, err
		}
	}
	now, ahead, err := l.PostingsAhead(day)
	if err != nil {
		return nil, err
	}
	st.Posted, st.Ahead = day, ahead
	return postingMessages(rec, day, netAccruals(postingDelta(old, now), day))
}

// dailyAccrual is closePostings for a current loan booking interest ahead
// of its due dates daily on which nothing but time happened since its
// postings were brought to a day: no entry, no due date, nothing overdue,
// so nothing in its ledger changed but the interest booked ahead. The one
// posting that moves it from st.Ahead to the position's accrued interest
// is what the two folds of the general path would give (the old accrual
// restated and the new one booked, netted into one line dated day), at
// the cost of none: it keeps the daily accrual step cheap.
func dailyAccrual(rec *storage.Loan, l *loan.Loan, pos *loan.Position, st *LoanState, day date.Date) ([]storage.Message, error) {
	diff := pos.AccruedInterest.Minor() - st.Ahead.Minor()
	st.Posted, st.Ahead = day, pos.AccruedInterest
	if diff == 0 {
		return nil, nil
	}
	acc := l.Policy().Accounts
	p := loan.Posting{Date: day, Kind: "accrual", Debit: acc.InterestReceivable, Credit: acc.InterestIncome,
		Amount: money.New(diff, pos.AccruedInterest.Currency()), Owner: pos.Owner}
	if diff < 0 {
		p.Debit, p.Credit, p.Amount = p.Credit, p.Debit, p.Amount.Neg()
	}
	return postingMessages(rec, day, []loan.Posting{p})
}

// postingMessages makes the outbox records of one loan's postings on day.
func postingMessages(rec *storage.Loan, day date.Date, ps []loan.Posting) ([]storage.Message, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	msgs := make([]storage.Message, len(ps))
	for i, p := range ps {
		var err error
		payload, err := postingJSON(&p)
		if err != nil {
			return nil, err
		}
		msgs[i] = storage.Message{Key: postingKey(rec.ID, day, i), Topic: TopicPosting,
			LoanID: rec.ID, Day: day, Payload: payload}
	}
	return msgs, nil
}

// postingKey returns "posting/<loan>/<day>/<i>", the key of a loan's i-th
// posting message of a day, in one allocation (fmt.Sprintf took four: a
// daily close with interest booked daily makes one per loan).
func postingKey(id uuid.UUID, day date.Date, i int) string {
	b := make([]byte, 0, 64)
	b = append(b, "posting/"...)
	b = appendUUID(b, id)
	b = append(b, '/')
	b = appendDate(b, day)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(i), 10)
	return string(b)
}

// appendUUID appends id in its canonical text form (uuid.UUID.String).
func appendUUID(b []byte, id uuid.UUID) []byte {
	for i, c := range id {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[c>>4], hexDigits[c&15])
	}
	return b
}

const hexDigits = "0123456789abcdef"

// postingJSON encodes p exactly as encoding/json does from its field tags
// (TestPostingJSONMatchesReflection). Kept for speed: with interest booked
// daily every loan posts every day, and encoding by reflection (which
// also re-validates the output of the amount's and the date's
// marshalers) was 14 % of a daily close's time.
func postingJSON(p *loan.Posting) ([]byte, error) {
	w := jsonWriter{b: make([]byte, 0, 192)}
	w.open()
	w.date("date", p.Date)
	if p.Entry != uuid.Nil {
		w.text("entry", p.Entry)
	}
	if p.Seq != 0 {
		w.int("seq", int64(p.Seq))
	}
	w.str("kind", p.Kind)
	w.str("debit", p.Debit)
	w.str("credit", p.Credit)
	w.amount("amount", p.Amount)
	if p.Owner != "" {
		w.str("owner", p.Owner)
	}
	w.close()
	return w.b, w.err
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
