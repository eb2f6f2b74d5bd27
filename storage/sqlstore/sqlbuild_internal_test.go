package sqlstore

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestArgsIn: an IN list is padded to a power of two with its last value,
// so lists of 5 to 8 values share one statement text, and the values it
// matches are the ones given.
func TestArgsIn(t *testing.T) {
	for _, c := range []struct {
		n, placeholders int
	}{{1, 1}, {2, 2}, {3, 4}, {5, 8}, {8, 8}, {9, 16}} {
		var a args
		vs := make([]any, c.n)
		for i := range vs {
			vs[i] = i
		}
		list := a.in(vs...)
		assert.Equal(t, c.placeholders, strings.Count(list, "$"), "%d values", c.n)
		assert.Equal(t, vs, a.vals[:c.n], "the values given come first, in order")
		for _, v := range a.vals[c.n:] {
			assert.Equal(t, c.n-1, v, "padding repeats the last value")
		}
	}
	var a args
	assert.Empty(t, a.in(), "an empty list stays empty")
}

// TestTextOf: the text forms of the arguments the store passes in arrays
// are the ones PostgreSQL casts back to the column types.
func TestTextOf(t *testing.T) {
	assert.Nil(t, textOf(nil))
	for v, want := range map[any]string{"2024-01-15": "2024-01-15", true: "true", false: "false", 42: "42", int64(-7): "-7"} {
		assert.Equal(t, want, *textOf(v), "%T %v", v, v)
	}
}
