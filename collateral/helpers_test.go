package collateral

import (
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
	c.items = make([]*Item, len(r.items))
	for i, it := range r.items {
		cp := it.clone()
		c.items[i] = &cp
	}
	c.byID = copyMap(r.byID)
	c.calls = map[uuid.UUID]*MarginCall{}
	for k, v := range r.calls {
		cp := *v
		c.calls[k] = &cp
	}
	c.loanSlot = make(map[uuid.UUID]int32, len(r.loanSlot))
	for k, v := range r.loanSlot {
		c.loanSlot[k] = v
	}
	c.slotCall = make([]*MarginCall, len(r.slotCall))
	for loan, call := range c.calls {
		c.slotCall[c.loanSlot[loan]] = call
	}
	c.done = append([]MarginCall(nil), r.done...)
	c.docs = make([]*Document, len(r.docs))
	for i, d := range r.docs {
		cp := d.clone()
		c.docs[i] = &cp
	}
	c.docByID = copyMap(r.docByID)
	c.guars = make([]*Guarantor, len(r.guars))
	for i, g := range r.guars {
		cp := *g
		cp.Assessments = append([]Assessment(nil), g.Assessments...)
		c.guars[i] = &cp
	}
	c.guarByID = copyMap(r.guarByID)
	c.gtees = make([]*Guarantee, len(r.gtees))
	for i, g := range r.gtees {
		cp := *g
		c.gtees[i] = &cp
	}
	c.gteeByID = copyMap(r.gteeByID)
	c.kinds = c.policy.table()
	return &c
}

func copyMap(m map[uuid.UUID]int) map[uuid.UUID]int {
	c := make(map[uuid.UUID]int, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
