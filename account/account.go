package account

import (
	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/money"
)

// Role is what a member uses an account for.
type Role uint8

// Roles.
const (
	Investor Role = iota // lends: deposits, bids, receives distributions
	Borrower             // borrows: receives a loan's proceeds, pays rewards
)

var roleNames = enum.New[Role](ErrInvalidInput, "role", "investor", "borrower")

// String returns the role's name.
func (r Role) String() string { return roleNames.String(r) }

// MarshalText encodes the role's name.
func (r Role) MarshalText() ([]byte, error) { return roleNames.MarshalText(r) }

// UnmarshalText decodes a role's name.
func (r *Role) UnmarshalText(b []byte) error { return roleNames.UnmarshalText(b, r) }

// ParseRole returns the role named s.
func ParseRole(s string) (Role, error) { return roleNames.Parse(s) }

// Kind is what an entry records. Each kind moves the balance and the
// frozen part one way only (see the table kindEffects), so the totals of a
// kind read as what they are: deposits, withdrawals paid, ...
type Kind uint8

// Entry kinds.
const (
	Deposit             Kind = iota // money paid in through the payment rail: balance +
	WithdrawalRequested             // a withdrawal asked for: its amount frozen until the rail answers
	WithdrawalPaid                  // the rail paid the withdrawal out: balance − and frozen −
	WithdrawalFailed                // the rail failed it: its amount released (frozen −)
	Freeze                          // a hold (a bid, a borrower's reward): frozen +
	Release                         // a hold given back (the listing failed or was cancelled): frozen −
	Settle                          // a hold paid away (a full listing's bids, a reward): balance − and frozen −
	TransferOut                     // paid to another member: balance −
	TransferIn                      // received from another member: balance +
	Proceeds                        // a loan's principal paid to its borrower: balance +
	Reward                          // a borrower's reward paid to an investor: balance +
	Distribution                    // an investor's share of a repayment: balance +
	Compensation                    // an investor's share of a compensation payout (代偿): balance +
)

var kindNames = enum.New[Kind](ErrInvalidInput, "kind", "deposit", "withdrawal-requested", "withdrawal-paid",
	"withdrawal-failed", "freeze", "release", "settle", "transfer-out", "transfer-in", "proceeds", "reward",
	"distribution", "compensation")

// String returns the kind's name.
func (k Kind) String() string { return kindNames.String(k) }

// MarshalText encodes the kind's name.
func (k Kind) MarshalText() ([]byte, error) { return kindNames.MarshalText(k) }

// UnmarshalText decodes a kind's name.
func (k *Kind) UnmarshalText(b []byte) error { return kindNames.UnmarshalText(b, k) }

// ParseKind returns the kind named s.
func ParseKind(s string) (Kind, error) { return kindNames.Parse(s) }

// effect is the sign of a kind's change of the balance and of the frozen
// part: +1, −1 or 0.
type effect struct{ balance, frozen int }

// kindEffects is the one table of what each kind does to an account.
var kindEffects = [...]effect{
	Deposit:             {+1, 0},
	WithdrawalRequested: {0, +1},
	WithdrawalPaid:      {-1, -1},
	WithdrawalFailed:    {0, -1},
	Freeze:              {0, +1},
	Release:             {0, -1},
	Settle:              {-1, -1},
	TransferOut:         {-1, 0},
	TransferIn:          {+1, 0},
	Proceeds:            {+1, 0},
	Reward:              {+1, 0},
	Distribution:        {+1, 0},
	Compensation:        {+1, 0},
}

// Takes reports whether an entry of kind k can take money out of reach —
// lower the available amount, the balance or the frozen part — and so
// must be written at the version of the account it was decided on. The
// other kinds only pay in, and need no version: many replicas may credit
// one account at once.
func (k Kind) Takes() bool { e := kindEffects[k]; return e.balance < 0 || e.frozen != 0 }

// Entry is one movement of an account.
type Entry struct {
	// Key is the movement's idempotency key, unique in the store.
	Key     string    `json:"key"`
	Account uuid.UUID `json:"account"`
	Kind    Kind      `json:"kind"`
	// Ref names what the entry concerns: a withdrawal's id, a listing's, a
	// loan's, the other member of a transfer; empty when nothing.
	Ref string    `json:"ref,omitempty"`
	Day date.Date `json:"day"`
	// Amount is the change of the balance and Frozen that of the frozen
	// part, signed as the kind says.
	Amount money.Amount `json:"amount"`
	Frozen money.Amount `json:"frozen"`
}

