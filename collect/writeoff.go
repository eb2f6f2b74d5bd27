package collect

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/lifecycle"
	"github.com/lendcore/lendcore/money"
)

// WriteOffPolicy is the evidence a write-off proposal (核销) must carry.
// The figures follow lender practice and the Loss floor of
// 《商业银行金融资产风险分类办法》 (2023; more than 360 days past due is
// Loss, classify's rule CN23-DPD-4); the Ministry of Finance's write-off
// rules (《金融企业呆账核销管理办法》) were not checked for these figures,
// so every field is configurable.
type WriteOffPolicy struct {
	// MinGrade: the loan must be graded at least this bad (Loss)...
	MinGrade Grade `json:"min_grade"`
	// ...or at least MinDPD days past due (0 = grade only).
	MinDPD int `json:"min_dpd"`
	// RequireLegalOutcome: a concluded proceeding that left the claim
	// unrecovered, unless an evidence item of a kind in InsteadOfLegal
	// (bankruptcy, death) is attached.
	RequireLegalOutcome bool     `json:"require_legal_outcome"`
	InsteadOfLegal      []string `json:"instead_of_legal"`
	// Evidence lists the evidence kinds every proposal must attach
	// ("collection-record", "limitation-status", ...).
	Evidence []string `json:"evidence"`
}

// DefaultWriteOffPolicy returns: grade Loss or more than 360 DPD; a
// concluded legal proceeding that left the claim unrecovered, unless the
// debtor is bankrupt or dead; the collection record and the limitation
// status attached.
func DefaultWriteOffPolicy() WriteOffPolicy {
	return WriteOffPolicy{MinGrade: Loss, MinDPD: 361, RequireLegalOutcome: true,
		InsteadOfLegal: []string{"bankruptcy", "death"},
		Evidence:       []string{"collection-record", "limitation-status"}}
}

// Validate reports every bad field of the policy in one *fault.Fields
// wrapping ErrInvalidPolicy.
func (p *WriteOffPolicy) Validate() error {
	e := invalidPolicy()
	if p.MinGrade == 0 || p.MinGrade >= gradeEnd {
		e.Addf("min_grade", "undefined grade %d", uint8(p.MinGrade))
	}
	if p.MinDPD < 0 {
		e.Addf("min_dpd", "%d is negative", p.MinDPD)
	}
	for i, k := range p.Evidence {
		if k == "" {
			e.Add(fmt.Sprintf("evidence[%d]", i), "empty evidence kind")
		}
	}
	for i, k := range p.InsteadOfLegal {
		if k == "" {
			e.Add(fmt.Sprintf("instead_of_legal[%d]", i), "empty evidence kind")
		}
	}
	return e.Err()
}

// Evidence is one document supporting a write-off proposal.
type Evidence struct {
	Kind string `json:"kind"` // e.g. "collection-record", "judgment", "bankruptcy"
	Ref  string `json:"ref"`  // document id in the host's archive
}

// ProposalStatus is where a write-off proposal stands.
type ProposalStatus uint8

// Proposal statuses.
const (
	Proposed ProposalStatus = iota + 1
	Approved
	Rejected
)

var proposalStatusNames = enum.New[ProposalStatus](ErrInvalidInput, "proposal status", "", "proposed", "approved", "rejected")

// String returns the status's name.
func (s ProposalStatus) String() string { return proposalStatusNames.String(s) }

// Valid reports whether s is a defined status.
func (s ProposalStatus) Valid() bool { return proposalStatusNames.Valid(s) }

// MarshalText encodes the status's name.
func (s ProposalStatus) MarshalText() ([]byte, error) { return proposalStatusNames.MarshalText(s) }

// UnmarshalText decodes a status's name.
func (s *ProposalStatus) UnmarshalText(b []byte) error {
	return proposalStatusNames.UnmarshalText(b, s)
}

// proposalEvent decides a proposal.
type proposalEvent uint8

