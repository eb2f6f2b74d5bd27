package line

import (
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// Draw is a request to draw on the line: a loan with its own terms,
// approved by the line's rules rather than a full application.
type Draw struct {
	// Loan is the new loan's id (and its application's).
	Loan uuid.UUID `json:"loan"`
	// Terms are the loan's terms; Terms.Start is the drawdown's day and
	// Terms.Principal its amount.
	Terms schedule.Terms `json:"terms"`
	// By is who asks for the drawdown (an officer, or the channel the
	// borrower used); it may not be the line itself.
	By  string `json:"by"`
	Key string `json:"idempotency_key"`
}

// Draw records a drawdown on the line, checked by the line's rules: the
// line is Active; the request is well formed; its currency is the
// line's; it starts within the validity; its terms are within Allowed;
// and its principal is within what is available (outstanding is the
// outstanding principal of the line's loans on the start day; a
// non-revolving line ignores it).
//
// Errors, each leaving the line unchanged: *fault.Transition when the
// line is not Active; *fault.Fields wrapping ErrInvalidInput naming every
// bad field; *fault.Fields wrapping ErrUnavailable naming
// "terms.principal" when the principal is above the available amount.
func (l *Line) Draw(d Draw, outstanding money.Amount) error {
	if _, err := l.next(EventDraw); err != nil {
		return err
	}
	v := fault.Fields{Kind: ErrInvalidInput}
	l.check(&d, &v)
	if err := v.Err(); err != nil {
		return err
	}
	t := &d.Terms
	if avail := l.Available(t.Start, outstanding); t.Principal.Cmp(avail) > 0 {
		return fault.Invalid(ErrUnavailable, "terms.principal",
			fmt.Sprintf("%s is above the %s available on the line", t.Principal.Number(), avail.Number()))
	}
	l.drawdowns = append(l.drawdowns, Drawdown{Loan: d.Loan, Amount: t.Principal, On: t.Start, By: d.By, Key: d.Key})
	return nil
}

// check reports every field of d the line refuses.
func (l *Line) check(d *Draw, v *fault.Fields) {
	if d.Loan == uuid.Nil {
		v.Add("loan", "is missing")
	} else if d.Loan == l.terms.ID || containsLoan(l.drawdowns, d.Loan) {
		v.Add("loan", "is already used on the line")
	}
	if d.By == "" {
		v.Add("by", "is missing")
	} else if d.By == Approver(l.terms.ID) {
		v.Add("by", "is the line's own approver")
	}
	if d.Key == "" {
		v.Add("idempotency_key", "is missing")
	} else if _, dup := l.DrawdownByKey(d.Key); dup {
		v.Add("idempotency_key", "is already used on the line")
	}
	t := &d.Terms
	if err := t.Validate(); err != nil {
		if !v.Merge("terms", err) {
			v.Add("terms", err.Error())
		}
		return
	}
	cur := l.Currency()
	if t.Principal.Currency() != cur {
		v.Add("terms.principal", "is in "+t.Principal.Currency().Code()+", the line in "+cur.Code())
		return
	}
	if t.Start.Before(l.terms.From) || t.Start.After(l.terms.Until) {
		v.Add("terms.start", fmt.Sprintf("is outside the line's validity %s to %s", l.terms.From, l.terms.Until))
	}
	a := &l.terms.Allowed
	if !a.MinAmount.IsZero() && t.Principal.Cmp(a.MinAmount) < 0 {
		v.Add("terms.principal", "is below the line's minimum drawdown "+a.MinAmount.Number())
	}
	if !a.MaxAmount.IsZero() && t.Principal.Cmp(a.MaxAmount) > 0 {
		v.Add("terms.principal", "is above the line's maximum drawdown "+a.MaxAmount.Number())
	}
	if t.AnnualRate.Cmp(a.MinRate) < 0 {
		v.Add("terms.annual_rate", "is below the line's minimum "+a.MinRate.Percent(4))
	}
	if !a.MaxRate.IsZero() && t.AnnualRate.Cmp(a.MaxRate) > 0 {
		v.Add("terms.annual_rate", "is above the line's maximum "+a.MaxRate.Percent(4))
	}
	if len(a.Methods) > 0 && !slices.Contains(a.Methods, t.Method) {
		v.Add("terms.method", t.Method.String()+" is not allowed on the line")
	}
	if a.MinTerm.IsZero() && a.MaxTerm.IsZero() && !a.WithinValidity {
		return
	}
	s, err := schedule.Generate(*t)
	if err != nil || len(s.Installments) == 0 {
		v.Add("terms", "has no schedule")
		return
	}
	maturity := s.Installments[len(s.Installments)-1].Due
	if !a.MinTerm.IsZero() && maturity.Before(a.MinTerm.From(t.Start)) {
		v.Add("terms.periods", fmt.Sprintf("matures on %s, before the line's minimum term %s", maturity, a.MinTerm))
	}
	if !a.MaxTerm.IsZero() && maturity.After(a.MaxTerm.From(t.Start)) {
		v.Add("terms.periods", fmt.Sprintf("matures on %s, after the line's maximum term %s", maturity, a.MaxTerm))
	}
	if a.WithinValidity && maturity.After(l.terms.Until) {
		v.Add("terms.periods", fmt.Sprintf("matures on %s, after the line's validity ends on %s", maturity, l.terms.Until))
	}
}

func containsLoan(ds []Drawdown, id uuid.UUID) bool {
	return slices.ContainsFunc(ds, func(d Drawdown) bool { return d.Loan == id })
}

// Approver is the officer id under which a line approves its drawdowns'
// applications ("line:<id>"): the approval the application records, and
// an id no person may use to ask for a drawdown.
func Approver(id uuid.UUID) string { return "line:" + id.String() }

// Request returns the loan application a drawdown files: the line's
// borrower, purpose and dossier with the drawdown's terms, submitted by
// the one who asked for it on its start day, naming the line. The Engine approves it under
// ApprovalPolicy.
func (l *Line) Request(d Draw) loan.Request {
	return loan.Request{ID: d.Loan, Terms: d.Terms, Borrower: l.terms.Borrower, BorrowerKind: l.terms.BorrowerKind,
		Purpose: l.terms.Purpose, Dossier: l.Terms().Dossier, SubmittedBy: d.By, SubmittedOn: d.Terms.Start,
		Line: l.terms.ID}
}

// ApprovalPolicy returns the approval policy a drawdown's application is
// approved under: the host's compliance rules (the borrower's limits, the
// rate cap) and, as the only officer, the line itself (Approver) with the
// authority of amount, the drawdown's own principal that Draw checked
// against what the line has available.
func (l *Line) ApprovalPolicy(compliance loan.CompliancePolicy, amount money.Amount) loan.ApprovalPolicy {
	return loan.ApprovalPolicy{Compliance: compliance,
		Authority: loan.AuthorityPolicy{Officers: []loan.Officer{{ID: Approver(l.terms.ID), Limit: amount}}}}
}
