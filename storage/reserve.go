package storage

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
)

// Movement is one movement of the platform's risk reserve (风险准备金): a
// contribution from a funded loan, a compensation payout to investors
// (代偿), a recovery on a claim the reserve took over. The reserve is its
// movements: nothing is updated, and its balance is their sum, so
// disbursements on many replicas pay in without all rewriting one row.
type Movement struct {
	// Seq is assigned by the store: the movement's position.
	Seq int64
	// Key is unique: adding a key already stored with the same content is
	// a replay.
	Key string
	// Kind is "contribution", "payout" or "recovery"; no other kind is
	// accepted, so the totals by kind always add up to the balance.
	Kind   string
	LoanID uuid.UUID
	Day    date.Date
	// Amount is positive into the reserve, negative out of it: a payout
	// is never positive, a contribution or recovery never negative.
	Amount money.Amount
	// Payload is the movement's detail as JSON (the payout by component,
	// say); nil when none.
	Payload json.RawMessage
}

// SameRequest reports whether m and o are the same movement for the
// idempotency check.
func (m Movement) SameRequest(o Movement) bool {
	return m.Kind == o.Kind && m.LoanID == o.LoanID && m.Day == o.Day && m.Amount == o.Amount &&
		SameJSON(m.Payload, o.Payload)
}

// ReserveTotals are the sums of the reserve's movements.
type ReserveTotals struct {
	// Currency is that of the movements; zero while there are none.
	Currency money.Currency
	// Balance is the sum of every movement; Contributions, Payouts and
	// Recoveries the sums by kind (Payouts as a positive amount). All four
	// are in Currency once there is a movement (Zero(Currency) for a kind
	// with none), the currency-less zero Amount before.
	Balance, Contributions, Payouts, Recoveries money.Amount
	// Movements counts them.
	Movements int64
	// Version counts the adds that took money out (stored at least one new
	// movement with a negative amount): a payout states the version it
	// read, so two payouts cannot both spend one balance.
	Version int64
}

// ReserveAdd is one write to the reserve.
type ReserveAdd struct {
	// ExpectedVersion must equal the stored Version when a new movement
	// takes money out (a negative amount); adds that only pay in ignore
	// it, and so does a payout already stored (a retry is skipped, not a
	// conflict).
	ExpectedVersion int64
	Movements       []Movement
}

// MovementFilter selects movements for Reserve.Scan; set fields combine
// with AND.
type MovementFilter struct {
	LoanID    uuid.UUID
	Kinds     []string
	Days      *DateRange
	BatchSize int
}

// Batch returns the effective batch size.
func (f MovementFilter) Batch() int { return batchSize(f.BatchSize) }

// Matches reports whether m passes the filter.
func (f MovementFilter) Matches(m *Movement) bool {
	return (f.LoanID == uuid.Nil || f.LoanID == m.LoanID) && (len(f.Kinds) == 0 || contains(f.Kinds, m.Kind)) &&
		(f.Days == nil || f.Days.Contains(m.Day))
}

// Reserve is the repository of the risk reserve's movements.
type Reserve interface {
	// Totals returns the sums of the movements (zero totals when there
	// are none).
	Totals(ctx context.Context) (ReserveTotals, error)

	// Add stores movements, all or nothing; one whose key is stored with
	// the same content is skipped, and added counts the new ones. Errors:
	// ErrInvalid (ReserveAdd.Validate, and a movement in another currency
	// than those stored, named "movements[i].amount"); ErrDuplicate when a
	// key is stored with other content; ErrConflict when a new movement
	// takes money out and ExpectedVersion is not the stored version.
	Add(ctx context.Context, a ReserveAdd) (added int, err error)

	// Scan yields the movements that match f in Seq order.
	Scan(ctx context.Context, f MovementFilter) iter.Seq2[Movement, error]
}
