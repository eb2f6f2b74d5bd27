package report

import "github.com/lendcore/lendcore/fault"

// Sentinel errors of package report; test with errors.Is. Bad figures and
// bad arguments come back as a *fault.Fields wrapping one of them that
// names every bad field as JSON spells it ("months[3].by_bucket").
var (
	// ErrInvalidFigures is wrapped by every error about Figures that fail
	// Validate: a Source's answer or a Collector's input.
	ErrInvalidFigures = fault.New(fault.CodeInvalid, "report: invalid figures")
	// ErrInvalidRange is wrapped by an error about the days asked of a
	// Source: "from" after "to", a zero day, or a range holding no month
	// end.
	ErrInvalidRange = fault.New(fault.CodeInvalid, "report: invalid date range")
	// ErrNoMonthEnds reports a Source that holds no month end in the range
	// asked (an empty store, or a range before its first close).
	ErrNoMonthEnds = fault.New(fault.CodeNotFound, "report: no month end closed in the range")
	// ErrInvalidFormat is wrapped by an unknown output format's name.
	ErrInvalidFormat = fault.New(fault.CodeInvalid, "report: invalid format")
)
