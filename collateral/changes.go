package collateral

import "github.com/google/uuid"

// Changes names the parts of a register that changed: the records a store
// must write back.
type Changes struct {
	Items      []uuid.UUID // items by id
	Covers     []uuid.UUID // covers by loan id
	Guarantors []uuid.UUID // guarantors by id
}

// IsZero reports whether nothing changed.
func (c Changes) IsZero() bool {
	return len(c.Items) == 0 && len(c.Covers) == 0 && len(c.Guarantors) == 0
}

// Changes reports the parts changed since Restore (or NewRegister) or the
// previous call, each list sorted with no repeats, and starts counting
// afresh. A store saves exactly these: Item, Cover and Guarantor give their
// new contents. A refused command changes nothing and adds nothing here.
func (r *Register) Changes() Changes {
	c := Changes{Items: r.changes.items.list(), Covers: r.changes.covers.list(), Guarantors: r.changes.guars.list()}
	r.changes = changeSet{}
	return c
}

// changeSet collects the ids of the parts changed.
type changeSet struct{ items, covers, guars idSet }

func (c *changeSet) item(id uuid.UUID)  { c.items.add(id) }
func (c *changeSet) cover(id uuid.UUID) { c.covers.add(id) }
func (c *changeSet) guar(id uuid.UUID)  { c.guars.add(id) }

// idSet is a set of ids, nil until the first is added.
type idSet map[uuid.UUID]struct{}

func (s *idSet) add(id uuid.UUID) {
	if *s == nil {
		*s = idSet{}
	}
	(*s)[id] = struct{}{}
}

// list returns the ids sorted.
func (s idSet) list() []uuid.UUID {
	if len(s) == 0 {
		return nil
	}
	out := make([]uuid.UUID, 0, len(s))
	for id := range s {
		out = append(out, id)
	}
	return sortedIDs(out)
}
