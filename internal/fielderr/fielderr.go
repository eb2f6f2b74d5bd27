// Package fielderr writes the message of a validation error that lists
// every bad field of an input, as each lendcore package's ValidationError
// does: "kind: field: problem; field: problem". The error types stay in
// their packages (they are what callers match with errors.As); only their
// wording lives here, so it reads the same everywhere.
package fielderr

import "strings"

// Format returns kind followed by the n fields that field(i) names, each
// with its problem: "loan: invalid input: amount: must be positive".
func Format(kind string, n int, field func(i int) (name, problem string)) string {
	var b strings.Builder
	b.WriteString(kind)
	b.WriteString(": ")
	for i := range n {
		if i > 0 {
			b.WriteString("; ")
		}
		name, problem := field(i)
		b.WriteString(name)
		b.WriteString(": ")
		b.WriteString(problem)
	}
	return b.String()
}
