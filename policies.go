package lendcore

import (
	"errors"
	"fmt"

	"github.com/lendcore/lendcore/loan"
)

// Policies are every rule the Engine applies, as data: each part is the
// owning package's policy value, validated and round-trippable as JSON.
type Policies struct {
	Servicing loan.Policy         `json:"servicing"`
	Approval  loan.ApprovalPolicy `json:"approval"`
}

// DefaultPolicies returns each package's documented defaults.
func DefaultPolicies() Policies {
	return Policies{
		Servicing: loan.DefaultPolicy(),
		Approval:  loan.DefaultApprovalPolicy(),
	}
}

// Validate checks every part and reports all problems together.
func (p Policies) Validate() error {
	var errs []error
	if err := p.Servicing.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("servicing: %w", err))
	}
	if err := p.Approval.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("approval: %w", err))
	}
	return errors.Join(errs...)
}
