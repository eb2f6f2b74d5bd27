package scenario

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// approver is the officer the runner approves the scenario's application
// as; approval rules are not part of a scenario.
const approver = "scenario-approver"

// decodePolicies reads the "policies" object — every part of the Engine's
// policies (lendcore.Policies: classification, provision, ladder,
// reminders, contact, limitation, investors, collateral, ...) except
// servicing, which is the scenario's "policy", and approval, which the
// runner sets itself — over lendcore.DefaultPolicies: each part left out
// keeps its default, fields given replace the default's, field by field.
// The approval policy lets the runner's own officer approve the principal
// (no compliance checks: a scenario is about servicing, not origination).
// Every bad field of every part is added to bad.
func decodePolicies(bad *fault.Fields, raw *json.RawMessage, servicing loan.Policy, principal money.Amount) lendcore.Policies {
	p := lendcore.DefaultPolicies()
	if raw != nil {
		var keys map[string]json.RawMessage
		if err := guard(func() error { return json.Unmarshal(*raw, &keys) }); err != nil {
			bad.Add("policies", err.Error())
			return p
		}
		refused := false
		for _, k := range []string{"servicing", "approval"} {
			if _, ok := keys[k]; ok {
				bad.Add("policies."+k, `not part of a scenario's policies (the servicing policy is the scenario's "policy")`)
				refused = true
			}
		}
		if refused {
			return p
		}
		if err := decodeStrict(*raw, &p); err != nil {
			bad.Add("policies", err.Error())
			return p
		}
	}
	p.Servicing = servicing
	if !principal.IsZero() {
		p.Approval = loan.ApprovalPolicy{Authority: loan.AuthorityPolicy{
			Officers: []loan.Officer{{ID: approver, Limit: principal}}}}
	}
	// Validate joins one "part: problem" error per bad part; servicing was
	// checked with the terms.
	var joined interface{ Unwrap() []error }
	if err := p.Validate(); errors.As(err, &joined) {
		for _, e := range joined.Unwrap() {
			part, _, _ := strings.Cut(e.Error(), ":")
			if part == "servicing" || part == "approval" {
				continue
			}
			if !bad.Merge("policies."+part, e) {
				bad.Add("policies."+part, strings.TrimSpace(strings.TrimPrefix(e.Error(), part+":")))
			}
		}
	}
	return p
}
