package loan

import (
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/schedule"
)

// BorrowerKind says whether the borrower is a natural person or an
// organisation; borrowing limits differ between the two.
type BorrowerKind uint8

// Borrower kinds.
const (
	Individual  BorrowerKind = iota + 1 // natural person (自然人)
	LegalEntity                         // legal person or other organisation (法人或其他组织)
)

var borrowerKindNames = enum.New[BorrowerKind](ErrInvalidInput, "borrower_kind",
	"", "individual", "legal-entity")

// String returns the kind's name used in JSON.
func (k BorrowerKind) String() string { return borrowerKindNames.String(k) }

func (k BorrowerKind) valid() bool { return borrowerKindNames.Valid(k) }

// MarshalText encodes the kind's name.
func (k BorrowerKind) MarshalText() ([]byte, error) { return borrowerKindNames.MarshalText(k) }

// UnmarshalText decodes "individual" or "legal-entity"; on an error k is unchanged.
func (k *BorrowerKind) UnmarshalText(b []byte) error { return borrowerKindNames.UnmarshalText(b, k) }

// Request is what the submitting officer files: the terms, who borrows, what
// for, what secures the loan, and the pre-loan investigation. It becomes an
// Application with NewApplication, which validates every field.
type Request struct {
	// ID identifies the application and, after disbursement, the loan. The
	// host generates it (the domain never draws random numbers).
	ID uuid.UUID `json:"id"`
	// Terms are the proposed repayment terms; Terms.Principal carries the
	// currency and the amount applied for.
	Terms schedule.Terms `json:"terms"`
	// Borrower is the host's id of the borrower.
	Borrower     uuid.UUID    `json:"borrower"`
	BorrowerKind BorrowerKind `json:"borrower_kind"`
	// Purpose is the declared use of the funds, one of the codes the
	// CompliancePolicy allows (e.g. "consumption", "working-capital").
	Purpose string `json:"purpose"`
	// Guarantees and Collateral reference guarantor and collateral records
	// kept elsewhere (package collateral); they may be empty for an
	// unsecured loan.
	Guarantees []uuid.UUID `json:"guarantees,omitempty"`
	Collateral []uuid.UUID `json:"collateral,omitempty"`
	// Line is the credit line the loan is drawn under (package line), the
	// line's own approval standing for a full one; uuid.Nil for a loan
	// applied for on its own.
	Line uuid.UUID `json:"line,omitzero"`
	// Dossier is the pre-loan investigation (贷前调查).
	Dossier Dossier `json:"dossier"`
	// SubmittedBy is the officer filing the application; SubmittedOn the
	// filing date. Decisions may not be dated before it.
	SubmittedBy string    `json:"submitted_by"`
	SubmittedOn date.Date `json:"submitted_on"`
	// Product is the lender's product the application is for, its version
	// and the borrower's segment; the zero ProductRef when the lender runs
	// one set of policies. The Engine checks the terms against the
	// product and fixes the version when the application is filed.
	Product ProductRef `json:"product,omitzero"`
}

// ProductRef names a version of a lender's product and a customer segment
// in it. The products themselves live above this package (lendcore.Product):
// a loan only records which it belongs to.
type ProductRef struct {
	// Name is the product's name; "" for none.
	Name string `json:"name"`
	// Version is the product version; 0 in a request means the latest.
	Version int `json:"version,omitempty"`
	// Segment is the borrower's segment in the product ("vip"); "" for
	// none.
	Segment string `json:"segment,omitempty"`
}

// IsZero reports whether r names no product.
func (r ProductRef) IsZero() bool { return r == ProductRef{} }

// validate reports every bad field of r into v.
func (r *Request) validate(v *fault.Fields) {
	if r.ID == uuid.Nil {
		v.Add("id", "is missing")
	}
	validateTerms(&r.Terms, "terms", v)
	if r.Borrower == uuid.Nil {
		v.Add("borrower", "is missing")
	}
	if !r.BorrowerKind.valid() {
		v.Add("borrower_kind", "must be individual or legal-entity")
	}
	if r.Purpose == "" {
		v.Add("purpose", "is missing")
	}
	validateRefs(r.Guarantees, "guarantees", v)
	validateRefs(r.Collateral, "collateral", v)
	r.Dossier.validate("dossier", v)
	if r.SubmittedBy == "" {
		v.Add("submitted_by", "is missing")
	}
	if r.SubmittedOn.IsZero() {
		v.Add("submitted_on", "is missing")
	}
	if !r.SubmittedOn.IsZero() && !r.Dossier.SignedOn.IsZero() && r.Dossier.SignedOn.After(r.SubmittedOn) {
		v.Add("dossier.signed_on", "is after the submission date")
	}
}

func validateRefs(ids []uuid.UUID, field string, v *fault.Fields) {
	for i, id := range ids {
		switch {
		case id == uuid.Nil:
			v.Add(fmt.Sprintf("%s[%d]", field, i), "is the nil id")
		case slices.Contains(ids[:i], id):
			v.Add(fmt.Sprintf("%s[%d]", field, i), "repeats an earlier reference")
		}
	}
}

// validateTerms checks the terms with schedule's own validation (the one
// schedule.Generate applies), naming each bad field under the given prefix
// ("terms.annual_rate").
func validateTerms(t *schedule.Terms, field string, v *fault.Fields) {
	if err := t.Validate(); err != nil && !v.Merge(field, err) {
		v.Add(field, err.Error())
	}
}

// Application is a loan application on its way through review: the filed
// Request, its status in the loan lifecycle (Submitted, Approved, Rejected,
// Withdrawn, Cancelled, then Active once disbursed) and every decision taken
// on it. Its state changes only through its methods, each of which
// validates fully and leaves the application unchanged on error.
type Application struct {
	req       Request
	status    Status
	decisions []Decision
}

// NewApplication validates r and returns a Submitted application. Every bad
// field is listed in a *fault.Fields.
func NewApplication(r Request) (*Application, error) {
	v := fault.Fields{Kind: ErrInvalidInput}
	r.validate(&v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r.Guarantees = slices.Clone(r.Guarantees)
	r.Collateral = slices.Clone(r.Collateral)
	r.Dossier.Findings = slices.Clone(r.Dossier.Findings)
	return &Application{req: r, status: Submitted}, nil
}

// ID returns the application's id.
func (a *Application) ID() uuid.UUID { return a.req.ID }

// Status returns the application's current status.
func (a *Application) Status() Status { return a.status }

// Terms returns the proposed terms.
func (a *Application) Terms() schedule.Terms { return a.req.Terms }

// Request returns a copy of what was filed.
func (a *Application) Request() Request {
	r := a.req
	r.Guarantees = slices.Clone(r.Guarantees)
	r.Collateral = slices.Clone(r.Collateral)
	r.Dossier.Findings = slices.Clone(r.Dossier.Findings)
	return r
}

// Decisions returns a copy of the decisions taken so far, oldest first.
func (a *Application) Decisions() []Decision { return slices.Clone(a.decisions) }

// Approvers returns the distinct officers who voted to approve, in the
// order they voted.
func (a *Application) Approvers() []string {
	var ids []string
	for _, d := range a.decisions {
		if d.Event == EventApprove && !slices.Contains(ids, d.Officer) {
			ids = append(ids, d.Officer)
		}
	}
	return ids
}
