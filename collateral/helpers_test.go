package collateral

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/require"
)

// Fixtures shared by the tests.

func day(y int, m time.Month, d int) date.Date { return date.New(y, m, d) }

func cny(s string) money.Amount { return money.MustParse(s, money.CNY) }

func rate(s string) money.Rate { return money.MustRate(s) }

// id returns a readable fixed uuid: id(1) is 00000000-0000-0000-0000-000000000001.
func id(n byte) uuid.UUID { return uuid.UUID{15: n} }

func newRegister(t testing.TB) *Register {
	t.Helper()
	r, err := NewRegister(DefaultPolicy())
	require.NoError(t, err)
	return r
}

// pledged registers an item securing the given liens, pledges it and values it.
func pledged(t testing.TB, r *Register, itemID uuid.UUID, k Kind, value money.Amount, on date.Date, liens ...Lien) {
	t.Helper()
	it := Item{ID: itemID, Kind: k, Owner: "Owner Ltd", Currency: money.CNY,
		Registration: Registration{CertificateNumber: "CERT-" + itemID.String()[30:], Authority: "registry", Rank: 1},
		Liens:        liens, Region: "shanghai", Instrument: "600000", Units: 1}
	require.NoError(t, r.Add(it))
	require.NoError(t, r.Pledge(itemID, on))
	if !value.Currency().IsZero() {
		require.NoError(t, r.AddValuation(itemID, Valuation{Date: on, Amount: value, Method: Appraisal, Source: "valuer"}, on))
	}
}

// deepCopy copies every piece of a register's state, so a test can compare
// the state before and after a refused operation.
func (r *Register) deepCopy() *Register {
	c := *r
	c.policy = r.Policy()
	c.kinds = c.policy.table()
	c.items = make([]*Item, len(r.items))
	for i, it := range r.items {
		cp := it.clone()
		c.items[i] = &cp
	}
	c.byID = maps.Clone(r.byID)
	c.docs = maps.Clone(r.docs)
	c.covers = make(map[uuid.UUID]*Cover, len(r.covers))
	c.loanSlot = maps.Clone(r.loanSlot)
	c.lienSlots = slices.Clone(r.lienSlots)
	c.slotCall = make([]*MarginCall, len(r.slotCall))
	for loan, cv := range r.covers {
		cp := cv.clone()
		c.covers[loan] = &cp
		if cp.Call != nil {
			c.slotCall[c.loanSlot[loan]] = cp.Call
		}
	}
	c.guars = make([]*Guarantor, len(r.guars))
	for i, g := range r.guars {
		cp := g.clone()
		c.guars[i] = &cp
	}
	c.guarByID = maps.Clone(r.guarByID)
	c.gtees = maps.Clone(r.gtees)
	c.changes = changeSet{maps.Clone(r.changes.items), maps.Clone(r.changes.covers), maps.Clone(r.changes.guars)}
	return &c
}
