package fault

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error by what the caller should do about it: show the
// bad fields, retry, answer "not found". A host maps codes onto its own
// protocol (HTTP statuses, gRPC codes) in one place.
type Code string

// The codes. Every error lendcore returns has one (CodeOf).
const (
	// CodeInvalid: the input is malformed; a *Fields names every bad field.
	// Nothing was changed.
	CodeInvalid Code = "invalid"
	// CodeNotFound: no record has the given key.
	CodeNotFound Code = "not-found"
	// CodeConflict: a concurrent writer got there first. Read again and
	// retry; the Engine does so itself before it gives up.
	CodeConflict Code = "conflict"
	// CodeDuplicate: a key (idempotency key, id) is already used with other
	// content.
	CodeDuplicate Code = "duplicate"
	// CodeTransition: the move is not in the lifecycle's table; a
	// *Transition says which. Nothing was changed.
	CodeTransition Code = "illegal-transition"
	// CodeRefused: a well-formed request that a rule refuses (a compliance
	// check, a conduct rule, an approval authority, a transfer rule).
	CodeRefused Code = "refused"
	// CodeCorrupt: stored data does not decode; it was written by
	// something other than lendcore.
	CodeCorrupt Code = "corrupt"
	// CodeInternal: anything else (a driver error, a cancelled context).
	CodeInternal Code = "internal"
)

// Kind is a sentinel error with a code: each package declares its own
// (loan.ErrInvalidEntry, storage.ErrConflict) with New, and callers test
// them with errors.Is.
type Kind struct {
	code Code
	msg  string
}

// New returns a sentinel error with the message msg ("loan: invalid
// entry") and the code c.
func New(c Code, msg string) *Kind { return &Kind{code: c, msg: msg} }

// Error returns the message.
func (k *Kind) Error() string { return k.msg }

// Code returns the kind's code.
func (k *Kind) Code() Code { return k.code }

// coder is an error that carries a code.
type coder interface{ Code() Code }

// CodeOf returns the code of the first error in err's chain that carries
// one: a *Fields, a *Transition or a package's sentinel. It returns "" for
// nil and CodeInternal for an error without a code.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var c coder
	if errors.As(err, &c) {
		return c.Code()
	}
	return CodeInternal
}

// Field is one bad field of an input.
type Field struct {
	// Name is the field as the input spells it in JSON, with its path:
	// "amount", "terms.annual_rate", "events[3].funding[0].amount".
	Name string `json:"field"`
	// Problem says what is wrong, in words a user can act on.
	Problem string `json:"problem"`
	// Value is the offending value as text, when showing it helps; empty
	// otherwise.
	Value string `json:"value,omitempty"`
}

// String returns "name: problem".
func (f Field) String() string { return f.Name + ": " + f.Problem }

// Fields lists every bad field of an input at once, so a user fixes them
// all in one go. It wraps the package's sentinel (Kind), so errors.Is(err,
// loan.ErrInvalidEntry) holds, and one errors.As finds the fields whichever
// package refused the input:
//
//	var bad *fault.Fields
//	if errors.As(err, &bad) && bad.Has("amount") { ... }
type Fields struct {
	// Kind is the sentinel the error wraps; nil reads "invalid input".
	Kind error
	// List holds the bad fields in the order they were found.
	List []Field
}

// Invalid returns a *Fields of kind with one bad field.
func Invalid(kind error, name, problem string) *Fields {
	return &Fields{Kind: kind, List: []Field{{Name: name, Problem: problem}}}
}

// Add records a bad field.
func (f *Fields) Add(name, problem string) {
	f.List = append(f.List, Field{Name: name, Problem: problem})
}

// Addf records a bad field with a formatted problem.
func (f *Fields) Addf(name, format string, args ...any) {
	f.Add(name, fmt.Sprintf(format, args...))
}

// AddValue records a bad field with the value it had.
func (f *Fields) AddValue(name string, value any, problem string) {
	f.List = append(f.List, Field{Name: name, Problem: problem, Value: fmt.Sprint(value)})
}

// Merge adds the fields of err, if it is (or wraps) a *Fields, under the
// path prefix ("terms" turns "annual_rate" into "terms.annual_rate" and
// "[2]" into "terms[2]"), and reports whether it did. An err of another
// kind is left to the caller.
func (f *Fields) Merge(prefix string, err error) bool {
	var o *Fields
	if !errors.As(err, &o) {
		return false
	}
	for _, x := range o.List {
		x.Name = Join(prefix, x.Name)
		f.List = append(f.List, x)
	}
	return true
}

// Join returns the path of name inside prefix: "terms" and "periods" give
// "terms.periods", "events" and "[3].amount" give "events[3].amount".
func Join(prefix, name string) string {
	switch {
	case prefix == "":
		return name
	case name == "":
		return prefix
	case name[0] == '[':
		return prefix + name
	}
	return prefix + "." + name
}

// Has reports whether the field name is among the bad ones.
func (f *Fields) Has(name string) bool {
	_, ok := f.Get(name)
	return ok
}

// Get returns the first bad field called name.
func (f *Fields) Get(name string) (Field, bool) {
	if f == nil {
		return Field{}, false
	}
	for _, x := range f.List {
		if x.Name == name {
			return x, true
		}
	}
	return Field{}, false
}

// Len returns the number of bad fields.
func (f *Fields) Len() int {
	if f == nil {
		return 0
	}
	return len(f.List)
}

// Err returns f when it holds at least one bad field, else nil: the last
// line of a validation, "return bad.Err()".
func (f *Fields) Err() error {
	if f.Len() == 0 {
		return nil
	}
	return f
}

// Error returns the kind's message and every bad field:
// "loan: invalid entry: amount: must be positive; value_date: is missing".
func (f *Fields) Error() string {
	var b strings.Builder
	if f.Kind != nil {
		b.WriteString(f.Kind.Error())
	} else {
		b.WriteString("invalid input")
	}
	for i, x := range f.List {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(x.Name)
		b.WriteString(": ")
		b.WriteString(x.Problem)
	}
	return b.String()
}

// Unwrap returns the kind, so errors.Is matches the package's sentinel.
func (f *Fields) Unwrap() error { return f.Kind }

// Code returns CodeInvalid.
func (f *Fields) Code() Code { return CodeInvalid }

// MarshalJSON writes the error as {"error": message, "code": "invalid",
// "fields": [...]}, ready for an API response.
func (f *Fields) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Error  string  `json:"error"`
		Code   Code    `json:"code"`
		Fields []Field `json:"fields"`
	}{f.Error(), CodeInvalid, f.List})
}

// Transition is an illegal move in a lifecycle: the event is not in the
// table's row for the state. Nothing was changed. It wraps the package's
// sentinel (Kind): errors.Is(err, loan.ErrIllegalTransition) holds.
type Transition struct {
	// Kind is the sentinel the error wraps.
	Kind error
	// Machine names the lifecycle: "loan", "collection case", "item".
	Machine string
	// From is the state's name, Event the refused event's.
	From, Event string
}

// Error returns "<kind>: cannot <event> a <machine> that is <from>".
func (t *Transition) Error() string {
	prefix := "illegal transition"
	if t.Kind != nil {
		prefix = t.Kind.Error()
	}
	return fmt.Sprintf("%s: cannot %s a %s that is %s", prefix, t.Event, t.Machine, t.From)
}

// Unwrap returns the kind.
func (t *Transition) Unwrap() error { return t.Kind }

// Code returns CodeTransition.
func (t *Transition) Code() Code { return CodeTransition }