const (
	proposalApprove proposalEvent = iota + 1
	proposalReject
)

var proposalEventNames = enum.New[proposalEvent](ErrInvalidInput, "proposal event", "", "approve", "reject")

func (e proposalEvent) String() string { return proposalEventNames.String(e) }

type proposalMove = lifecycle.Move[ProposalStatus, proposalEvent]

// proposalLifecycle is the write-off proposal's lifecycle: a proposal is
// decided once, approved or rejected.
var proposalLifecycle = lifecycle.New("write-off proposal", ErrIllegalTransition,
	proposalMove{From: Proposed, On: proposalApprove, To: Approved},
	proposalMove{From: Proposed, On: proposalReject, To: Rejected},
)

// Proposal is a write-off proposal. Write-off ends the loan on the books,
// not the claim: it is still pursued (账销案存) and later recoveries are
// reported by source.
type Proposal struct {
	ID         uuid.UUID      `json:"id"`
	Loan       uuid.UUID      `json:"loan"`
	Day        date.Date      `json:"day"`
	Amount     money.Amount   `json:"amount"`
	Grade      Grade          `json:"grade"`
	DPD        int            `json:"dpd"`
	Legal      *LegalOutcome  `json:"legal,omitempty"`
	Evidence   []Evidence     `json:"evidence"`
	ProposedBy string         `json:"proposed_by"`
	Status     ProposalStatus `json:"status"`
	Approver   string         `json:"approver,omitempty"`
	Decided    date.Date      `json:"decided,omitzero"`
	Reason     string         `json:"reason,omitempty"`
}

func (pr *Proposal) has(kind string) bool {
	for _, ev := range pr.Evidence {
		if ev.Kind == kind && ev.Ref != "" {
			return true
		}
	}
	return false
}

// Check reports in one *fault.Fields everything the proposal lacks
// under the policy. A grade the package does not define is a bad "grade";
// zero means not graded, which only the DPD route can satisfy.
func (p *WriteOffPolicy) Check(pr *Proposal) error {
	e := invalid()
	if !pr.Amount.IsPositive() {
		e.Addf("amount", "%s must be positive", pr.Amount)
	}
	if pr.ProposedBy == "" {
		e.Add("proposed_by", "missing")
	}
	if pr.Grade >= gradeEnd {
		e.Addf("grade", "undefined grade %d", uint8(pr.Grade))
	} else if pr.Grade < p.MinGrade && (p.MinDPD == 0 || pr.DPD < p.MinDPD) {
		e.Addf("grade", "%s and %d DPD: needs grade %s or %d DPD", pr.Grade, pr.DPD, p.MinGrade, p.MinDPD)
	}
	if p.RequireLegalOutcome && (pr.Legal == nil || !pr.Legal.Unrecovered) {
		instead := false
		for _, k := range p.InsteadOfLegal {
			instead = instead || pr.has(k)
		}
		if !instead {
			e.Addf("legal", "needs a concluded proceeding that left the claim unrecovered, or evidence of %v", p.InsteadOfLegal)
		}
	}
	for _, k := range p.Evidence {
		if !pr.has(k) {
			e.Addf("evidence", "missing %q", k)
		}
	}
	return e.Err()
}

// Approve approves a proposal that passes the policy's check. The
// approver must not be the proposer (four eyes: ErrFourEyes); a decided
// proposal returns a *fault.Transition. Nothing changes on error.
func (pr *Proposal) Approve(p *WriteOffPolicy, day date.Date, approver string) error {
	to, err := pr.decide(proposalApprove, day, approver)
	if err != nil {
		return err
	}
	if err := p.Check(pr); err != nil {
		return err
	}
	pr.Status, pr.Approver, pr.Decided = to, approver, day
	return nil
}

// Reject rejects the proposal with a reason.
func (pr *Proposal) Reject(day date.Date, approver, reason string) error {
	to, err := pr.decide(proposalReject, day, approver)
	if err != nil {
		return err
	}
	pr.Status, pr.Approver, pr.Decided, pr.Reason = to, approver, day, reason
	return nil
}

