// Package account keeps the cash accounts of a P2P platform's members:
// investors' and borrowers' balances held with the custodian bank
// (资金存管), the part of each balance that is frozen, and every movement
// of money in and out of them.
//
// An Account is its entries. Each Entry changes the balance, the frozen
// part or both, carries an idempotency key and names what it concerns (a
// withdrawal, a listing, a loan): a deposit through the host's payment
// rail; a withdrawal, which freezes its amount when requested and is paid
// out (completed) or released (failed) when the rail answers, as its
// lifecycle table allows; a freeze and its release or settlement (a bid
// on a listing holds the investor's money until the listing is full or
// fails); a transfer between two members; a credit (a loan's proceeds, a
// distribution, a compensation payout, a reward). The operations refuse
// what would make the balance or the frozen part negative, or freeze more
// than is available, with a *fault.Fields naming the field and wrapping
// ErrInsufficientFunds, and change nothing.
//
// History is a member's statement of cash movements over a span of days:
// opening and closing totals, the movements and their sums by kind.
//
// Reconcile compares the platform's books with the custodian bank's
// statement of a day — per account or as one total — and lists every
// difference, typed.
//
// The package is pure: it reads no clock and stores nothing; the root
// Engine stores the entries through storage.Accounts and runs the
// commands.
package account
