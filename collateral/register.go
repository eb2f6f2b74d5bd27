package collateral

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"
)

// Register is a lender's collateral book: items with their valuations and
// title documents, the loans they secure, each loan's margin calls, and
// guarantors with their guarantees. It is an in-memory aggregate with no
// clock: every method that depends on time takes the day as an argument.
//
// A Register is stored as three kinds of parts, each a versioned record
// that round-trips through JSON: an Item (with its title documents), a
// loan's Cover (its margin calls and the coverage last announced) and a
// Guarantor (with its guarantees). Restore rebuilds a register from the
// parts a command needs, Changes names the parts a command changed, and
// Parts hands out every one.
//
// Every method validates its whole input before changing anything, so an
// error leaves the register exactly as it was. A Register is not safe for
// concurrent mutation; guard it with a mutex or confine it to one goroutine.
type Register struct {
	policy Policy
	kinds  kindTable

	items []*Item
	byID  map[uuid.UUID]int
	docs  map[uuid.UUID]docRef // every title document: where it is filed

	covers map[uuid.UUID]*Cover // by loan: only loans with a call, a cured call or an announcement

	// Every loan an item secures (or that has a cover) has a slot: a dense
	// index that lets an evaluation reach a loan's exposure and call
	// without a map lookup per item.
	loanSlot  map[uuid.UUID]int32
	slotCall  []*MarginCall // the live call by slot (the same pointers as the covers')
	lienSlots []int32       // the slots of every item's liens, item by item (Item.firstSlot)

	guars    []*Guarantor
	guarByID map[uuid.UUID]int
	gtees    map[uuid.UUID]gteeRef // every guarantee: where it is filed

	changes changeSet
}

// docRef is where a document is filed: its item and its place among the
// item's documents.
type docRef struct{ item, k int }

// gteeRef is where a guarantee is filed: its guarantor and its place among
// the guarantor's guarantees.
type gteeRef struct{ guar, k int }

// NewRegister returns an empty register under policy p, which must pass
// Validate. The register keeps its own copy of p.
func NewRegister(p Policy) (*Register, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return emptyRegister(p), nil
}

// emptyRegister returns an empty register under a validated policy.
func emptyRegister(p Policy) *Register {
	r := &Register{
		policy:   p.clone(),
		byID:     map[uuid.UUID]int{},
		docs:     map[uuid.UUID]docRef{},
		covers:   map[uuid.UUID]*Cover{},
		loanSlot: map[uuid.UUID]int32{},
		guarByID: map[uuid.UUID]int{},
		gtees:    map[uuid.UUID]gteeRef{},
	}
	r.kinds = r.policy.table()
	return r
}

// Policy returns a deep copy of the register's policy: changing it, its
// Kinds or their Residual curves does not change the register.
func (r *Register) Policy() Policy {
	return r.policy.clone()
}

// Add registers a new item in status Proposed. The item must have no
// status, history, valuations or documents yet, and an id not already
// registered.
func (r *Register) Add(it Item) error {
	if err := it.check(); err != nil {
		return err
	}
	if _, dup := r.byID[it.ID]; dup {
		return fmt.Errorf("%w: item %s", ErrDuplicate, it.ID)
	}
	c := it.clone()
	c.Status = Proposed
	r.file(&c)
	r.changes.item(c.ID)
	return nil
}

// file adds an item to the register's indexes, giving each loan it
// secures a slot.
func (r *Register) file(it *Item) {
	it.firstSlot = int32(len(r.lienSlots))
	for _, l := range it.Liens {
		r.lienSlots = append(r.lienSlots, r.slot(l.LoanID))
	}
	if n := len(it.Valuations); n > 0 {
		it.nextDue = it.Valuations[n-1].NextDue
	}
	r.byID[it.ID] = len(r.items)
	r.items = append(r.items, it)
}

// slots returns the slots of the loans the item's liens secure, in the
// liens' order.
func (r *Register) slots(it *Item) []int32 {
	return r.lienSlots[it.firstSlot : int(it.firstSlot)+len(it.Liens)]
}

// slot returns the loan's slot, giving it one if it has none.
func (r *Register) slot(loan uuid.UUID) int32 {
	s, ok := r.loanSlot[loan]
	if !ok {
		s = int32(len(r.slotCall))
		r.loanSlot[loan] = s
		r.slotCall = append(r.slotCall, nil)
	}
	return s
}

// Item returns a copy of the item with that id, its title documents
// included.
func (r *Register) Item(id uuid.UUID) (Item, error) {
	it, err := r.item(id)
	if err != nil {
		return Item{}, err
	}
	return it.public(), nil
}

// Len returns the number of items in the register (released and
// liquidated ones included).
func (r *Register) Len() int { return len(r.items) }

func (r *Register) item(id uuid.UUID) (*Item, error) {
	i, ok := r.byID[id]
	if !ok {
		return nil, notFound("item", id)
	}
	return r.items[i], nil
}

// Pledge records that the security interest in a proposed item was
// perfected (pledge delivered or mortgage registered) on day.
func (r *Register) Pledge(id uuid.UUID, day date.Date) error {
	return r.transition(id, EventPledge, day)
}

// Seize records that enforcement against a pledged item began on day.
//
// For every status change (Pledge, Seize, Release, Liquidate's sale day)
// the day must be set and not before the item's last status change: a
// *fault.Fields naming "day" ("sale.day") otherwise.
func (r *Register) Seize(id uuid.UUID, day date.Date) error {
	return r.transition(id, EventSeize, day)
}

func (r *Register) transition(id uuid.UUID, e Event, day date.Date) error {
	it, err := r.item(id)
	if err != nil {
		return err
	}
	to, err := it.Status.Next(e)
	if err != nil {
		return err
	}
	v := invalid(ErrInvalidInput)
	checkDay(v, "day", day, it.lastChange(), "status change")
	if err := v.Err(); err != nil {
		return err
	}
	it.History = append(it.History, StatusChange{Day: day, From: it.Status, To: to, Event: e})
	it.Status = to
	if !to.live() {
		// A released or liquidated item is never due for revaluation
		// again: what was announced about it is over.
		it.Announced = nil
	}
	r.changes.item(id)
	return nil
}
