package account

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
)

// History is a member's statement of cash movements (资金流水) over a
// span of days: what the account held at the start and at the end, every
// movement in between in the order it was written, and the movements
// summed by kind — what an investor reads to see their deposits, bids,
// distributions, rewards and withdrawals.
type History struct {
	Account uuid.UUID `json:"account"`
	From    date.Date `json:"from"`
	To      date.Date `json:"to"`
	// Opening is the balance and frozen part at the end of the day before
	// From; Closing at the end of To.
	Opening Totals `json:"opening"`
	Closing Totals `json:"closing"`
	// Entries are the movements of days From to To.
	Entries []Entry `json:"entries"`
	// ByKind sums the entries' changes of the balance and of the frozen
	// part by kind.
	ByKind map[Kind]Totals `json:"by_kind"`
}

// Totals are a balance and its frozen part.
type Totals struct {
	Balance money.Amount `json:"balance"`
	Frozen  money.Amount `json:"frozen"`
}

// Available is the balance less the frozen part.
func (t Totals) Available() money.Amount { return t.Balance.Sub(t.Frozen) }

func (t Totals) add(e *Entry) Totals {
	return Totals{Balance: t.Balance.Add(e.Amount), Frozen: t.Frozen.Add(e.Frozen)}
}

// NewHistory starts account id's statement of days from to to in currency
// cur; Add then gives it the account's entries up to to, in the order
// they were written. Errors: a *fault.Fields (ErrInvalidInput) naming
// "account", "currency", "from" or "to" (missing, or to before from).
func NewHistory(id uuid.UUID, cur money.Currency, from, to date.Date) (*History, error) {
	v := invalid()
	if id == uuid.Nil {
		v.Add("account", "missing account id")
	}
	if cur.IsZero() {
		v.Add("currency", "missing currency")
	}
	if from.IsZero() {
		v.Add("from", "missing day")
	}
	switch {
	case to.IsZero():
		v.Add("to", "missing day")
	case !from.IsZero() && to.Before(from):
		v.Addf("to", "%s is before from %s", to, from)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	zero := Totals{Balance: money.Zero(cur), Frozen: money.Zero(cur)}
	return &History{Account: id, From: from, To: to, Opening: zero, Closing: zero, ByKind: map[Kind]Totals{}}, nil
}

// Add takes the account's next entry: one of a day before From moves the
// opening totals, one in the span is listed, one after To is refused, as
// is another account's or currency's (ErrInvalidInput naming "entry").
func (h *History) Add(e Entry) error {
	cur := h.Closing.Balance.Currency()
	switch {
	case e.Account != h.Account:
		return invalidField("entry", fmt.Sprintf("entry %q is account %s's, not %s", e.Key, e.Account, h.Account))
	case e.Amount.Currency() != cur || e.Frozen.Currency() != cur:
		return invalidField("entry", fmt.Sprintf("entry %q is not in %s", e.Key, cur.Code()))
	case e.Day.After(h.To):
		return invalidField("entry", fmt.Sprintf("entry %q of %s is after %s", e.Key, e.Day, h.To))
	}
	if e.Day.Before(h.From) {
		h.Opening = h.Opening.add(&e)
	} else {
		h.Entries = append(h.Entries, e)
		t, ok := h.ByKind[e.Kind]
		if !ok {
			t = Totals{Balance: money.Zero(cur), Frozen: money.Zero(cur)}
		}
		h.ByKind[e.Kind] = t.add(&e)
	}
	h.Closing = h.Closing.add(&e)
	return nil
}
