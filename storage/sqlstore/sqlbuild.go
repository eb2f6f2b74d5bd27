package sqlstore

import (
	"strconv"
	"strings"
)

// maxRowsPerInsert bounds a multi-row INSERT so its parameters stay well
// within every database's limit (SQLite's is 32,766, PostgreSQL's 65,535).
const maxRowsPerInsert = 500

// args collects query arguments and writes their numbered placeholders.
type args struct {
	vals []any
}

// add appends v and returns its placeholder ($n).
func (a *args) add(v any) string {
	a.vals = append(a.vals, v)
	return "$" + strconv.Itoa(len(a.vals))
}

// list appends vs and returns "$i, $i+1, ...".
func (a *args) list(vs ...any) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.add(v))
	}
	return b.String()
}

// row appends vs and returns "($i, ...)".
func (a *args) row(vs ...any) string { return "(" + a.list(vs...) + ")" }

func stringsToAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
