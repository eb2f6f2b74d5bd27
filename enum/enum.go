// Package enum gives lendcore's small enumerations their text: one
// kebab-case name per value ("special-mention", "equal-installment"), used
// by String, JSON, scenario files and CLI flags alike, and one error for an
// unknown name that lists the names allowed.
//
// A type declares its table once and delegates to it:
//
//	type Grade uint8
//
//	var gradeNames = enum.New[Grade](ErrInvalidInput, "grade", "", "normal", "special-mention")
//
//	func (g Grade) String() string               { return gradeNames.String(g) }
//	func (g Grade) MarshalText() ([]byte, error) { return gradeNames.MarshalText(g) }
//	func (g *Grade) UnmarshalText(b []byte) error { return gradeNames.UnmarshalText(b, g) }
package enum

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lendcore/lendcore/fault"
)

// Names is the name table of an enumeration T whose value i is named
// names[i]. An empty name marks a value that has no text: usually the zero
// value, meaning "not set", which String prints as "" and Parse refuses.
type Names[T ~uint8] struct {
	kind    error
	what    string
	names   []string
	aliases map[string]T
}

// New returns the table of an enumeration called what ("grade"), whose
// invalid names are reported as a *fault.Fields wrapping kind. It panics
// when a name is not kebab-case or appears twice: the table is code, and a
// bad one must not start.
func New[T ~uint8](kind error, what string, names ...string) *Names[T] {
	if len(names) > 256 {
		panic("enum: " + what + ": more than 256 values")
	}
	seen := map[string]bool{}
	for _, n := range names {
		if n == "" {
			continue
		}
		if !Kebab(n) {
			panic(fmt.Sprintf("enum: %s name %q is not kebab-case", what, n))
		}
		if seen[n] {
			panic(fmt.Sprintf("enum: %s name %q appears twice", what, n))
		}
		seen[n] = true
	}
	return &Names[T]{kind: kind, what: what, names: names}
}

// Alias makes Parse accept another spelling of v (a Chinese term, a legacy
// name); String and MarshalText keep the table's name. It returns n.
func (n *Names[T]) Alias(alias string, v T) *Names[T] {
	if n.aliases == nil {
		n.aliases = map[string]T{}
	}
	n.aliases[alias] = v
	return n
}

// Kebab reports whether s is kebab-case: lower-case ASCII letters and
// digits in words joined by single hyphens, with a few symbols that day
// counts need ("30/360", "act/365f").
func Kebab(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '/') {
			return false
		}
	}
	return true
}

// Valid reports whether v has a name.
func (n *Names[T]) Valid(v T) bool { return int(v) < len(n.names) && n.names[v] != "" }

// String returns v's name, "" for an unnamed zero value, or "grade(9)" for
// a value outside the table.
func (n *Names[T]) String(v T) string {
	if int(v) < len(n.names) && (n.names[v] != "" || v == 0) {
		return n.names[v]
	}
	return n.what + "(" + strconv.Itoa(int(v)) + ")"
}

// Names returns the names allowed, in value order.
func (n *Names[T]) Names() []string {
	out := make([]string, 0, len(n.names))
	for _, s := range n.names {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Parse returns the value named s. An unknown name is a *fault.Fields
// naming the enumeration, with the value given and the names allowed.
func (n *Names[T]) Parse(s string) (T, error) {
	if s != "" {
		for i, name := range n.names {
			if name == s {
				return T(i), nil
			}
		}
		if v, ok := n.aliases[s]; ok {
			return v, nil
		}
	}
	return 0, n.unknown(s)
}

func (n *Names[T]) unknown(s string) error {
	return &fault.Fields{Kind: n.kind, List: []fault.Field{{Name: n.what, Value: s,
		Problem: fmt.Sprintf("unknown %s %q; want one of: %s", n.what, s, strings.Join(n.Names(), ", "))}}}
}

// MarshalText returns v's name; a value without one is an error.
func (n *Names[T]) MarshalText(v T) ([]byte, error) {
	if !n.Valid(v) {
		return nil, fault.Invalid(n.kind, n.what, fmt.Sprintf("%s has no name", n.String(v)))
	}
	return []byte(n.names[v]), nil
}

// UnmarshalText parses b into *dst; on an error *dst is unchanged. It
// compares the bytes in place (a journal replay decodes an enum per
// field), and makes a string of b only for the error.
func (n *Names[T]) UnmarshalText(b []byte, dst *T) error {
	if len(b) > 0 {
		for i, name := range n.names {
			if name == string(b) {
				*dst = T(i)
				return nil
			}
		}
		if v, ok := n.aliases[string(b)]; ok {
			*dst = v
			return nil
		}
	}
	return n.unknown(string(b))
}
