// Package lifecycle is the one transition-table mechanism of lendcore's
// state machines (loans, applications, collection cases, legal
// proceedings, collateral items, margin calls, title documents, listings):
// a table lists every legal move, and a move missing from it is a
// *fault.Transition that changes nothing.
//
// The table is data: it can be printed (Moves), checked by a test against
// the documentation, and read at a glance, rather than spread through
// switch statements.
package lifecycle

import (
	"fmt"

	"github.com/lendcore/lendcore/fault"
)

// State is what a lifecycle's states and events are: small comparable
// values with a name.
type State interface {
	comparable
	fmt.Stringer
}

// Move is one row of a table: from state From, event On leads to To.
type Move[S, E State] struct {
	From S
	On   E
	To   S
}

// Table is a lifecycle's transition table. The zero Table has no moves;
// build one with New.
type Table[S, E State] struct {
	machine string
	kind    error
	next    map[key[S, E]]S
	moves   []Move[S, E]
}

type key[S, E State] struct {
	from S
	on   E
}

// New returns the table of the lifecycle called machine ("loan",
// "collection case"), whose illegal moves are *fault.Transition errors
// wrapping kind. It panics when a (From, On) pair appears twice: the table
// is code, and an ambiguous one must not start.
func New[S, E State](machine string, kind error, moves ...Move[S, E]) *Table[S, E] {
	t := &Table[S, E]{machine: machine, kind: kind, next: make(map[key[S, E]]S, len(moves)), moves: moves}
	for _, m := range moves {
		k := key[S, E]{m.From, m.On}
		if _, dup := t.next[k]; dup {
			panic(fmt.Sprintf("lifecycle: %s: %s on %s appears twice", machine, m.On, m.From))
		}
		t.next[k] = m.To
	}
	return t
}

// Next returns the state that event on leads to from s, or s and a
// *fault.Transition when the move is not in the table.
func (t *Table[S, E]) Next(s S, on E) (S, error) {
	if to, ok := t.next[key[S, E]{s, on}]; ok {
		return to, nil
	}
	return s, &fault.Transition{Kind: t.kind, Machine: t.machine, From: s.String(), Event: on.String()}
}

// Can reports whether event on is legal from s.
func (t *Table[S, E]) Can(s S, on E) bool {
	_, ok := t.next[key[S, E]{s, on}]
	return ok
}

// Events returns the events legal from s, in table order.
func (t *Table[S, E]) Events(s S) []E {
	var out []E
	for _, m := range t.moves {
		if m.From == s {
			out = append(out, m.On)
		}
	}
	return out
}

// Moves returns a copy of the table's rows, in the order given to New.
func (t *Table[S, E]) Moves() []Move[S, E] { return append([]Move[S, E](nil), t.moves...) }

// Machine returns the lifecycle's name.
func (t *Table[S, E]) Machine() string { return t.machine }
