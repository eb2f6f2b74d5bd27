package invest

import (
	"errors"
	"strings"

	"github.com/lendcore/lendcore/fault"
)

// Sentinel errors of package invest; test with errors.Is. Every error the
// package returns wraps at least one of them. Bad input is a *fault.Fields
// naming every bad field, an illegal listing move a *fault.Transition, a
// transfer the policy refuses an *EligibilityError.
var (
	// ErrInvalidInput: an argument is malformed (negative amount, wrong
	// currency, unknown holding, date out of range).
	ErrInvalidInput = fault.New(fault.CodeInvalid, "invest: invalid input")
	// ErrInvalidPolicy: a policy's Validate found bad fields (also wrapped,
	// alongside ErrInvalidInput, by NewBook's, NewReserve's and
	// RestoreReserve's error when the policy given is bad).
	ErrInvalidPolicy = fault.New(fault.CodeInvalid, "invest: invalid policy")
	// ErrIllegalTransition: a listing event not allowed in its current
	// state. Wrapped by the *fault.Transition of the listing lifecycle.
	ErrIllegalTransition = fault.New(fault.CodeTransition, "invest: illegal transition")
	// ErrOversubscribed: a commitment above what the listing still needs.
	ErrOversubscribed = fault.New(fault.CodeInvalid, "invest: over-subscription")
	// ErrInsufficientHolding: selling more principal than the holding has, or
	// distributing more principal than the holders hold.
	ErrInsufficientHolding = fault.New(fault.CodeInvalid, "invest: amount exceeds holding")
	// ErrSelfTransfer: a holder selling to itself.
	ErrSelfTransfer = fault.New(fault.CodeInvalid, "invest: transfer to oneself")
	// ErrNotEligible: a well-formed transfer that the transfer policy
	// refuses. Wrapped by *EligibilityError, which names every rule broken.
	ErrNotEligible = fault.New(fault.CodeRefused, "invest: transfer not eligible")
	// ErrInsufficientReserve: a payout above the reserve's balance.
	ErrInsufficientReserve = fault.New(fault.CodeInvalid, "invest: reserve balance insufficient")
	// ErrDuplicate: a distribution already credited to the reserve.
	ErrDuplicate = fault.New(fault.CodeDuplicate, "invest: already recorded")
	// ErrInconsistentOps: a book's stored operations do not replay — one of
	// them is refused by the book its predecessors built. Stored data that
	// lendcore wrote always replays, so a host storing books treats this as
	// corrupt storage. OpenBook's error wraps it together with the refusal.
	ErrInconsistentOps = fault.New(fault.CodeCorrupt, "invest: stored operations inconsistent")
)

// kinds is the Kind of a *fault.Fields that wraps more than one sentinel:
// the input's kind first (its message heads the error), then the specific
// ones its fields found, so that both errors.Is(err, ErrInvalidInput) and
// errors.Is(err, ErrOversubscribed) hold for an over-subscription, and a
// constructor given a bad policy matches ErrInvalidPolicy as well.
type kinds struct{ list []error }

func (k *kinds) Error() string   { return k.list[0].Error() }
func (k *kinds) Unwrap() []error { return k.list }

// invalid returns an empty field list of kind ErrInvalidInput.
func invalid() *fault.Fields { return &fault.Fields{Kind: ErrInvalidInput} }

// badPolicy returns an empty field list of kind ErrInvalidPolicy.
func badPolicy() *fault.Fields { return &fault.Fields{Kind: ErrInvalidPolicy} }

// also makes v wrap sentinel too.
func also(v *fault.Fields, sentinel error) {
	if errors.Is(v.Kind, sentinel) {
		return
	}
	var list []error
	if k, ok := v.Kind.(*kinds); ok {
		list = append(list, k.list...)
	} else if v.Kind != nil {
		list = append(list, v.Kind)
	}
	v.Kind = &kinds{append(list, sentinel)}
}

// addErr records a bad field whose problem has a specific sentinel.
func addErr(v *fault.Fields, sentinel error, name, format string, args ...any) {
	v.Addf(name, format, args...)
	also(v, sentinel)
}

// mergePolicy records every bad field of a policy's validation error err
// under prefix ("policy" turns "servicing.rate" into
// "policy.servicing.rate") and makes v wrap ErrInvalidPolicy too.
func mergePolicy(v *fault.Fields, prefix string, err error) {
	if !v.Merge(prefix, err) {
		v.Addf(prefix, "%v", err)
	}
	also(v, ErrInvalidPolicy)
}

// Violation is one transfer rule a proposed transfer breaks.
type Violation struct {
	Rule   Rule   `json:"rule"`
	Detail string `json:"detail"`
}

// EligibilityError lists every transfer rule a proposed transfer breaks: the
// request is well formed, but the platform's transfer policy refuses it. It
// wraps ErrNotEligible (code fault.CodeRefused). Nothing was changed.
type EligibilityError struct {
	Violations []Violation `json:"violations"`
}

// Error returns "invest: transfer not eligible: " and each rule broken
// with its detail.
func (e *EligibilityError) Error() string {
	var b strings.Builder
	b.WriteString(ErrNotEligible.Error())
	b.WriteString(": ")
	for i, v := range e.Violations {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.Rule.String())
		b.WriteString(": ")
		b.WriteString(v.Detail)
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrNotEligible) true and fault.CodeOf(err)
// fault.CodeRefused.
func (e *EligibilityError) Unwrap() error { return ErrNotEligible }

// Broke reports whether rule r is among the violations.
func (e *EligibilityError) Broke(r Rule) bool {
	for _, v := range e.Violations {
		if v.Rule == r {
			return true
		}
	}
	return false
}
