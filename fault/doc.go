// Package fault is lendcore's error vocabulary, shared by every package so
// that one errors.As finds what a caller needs, whichever package refused:
//
//   - Fields lists every bad field of an input at once, each named as the
//     input spells it in JSON ("terms.annual_rate", "events[3].amount").
//   - Transition is an illegal move in a lifecycle (see package lifecycle).
//   - Kind is a package's sentinel error with a Code; CodeOf tells a host
//     what to do with any error: show the fields, retry on a conflict,
//     answer "not found".
//
// Every package keeps its own sentinels (loan.ErrInvalidEntry,
// storage.ErrConflict), declared with New and matched with errors.Is; a
// *Fields or *Transition wraps the sentinel of the package that made it.
// The shape follows moov-io/base's ErrorList with moov-io/ach's BatchError
// (field, value, wrapped sentinel) and WTF Dial's single error type with
// codes.
package fault
