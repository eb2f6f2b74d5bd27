package account

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/money"
)

// Statement is the custodian bank's statement of the platform's custody
// account (资金存管) at the end of a day: the balance of each member's
// sub-account, or only the custody account's total, or both.
type Statement struct {
	AsOf date.Date `json:"as_of"`
	// Balances are the members' sub-account balances, by account id; nil
	// when the bank reports only the total.
	Balances map[uuid.UUID]money.Amount `json:"balances,omitempty"`
	// Total is the custody account's balance; nil when the bank reports
	// only the sub-accounts (their sum is then the total).
	Total *money.Amount `json:"total,omitempty"`
}

// Validate reports every bad field, for a platform whose books are in cur.
func (s *Statement) Validate(cur money.Currency) error {
	v := invalid()
	if s.AsOf.IsZero() {
		v.Add("as_of", "missing day")
	}
	if s.Balances == nil && s.Total == nil {
		v.Add("balances", "a statement gives the balances, the total or both")
	}
	for _, id := range sortedIDs(s.Balances) {
		if b := s.Balances[id]; b.Currency() != cur {
			v.Addf("balances."+id.String(), "%s is not in %s", b, cur.Code())
		}
	}
	if s.Total != nil && s.Total.Currency() != cur {
		v.Addf("total", "%s is not in %s", *s.Total, cur.Code())
	}
	return v.Err()
}

// DifferenceKind says what disagrees between the books and the bank.
type DifferenceKind uint8

// Difference kinds.
const (
	TotalDiffers   DifferenceKind = iota // the custody account's total is not the sum of the platform's accounts
	BalanceDiffers                       // an account's balance differs from its sub-account's
	MissingAtBank                        // an account with money in the books has no sub-account at the bank
	MissingInBooks                       // a sub-account at the bank has no account in the books
)

var differenceNames = enum.New[DifferenceKind](ErrInvalidInput, "difference", "total-differs", "balance-differs",
	"missing-at-bank", "missing-in-books")

// String returns the kind's name.
func (k DifferenceKind) String() string { return differenceNames.String(k) }

// MarshalText encodes the kind's name.
func (k DifferenceKind) MarshalText() ([]byte, error) { return differenceNames.MarshalText(k) }

// UnmarshalText decodes a kind's name.
func (k *DifferenceKind) UnmarshalText(b []byte) error { return differenceNames.UnmarshalText(b, k) }

// Difference is one disagreement: what the books say, what the bank says,
// and Gap = Bank − Books (positive: the bank holds more than the books).
type Difference struct {
	Kind DifferenceKind `json:"kind"`
	// Account is the account concerned; uuid.Nil for the total.
	Account uuid.UUID    `json:"account,omitzero"`
	Books   money.Amount `json:"books"`
	Bank    money.Amount `json:"bank"`
	Gap     money.Amount `json:"gap"`
}

// Reconciliation is the outcome of comparing the books with a statement.
type Reconciliation struct {
	AsOf date.Date `json:"as_of"`
	// Books is the sum of the platform's accounts, Bank the custody
	// account's total (the statement's, or the sum of its sub-accounts).
	Books money.Amount `json:"books"`
	Bank  money.Amount `json:"bank"`
	// Differences lists every disagreement: the total first, then the
	// accounts in id order. Empty when the books and the bank agree.
	Differences []Difference `json:"differences"`
}

// Balanced reports whether the books and the bank agree in full.
func (r *Reconciliation) Balanced() bool { return len(r.Differences) == 0 }

// Reconcile compares the platform's account balances at the end of the
// statement's day (books, by account id, in cur) with the custodian's
// statement. The platform's money sits in one custody account, so the sum
// of every member's balance must equal it to the cent; where the bank
// also reports sub-accounts, each must equal the member's balance. An
// account with a zero balance need not appear in the statement.
func Reconcile(cur money.Currency, books map[uuid.UUID]money.Amount, s Statement) (Reconciliation, error) {
	if err := s.Validate(cur); err != nil {
		return Reconciliation{}, err
	}
	v := invalid()
	zero := money.Zero(cur)
	r := Reconciliation{AsOf: s.AsOf, Books: zero, Bank: zero, Differences: []Difference{}}
	for _, id := range sortedIDs(books) {
		if b := books[id]; b.Currency() != cur {
			v.Addf("books."+id.String(), "%s is not in %s", b, cur.Code())
			continue
		}
		r.Books = r.Books.Add(books[id])
	}
	if err := v.Err(); err != nil {
		return Reconciliation{}, err
	}
	if s.Total != nil {
		r.Bank = *s.Total
	} else {
		for _, b := range s.Balances {
			r.Bank = r.Bank.Add(b)
		}
	}
	if r.Bank != r.Books {
		r.Differences = append(r.Differences, Difference{Kind: TotalDiffers, Books: r.Books, Bank: r.Bank, Gap: r.Bank.Sub(r.Books)})
	}
	if s.Balances == nil {
		return r, nil
	}
	ids := sortedIDs(books)
	for id := range s.Balances {
		if _, ok := books[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	for _, id := range ids {
		inBooks, ok := books[id]
		atBank, there := s.Balances[id]
		d := Difference{Account: id, Books: inBooks, Bank: atBank}
		switch {
		case !ok:
			d.Kind, d.Books = MissingInBooks, zero
		case !there && inBooks.IsZero():
			continue
		case !there:
			d.Kind, d.Bank = MissingAtBank, zero
		case inBooks == atBank:
			continue
		default:
			d.Kind = BalanceDiffers
		}
		d.Gap = d.Bank.Sub(d.Books)
		r.Differences = append(r.Differences, d)
	}
	return r, nil
}

func sortedIDs(m map[uuid.UUID]money.Amount) []uuid.UUID {
	ids := make([]uuid.UUID, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return ids
}

// String summarises the reconciliation for a log line.
func (r *Reconciliation) String() string {
	return fmt.Sprintf("reconciliation %s: books %s, bank %s, %d differences", r.AsOf, r.Books, r.Bank, len(r.Differences))
}
