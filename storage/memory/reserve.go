package memory

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// reserveState is the reserve's movements in Seq order (Seq is the
// position plus one: movements are never removed), their keys, and their
// running totals.
type reserveState struct {
	moves  []storage.Movement
	keys   map[string]int
	totals storage.ReserveTotals
}

func (x *reserveState) init() { x.keys = map[string]int{} }

type reserve struct {
	s *Store
	t *txn
}

// Totals returns the sums of the movements; see storage.Reserve.
func (r reserve) Totals(ctx context.Context) (storage.ReserveTotals, error) {
	var out storage.ReserveTotals
	err := r.s.read(ctx, r.t, func() error {
		out = r.s.reserve.totals
		return nil
	})
	return out, err
}

// Add stores movements; see storage.Reserve.
func (r reserve) Add(ctx context.Context, a storage.ReserveAdd) (added int, err error) {
	if err := a.Validate(); err != nil {
		return 0, err
	}
	moves := make([]storage.Movement, len(a.Movements))
	for i, m := range a.Movements {
		moves[i] = m.Clone()
	}
	err = r.s.write(ctx, r.t, func(t *txn) error {
		x := &r.s.reserve
		if cur := x.totals.Currency; !cur.IsZero() {
			bad := &fault.Fields{Kind: storage.ErrInvalid}
			for i, m := range moves {
				if c := m.Amount.Currency(); c != cur {
					bad.Addf(fmt.Sprintf("movements[%d].amount", i), "currency %s is not the reserve's %s", c, cur)
				}
			}
			if err := bad.Err(); err != nil {
				return err
			}
		}
		fresh := moves[:0:0]
		out := false
		for _, m := range moves {
			if j, ok := x.keys[m.Key]; ok {
				if !x.moves[j].SameRequest(m) {
					return fmt.Errorf("%w: reserve movement key %q", storage.ErrDuplicate, m.Key)
				}
				continue
			}
			fresh = append(fresh, m)
			out = out || m.Amount.IsNegative()
		}
		if out && a.ExpectedVersion != x.totals.Version {
			return fmt.Errorf("%w: the reserve is at version %d, not %d", storage.ErrConflict, x.totals.Version, a.ExpectedVersion)
		}
		if len(fresh) == 0 {
			return nil
		}
		oldTotals, oldLen := x.totals, len(x.moves)
		t.onUndo(func() {
			for _, m := range x.moves[oldLen:] {
				delete(x.keys, m.Key)
			}
			clear(x.moves[oldLen:])
			x.moves = x.moves[:oldLen]
			x.totals = oldTotals
		})
		tot := &x.totals
		if tot.Currency.IsZero() {
			cur := fresh[0].Amount.Currency()
			tot.Currency = cur
			tot.Balance, tot.Contributions, tot.Payouts, tot.Recoveries =
				money.Zero(cur), money.Zero(cur), money.Zero(cur), money.Zero(cur)
		}
		for _, m := range fresh {
			m.Seq = int64(len(x.moves) + 1)
			x.keys[m.Key] = len(x.moves)
			x.moves = append(x.moves, m)
			tot.Balance = tot.Balance.Add(m.Amount)
			switch m.Kind {
			case "contribution":
				tot.Contributions = tot.Contributions.Add(m.Amount)
			case "payout":
				tot.Payouts = tot.Payouts.Sub(m.Amount)
			case "recovery":
				tot.Recoveries = tot.Recoveries.Add(m.Amount)
			}
			tot.Movements++
		}
		if out {
			tot.Version++
		}
		added = len(fresh)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// Scan yields matching movements in Seq order; see storage.Reserve.
func (r reserve) Scan(ctx context.Context, f storage.MovementFilter) iter.Seq2[storage.Movement, error] {
	f.Kinds, f.Days = slices.Clone(f.Kinds), cloneRange(f.Days)
	return func(yield func(storage.Movement, error) bool) {
		n := f.Batch()
		next := 0 // the position of the next movement to examine
		batches(ctx, r.s, r.t, n, nil, func(buf []storage.Movement, sl *slab) ([]storage.Movement, bool) {
			moves := r.s.reserve.moves
			limit := min(len(moves), next+examineFactor*n)
			for ; next < limit && len(buf) < n; next++ {
				if m := &moves[next]; f.Matches(m) {
					c := *m
					c.Payload = sl.clone(c.Payload)
					buf = append(buf, c)
				}
			}
			return buf, next < len(moves)
		}, yield)
	}
}
