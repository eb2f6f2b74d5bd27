package storage

import (
	"context"
	"fmt"
	"iter"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
)

// Account is a member's cash account on a P2P platform: who it is, and the
// sums of its entries. The account is its entries — deposits,
// withdrawals, freezes, releases, transfers, credits — which are only
// ever appended; its balance and frozen part are their sums.
type Account struct {
	// ID is the member's id: one account per member.
	ID uuid.UUID
	// Role is "investor" or "borrower" (package account's names).
	Role     string
	Currency money.Currency
	Opened   date.Date
	// Version is 1 after Open and +1 per post that takes from the account
	// (see AccountPost): credits leave it alone, so many replicas may pay
	// into one account at once.
	Version int64
	// Balance and Frozen are the sums of the entries' Amount and Frozen;
	// Entries counts them. Filled by the store.
	Balance, Frozen money.Amount
	Entries         int64
}

// SameRequest reports whether a and o are the same opening.
func (a Account) SameRequest(o Account) bool {
	return a.Role == o.Role && a.Currency == o.Currency && a.Opened == o.Opened
}

// AccountEntry is one movement of an account.
type AccountEntry struct {
	// Seq is assigned by the store: the entry's position among all
	// accounts' entries.
	Seq int64
	// Key is unique in the store: posting a key already stored with the
	// same content is a replay.
	Key       string
	AccountID uuid.UUID
	// Kind names the movement (package account's kinds: "deposit",
	// "freeze", ...).
	Kind string
	// Ref names what the entry concerns (a withdrawal, a listing, a loan);
	// "" when nothing.
	Ref string
	Day date.Date
	// Amount changes the balance, Frozen the frozen part; both in the
	// account's currency, at least one non-zero.
	Amount, Frozen money.Amount
}

// SameRequest reports whether e and o are the same entry for the
// idempotency check.
func (e AccountEntry) SameRequest(o AccountEntry) bool {
	return e.AccountID == o.AccountID && e.Kind == o.Kind && e.Ref == o.Ref && e.Day == o.Day &&
		e.Amount == o.Amount && e.Frozen == o.Frozen
}

// Takes reports whether the entry can take money out of reach: it lowers
// the balance, or changes the frozen part (a freeze lowers what is
// available, a release or settlement spends a hold).
func (e *AccountEntry) Takes() bool { return e.Amount.IsNegative() || !e.Frozen.IsZero() }

// AccountPost is one write of entries to one or more accounts, all or
// nothing.
type AccountPost struct {
	// Versions holds, for every account an entry of the post takes from
	// (AccountEntry.Takes), the version the decision read; Post fails
	// with ErrConflict when the stored version is another. Accounts only
	// credited need no version.
	Versions map[uuid.UUID]int64
	Entries  []AccountEntry
}

// Validate reports every bad field of a post.
func (p *AccountPost) Validate() error {
	v := invalid()
	if len(p.Entries) == 0 {
		v.Add("entries", "must hold at least one entry")
	}
	checkKeys(v, "entries", len(p.Entries), func(i int) string { return p.Entries[i].Key })
	for i := range p.Entries {
		e := &p.Entries[i]
		f := fmt.Sprintf("entries[%d]", i)
		checkID(v, f+".account_id", e.AccountID)
		checkText(v, f+".kind", e.Kind, true)
		checkText(v, f+".ref", e.Ref, false)
		checkDate(v, f+".day", e.Day, true)
		switch {
		case e.Amount.Currency().IsZero():
			v.Add(f+".amount", "has no currency")
		case e.Frozen.Currency() != e.Amount.Currency():
			v.Addf(f+".frozen", "must be in %s, the amount's currency", e.Amount.Currency().Code())
		case e.Amount.IsZero() && e.Frozen.IsZero():
			v.Add(f+".amount", "an entry moves something: amount and frozen are both zero")
		}
		if _, ok := p.Versions[e.AccountID]; e.Takes() && !ok && e.AccountID != uuid.Nil {
			v.Addf(f+".account_id", "takes from account %s: the post must state its version", e.AccountID)
		}
	}
	for id, n := range p.Versions {
		checkVersion(v, "versions."+id.String(), n, 1)
	}
	return done(v)
}