// Account is a member's cash account as of its last entry.
type Account struct {
	ID       uuid.UUID      `json:"id"`
	Role     Role           `json:"role"`
	Currency money.Currency `json:"currency"`
	// Balance is the money the member has with the platform; Frozen the
	// part of it held for a bid, a reward or a withdrawal in flight.
	Balance money.Amount `json:"balance"`
	Frozen  money.Amount `json:"frozen"`
}

// New returns an empty account.
func New(id uuid.UUID, role Role, cur money.Currency) (*Account, error) {
	v := invalid()
	if id == uuid.Nil {
		v.Add("id", "missing account id")
	}
	if !roleNames.Valid(role) {
		v.Addf("role", "unknown role %d", role)
	}
	if cur.IsZero() {
		v.Add("currency", "missing currency")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return &Account{ID: id, Role: role, Currency: cur, Balance: money.Zero(cur), Frozen: money.Zero(cur)}, nil
}

// Restore rebuilds an account from its stored totals, refusing totals no
// sequence of entries could make (a negative balance or frozen part,
// more frozen than the balance, another currency).
func Restore(id uuid.UUID, role Role, balance, frozen money.Amount) (*Account, error) {
	a, err := New(id, role, balance.Currency())
	if err != nil {
		return nil, err
	}
	v := invalid()
	switch {
	case balance.IsNegative():
		v.Addf("balance", "%s is negative", balance)
	case frozen.Currency() != balance.Currency() || frozen.IsNegative() || balance.Less(frozen):
		v.Addf("frozen", "%s must be between zero and the balance %s", frozen, balance)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	a.Balance, a.Frozen = balance, frozen
	return a, nil
}

// Available is what the member can bid, transfer or withdraw: the balance
// less the frozen part.
func (a *Account) Available() money.Amount { return a.Balance.Sub(a.Frozen) }

// Post records a movement of kind k of amount (positive; the kind gives
// the signs) and returns its entry. A movement that would leave the
// balance or the frozen part negative, or more frozen than the balance,
// is refused with a *fault.Fields naming "amount" and wrapping
// ErrInsufficientFunds; a missing key or day, a non-positive amount or one
// in another currency with one wrapping ErrInvalidInput. Nothing changes
// on an error.
func (a *Account) Post(k Kind, key, ref string, day date.Date, amount money.Amount) (Entry, error) {
	v := invalid()
	if key == "" {
		v.Add("key", "missing idempotency key")
	}
	if day.IsZero() {
		v.Add("day", "missing day")
	}
	if !kindNames.Valid(k) {
		v.Addf("kind", "unknown kind %d", k)
	}
	if !amount.IsPositive() || amount.Currency() != a.Currency {
		v.Addf("amount", "%s must be a positive %s amount", amount, a.Currency.Code())
	}
	if err := v.Err(); err != nil {
		return Entry{}, err
	}
	e := kindEffects[k]
	db, df := amount.MulInt(int64(e.balance)), amount.MulInt(int64(e.frozen))
	balance, frozen := a.Balance.Add(db), a.Frozen.Add(df)
	switch {
	case frozen.IsNegative():
		insufficient(v, "amount", "%s %s exceeds the frozen %s", k, amount, a.Frozen)
	case balance.Less(frozen):
		insufficient(v, "amount", "%s %s exceeds the available %s", k, amount, a.Available())
	}
	if err := v.Err(); err != nil {
		return Entry{}, err
	}
	a.Balance, a.Frozen = balance, frozen
	return Entry{Key: key, Account: a.ID, Kind: k, Ref: ref, Day: day, Amount: db, Frozen: df}, nil
}

// Transfer moves amount from the available balance of from to to on day,
// and returns the two entries (keys key+"/out" and key+"/in", both with
// Ref key, which pairs them). Errors as for Post; a transfer to the same
// account or between currencies is refused. Nothing changes on an error.
func Transfer(from, to *Account, key string, day date.Date, amount money.Amount) ([]Entry, error) {
	v := invalid()
	if from.ID == to.ID {
		v.Add("to", "a transfer needs two accounts")
	}
	if from.Currency != to.Currency {
		v.Addf("to", "account in %s, not %s", to.Currency.Code(), from.Currency.Code())
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	out, err := from.Post(TransferOut, key+"/out", key, day, amount)
	if err != nil {
		return nil, err
	}
	in, err := to.Post(TransferIn, key+"/in", key, day, amount)
	if err != nil {
		from.Balance = from.Balance.Sub(out.Amount) // undo: nothing changes on an error
		return nil, err
	}
	return []Entry{out, in}, nil
}
