package invest

import (
	"slices"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// HoldingID identifies a holding within its Book. Ids are assigned in the
// order holdings are created (funding order, then transfers and
// subrogations), and that order is the tie order of every split.
type HoldingID int

// Funding is an investor's share of a loan's principal at disbursement.
type Funding struct {
	Investor uuid.UUID    `json:"investor"`
	Amount   money.Amount `json:"amount"`
}

// Holding is a snapshot of one claim on a loan's principal: who holds it,
// how much principal is left, and what it has received.
type Holding struct {
	ID        HoldingID    `json:"id"`
	Holder    uuid.UUID    `json:"holder"`
	Principal money.Amount `json:"principal"` // outstanding principal held
	Since     date.Date    `json:"since"`     // date the holder acquired it (funding or transfer date)
	// Payer is true when the holder is a compensation payer (reserve or
	// guarantor) that took the claim over by subrogation; payers pay no
	// servicing fee.
	Payer bool `json:"payer"`

	Received     loan.Split   `json:"received"`     // gross receipts from borrower repayments, by component
	Fees         money.Amount `json:"fees"`         // servicing fees deducted from those receipts
	Compensation loan.Split   `json:"compensation"` // payouts received from a reserve or guarantor

	// Chain lists the transfers by which the claim reached this holder,
	// oldest first (empty for a funded holding); len(Chain) is the number of
	// times the claim has changed hands. Sold lists the transfers out of it.
	Chain []Transfer `json:"chain"`
	Sold  []Transfer `json:"sold"`
}

// Net returns what the holder received from repayments after fees.
func (h Holding) Net() money.Amount { return h.Received.Total().Sub(h.Fees) }

// Claim is a subrogated claim: a payer (reserve or guarantor) advanced an
// overdue installment to the investors and now owns it; later payments of
// that installment go to the payer first (see Book.Distribute).
type Claim struct {
	Payer       uuid.UUID    `json:"payer"`
	Installment int          `json:"installment"`
	On          date.Date    `json:"on"`        // date of the (first) payout
	Principal   money.Amount `json:"principal"` // principal advanced
	Interest    money.Amount `json:"interest"`  // interest advanced
	Recovered   loan.Split   `json:"recovered"` // recovered from the borrower so far
}

// OpenPrincipal returns the advanced principal not yet recovered.
func (c Claim) OpenPrincipal() money.Amount { return c.Principal.Sub(c.Recovered.Principal) }

// OpenInterest returns the advanced interest not yet recovered.
func (c Claim) OpenInterest() money.Amount { return c.Interest.Sub(c.Recovered.Interest) }

// Book is the investor side of one loan (债权账簿): the holdings whose
// principal sums to the loan's outstanding principal, the subrogated
// claims of compensation payers, and the policy for splitting repayments
// and transferring claims.
//
// A Book is not safe for concurrent use. Every method that fails leaves it
// exactly as it was.
type Book struct {
	loan     uuid.UUID
	cur      money.Currency
	policy   BookPolicy
	opening  Opening
	holdings []Holding
	claims   []Claim
	seq      int // distributions made

	// scratch for Distribute: weights and one part per component.
	weights []int64
	parts   [4][]money.Amount
	fees    []money.Amount // each holding's servicing fee
}

// NewBook creates the book of a loan funded on date on. Fundings become
// holdings in the order given. Bad input is a *fault.Fields wrapping
// ErrInvalidInput; a bad policy's fields appear in it as "policy.<field>"
// and make it wrap ErrInvalidPolicy too.
func NewBook(loanID uuid.UUID, on date.Date, fundings []Funding, policy BookPolicy) (*Book, error) {
	v := invalid()
	if loanID == uuid.Nil {
		v.Add("loan", "missing loan id")
	}
	if on.IsZero() {
		v.Add("on", "missing funding date")
	}
	if len(fundings) == 0 {
		v.Add("fundings", "at least one funding is needed")
	}
	var cur money.Currency
	for i, f := range fundings {
		if i == 0 {
			cur = f.Amount.Currency()
		}
		if f.Investor == uuid.Nil {
			v.Addf(fieldIndex("fundings", i, "investor"), "missing investor id")
		}
		if !f.Amount.IsPositive() || f.Amount.Currency() != cur || cur.IsZero() {
			v.Addf(fieldIndex("fundings", i, "amount"), "%s must be positive, in one currency", f.Amount)
		}
	}
	if err := policy.Validate(); err != nil {
		mergePolicy(v, "policy", err)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	b := &Book{loan: loanID, cur: cur, policy: policy, holdings: make([]Holding, 0, len(fundings)),
		opening: Opening{On: on, Fundings: slices.Clone(fundings), Policy: policy}}
	for _, f := range fundings {
		b.add(Holding{Holder: f.Investor, Principal: f.Amount, Since: on})
	}
	return b, nil
}

func (b *Book) add(h Holding) HoldingID {
	h.ID = HoldingID(len(b.holdings))
	zero := money.Zero(b.cur)
	h.Fees = h.Fees.Add(zero)
	b.holdings = append(b.holdings, h)
	return h.ID
}

// Loan returns the loan's id.
func (b *Book) Loan() uuid.UUID { return b.loan }

// Currency returns the loan's currency.
func (b *Book) Currency() money.Currency { return b.cur }

// Policy returns the book's policy.
func (b *Book) Policy() BookPolicy { return b.policy }

// Opening returns what the book was opened with — the funding date, the
// fundings and the policy — for a host to store as the book's header, with
// the operations since as its log (see OpenBook).
func (b *Book) Opening() Opening {
	o := b.opening
	o.Fundings = slices.Clone(o.Fundings)
	return o
}

// Holding returns a snapshot of holding id.
func (b *Book) Holding(id HoldingID) (Holding, bool) {
	if id < 0 || int(id) >= len(b.holdings) {
		return Holding{}, false
	}
	return cloneHolding(b.holdings[id]), true
}

// Holdings returns snapshots of every holding, including those sold or
// repaid down to zero (they keep their history), in id order.
func (b *Book) Holdings() []Holding {
	out := make([]Holding, len(b.holdings))
	for i, h := range b.holdings {
		out[i] = cloneHolding(h)
	}
	return out
}

// HoldingsOf returns the ids of the holdings of holder.
func (b *Book) HoldingsOf(holder uuid.UUID) []HoldingID {
	var ids []HoldingID
	for _, h := range b.holdings {
		if h.Holder == holder {
			ids = append(ids, h.ID)
		}
	}
	return ids
}

// Claims returns a copy of the subrogated claims, in the order they arose.
func (b *Book) Claims() []Claim { return append([]Claim(nil), b.claims...) }

// Held returns the principal held in holdings (investors and payers).
func (b *Book) Held() money.Amount {
	t := money.Zero(b.cur)
	for i := range b.holdings {
		t = t.Add(b.holdings[i].Principal)
	}
	return t
}

// Outstanding returns the loan's outstanding principal as the book sees it:
// the principal held plus the principal of subrogated claims not yet
// recovered. It always equals the loan's own outstanding principal when
// every repayment was distributed.
func (b *Book) Outstanding() money.Amount {
	t := b.Held()
	for _, c := range b.claims {
		t = t.Add(c.OpenPrincipal())
	}
	return t
}

// investorPrincipal returns the principal held by investors (not payers).
func (b *Book) investorPrincipal() money.Amount {
	t := money.Zero(b.cur)
	for i := range b.holdings {
		if !b.holdings[i].Payer {
			t = t.Add(b.holdings[i].Principal)
		}
	}
	return t
}

func cloneHolding(h Holding) Holding {
	h.Chain = append([]Transfer(nil), h.Chain...)
	h.Sold = append([]Transfer(nil), h.Sold...)
	return h
}

// checkAmount reports a bad amount: negative, above money.MaxMinor or in
// another currency.
func (b *Book) checkAmount(v *fault.Fields, field string, a money.Amount) {
	if a.IsNegative() || a.Minor() > money.MaxMinor || !a.SameCurrency(money.Zero(b.cur)) {
		v.Addf(field, "%s must be a non-negative %s amount no larger than %d minor units", a, b.cur, int64(money.MaxMinor))
	}
}

// checkSplit reports bad components of s and a total above money.MaxMinor
// (four components each within range cannot overflow int64).
func (b *Book) checkSplit(v *fault.Fields, field string, s loan.Split) {
	zero := money.Zero(b.cur)
	ok := true
	for c := loan.Principal; c <= loan.Fee; c++ {
		// The field name is built only for a bad component: this runs on
		// every distribution.
		if a := s.Get(c); a.IsNegative() || a.Minor() > money.MaxMinor || !a.SameCurrency(zero) {
			b.checkAmount(v, field+"."+c.String(), a)
			ok = false
		}
	}
	if ok {
		if t := s.Principal.Minor() + s.Interest.Minor() + s.Penalty.Minor() + s.Fee.Minor(); t > money.MaxMinor {
			v.Addf(field, "total %d minor units exceeds the largest amount %d", t, int64(money.MaxMinor))
		}
	}
}
