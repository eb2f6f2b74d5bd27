package schedule

import "github.com/lendcore/lendcore/fault"

// Sentinel errors of package schedule; test with errors.Is.
var (
	// ErrInvalidTerms is wrapped by every *fault.Fields about terms: the
	// terms cannot produce a schedule. Each bad field is named as Terms
	// spells it in JSON ("annual_rate", "interest_grace").
	ErrInvalidTerms = fault.New(fault.CodeInvalid, "schedule: invalid terms")
	// ErrInvalidDate reports a date string that is not a real YYYY-MM-DD date.
	ErrInvalidDate = fault.New(fault.CodeInvalid, "schedule: invalid date")
	// ErrInvalidName reports an unknown method, frequency, day count or other
	// enumerated name; the *fault.Fields that wraps it lists the names
	// allowed.
	ErrInvalidName = fault.New(fault.CodeInvalid, "schedule: unknown name")
	// ErrNoIRR reports cash flows that have no internal rate of return
	// (for example no payments at all).
	ErrNoIRR = fault.New(fault.CodeInvalid, "schedule: no internal rate of return")
)

// invalid returns a *fault.Fields about terms with a single bad field.
func invalid(field, problem string) error { return fault.Invalid(ErrInvalidTerms, field, problem) }
