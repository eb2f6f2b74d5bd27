package lendcore

import (
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// The Prototype helpers take the ceremony out of a prototype or a test —
// the two-person investigation dossier and an approval authority — and
// keep every control in force: the application is still validated, still
// needs an approval within a limit, the approver still differs from the
// investigators and the submitter. Their names and their contents say
// "prototype" so that nobody takes them for production settings; a
// lender's investigations are real findings by real investigators, and its
// authority is its own delegation of powers.

// PrototypeInvestigators are the two investigators a PrototypeDossier is
// signed by; neither may approve the application.
var PrototypeInvestigators = [2]string{"prototype-investigator-1", "prototype-investigator-2"}

// PrototypeDossier returns a complete pre-loan investigation dossier for a
// prototype or a test: a finding on every area, none adverse, each
// reading "prototype: not investigated", signed on signedOn by
// PrototypeInvestigators. Not for production: no one investigated
// anything.
func PrototypeDossier(signedOn date.Date) loan.Dossier {
	var findings []loan.Finding
	for a := loan.BasicEligibility; a <= loan.Guarantees; a++ {
		findings = append(findings, loan.Finding{Area: a, Summary: "prototype: not investigated"})
	}
	return loan.Dossier{Findings: findings, Investigators: PrototypeInvestigators, SignedOn: signedOn}
}

// PrototypeAuthority returns an approval authority with one officer who
// may approve up to limit alone, for a prototype or a test (the default
// authority has no officers, so it approves nothing until the lender
// states who may approve what). Not for production: one person approving
// every loan is the opposite of a delegation of powers.
func PrototypeAuthority(officer string, limit money.Amount) loan.AuthorityPolicy {
	return loan.AuthorityPolicy{Officers: []loan.Officer{{ID: officer, Limit: limit}}}
}
