package memory

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// accountState is the cash accounts, each with its totals and the
// positions of its entries, and every entry in Seq order (Seq is the
// position plus one: entries are never removed) with their keys.
type accountState struct {
	m       map[uuid.UUID]*accountRec
	ids     idIndex[accountRec]
	entries []storage.AccountEntry
	keys    map[string]int
}

type accountRec struct {
	a   storage.Account
	pos []int // positions of the account's entries in entries
}

func (x *accountState) init() {
	x.m = map[uuid.UUID]*accountRec{}
	x.keys = map[string]int{}
}

type accounts struct {
	s *Store
	t *txn
}

// Open stores a new account; see storage.Accounts.
func (r accounts) Open(ctx context.Context, a storage.Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return r.s.write(ctx, r.t, func(t *txn) error {
		x := &r.s.accounts
		if old := x.m[a.ID]; old != nil {
			if !old.a.SameRequest(a) {
				return fmt.Errorf("%w: account %s is open as another", storage.ErrDuplicate, a.ID)
			}
			return nil
		}
		for _, it := range x.ids.items {
			if c := it.rec.a.Currency; c != a.Currency {
				return fault.Invalid(storage.ErrInvalid, "currency", fmt.Sprintf("%s is not %s, the accounts' currency", a.Currency, c))
			}
			break
		}
		rec := &accountRec{a: storage.Account{ID: a.ID, Role: a.Role, Currency: a.Currency, Opened: a.Opened, Version: 1,
			Balance: money.Zero(a.Currency), Frozen: money.Zero(a.Currency)}}
		x.m[a.ID] = rec
		x.ids.add(a.ID, rec)
		t.onUndo(func() {
			delete(x.m, a.ID)
			x.ids.remove(a.ID)
		})
		return nil
	})
}

// Get returns an account with its totals; see storage.Accounts.
func (r accounts) Get(ctx context.Context, id uuid.UUID) (storage.Account, error) {
	var out storage.Account
	err := r.s.read(ctx, r.t, func() error {
		rec := r.s.accounts.m[id]
		if rec == nil {
			return fmt.Errorf("%w: account %s", storage.ErrNotFound, id)
		}
		out = rec.a
		return nil
	})
	return out, err
}

