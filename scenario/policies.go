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

// scenarioApproval lets the runner's own officer approve the principal,
// with no compliance checks.
func scenarioApproval(principal money.Amount) loan.ApprovalPolicy {
	return loan.ApprovalPolicy{Authority: loan.AuthorityPolicy{
		Officers: []loan.Officer{{ID: approver, Limit: principal}}}}
}

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
		p.Approval = scenarioApproval(principal)
	}
	// Validate names each bad field by its path from the top of the
	// policies ("ladder.stages[0].from_dpd"); servicing was checked with
	// the terms, and approval is the scenario's own.
	if err := p.Validate(); err != nil {
		var f *fault.Fields
		if !errors.As(err, &f) {
			bad.Add("policies", err.Error())
			return p
		}
		for _, x := range f.List {
			part, _, _ := strings.Cut(x.Name, ".")
			if part == "servicing" || part == "approval" {
				continue
			}
			x.Name = fault.Join("policies", x.Name)
			bad.List = append(bad.List, x)
		}
	}
	return p
}