// Validate reports every bad field of an account given to Open.
func (a *Account) Validate() error {
	v := invalid()
	checkID(v, "id", a.ID)
	checkText(v, "role", a.Role, true)
	if a.Currency.IsZero() {
		v.Add("currency", "must be set")
	}
	checkDate(v, "opened", a.Opened, true)
	return done(v)
}

// Overdrawn reports whether totals no sequence of legal movements makes: a
// negative balance or frozen part, or more frozen than the balance. Post
// refuses a write that would leave an account so.
func (a *Account) Overdrawn() bool {
	return a.Balance.IsNegative() || a.Frozen.IsNegative() || a.Balance.Less(a.Frozen)
}

// AccountFilter selects accounts for Accounts.Scan; set fields combine
// with AND.
type AccountFilter struct {
	IDs       []uuid.UUID // any of these accounts
	Roles     []string    // any of these roles
	BatchSize int
}

// Batch returns the effective batch size.
func (f AccountFilter) Batch() int { return batchSize(f.BatchSize) }

// Matches reports whether a passes the filter.
func (f AccountFilter) Matches(a *Account) bool {
	return (len(f.IDs) == 0 || containsID(f.IDs, a.ID)) && (len(f.Roles) == 0 || contains(f.Roles, a.Role))
}

// EntryFilter selects entries for Accounts.Entries; set fields combine
// with AND.
type EntryFilter struct {
	AccountID uuid.UUID
	Ref       string
	Kinds     []string
	Days      *DateRange
	BatchSize int
}

// Batch returns the effective batch size.
func (f EntryFilter) Batch() int { return batchSize(f.BatchSize) }

// Matches reports whether e passes the filter.
func (f EntryFilter) Matches(e *AccountEntry) bool {
	return (f.AccountID == uuid.Nil || f.AccountID == e.AccountID) && (f.Ref == "" || f.Ref == e.Ref) &&
		(len(f.Kinds) == 0 || contains(f.Kinds, e.Kind)) && (f.Days == nil || f.Days.Contains(e.Day))
}

// KindTotal is the sum of the entries of one kind.
type KindTotal struct {
	Amount, Frozen money.Amount
	Entries        int64
}

// AccountTotals are the sums over every account.
type AccountTotals struct {
	// Accounts counts the accounts by role.
	Accounts map[string]int64
	// Balance and Frozen sum every account (the currency-less zero while
	// there is no entry); Kinds sums the entries by kind.
	Balance, Frozen money.Amount
	Kinds           map[string]KindTotal
}

// Accounts is the repository of members' cash accounts and their entries.
type Accounts interface {
	// Open stores a new account with version 1 and no entries. Opening an
	// account again with the same role, currency and day is a replay.
	// A platform keeps its books in one currency: the first account
	// sets it. Errors: ErrInvalid (Account.Validate; a currency other
	// than the stored accounts', named "currency"); ErrDuplicate when the
	// account exists with another role, currency or day.
	Open(ctx context.Context, a Account) error

	// Get returns an account with its totals. Errors: ErrNotFound.
	// Adapters keep running totals (updated, or folded forward by the
	// posts that take from the account) so that a read costs the same on
	// a ten-year-old account as on a new one; the totals are always
	// exactly the sums of the entries.
	Get(ctx context.Context, id uuid.UUID) (Account, error)

	// Post stores entries, all or nothing, and returns how many were new:
	// one whose key is stored with the same content is skipped (a retried
	// command), and an account whose entries were all skipped is not
	// checked against its version. Errors: ErrInvalid (AccountPost.Validate;
	// an entry in another currency than its account's, named
	// "entries[i].amount"; a post that would leave an account overdrawn
	// (Account.Overdrawn), naming its first entry's amount); ErrNotFound
	// for an unknown account; ErrDuplicate when a key is stored with other
	// content; ErrConflict when an account taken from is not at the
	// version stated.
	Post(ctx context.Context, p AccountPost) (added int, err error)

	// Entries yields the entries that match f in Seq order.
	Entries(ctx context.Context, f EntryFilter) iter.Seq2[AccountEntry, error]

	// Scan yields the accounts that match f, with their totals, in
	// ascending id order, with the guarantees of Loans.Scan.
	Scan(ctx context.Context, f AccountFilter) iter.Seq2[Account, error]

	// Totals sums every account and every kind of entry.
	Totals(ctx context.Context) (AccountTotals, error)
}
