package collateral

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"
)

// Register is a lender's collateral book: items and their valuations, the
// loans they secure, open margin calls, title documents in custody, and
// guarantors with their guarantees. It is an in-memory aggregate with no
// clock: every method that depends on time takes the day as an argument.
//
// Every method validates its whole input before changing anything, so an
// error leaves the register exactly as it was. A Register is not safe for
// concurrent mutation; guard it with a mutex or confine it to one goroutine.
type Register struct {
	policy Policy
	kinds  kindTable

	items []*Item
	byID  map[uuid.UUID]int

	calls map[uuid.UUID]*MarginCall // the live (open or escalated) call of each loan

	// Every loan an item has ever secured has a slot: a dense index that
	// lets an evaluation reach a loan's exposure and call without a map
	// lookup per item.
	loanSlot map[uuid.UUID]int32
	slotCall []*MarginCall // the live call by slot (the same pointers as calls)
	done     []MarginCall  // cured calls, in the order they closed

	docs     []*Document
	docByID  map[uuid.UUID]int
	guars    []*Guarantor
	guarByID map[uuid.UUID]int
	gtees    []*Guarantee
	gteeByID map[uuid.UUID]int
}

// NewRegister returns an empty register under policy p, which must pass
// Validate. The register keeps its own copy of p.
func NewRegister(p Policy) (*Register, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	r := &Register{
		policy:   p.clone(),
		byID:     map[uuid.UUID]int{},
		calls:    map[uuid.UUID]*MarginCall{},
		loanSlot: map[uuid.UUID]int32{},
		docByID:  map[uuid.UUID]int{},
		guarByID: map[uuid.UUID]int{},
		gteeByID: map[uuid.UUID]int{},
	}
	r.kinds = r.policy.table()
	return r, nil
}

// Policy returns a deep copy of the register's policy: changing it, its
// Kinds or their Residual curves does not change the register.
func (r *Register) Policy() Policy {
	return r.policy.clone()
}

// Add registers a new item in status Proposed. The item must have no
// status, history or valuations yet, and an id not already registered.
func (r *Register) Add(it Item) error {
	if err := it.check(); err != nil {
		return err
	}
	if _, dup := r.byID[it.ID]; dup {
		return fmt.Errorf("%w: item %s", ErrDuplicate, it.ID)
	}
	c := it.clone()
	c.Status = Proposed
	c.slots = make([]int32, len(c.Liens))
	for k, l := range c.Liens {
		s, ok := r.loanSlot[l.LoanID]
		if !ok {
			s = int32(len(r.slotCall))
			r.loanSlot[l.LoanID] = s
			r.slotCall = append(r.slotCall, nil)
		}
		c.slots[k] = s
	}
	r.byID[c.ID] = len(r.items)
	r.items = append(r.items, &c)
	return nil
}

// Item returns a copy of the item with that id.
func (r *Register) Item(id uuid.UUID) (Item, error) {
	it, err := r.item(id)
	if err != nil {
		return Item{}, err
	}
	return it.clone(), nil
}

// Len returns the number of items ever registered (released and liquidated
// ones included).
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
// *ValidationError naming "day" ("sale.day") otherwise.
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
	v := newValidation(ErrInvalidInput)
	checkDay(v, "day", day, it.lastChange(), "status change")
	if err := v.Err(); err != nil {
		return err
	}
	it.History = append(it.History, StatusChange{Day: day, From: it.Status, To: to, Event: e})
	it.Status = to
	return nil
}
