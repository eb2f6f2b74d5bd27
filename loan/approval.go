package loan

import (
	"fmt"
	"slices"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// Officer is a person with approval authority (授权权限) up to Limit: a
// single approval by an officer whose limit covers the principal approves
// the application. Committee members may also vote on larger amounts.
type Officer struct {
	ID        string       `json:"id"`
	Limit     money.Amount `json:"limit"`
	Committee bool         `json:"committee,omitempty"`
}

// AuthorityPolicy says who may approve what. Above a voter's own limit, an
// application needs CommitteeApprovals distinct committee members to
// approve it, up to CommitteeLimit (zero: no upper bound). Approvers may
// never be the submitter or one of the investigators (four-eyes).
type AuthorityPolicy struct {
	Officers           []Officer    `json:"officers"`
	CommitteeApprovals int          `json:"committee_approvals"`
	CommitteeLimit     money.Amount `json:"committee_limit"`
}

// DefaultAuthorityPolicy returns a template with no officers (the host adds
// its own) and a credit committee of three distinct approvals with no upper
// bound, the usual odd-numbered quorum; the number is house policy, not
// regulation (lender practice; no regulatory source found).
func DefaultAuthorityPolicy() AuthorityPolicy { return AuthorityPolicy{CommitteeApprovals: 3} }

// Validate reports every bad field of the policy in a *fault.Fields.
func (p AuthorityPolicy) Validate() error {
	v := fault.Fields{Kind: ErrInvalidInput}
	p.validate("", &v)
	return v.Err()
}

func (p *AuthorityPolicy) validate(prefix string, v *fault.Fields) {
	var cur money.Currency
	members := 0
	for i, o := range p.Officers {
		name := fmt.Sprintf("%sofficers[%d]", prefix, i)
		if o.ID == "" {
			v.Add(name+".id", "is missing")
		} else if slices.ContainsFunc(p.Officers[:i], func(x Officer) bool { return x.ID == o.ID }) {
			v.Add(name+".id", "repeats "+o.ID)
		}
		checkLimit(o.Limit, name+".limit", &cur, v)
		if o.Committee {
			members++
		}
	}
	switch {
	case p.CommitteeApprovals < 0:
		v.Add(prefix+"committee_approvals", "must not be negative")
	case p.CommitteeApprovals == 1:
		v.Add(prefix+"committee_approvals", "must be 0 (no committee) or at least 2")
	case len(p.Officers) > 0 && members < p.CommitteeApprovals:
		v.Add(prefix+"committee_approvals", fmt.Sprintf("needs %d committee members, the policy has %d", p.CommitteeApprovals, members))
	}
	if p.CommitteeLimit.IsNegative() {
		v.Add(prefix+"committee_limit", "must not be negative")
	} else if !p.CommitteeLimit.IsZero() && !cur.IsZero() && p.CommitteeLimit.Currency() != cur {
		v.Add(prefix+"committee_limit", "is in "+p.CommitteeLimit.Currency().Code()+", officer limits in "+cur.Code())
	}
}

func (p *AuthorityPolicy) officer(id string) (Officer, bool) {
	i := slices.IndexFunc(p.Officers, func(o Officer) bool { return o.ID == id })
	if i < 0 {
		return Officer{}, false
	}
	return p.Officers[i], true
}

// ApprovalPolicy is everything an approval is checked against.
type ApprovalPolicy struct {
	Compliance CompliancePolicy `json:"compliance"`
	Authority  AuthorityPolicy  `json:"authority"`
}

// DefaultApprovalPolicy combines DefaultCompliancePolicy and
// DefaultAuthorityPolicy.
func DefaultApprovalPolicy() ApprovalPolicy {
	return ApprovalPolicy{DefaultCompliancePolicy(), DefaultAuthorityPolicy()}
}

// Validate reports every bad field of both policies in one *fault.Fields.
func (p ApprovalPolicy) Validate() error {
	v := fault.Fields{Kind: ErrInvalidInput}
	var c fault.Fields
	p.Compliance.validate(&c)
	v.Merge("compliance", &c)
	p.Authority.validate("authority.", &v)
	return v.Err()
}

// AuthorityRule names the approval-authority rule an approval broke.
type AuthorityRule string

// Approval-authority rules.
const (
	RuleUnknownOfficer       AuthorityRule = "unknown-officer"        // not an officer of the policy
	RuleFourEyesSubmitter    AuthorityRule = "four-eyes-submitter"    // approver filed the application
	RuleFourEyesInvestigator AuthorityRule = "four-eyes-investigator" // approver signed the investigation
	RuleDuplicateVote        AuthorityRule = "duplicate-vote"         // officer already approved it
	RuleAboveLimit           AuthorityRule = "above-limit"            // principal above the officer's authority
)

// AuthorityError reports an approval the officer may not give; the
// application is unchanged. It wraps ErrAuthority, so fault.CodeOf gives
// fault.CodeRefused.
type AuthorityError struct {
	Officer string
	Rule    AuthorityRule
	Detail  string
}

func (e *AuthorityError) Error() string {
	return fmt.Sprintf("loan: approval authority: officer %q: %s: %s", e.Officer, e.Rule, e.Detail)
}

// Unwrap makes errors.Is(err, ErrAuthority) true.
func (e *AuthorityError) Unwrap() error { return ErrAuthority }

// Action is who does something to an application, when and why.
type Action struct {
	Officer string    `json:"officer"`
	On      date.Date `json:"on"`
	Reason  string    `json:"reason,omitempty"`
}

// Decision is a recorded Action on an application: the lifecycle event and
// the status it left the application in. A committee vote that does not
// yet reach the quorum is an approve decision whose Outcome is Submitted.
type Decision struct {
	Event   Event     `json:"event"`
	Officer string    `json:"officer"`
	On      date.Date `json:"on"`
	Reason  string    `json:"reason,omitempty"`
	Outcome Status    `json:"outcome"`
}
