package loan

import (
	"fmt"

	"github.com/lendcore/lendcore/fault"
)

// Approve records officer act.Officer's approval, checked against p: the
// compliance rules (given the borrower's exposure), then the officer's
// authority. A principal within the officer's limit is approved at once.
// Above it, a committee member's approval is a vote, and the application
// becomes Approved when CommitteeApprovals distinct members have voted.
//
// Errors, each leaving the application unchanged: *fault.Transition when it
// is not Submitted; *fault.Fields for a bad action, policy or exposure;
// *ComplianceError naming the broken rules; *AuthorityError when the
// officer is unknown, filed or investigated the application, already
// voted, or lacks the authority.
func (a *Application) Approve(act Action, p ApprovalPolicy, exp Exposure) error {
	if _, err := a.next(EventApprove); err != nil {
		return err
	}
	v := fault.Fields{Kind: ErrInvalidInput}
	a.validateAction(act, false, &v)
	if err := v.Err(); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if err := a.checkCurrency(&p.Authority); err != nil {
		return err
	}
	if err := p.Compliance.Check(a, exp); err != nil {
		return err
	}
	outcome, err := a.authorise(act.Officer, &p.Authority)
	if err != nil {
		return err
	}
	a.record(EventApprove, act, outcome)
	return nil
}

// authorise applies the four-eyes and authority rules and returns the status
// the approval leads to.
func (a *Application) authorise(id string, p *AuthorityPolicy) (Status, error) {
	deny := func(r AuthorityRule, format string, args ...any) (Status, error) {
		return a.status, &AuthorityError{Officer: id, Rule: r, Detail: fmt.Sprintf(format, args...)}
	}
	o, ok := p.officer(id)
	switch {
	case !ok:
		return deny(RuleUnknownOfficer, "not an officer of the authority policy")
	case id == a.req.SubmittedBy:
		return deny(RuleFourEyesSubmitter, "may not approve an application they submitted")
	case a.req.Dossier.investigated(id):
		return deny(RuleFourEyesInvestigator, "may not approve an application they investigated")
	case a.votedBy(id):
		return deny(RuleDuplicateVote, "has already approved this application")
	}
	principal := a.req.Terms.Principal
	if principal.Cmp(o.Limit) <= 0 {
		return Approved, nil
	}
	if !o.Committee || p.CommitteeApprovals == 0 {
		return deny(RuleAboveLimit, "%s exceeds the officer's limit %s", principal.Number(), o.Limit.Number())
	}
	if !p.CommitteeLimit.IsZero() && principal.Cmp(p.CommitteeLimit) > 0 {
		return deny(RuleAboveLimit, "%s exceeds the committee's limit %s", principal.Number(), p.CommitteeLimit.Number())
	}
	if len(a.Approvers())+1 >= p.CommitteeApprovals {
		return Approved, nil
	}
	return Submitted, nil
}

func (a *Application) votedBy(id string) bool {
	for _, d := range a.decisions {
		if d.Event == EventApprove && d.Officer == id {
			return true
		}
	}
	return false
}

// checkCurrency makes sure the policy's limits are in the application's
// currency, so no comparison mixes currencies.
func (a *Application) checkCurrency(p *AuthorityPolicy) error {
	v := fault.Fields{Kind: ErrInvalidInput}
	cur := a.req.Terms.Principal.Currency()
	for i, o := range p.Officers {
		if !o.Limit.SameCurrency(a.req.Terms.Principal) {
			v.Add(fmt.Sprintf("authority.officers[%d].limit", i), "is not in the application's currency "+cur.Code())
		}
	}
	if !p.CommitteeLimit.SameCurrency(a.req.Terms.Principal) {
		v.Add("authority.committee_limit", "is not in the application's currency "+cur.Code())
	}
	return v.Err()
}

// Reject refuses the application (final). A reason is required.
func (a *Application) Reject(act Action) error { return a.decide(EventReject, act, true) }

// Withdraw records that the applicant withdrew the application, before or
// after approval but before disbursement (final).
func (a *Application) Withdraw(act Action) error { return a.decide(EventWithdraw, act, false) }

// Cancel cancels an approved application before disbursement (final). A
// reason is required.
func (a *Application) Cancel(act Action) error { return a.decide(EventCancel, act, true) }

// Disburse pays out an approved application: it creates the serviced Loan
// (New with the application's id and terms and the servicing policy p),
// posts e — a Disbursement entry of the full principal on the terms' start
// date — as the first line of its journal, and moves the application to
// Active. From here on the loan is serviced through its journal.
//
// On error the application is unchanged and no loan is returned: a
// *fault.Transition unless the application is Approved; a *fault.Fields
// for a bad entry, policy, or a date before the last decision.
func (a *Application) Disburse(e Entry, p Policy) (*Loan, error) {
	to, err := a.next(EventDisburse)
	if err != nil {
		return nil, err
	}
	act := Action{Officer: e.Actor, On: e.ValueDate, Reason: e.Reason}
	v := fault.Fields{Kind: ErrInvalidInput}
	if e.Kind != Disbursement {
		v.Add("kind", "must be disbursement")
	}
	a.validateAction(act, false, &v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	l, err := New(a.req.ID, a.req.Terms, p)
	if err != nil {
		return nil, err
	}
	if _, err := l.Post(e); err != nil {
		return nil, err
	}
	a.record(EventDisburse, act, to)
	return l, nil
}

func (a *Application) decide(e Event, act Action, needReason bool) error {
	to, err := a.next(e)
	if err != nil {
		return err
	}
	v := fault.Fields{Kind: ErrInvalidInput}
	a.validateAction(act, needReason, &v)
	if err := v.Err(); err != nil {
		return err
	}
	a.record(e, act, to)
	return nil
}

// validateAction checks the actor, the date (not before the submission nor
// before the last decision: decisions are recorded in order) and the reason.
func (a *Application) validateAction(act Action, needReason bool, v *fault.Fields) {
	if act.Officer == "" {
		v.Add("officer", "is missing")
	}
	switch {
	case act.On.IsZero():
		v.Add("on", "is missing")
	case act.On.Before(a.req.SubmittedOn):
		v.Add("on", fmt.Sprintf("%s is before the submission on %s", act.On, a.req.SubmittedOn))
	case len(a.decisions) > 0 && act.On.Before(a.decisions[len(a.decisions)-1].On):
		v.Add("on", fmt.Sprintf("%s is before the last decision on %s", act.On, a.decisions[len(a.decisions)-1].On))
	}
	if needReason && act.Reason == "" {
		v.Add("reason", "is required")
	}
}

// next returns the status event e leads to in the application's
// lifecycle, or a *fault.Transition.
func (a *Application) next(e Event) (Status, error) { return applicationLifecycle.Next(a.status, e) }

func (a *Application) record(e Event, act Action, outcome Status) {
	a.decisions = append(a.decisions, Decision{Event: e, Officer: act.Officer, On: act.On, Reason: act.Reason, Outcome: outcome})
	a.status = outcome
}
