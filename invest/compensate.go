package invest

import (
	"cmp"
	"slices"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// Payout is one compensation payment to a loan's investors.
type Payout struct {
	On date.Date `json:"on"`
	// Installment k ≥ 1 pays (part of) overdue installment k and the payer
	// takes that installment over; 0 buys (part of) the investors'
	// outstanding principal and the payer becomes a holder.
	Installment int          `json:"installment"`
	Principal   money.Amount `json:"principal"`
	Interest    money.Amount `json:"interest"` // must be zero when Installment is 0
}

// Total returns the payout's principal plus interest.
func (p Payout) Total() money.Amount { return p.Principal.Add(p.Interest) }

// Compensation is a payout made: who paid, and what each investor holding got.
type Compensation struct {
	Loan     uuid.UUID `json:"loan"`
	Payer    uuid.UUID `json:"payer"`
	Payout   Payout    `json:"payout"`
	Receipts []Receipt `json:"receipts"` // investor holdings paid, in holding order; Fee is always zero
}

// checkPayout validates a payout p by payer against the book, changing
// nothing.
func (b *Book) checkPayout(payer uuid.UUID, p Payout) *fault.Fields {
	v := invalid()
	if payer == uuid.Nil {
		v.Add("payer", "missing payer id")
	}
	if p.On.IsZero() {
		v.Add("on", "missing date")
	}
	if p.Installment < 0 {
		v.Addf("installment", "%d must not be negative", p.Installment)
	}
	b.checkAmount(v, "principal", p.Principal)
	b.checkAmount(v, "interest", p.Interest)
	if v.Len() > 0 {
		return v
	}
	if p.Installment == 0 && !p.Interest.IsZero() {
		v.Add("interest", "a buyout (installment 0) pays principal only")
	}
	inv := b.investorPrincipal()
	if p.Principal.Cmp(inv) > 0 {
		addErr(v, ErrInsufficientHolding, "principal", "%s exceeds the %s investors hold", p.Principal, inv)
	}
	if p.Total().IsZero() {
		v.Add("principal", "the payout is zero")
	} else if inv.IsZero() {
		addErr(v, ErrInsufficientHolding, "principal", "no investor holds principal")
	}
	return v
}

// Compensate is the book's side of a compensation payout (代偿) that payer
// — a reserve or a guarantor — made to the loan's investors: p is split
// among the investor holdings pro rata to their principal (largest
// remainder, ties to the larger then the older holding), and payer takes
// the paid claim over. A payout on installment k ≥ 1 becomes (or adds to)
// payer's subrogated claim on k, which later payments of k repay first
// (see Distribute); a buyout (installment 0) becomes payer's holding, on
// which it pays no servicing fee.
//
// Whether payer can afford p is the payer's business (Reserve.Pay and
// Reserve.Compensate check their balance): the book records what was paid.
// Bad input — a missing payer, a payout in another currency, more
// principal than the investors hold (ErrInsufficientHolding) — is a
// *fault.Fields naming "payer" and the payout's fields, and changes
// nothing.
func (b *Book) Compensate(payer uuid.UUID, p Payout) (*Compensation, error) {
	if err := b.checkPayout(payer, p).Err(); err != nil {
		return nil, err
	}
	return b.subrogate(payer, p), nil
}

// subrogate pays p to the investor holdings pro rata to their principal
// (largest remainder, ties to the larger then the older holding) and hands
// the paid claim to payer. p must have passed checkPayout.
func (b *Book) subrogate(payer uuid.UUID, p Payout) *Compensation {
	n := len(b.holdings)
	w := make([]int64, n)
	for i := range b.holdings {
		if !b.holdings[i].Payer {
			w[i] = b.holdings[i].Principal.Minor()
		}
	}
	zero := money.Zero(b.cur)
	pp := make([]money.Amount, n)
	ip := make([]money.Amount, n)
	_ = money.AllocateInto(pp, p.Principal.Add(zero), w)
	_ = money.AllocateInto(ip, p.Interest.Add(zero), w)
	c := &Compensation{Loan: b.loan, Payer: payer, Payout: p}
	for i := range b.holdings {
		if pp[i].IsZero() && ip[i].IsZero() {
			continue
		}
		h := &b.holdings[i]
		got := loan.Split{Principal: pp[i], Interest: ip[i], Penalty: zero, Fee: zero}
		h.Principal = h.Principal.Sub(pp[i])
		h.Compensation = h.Compensation.Add(got)
		c.Receipts = append(c.Receipts, Receipt{Holding: h.ID, Holder: h.Holder, Gross: got, Fee: zero})
	}
	if p.Installment == 0 {
		for i := range b.holdings {
			if h := &b.holdings[i]; h.Payer && h.Holder == payer {
				h.Principal = h.Principal.Add(p.Principal)
				return c
			}
		}
		b.add(Holding{Holder: payer, Principal: p.Principal, Since: p.On, Payer: true})
		return c
	}
	for i := range b.claims {
		if cl := &b.claims[i]; cl.Payer == payer && cl.Installment == p.Installment {
			cl.Principal = cl.Principal.Add(p.Principal)
			cl.Interest = cl.Interest.Add(p.Interest)
			return c
		}
	}
	b.claims = append(b.claims, Claim{
		Payer: payer, Installment: p.Installment, On: p.On,
		Principal: p.Principal.Add(zero), Interest: p.Interest.Add(zero),
		Recovered: loan.Split{Principal: zero, Interest: zero, Penalty: zero, Fee: zero},
	})
	return c
}

// Pay makes one payout from the reserve to a loan's investors and takes the
// paid claim over. A payout above the balance returns ErrInsufficientReserve;
// any error leaves the reserve and the book unchanged. A nil book is a
// *fault.Fields naming "book".
func (r *Reserve) Pay(b *Book, p Payout) (*Compensation, error) {
	if b == nil {
		v := invalid()
		v.Add("book", "missing book")
		return nil, v
	}
	v := b.checkPayout(r.id, p)
	if b.cur != r.balance.Currency() {
		v.Addf("book", "book in %s, reserve in %s", b.cur, r.balance.Currency())
	} else if v.Len() == 0 && p.Total().Cmp(r.balance) > 0 {
		addErr(v, ErrInsufficientReserve, "payout", "%s exceeds the balance %s", p.Total(), r.balance)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	c := r.subrogate(b, p)
	return c, nil
}

func (r *Reserve) subrogate(b *Book, p Payout) *Compensation {
	c := b.subrogate(r.id, p)
	r.post(EntryPayout, b.loan, p.On, p.Total().Neg())
	return c
}

// OverdueInstallment is an installment the borrower has not fully paid:
// what is still owed of it.
type OverdueInstallment struct {
	Number    int          `json:"number"`
	Due       date.Date    `json:"due"`
	Principal money.Amount `json:"principal"`
	Interest  money.Amount `json:"interest"`
}

// Arrears are the facts about a past-due loan.
type Arrears struct {
	DaysPastDue int                  `json:"days_past_due"`
	Overdue     []OverdueInstallment `json:"overdue"`
}

// Default is a past-due loan presented for compensation.
type Default struct {
	Book    *Book
	Arrears Arrears
}

func (d Default) oldest() date.Date {
	var o date.Date
	for i, in := range d.Arrears.Overdue {
		if i == 0 || in.Due.Before(o) {
			o = in.Due
		}
	}
	return o
}

// Compensate applies the policy's triggers to past-due loans on date on.
// Each loan whose days past due reach a trigger is paid its cover
// (CoverOverdue: each overdue installment's principal and interest still
// owed and not yet compensated; CoverOutstanding: that, then the investors'
// remaining principal), split pro rata among its investors. Loans are paid
// in the policy's Order (by default oldest claim first: earliest overdue
// due date, ties in the order given), installments oldest first, each
// installment's parts in the Order's part order (by default interest
// before principal), until the balance runs out: the last payout may be
// partial and later claims get nothing. The reserve takes each paid claim
// over. The order is platform practice, not law (evidence not-found: Civil
// Code art. 561 orders a debtor's own short payment, not a guarantor's or
// reserve's payout), hence policy.
//
// Malformed facts return *fault.Fields and change nothing; a loan past
// due (DaysPastDue > 0) must list its overdue installments.
func (r *Reserve) Compensate(on date.Date, defaults []Default) ([]*Compensation, error) {
	v := invalid()
	if on.IsZero() {
		v.Add("on", "missing date")
	}
	seen := map[*Book]bool{}
	for i, d := range defaults {
		f := func(s string) string { return fieldIndex("defaults", i, s) }
		if d.Book == nil {
			v.Addf(f("book"), "missing book")
			continue
		}
		if seen[d.Book] {
			v.Addf(f("book"), "loan %s presented twice", d.Book.loan)
		}
		seen[d.Book] = true
		if d.Book.cur != r.balance.Currency() {
			v.Addf(f("book"), "book in %s, reserve in %s", d.Book.cur, r.balance.Currency())
			continue
		}
		if d.Arrears.DaysPastDue < 0 {
			v.Addf(f("arrears.days_past_due"), "%d must not be negative", d.Arrears.DaysPastDue)
		} else if d.Arrears.DaysPastDue > 0 && len(d.Arrears.Overdue) == 0 {
			// Without them the loan has no oldest due date and would jump
			// the queue.
			v.Addf(f("arrears.overdue"), "%d days past due but no overdue installment listed", d.Arrears.DaysPastDue)
		}
		nums := map[int]bool{}
		for j, in := range d.Arrears.Overdue {
			g := fieldIndex("arrears.overdue", j, "")
			if in.Number < 1 || nums[in.Number] {
				v.Addf(f(g+"number"), "%d must be a positive installment number, listed once", in.Number)
			}
			nums[in.Number] = true
			if in.Due.IsZero() || in.Due.After(on) {
				v.Addf(f(g+"due"), "due date %s must be set and not after %s", in.Due, on)
			}
			d.Book.checkAmount(v, f(g+"principal"), in.Principal)
			d.Book.checkAmount(v, f(g+"interest"), in.Interest)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}

	order := make([]int, len(defaults))
	for i := range order {
		order[i] = i
	}
	byOrder := loanOrders[r.policy.Order.Loans]
	slices.SortStableFunc(order, func(a, b int) int { return byOrder(&defaults[a], &defaults[b]) })

	type item struct {
		book *Book
		p    Payout
	}
	var plan []item
	left := r.balance
	for _, di := range order {
		d := defaults[di]
		cover, ok := r.policy.trigger(d.Arrears.DaysPastDue)
		if !ok {
			continue
		}
		b := d.Book
		avail := b.investorPrincipal()
		if avail.IsZero() {
			// The investors hold nothing any more (a payer bought them out):
			// there is no one left to compensate.
			continue
		}
		add := func(inst int, prin, intr money.Amount) {
			prin, intr, left = r.policy.Order.pay(left, money.Min(prin, avail), intr)
			avail = avail.Sub(prin)
			if !intr.IsZero() || !prin.IsZero() {
				plan = append(plan, item{b, Payout{On: on, Installment: inst, Principal: prin, Interest: intr}})
			}
		}
		overdue := slices.Clone(d.Arrears.Overdue)
		slices.SortFunc(overdue, func(a, b OverdueInstallment) int {
			if c := cmp.Compare(a.Due.DaysSinceEpoch(), b.Due.DaysSinceEpoch()); c != 0 {
				return c
			}
			return cmp.Compare(a.Number, b.Number)
		})
		for _, in := range overdue {
			openP, openI := b.openClaims(in.Number)
			add(in.Number, money.Max(in.Principal.Sub(openP), money.Zero(b.cur)), money.Max(in.Interest.Sub(openI), money.Zero(b.cur)))
		}
		if cover == CoverOutstanding {
			add(0, avail, money.Zero(b.cur))
		}
	}
	out := make([]*Compensation, 0, len(plan))
	for _, it := range plan {
		out = append(out, r.subrogate(it.book, it.p))
	}
	return out, nil
}

// openClaims returns the open principal and interest of the subrogated
// claims on installment k.
func (b *Book) openClaims(k int) (principal, interest money.Amount) {
	principal, interest = money.Zero(b.cur), money.Zero(b.cur)
	for _, c := range b.claims {
		if c.Installment == k {
			principal = principal.Add(c.OpenPrincipal())
			interest = interest.Add(c.OpenInterest())
		}
	}
	return principal, interest
}
