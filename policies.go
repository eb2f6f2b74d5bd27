package lendcore

import (
	"errors"
	"fmt"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/line"
	"github.com/lendcore/lendcore/loan"
)

// Policies are every rule the Engine applies, as data: each part is the
// owning package's policy value, validated and round-trippable as JSON.
type Policies struct {
	Servicing      loan.Policy               `json:"servicing"`
	Approval       loan.ApprovalPolicy       `json:"approval"`
	Classification classify.Policy           `json:"classification"`
	Provision      classify.GradeProvision   `json:"provision"`
	Inspection     classify.InspectionPolicy `json:"inspection"`
	Ladder         collect.Ladder            `json:"ladder"`
	Reminders      collect.ReminderPolicy    `json:"reminders"`
	Contact        collect.ContactPolicy     `json:"contact"`
	Limitation     collect.LimitationPolicy  `json:"limitation"`
	Investors      invest.BookPolicy         `json:"investors"`
	// Collateral is the collateral register's policy: haircuts,
	// revaluation, loan-to-value thresholds, custody, guarantees.
	Collateral collateral.Policy `json:"collateral"`
	// Reserve is the platform's risk reserve (风险准备金) and compensation
	// (代偿) policy; nil runs no reserve.
	Reserve *invest.ReservePolicy `json:"reserve,omitempty"`
	// Lines is the credit lines' policy: who approves limit changes, what
	// a decrease below the outstanding does, and the warning rules the
	// daily close applies to each line.
	Lines line.Policy `json:"lines"`
}

// DefaultPolicies returns each package's documented defaults: the loan
// package's servicing and approval defaults, the China 2023 classification
// preset with IFRS 9 staging, the legacy China provisioning grid, and the
// collect package's default ladder, reminders, contact rules and limitation
// period.
func DefaultPolicies() Policies {
	return Policies{
		Servicing:      loan.DefaultPolicy(),
		Approval:       loan.DefaultApprovalPolicy(),
		Classification: classify.China2023(),
		Provision:      classify.LegacyChinaProvision(),
		Inspection:     classify.DefaultInspection(),
		Ladder:         collect.DefaultLadder(),
		Reminders:      collect.DefaultReminderPolicy(),
		Contact:        collect.DefaultContactPolicy(),
		Limitation:     collect.DefaultLimitationPolicy(),
		Investors:      invest.DefaultBookPolicy(),
		Collateral:     collateral.DefaultPolicy(),
		Lines:          line.DefaultPolicy(),
	}
}

// Validate checks every part and reports all problems together.
func (p Policies) Validate() error {
	var errs []error
	check := func(part string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", part, err))
		}
	}
	check("servicing", p.Servicing.Validate())
	check("approval", p.Approval.Validate())
	check("classification", p.Classification.Validate())
	check("provision", p.Provision.Validate())
	check("inspection", p.Inspection.Validate())
	check("ladder", p.Ladder.Validate())
	check("reminders", p.Reminders.Validate())
	check("contact", p.Contact.Validate())
	check("limitation", p.Limitation.Validate())
	check("investors", p.Investors.Validate())
	check("collateral", p.Collateral.Validate())
	check("lines", p.Lines.Validate())
	if p.Reserve != nil {
		check("reserve", p.Reserve.Validate())
	}
	return errors.Join(errs...)
}
