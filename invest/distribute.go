package invest

import (
	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// Repayment is a borrower payment as the loan allocated it: the plain
// facts Distribute needs.
type Repayment struct {
	On date.Date `json:"on"`
	// Installment is the 1-based installment the payment settles, or 0 when
	// it is not attributable to one installment (a recovery after
	// acceleration or write-off).
	Installment int        `json:"installment"`
	Paid        loan.Split `json:"paid"` // what the borrower paid, by component
}

// Receipt is what one holding received from a distribution.
type Receipt struct {
	Holding HoldingID    `json:"holding"`
	Holder  uuid.UUID    `json:"holder"`
	Gross   loan.Split   `json:"gross"` // by component, before the servicing fee
	Fee     money.Amount `json:"fee"`   // servicing fee deducted
}

// Net returns the receipt after the servicing fee.
func (r Receipt) Net() money.Amount { return r.Gross.Total().Sub(r.Fee) }

// Recovery is what a payer received on a subrogated claim.
type Recovery struct {
	Payer       uuid.UUID  `json:"payer"`
	Installment int        `json:"installment"`
	Amount      loan.Split `json:"amount"`
}

// Distribution is the split of one repayment. Net receipts plus fees plus
// recoveries always equal what the borrower paid, to the minor unit.
type Distribution struct {
	Loan       uuid.UUID    `json:"loan"`
	Seq        int          `json:"seq"` // 1-based number of the distribution in its book
	Repayment  Repayment    `json:"repayment"`
	Receipts   []Receipt    `json:"receipts"`   // holdings with a non-zero receipt, in holding order
	Recoveries []Recovery   `json:"recoveries"` // payers of subrogated claims, in claim order
	Fees       money.Amount `json:"fees"`
}

// PaidTo returns everything payee received from d: net receipts of its
// holdings plus recoveries on its claims.
func (d *Distribution) PaidTo(payee uuid.UUID) money.Amount {
	t := money.Zero(d.Fees.Currency())
	for _, r := range d.Receipts {
		if r.Holder == payee {
			t = t.Add(r.Net())
		}
	}
	for _, r := range d.Recoveries {
		if r.Payer == payee {
			t = t.Add(r.Amount.Total())
		}
	}
	return t
}

// Distribute splits a repayment among the book's claimants and records it.
//
// Routing. A payment of an installment that a payer compensated goes first
// to that payer, up to the principal and interest it advanced and not yet
// recovered; its penalty and fee components go to that payer too (the payer
// bore the delay after paying). A payment with Installment 0 goes in the
// policy's Recovery.Unassigned priority: by default (PayersFirst) it repays
// open claims oldest first, principal against principal and interest
// against interest; under HoldersFirst the holdings take it first, and
// only principal beyond what they hold repays the claims. Everything else
// goes to the holdings.
//
// Split. Each component left for the holdings is split pro rata to the
// principal each holding has at this moment, by the largest-remainder method
// (money.AllocateInto): every holding gets the truncated share in minor
// units, and the leftover units go one each to the largest remainders; ties
// go to the larger holding, then to the older holding (lower HoldingID). So
// the parts sum exactly to the component, and a buyer who bought a claim
// during the period receives the whole period's interest on it.
//
// Fee. The servicing fee is computed per holding on its receipt and
// deducted; holdings of payers pay none.
//
// The principal component reduces each holding by its share. Paying more
// principal than the book holds returns ErrInsufficientHolding and changes
// nothing.
func (b *Book) Distribute(r Repayment) (*Distribution, error) {
	// Room for a receipt per holding: appending from nil would regrow the
	// slice log₂(holdings) times, a third of the cost of replaying a log
	// (BenchmarkOpenBook).
	d := &Distribution{Receipts: make([]Receipt, 0, len(b.holdings))}
	if err := b.DistributeInto(d, r); err != nil {
		return nil, err
	}
	return d, nil
}

// DistributeInto is Distribute writing into d, reusing the capacity of its
// Receipts and the book's scratch buffers, so a host distributing many
// repayments in a loop can reuse one Distribution. Once those have grown to
// the number of holdings, a book of at most 64 holdings allocates nothing
// per holder. Above 64 holdings each non-zero component's split
// (money.AllocateInto) allocates a remainder buffer as long as the
// holdings, up to four per call, so the cost grows with the holders;
// routing to payers of subrogated claims allocates its Recoveries too.
// On error d is unchanged.
func (b *Book) DistributeInto(d *Distribution, r Repayment) error {
	v := invalid()
	if r.On.IsZero() {
		v.Add("on", "missing date")
	}
	if r.Installment < 0 {
		v.Addf("installment", "%d must not be negative", r.Installment)
	}
	b.checkSplit(v, "paid", r.Paid)
	if err := v.Err(); err != nil {
		return err
	}
	recov, claimIdx, pool := b.route(r)
	// One pass over the holdings gathers the weights and their sum.
	n := len(b.holdings)
	if cap(b.weights) < n {
		b.weights = make([]int64, n, n+n/4)
		for c := range b.parts {
			b.parts[c] = make([]money.Amount, n, n+n/4)
		}
		b.fees = make([]money.Amount, n, n+n/4)
	}
	w := b.weights[:n]
	var heldMinor int64
	for i := range b.holdings {
		w[i] = b.holdings[i].Principal.Minor()
		heldMinor += w[i]
	}
	held := money.New(heldMinor, b.cur)
	if pool.Principal.Cmp(held) > 0 {
		addErr(v, ErrInsufficientHolding, "paid.principal", "%s for the holders exceeds the %s they hold", pool.Principal, held)
	}
	if !pool.Total().IsZero() && held.IsZero() {
		addErr(v, ErrInsufficientHolding, "paid", "%s for the holders but no principal is held", pool.Total())
	}
	if err := v.Err(); err != nil {
		return err
	}

	zero := money.Zero(b.cur)
	var parts [4][]money.Amount
	for c := loan.Principal; c <= loan.Fee; c++ {
		if amt := pool.Get(c); !amt.IsZero() {
			parts[c] = b.parts[c][:n]
			// The weights are non-negative with a positive sum (checked above).
			_ = money.AllocateInto(parts[c], amt, w)
		}
	}
	get := func(c loan.Component, i int) money.Amount {
		if parts[c] == nil {
			return zero
		}
		return parts[c][i]
	}

	gross := func(i int) loan.Split {
		return loan.Split{
			Principal: get(loan.Principal, i), Interest: get(loan.Interest, i),
			Penalty: get(loan.Penalty, i), Fee: get(loan.Fee, i),
		}
	}
	// The servicing fees first, so that an error changes nothing.
	fee := b.policy.Servicing
	fees := b.fees[:n]
	for i := range b.holdings {
		fees[i] = zero
		if w[i] == 0 || b.holdings[i].Payer {
			continue
		}
		g := gross(i)
		if total := g.Total(); !total.IsZero() {
			f, err := fee.fee(g.Interest, total)
			if err != nil {
				v.Addf("paid", "servicing fee of holding %d: %v", i, err)
				return v
			}
			fees[i] = f
		}
	}

	*d = Distribution{Loan: b.loan, Seq: b.seq + 1, Repayment: r, Receipts: d.Receipts[:0], Recoveries: recov, Fees: zero}
	for i := range b.holdings {
		if w[i] == 0 {
			continue
		}
		h := &b.holdings[i]
		g := gross(i)
		total := g.Total()
		if total.IsZero() {
			continue
		}
		rc := Receipt{Holding: h.ID, Holder: h.Holder, Gross: g, Fee: fees[i]}
		h.Principal = h.Principal.Sub(g.Principal)
		h.Received = h.Received.Add(g)
		h.Fees = h.Fees.Add(rc.Fee)
		d.Fees = d.Fees.Add(rc.Fee)
		d.Receipts = append(d.Receipts, rc)
	}
	for k, i := range claimIdx {
		b.claims[i].Recovered = b.claims[i].Recovered.Add(recov[k].Amount)
	}
	b.seq++
	return nil
}

// route returns what goes to payers of subrogated claims (and the indexes
// of those claims) and what is left for the holdings, changing nothing.
func (b *Book) route(r Repayment) ([]Recovery, []int, loan.Split) {
	left := r.Paid
	// A payment of no installment under HoldersFirst keeps for the
	// holdings everything but the principal beyond what they hold.
	var kept loan.Split
	if held := b.Held(); r.Installment == 0 && b.policy.Recovery.Unassigned == HoldersFirst && held.IsPositive() {
		kept = left
		kept.Principal = money.Min(left.Principal, held)
		left = left.Sub(kept)
	}
	var recov []Recovery
	var idx []int
	first := true
	for i, c := range b.claims {
		if r.Installment != 0 && c.Installment != r.Installment {
			continue
		}
		var got loan.Split
		got.Principal = money.Min(left.Principal, c.OpenPrincipal())
		got.Interest = money.Min(left.Interest, c.OpenInterest())
		if r.Installment != 0 && first {
			// The first payer of the installment takes its late charges.
			got.Penalty, got.Fee = left.Penalty, left.Fee
			first = false
		}
		if got.Total().IsZero() {
			continue
		}
		left = left.Sub(got)
		recov = append(recov, Recovery{Payer: c.Payer, Installment: c.Installment, Amount: got})
		idx = append(idx, i)
	}
	// When the investors hold nothing any more (a payer bought the whole
	// outstanding), whatever is left — late charges, mostly — belongs to
	// the payers who bore the delay: the first claim routed takes it.
	if len(recov) > 0 && !left.Total().IsZero() && b.Held().IsZero() {
		recov[0].Amount = recov[0].Amount.Add(left)
		left = loan.Split{Principal: money.Zero(b.cur), Interest: money.Zero(b.cur), Penalty: money.Zero(b.cur), Fee: money.Zero(b.cur)}
	}
	if !kept.Principal.Currency().IsZero() {
		left = left.Add(kept)
	}
	return recov, idx, left
}
