package main

import (
	"encoding/json"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// scenarioPolicies is the optional "policies" object of a scenario: every
// part of the Engine's policies (lendcore.Policies: classification,
// provision, ladder, reminders, contact, limitation, investors, ...) except
// servicing, which is the scenario's "policy", and approval, which the
// runner sets itself; plus the collateral policy of the runner's register.
// Each part left out keeps its default (lendcore.DefaultPolicies,
// collateral.DefaultPolicy); fields given replace the default's, field by
// field.
type scenarioPolicies struct {
	lendcore.Policies
	Collateral collateral.Policy `json:"collateral"`
}

// approver is the officer the runner approves the scenario's application
// as; approval rules are not part of a scenario.
const approver = "scenario-approver"

// decodePolicies reads the "policies" object over the defaults, sets the
// servicing policy and an approval policy under which the runner's own
// officer may approve the principal (no compliance checks: a scenario is
// about servicing, not origination), and validates every part, naming the
// first bad field.
func decodePolicies(raw *json.RawMessage, servicing loan.Policy, principal money.Amount) (scenarioPolicies, error) {
	p := scenarioPolicies{Policies: lendcore.DefaultPolicies(), Collateral: collateral.DefaultPolicy()}
	if raw != nil {
		var keys map[string]json.RawMessage
		if err := guard(func() error { return json.Unmarshal(*raw, &keys) }); err != nil {
			return p, bad("policies", "%v", err)
		}
		for _, k := range []string{"servicing", "approval"} {
			if _, ok := keys[k]; ok {
				return p, bad("policies."+k, "not part of a scenario's policies (the servicing policy is the scenario's \"policy\")")
			}
		}
		if err := decodeStrict(*raw, &p); err != nil {
			return p, bad("policies", "%v", err)
		}
	}
	p.Servicing = servicing
	p.Approval = loan.ApprovalPolicy{Authority: loan.AuthorityPolicy{
		Officers: []loan.Officer{{ID: approver, Limit: principal}}}}
	if err := p.Validate(); err != nil {
		// Validate names each bad field by its path ("ladder.stages").
		return p, fieldError("policies", err)
	}
	if err := p.Collateral.Validate(); err != nil {
		return p, fieldError("policies.collateral", err)
	}
	return p, nil
}
