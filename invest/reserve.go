package invest

import (
	"slices"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// Cover is what a compensation trigger pays.
type Cover uint8

// Covers.
const (
	// CoverOverdue pays the investors the overdue installments (principal
	// and interest still owed); the payer takes those installments over.
	CoverOverdue Cover = iota + 1
	// CoverOutstanding pays the overdue installments and then buys the
	// investors' whole outstanding principal; the payer takes the loan over.
	CoverOutstanding
)

var coverNames = enum.New[Cover](ErrInvalidPolicy, "cover", "", "overdue", "outstanding")

// String returns the cover's name.
func (c Cover) String() string { return coverNames.String(c) }

// MarshalText encodes the cover's name.
func (c Cover) MarshalText() ([]byte, error) { return coverNames.MarshalText(c) }

// UnmarshalText decodes a cover's name.
func (c *Cover) UnmarshalText(b []byte) error { return coverNames.UnmarshalText(b, c) }

// Trigger pays Cover once a loan is DaysPastDue days past due or more.
type Trigger struct {
	DaysPastDue int   `json:"days_past_due"`
	Cover       Cover `json:"cover"`
}

// ReservePolicy is the policy of a risk reserve (风险准备金) or guarantor
// paying guarantee compensation (代偿).
type ReservePolicy struct {
	// LoanShare is the fraction of each loan's principal put into the
	// reserve at funding (FundLoan); RepaymentShare the fraction of each
	// repayment (FundRepayment). Both are paid by the host (typically from
	// the borrower's fees), not deducted from the investors' distribution.
	LoanShare      money.Rate         `json:"loan_share"`
	RepaymentShare money.Rate         `json:"repayment_share"`
	Rounding       money.RoundingMode `json:"rounding"` // of the shares
	// Triggers, in increasing DaysPastDue; the last one reached applies.
	Triggers []Trigger `json:"triggers"`
	// Order is the order in which the reserve pays when its balance may
	// not cover every trigger reached (the zero value: oldest due date
	// first, interest before principal).
	Order CompensationOrder `json:"order"`
}

// DefaultReservePolicy returns an illustrative reserve: 1 % of each loan's
// principal, nothing from repayments, the overdue installment paid at 15
// days past due and the whole outstanding at 90. These figures are lender
// practice; no regulatory source found, so configure them. The 2016
// Interim Measures on P2P lending (网络借贷信息中介机构业务活动管理暂行办法,
// CBRC, MIIT, MPS and CAC Order 2016 No. 1) art. 10(3) forbid the platform
// itself to guarantee lenders' principal or interest, directly or in
// disguise, so a host complying with them runs this reserve as a third-party
// guarantor's; the 2017 disclosure guideline (网络借贷信息中介机构业务活动
// 信息披露指引, 银监办发〔2017〕113号) then has the compensation paid
// (累计代偿金额及笔数) disclosed among the platform's monthly operating
// figures.
func DefaultReservePolicy() ReservePolicy {
	return ReservePolicy{
		LoanShare:      money.MustRate("1%"),
		RepaymentShare: money.MustRate("0"),
		Rounding:       money.HalfUp,
		Triggers:       []Trigger{{DaysPastDue: 15, Cover: CoverOverdue}, {DaysPastDue: 90, Cover: CoverOutstanding}},
	}
}

// Validate reports every bad field.
func (p ReservePolicy) Validate() error {
	v := badPolicy()
	validateFraction(v, "loan_share", p.LoanShare)
	validateFraction(v, "repayment_share", p.RepaymentShare)
	if !p.Rounding.Valid() {
		v.Addf("rounding", "unknown rounding mode %d", uint8(p.Rounding))
	}
	for i, t := range p.Triggers {
		if t.DaysPastDue <= 0 {
			v.Addf(fieldIndex("triggers", i, "days_past_due"), "%d must be positive", t.DaysPastDue)
		}
		if i > 0 && t.DaysPastDue <= p.Triggers[i-1].DaysPastDue {
			v.Addf(fieldIndex("triggers", i, "days_past_due"), "%d must exceed the previous trigger's", t.DaysPastDue)
		}
		if !coverNames.Valid(t.Cover) {
			v.Addf(fieldIndex("triggers", i, "cover"), "unknown cover %d", uint8(t.Cover))
		}
	}
	p.Order.validate(v, "order")
	return v.Err()
}

// trigger returns the cover that applies at dpd days past due.
func (p ReservePolicy) trigger(dpd int) (Cover, bool) {
	var c Cover
	for _, t := range p.Triggers {
		if dpd >= t.DaysPastDue {
			c = t.Cover
		}
	}
	return c, c != 0
}

// EntryKind classifies a reserve ledger entry.
type EntryKind uint8

// Reserve entry kinds.
const (
	EntryContribution EntryKind = iota + 1 // money put into the reserve
	EntryPayout                            // compensation paid to investors
	EntryRecovery                          // money recovered on a subrogated claim
)

var entryKindNames = enum.New[EntryKind](ErrInvalidInput, "kind", "", "contribution", "payout", "recovery")

// String returns the kind's name.
func (k EntryKind) String() string { return entryKindNames.String(k) }

// MarshalText encodes the kind's name.
func (k EntryKind) MarshalText() ([]byte, error) { return entryKindNames.MarshalText(k) }

// UnmarshalText decodes a kind's name.
func (k *EntryKind) UnmarshalText(b []byte) error { return entryKindNames.UnmarshalText(b, k) }

// ReserveEntry is one movement of a reserve's balance: a contribution, a
// compensation payout or a recovery on a claim the reserve took over. A
// reserve stored as the list of its movements has their sum as its
// balance; Balance here is the running balance after the entry, as this
// Reserve saw it.
type ReserveEntry struct {
	Kind    EntryKind    `json:"kind"`
	Loan    uuid.UUID    `json:"loan"`
	On      date.Date    `json:"on"`
	Amount  money.Amount `json:"amount"`  // positive in, negative out
	Balance money.Amount `json:"balance"` // after the entry
}

// Reserve is a risk reserve (风险准备金) — or a guarantor, modelled as a
// reserve holding the guarantor's commitment — that pays investors when
// loans go past due and takes the paid claims over (subrogation). Its
// balance never goes below zero.
//
// A host that stores the reserve as an append-only list of movements
// rebuilds it for each command with RestoreReserve from the stored
// balance, lets it decide (Compensate, Recover, FundLoan, ...), and appends
// what it decided: Ledger.
type Reserve struct {
	id       uuid.UUID
	policy   ReservePolicy
	balance  money.Amount
	ledger   []ReserveEntry
	credited map[creditKey]bool
}

type creditKey struct {
	loan uuid.UUID
	seq  int
}

// NewReserve creates an empty reserve in currency cur; id is the payer id
// under which it holds subrogated claims. Bad input is a *fault.Fields
// wrapping ErrInvalidInput; a bad policy's fields appear in it as
// "policy.<field>" and make it wrap ErrInvalidPolicy too.
func NewReserve(id uuid.UUID, cur money.Currency, p ReservePolicy) (*Reserve, error) {
	v := invalid()
	if cur.IsZero() {
		v.Add("currency", "missing currency")
	}
	return buildReserve(v, id, p, money.Zero(cur))
}

// RestoreReserve rebuilds a reserve from its balance: the sum of the
// movements a host stored. Its Ledger starts empty, so that after a
// command it holds exactly the movements the command decided, for the host
// to append. The record of distributions already credited (Recover's
// ErrDuplicate) starts empty too: across commands the host's idempotency
// keys are what keep a recovery from being stored twice. Bad input is a
// *fault.Fields naming "id" or "balance" (a non-negative amount with a
// currency); a bad policy's fields appear in it as "policy.<field>" and
// make it wrap ErrInvalidPolicy too.
func RestoreReserve(id uuid.UUID, p ReservePolicy, balance money.Amount) (*Reserve, error) {
	v := invalid()
	if balance.IsNegative() || balance.Currency().IsZero() || balance.Minor() > money.MaxMinor {
		v.Addf("balance", "%s must be a non-negative amount with a currency, no larger than %d minor units", balance, int64(money.MaxMinor))
	}
	return buildReserve(v, id, p, balance)
}

// buildReserve finishes the validation v begun and builds the reserve.
func buildReserve(v *fault.Fields, id uuid.UUID, p ReservePolicy, balance money.Amount) (*Reserve, error) {
	if id == uuid.Nil {
		v.Add("id", "missing reserve id")
	}
	if err := p.Validate(); err != nil {
		mergePolicy(v, "policy", err)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	p.Triggers = slices.Clone(p.Triggers)
	return &Reserve{id: id, policy: p, balance: balance, credited: map[creditKey]bool{}}, nil
}

// ID returns the reserve's payer id.
func (r *Reserve) ID() uuid.UUID { return r.id }

// Balance returns the reserve's balance.
func (r *Reserve) Balance() money.Amount { return r.balance }

// Ledger returns a copy of the entries posted since NewReserve or
// RestoreReserve, oldest first: after RestoreReserve, the movements a host
// appends to its stored reserve.
func (r *Reserve) Ledger() []ReserveEntry { return slices.Clone(r.ledger) }

func (r *Reserve) post(kind EntryKind, loanID uuid.UUID, on date.Date, amt money.Amount) {
	r.balance = r.balance.Add(amt)
	r.ledger = append(r.ledger, ReserveEntry{Kind: kind, Loan: loanID, On: on, Amount: amt, Balance: r.balance})
}

func (r *Reserve) checkIn(v *fault.Fields, field string, a money.Amount) {
	if a.IsNegative() || a.Currency() != r.balance.Currency() {
		v.Addf(field, "%s must be a non-negative %s amount", a, r.balance.Currency())
	}
}

// Deposit adds amount to the reserve (a contribution the host computed).
func (r *Reserve) Deposit(loanID uuid.UUID, amount money.Amount, on date.Date) error {
	v := invalid()
	r.checkIn(v, "amount", amount)
	if on.IsZero() {
		v.Add("on", "missing date")
	}
	if err := v.Err(); err != nil {
		return err
	}
	r.post(EntryContribution, loanID, on, amount)
	return nil
}

// FundLoan adds the policy's LoanShare of a loan's principal and returns it.
func (r *Reserve) FundLoan(loanID uuid.UUID, principal money.Amount, on date.Date) (money.Amount, error) {
	return r.fundShare(loanID, principal, r.policy.LoanShare, on)
}

// FundRepayment adds the policy's RepaymentShare of a repayment and returns it.
func (r *Reserve) FundRepayment(loanID uuid.UUID, paid money.Amount, on date.Date) (money.Amount, error) {
	return r.fundShare(loanID, paid, r.policy.RepaymentShare, on)
}

func (r *Reserve) fundShare(loanID uuid.UUID, base money.Amount, share money.Rate, on date.Date) (money.Amount, error) {
	v := invalid()
	r.checkIn(v, "amount", base)
	if err := v.Err(); err != nil {
		return money.Amount{}, err
	}
	amt, err := base.MulRate(share, r.policy.Rounding)
	if err != nil {
		v.Addf("amount", "%v", err)
		return money.Amount{}, v
	}
	if err := r.Deposit(loanID, amt, on); err != nil {
		return money.Amount{}, err
	}
	return amt, nil
}

// Recover credits the reserve with what a distribution paid it on its
// subrogated claims and holdings, and returns that amount. Crediting the
// same distribution twice returns ErrDuplicate; a nil distribution, or one
// in another currency than the reserve's, is a *fault.Fields naming
// "distribution" or "distribution.fees".
func (r *Reserve) Recover(d *Distribution) (money.Amount, error) {
	v := invalid()
	if d == nil {
		v.Add("distribution", "missing distribution")
		return money.Amount{}, v
	}
	if cur := r.balance.Currency(); !r.paidInCurrency(d, cur) {
		v.Addf("distribution.fees", "distribution in %s, reserve in %s", d.Fees.Currency(), cur)
		return money.Amount{}, v
	}
	key := creditKey{d.Loan, d.Seq}
	if r.credited[key] {
		addErr(v, ErrDuplicate, "distribution", "distribution %d of loan %s was already credited", d.Seq, d.Loan)
		return money.Amount{}, v
	}
	amt := d.PaidTo(r.id)
	if amt.IsZero() {
		return money.Zero(r.balance.Currency()), nil
	}
	r.credited[key] = true
	r.post(EntryRecovery, d.Loan, d.Repayment.On, amt)
	return amt, nil
}

// paidInCurrency reports whether d is in cur: its fees, and every amount of
// the receipts and recoveries paid to the reserve (so PaidTo cannot mix
// currencies).
func (r *Reserve) paidInCurrency(d *Distribution, cur money.Currency) bool {
	in := func(a money.Amount) bool { return a.Currency() == cur || a.IsZero() && a.Currency().IsZero() }
	split := func(s loan.Split) bool { return in(s.Principal) && in(s.Interest) && in(s.Penalty) && in(s.Fee) }
	if d.Fees.Currency() != cur {
		return false
	}
	for _, rc := range d.Receipts {
		if rc.Holder == r.id && !(split(rc.Gross) && in(rc.Fee)) {
			return false
		}
	}
	for _, rc := range d.Recoveries {
		if rc.Payer == r.id && !split(rc.Amount) {
			return false
		}
	}
	return true
}