// Post stores entries; see storage.Accounts.
func (r accounts) Post(ctx context.Context, p storage.AccountPost) (added int, err error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	entries := slices.Clone(p.Entries)
	versions := make(map[uuid.UUID]int64, len(p.Versions))
	for id, n := range p.Versions {
		versions[id] = n
	}
	err = r.s.write(ctx, r.t, func(t *txn) error {
		x := &r.s.accounts
		bad := &fault.Fields{Kind: storage.ErrInvalid}
		fresh := entries[:0:0]
		for i, e := range entries {
			rec := x.m[e.AccountID]
			if rec == nil {
				return fmt.Errorf("%w: account %s", storage.ErrNotFound, e.AccountID)
			}
			if c := e.Amount.Currency(); c != rec.a.Currency {
				bad.Addf(fmt.Sprintf("entries[%d].amount", i), "currency %s is not the account's %s", c, rec.a.Currency)
				continue
			}
			if j, ok := x.keys[e.Key]; ok {
				if !x.entries[j].SameRequest(e) {
					return fmt.Errorf("%w: account entry key %q", storage.ErrDuplicate, e.Key)
				}
				continue
			}
			fresh = append(fresh, e)
		}
		if err := bad.Err(); err != nil {
			return err
		}
		// The new totals of each account written, and which it takes from.
		next := map[uuid.UUID]*storage.Account{}
		first := map[uuid.UUID]int{}
		takes := map[uuid.UUID]bool{}
		for i, e := range fresh {
			a := next[e.AccountID]
			if a == nil {
				c := x.m[e.AccountID].a
				a, first[e.AccountID] = &c, i
				next[e.AccountID] = a
			}
			a.Balance, a.Frozen = a.Balance.Add(e.Amount), a.Frozen.Add(e.Frozen)
			a.Entries++
			takes[e.AccountID] = takes[e.AccountID] || e.Takes()
		}
		order := make([]uuid.UUID, 0, len(next))
		for id := range next {
			order = append(order, id)
		}
		slices.SortFunc(order, func(a, b uuid.UUID) int { return first[a] - first[b] })
		for _, id := range order {
			a := next[id]
			if takes[id] && versions[id] != a.Version {
				return fmt.Errorf("%w: account %s is at version %d, not %d", storage.ErrConflict, id, a.Version, versions[id])
			}
			if a.Overdrawn() {
				bad.Addf(entryName(p.Entries, fresh[first[id]].Key), "would leave account %s at balance %s with %s frozen", id, a.Balance, a.Frozen)
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}
		if len(fresh) == 0 {
			return nil
		}
		oldLen := len(x.entries)
		olds := map[uuid.UUID]accountRec{}
		for id := range next {
			rec := x.m[id]
			olds[id] = accountRec{a: rec.a, pos: rec.pos}
		}
		t.onUndo(func() {
			for _, e := range x.entries[oldLen:] {
				delete(x.keys, e.Key)
			}
			clear(x.entries[oldLen:])
			x.entries = x.entries[:oldLen]
			for id, old := range olds {
				*x.m[id] = old
			}
		})
		for _, e := range fresh {
			e.Seq = int64(len(x.entries) + 1)
			x.keys[e.Key] = len(x.entries)
			rec := x.m[e.AccountID]
			rec.pos = append(rec.pos[:len(rec.pos):len(rec.pos)], len(x.entries))
			x.entries = append(x.entries, e)
		}
		for id, a := range next {
			if takes[id] {
				a.Version++
			}
			x.m[id].a = *a
		}
		added = len(fresh)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// entryName is the field name of the amount of the entry with key k.
func entryName(entries []storage.AccountEntry, k string) string {
	for i := range entries {
		if entries[i].Key == k {
			return fmt.Sprintf("entries[%d].amount", i)
		}
	}
	return "entries"
}

// Entries yields matching entries in Seq order; see storage.Accounts.
func (r accounts) Entries(ctx context.Context, f storage.EntryFilter) iter.Seq2[storage.AccountEntry, error] {
	f.Kinds, f.Days = slices.Clone(f.Kinds), cloneRange(f.Days)
	return func(yield func(storage.AccountEntry, error) bool) {
		n := f.Batch()
		next := 0
		batches(ctx, r.s, r.t, n, nil, func(buf []storage.AccountEntry, _ *slab) ([]storage.AccountEntry, bool) {
			x := &r.s.accounts
			at, size := func(i int) int { return i }, len(x.entries)
			if f.AccountID != uuid.Nil {
				rec := x.m[f.AccountID]
				if rec == nil {
					return buf, false
				}
				at, size = func(i int) int { return rec.pos[i] }, len(rec.pos)
			}
			limit := min(size, next+examineFactor*n)
			for ; next < limit && len(buf) < n; next++ {
				if e := &x.entries[at(next)]; f.Matches(e) {
					buf = append(buf, *e)
				}
			}
			return buf, next < size
		}, yield)
	}
}

// Scan yields matching accounts in id order; see storage.Accounts.
func (r accounts) Scan(ctx context.Context, f storage.AccountFilter) iter.Seq2[storage.Account, error] {
	f.IDs, f.Roles = slices.Clone(f.IDs), slices.Clone(f.Roles)
	return func(yield func(storage.Account, error) bool) {
		scanIndex(ctx, r.s, r.t, &r.s.accounts.ids, f.Batch(), func(p *accountRec, buf []storage.Account, _ *slab) []storage.Account {
			if !f.Matches(&p.a) {
				return buf
			}
			return append(buf, p.a)
		}, yield)
	}
}

// Totals sums every account and kind; see storage.Accounts.
func (r accounts) Totals(ctx context.Context) (storage.AccountTotals, error) {
	out := storage.AccountTotals{Accounts: map[string]int64{}, Kinds: map[string]storage.KindTotal{}}
	err := r.s.read(ctx, r.t, func() error {
		x := &r.s.accounts
		for _, it := range x.ids.items {
			a := &it.rec.a
			out.Accounts[a.Role]++
			out.Balance, out.Frozen = out.Balance.Add(a.Balance), out.Frozen.Add(a.Frozen)
		}
		for i := range x.entries {
			e := &x.entries[i]
			k := out.Kinds[e.Kind]
			k.Amount, k.Frozen = k.Amount.Add(e.Amount), k.Frozen.Add(e.Frozen)
			k.Entries++
			out.Kinds[e.Kind] = k
		}
		return nil
	})
	return out, err
}
