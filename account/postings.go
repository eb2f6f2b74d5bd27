package account

import (
	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
)

// The chart of accounts the postings of cash movements use. The members'
// money is a liability of the platform towards them, held apart in the
// custody account at the bank (资金存管); what is frozen is still theirs,
// kept in a sub-ledger of its own so that the books show what members can
// use.
const (
	// LedgerCustody is the custody account at the bank: money in it is
	// the members'.
	LedgerCustody = "custody-cash"
	// LedgerAvailable and LedgerFrozen are the platform's liabilities to
	// its members: what they can use, and what is held for bids, rewards
	// and withdrawals in flight. Posting.Member names the member.
	LedgerAvailable = "member-available"
	LedgerFrozen    = "member-frozen"
	// LedgerClearing holds money moving between members: a full listing's
	// bids on their way to its borrower, a transfer's price. The two sides
	// of a move clear it; a seller's fee on a claim transfer stays in it
	// until the host sweeps it to the platform's own books.
	LedgerClearing = "member-clearing"
)

// Posting is the double-entry posting of one entry, for the host's
// general ledger: Debit and Credit are codes of the chart above, Member
// the member whose sub-ledger the member-* side is.
type Posting struct {
	Day    date.Date    `json:"day"`
	Key    string       `json:"key"` // the entry's key
	Kind   Kind         `json:"kind"`
	Member uuid.UUID    `json:"member"`
	Debit  string       `json:"debit"`
	Credit string       `json:"credit"`
	Amount money.Amount `json:"amount"`
}

// kindPostings is the one table of the posting each kind makes. Money
// enters the custody account with a deposit, a distribution or a
// compensation payout (the borrower's repayment or the reserve's payout,
// received into custody for the investor) and leaves it with a paid
// withdrawal; everything else moves between the members' sub-ledgers.
var kindPostings = [...][2]string{
	Deposit:             {LedgerCustody, LedgerAvailable},
	WithdrawalRequested: {LedgerAvailable, LedgerFrozen},
	WithdrawalPaid:      {LedgerFrozen, LedgerCustody},
	WithdrawalFailed:    {LedgerFrozen, LedgerAvailable},
	Freeze:              {LedgerAvailable, LedgerFrozen},
	Release:             {LedgerFrozen, LedgerAvailable},
	Settle:              {LedgerFrozen, LedgerClearing},
	TransferOut:         {LedgerAvailable, LedgerClearing},
	TransferIn:          {LedgerClearing, LedgerAvailable},
	Proceeds:            {LedgerClearing, LedgerAvailable},
	Reward:              {LedgerClearing, LedgerAvailable},
	Distribution:        {LedgerCustody, LedgerAvailable},
	Compensation:        {LedgerCustody, LedgerAvailable},
}

// Posting returns the entry's posting: the amount it moves (the change of
// the balance or of the frozen part, whichever is larger), from the
// kind's debit to its credit.
func (e Entry) Posting() Posting {
	amount := e.Amount.Abs()
	if f := e.Frozen.Abs(); amount.Less(f) {
		amount = f
	}
	p := kindPostings[e.Kind]
	return Posting{Day: e.Day, Key: e.Key, Kind: e.Kind, Member: e.Account, Debit: p[0], Credit: p[1], Amount: amount}
}