// decide returns the status ev leads to when approver may decide the
// proposal on day.
func (pr *Proposal) decide(ev proposalEvent, day date.Date, approver string) (ProposalStatus, error) {
	to, err := proposalLifecycle.Next(pr.Status, ev)
	if err != nil {
		return pr.Status, err
	}
	if approver == "" || approver == pr.ProposedBy {
		return pr.Status, fmt.Errorf("%w: approver %q, proposer %q", ErrFourEyes, approver, pr.ProposedBy)
	}
	if day.Before(pr.Day) {
		return pr.Status, fault.Invalid(ErrInvalidInput, "day", fmt.Sprintf("%s is before the proposal (%s)", day, pr.Day))
	}
	return to, nil
}

// RecoverySource is where recovered money came from.
type RecoverySource uint8

// Recovery sources.
const (
	FromBorrower   RecoverySource = iota + 1 // the borrower paid
	FromGuarantor                            // a guarantor paid
	FromCollateral                           // sale of collateral
	FromInsurer                              // credit insurance
	FromDealer                               // dealer buy-back or guarantee
	FromReserve                              // risk reserve
	FromLitigation                           // court enforcement
	FromDebtSale                             // sale of the claim
	recoverySourceEnd
)

var recoverySourceNames = enum.New[RecoverySource](ErrInvalidInput, "recovery source", "", "borrower", "guarantor", "collateral",
	"insurer", "dealer", "reserve", "litigation", "debt-sale")

// String returns the source's name.
func (s RecoverySource) String() string { return recoverySourceNames.String(s) }

// Valid reports whether s is a defined source.
func (s RecoverySource) Valid() bool { return recoverySourceNames.Valid(s) }

// MarshalText encodes the source's name.
func (s RecoverySource) MarshalText() ([]byte, error) { return recoverySourceNames.MarshalText(s) }

// UnmarshalText decodes a source's name.
func (s *RecoverySource) UnmarshalText(b []byte) error {
	return recoverySourceNames.UnmarshalText(b, s)
}

// Recovery is money recovered on a loan in arrears or written off.
type Recovery struct {
	Loan       uuid.UUID      `json:"loan"`
	Day        date.Date      `json:"day"`
	Amount     money.Amount   `json:"amount"`
	Source     RecoverySource `json:"source"`
	Collector  string         `json:"collector,omitempty"` // who collected it, for performance figures
	WrittenOff bool           `json:"written_off"`         // recovered after write-off
}

// SourceTotal is the amount recovered from one source.
type SourceTotal struct {
	Source RecoverySource `json:"source"`
	Count  int            `json:"count"`
	Amount money.Amount   `json:"amount"`
}

// RecoveriesAfterWriteOff totals the recoveries on written-off loans from
// from to to (inclusive) by source, in source order, leaving out sources
// with none. Amounts in more than one currency are an error.
func RecoveriesAfterWriteOff(rs []Recovery, from, to date.Date) ([]SourceTotal, error) {
	var by [recoverySourceEnd]SourceTotal
	var cur money.Amount
	for i, r := range rs {
		if !r.WrittenOff || r.Day.Before(from) || r.Day.After(to) {
			continue
		}
		if r.Source == 0 || r.Source >= recoverySourceEnd || !r.Amount.SameCurrency(cur) {
			return nil, fault.Invalid(ErrInvalidInput, fmt.Sprintf("recoveries[%d]", i), fmt.Sprintf("source %d, amount %s: a defined source, amounts in one currency", r.Source, r.Amount))
		}
		cur = money.Zero(r.Amount.Currency())
		t := &by[r.Source]
		t.Source, t.Count, t.Amount = r.Source, t.Count+1, t.Amount.Add(r.Amount)
	}
	out := []SourceTotal{}
	for _, t := range by {
		if t.Count > 0 {
			out = append(out, t)
		}
	}
	return out, nil
}
