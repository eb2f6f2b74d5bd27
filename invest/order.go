package invest

import (
	"cmp"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// The orders in which money reaches investors and payers are policy data:
// a reserve short of money decides whose loans it pays first and what part
// of an installment, and a borrower's payment decides whether the payers
// who advanced money (a reserve, a guarantor) or the investors still
// holding the loan are paid first. Each order's zero value is the one
// lendcore has always applied, so a policy stored before these fields
// existed keeps its behaviour. None of these orders is set by law
// (evidence not-found: Civil Code art. 561 orders only a debtor's own
// short payment among costs, interest and principal); they are platform
// practice, to configure.

// LoanOrder is the order in which a reserve pays the loans presented to it
// when its balance may not cover them all.
type LoanOrder uint8

// Loan orders.
const (
	// OldestDueFirst pays the loan with the earliest overdue due date
	// first (ties in the order presented): the investors who have waited
	// longest are paid first. The default.
	OldestDueFirst LoanOrder = iota
	// SmallestClaimFirst pays the loan whose investors hold the least
	// principal first (ties by earliest overdue due date, then as
	// presented): the most loans' investors are made whole.
	SmallestClaimFirst
	// LargestClaimFirst pays the loan whose investors hold the most
	// principal first (ties as SmallestClaimFirst).
	LargestClaimFirst
)

var loanOrderNames = enum.New[LoanOrder](ErrInvalidPolicy, "loans", "oldest-due-first", "smallest-claim-first",
	"largest-claim-first")

// String returns the order's name.
func (o LoanOrder) String() string { return loanOrderNames.String(o) }

// MarshalText encodes the order's name.
func (o LoanOrder) MarshalText() ([]byte, error) { return loanOrderNames.MarshalText(o) }

// UnmarshalText decodes an order's name.
func (o *LoanOrder) UnmarshalText(b []byte) error { return loanOrderNames.UnmarshalText(b, o) }

// loanOrders is the one table of how each order compares two defaults
// (negative: a is paid first); a stable sort keeps the order presented
// for ties.
var loanOrders = [...]func(a, b *Default) int{
	OldestDueFirst: byOldestDue,
	SmallestClaimFirst: func(a, b *Default) int {
		return cmp.Or(a.Book.investorPrincipal().Cmp(b.Book.investorPrincipal()), byOldestDue(a, b))
	},
	LargestClaimFirst: func(a, b *Default) int {
		return cmp.Or(b.Book.investorPrincipal().Cmp(a.Book.investorPrincipal()), byOldestDue(a, b))
	},
}

func byOldestDue(a, b *Default) int {
	return cmp.Compare(a.oldest().DaysSinceEpoch(), b.oldest().DaysSinceEpoch())
}

// PartOrder is the order in which a reserve pays the parts of an overdue
// installment when its balance runs out within it.
type PartOrder uint8

// Part orders.
const (
	// InterestFirst pays the installment's interest, then its principal.
	// The default.
	InterestFirst PartOrder = iota
	// PrincipalFirst pays the installment's principal, then its interest.
	PrincipalFirst
)

var partOrderNames = enum.New[PartOrder](ErrInvalidPolicy, "parts", "interest-first", "principal-first")

// String returns the order's name.
func (o PartOrder) String() string { return partOrderNames.String(o) }

// MarshalText encodes the order's name.
func (o PartOrder) MarshalText() ([]byte, error) { return partOrderNames.MarshalText(o) }

// UnmarshalText decodes an order's name.
func (o *PartOrder) UnmarshalText(b []byte) error { return partOrderNames.UnmarshalText(b, o) }

// CompensationOrder is the order in which a reserve pays what it owes
// under its triggers when its balance may not cover it all: loans in
// Loans order, each loan's overdue installments oldest first, each
// installment's parts in Parts order; the last payout may be partial and
// later claims get nothing. The zero value is the default.
type CompensationOrder struct {
	Loans LoanOrder `json:"loans"`
	Parts PartOrder `json:"parts"`
}

func (o CompensationOrder) validate(v *fault.Fields, field string) {
	if !loanOrderNames.Valid(o.Loans) {
		v.Addf(field+".loans", "unknown order %d", uint8(o.Loans))
	}
	if !partOrderNames.Valid(o.Parts) {
		v.Addf(field+".parts", "unknown order %d", uint8(o.Parts))
	}
}

// pay splits what is left of a reserve's balance between an installment's
// interest and principal in the order's part order, and returns the
// amounts paid and what is left.
func (o CompensationOrder) pay(left, principal, interest money.Amount) (p, i, rest money.Amount) {
	if o.Parts == PrincipalFirst {
		p = money.Min(principal, left)
		i = money.Min(interest, left.Sub(p))
	} else {
		i = money.Min(interest, left)
		p = money.Min(principal, left.Sub(i))
	}
	return p, i, left.Sub(p).Sub(i)
}

// Priority is who a payment that names no installment reaches first: the
// payers holding subrogated claims (a reserve or guarantor that advanced
// installments) or the investors still holding the loan.
type Priority uint8

// Priorities.
const (
	// PayersFirst repays the open subrogated claims first, oldest first,
	// principal against principal and interest against interest; the rest
	// goes to the holdings. The default.
	PayersFirst Priority = iota
	// HoldersFirst pays the holdings first — all the interest, penalty and
	// fee, and principal up to what they hold — and only principal beyond
	// that repays the claims, oldest first.
	HoldersFirst
)

var priorityNames = enum.New[Priority](ErrInvalidPolicy, "unassigned", "payers-first", "holders-first")

// String returns the priority's name.
func (p Priority) String() string { return priorityNames.String(p) }

// MarshalText encodes the priority's name.
func (p Priority) MarshalText() ([]byte, error) { return priorityNames.MarshalText(p) }

// UnmarshalText decodes a priority's name.
func (p *Priority) UnmarshalText(b []byte) error { return priorityNames.UnmarshalText(b, p) }

// RecoveryOrder is the order in which a borrower's payment reaches the
// claimants of a loan (see Book.Distribute). A payment of an installment
// that a payer compensated always goes first to that payer, up to what it
// advanced: the investors were paid that installment. A payment of no
// installment (a prepayment, a recovery after acceleration) goes in
// Unassigned's priority. The zero value is the default.
type RecoveryOrder struct {
	Unassigned Priority `json:"unassigned"`
}

func (o RecoveryOrder) validate(v *fault.Fields, field string) {
	if !priorityNames.Valid(o.Unassigned) {
		v.Addf(field+".unassigned", "unknown priority %d", uint8(o.Unassigned))
	}
}
