package lendcore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

// Submit files a loan application. The request is validated in full; an
// invalid one returns a *fault.Fields and stores nothing.
//
// Submitting the same request again (a retry after a lost answer) returns
// the stored application, in whatever status it has reached since; a
// different request under an id already used is storage.ErrDuplicate.
//
// An application that names a product (Request.Product) is checked against
// it: the product and version must be published, the segment declared and
// the terms in the product's ranges; every bad field comes back at once
// with the request's own. A request naming no version gets the latest,
// fixed in the stored application, so the loan's product never changes
// silently.
func (e *Engine) Submit(ctx context.Context, r loan.Request) (*loan.Application, error) {
	var outside error
	if !r.Product.IsZero() {
		r.Product, outside = e.checkProduct(ctx, &r)
	}
	app, err := loan.NewApplication(r)
	if err != nil || outside != nil {
		return nil, joinFields(err, outside)
	}
	rec, err := storage.FromApplication(app)
	if err != nil {
		return nil, err
	}
	if err := e.store.Applications().Create(ctx, rec); err != nil {
		if errors.Is(err, storage.ErrDuplicate) {
			return e.resubmitted(ctx, app, err)
		}
		return nil, err
	}
	e.log.Info("application submitted", "application", app.ID(), "amount", r.Terms.Principal.String())
	return app, nil
}

// Approve records an officer's approval (or committee vote) under the
// Engine's approval policy; exp is the borrower's existing exposure.
func (e *Engine) Approve(ctx context.Context, id uuid.UUID, act loan.Action, exp loan.Exposure) (*loan.Application, error) {
	return e.updateApplication(ctx, id, "approve", func(tx storage.Tx, a *loan.Application) error {
		p, err := e.policiesOf(ctx, tx, a.Request().Product)
		if err != nil {
			return err
		}
		return a.Approve(act, p.approvalPolicy(), exp)
	})
}

// approvalPolicy returns the approval policy with the compliance
// rules' penalty policy, when they leave it out, the servicing policy's: a
// rate cap on nominal plus penalty checks the penalty the loans will bear.
func (s *policySet) approvalPolicy() loan.ApprovalPolicy {
	p := s.Approval
	if p.Compliance.Penalty == nil {
		pen := s.Servicing.Penalty
		p.Compliance.Penalty = &pen
	}
	return p
}

// Reject refuses an application.
func (e *Engine) Reject(ctx context.Context, id uuid.UUID, act loan.Action) (*loan.Application, error) {
	return e.updateApplication(ctx, id, "reject", func(_ storage.Tx, a *loan.Application) error { return a.Reject(act) })
}

// Withdraw withdraws an application at the applicant's request.
func (e *Engine) Withdraw(ctx context.Context, id uuid.UUID, act loan.Action) (*loan.Application, error) {
	return e.updateApplication(ctx, id, "withdraw", func(_ storage.Tx, a *loan.Application) error { return a.Withdraw(act) })
}

// Cancel cancels an approved application before disbursement.
func (e *Engine) Cancel(ctx context.Context, id uuid.UUID, act loan.Action) (*loan.Application, error) {
	return e.updateApplication(ctx, id, "cancel", func(_ storage.Tx, a *loan.Application) error { return a.Cancel(act) })
}

// Application returns a stored application. Errors: storage.ErrNotFound.
func (e *Engine) Application(ctx context.Context, id uuid.UUID) (*loan.Application, error) {
	rec, err := e.store.Applications().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return rec.Decode()
}

// joinFields returns the bad fields of both errors in one *fault.Fields
// (of the first's kind), or the one that is not nil; an error that is
// not a *fault.Fields comes back as it is.
func joinFields(a, b error) error {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	var fa, fb *fault.Fields
	if !errors.As(a, &fa) {
		return a
	}
	if !errors.As(b, &fb) {
		return b
	}
	return &fault.Fields{Kind: fa.Kind, List: append(slices.Clone(fa.List), fb.List...)}
}

// resubmitted answers a Submit whose id is taken: the stored application
// when its request is the same as app's, dup otherwise.
func (e *Engine) resubmitted(ctx context.Context, app *loan.Application, dup error) (*loan.Application, error) {
	rec, err := e.store.Applications().Get(ctx, app.ID())
	if err != nil {
		return nil, dup
	}
	stored, err := rec.Decode()
	if err != nil {
		return nil, err
	}
	a, errA := json.Marshal(stored.Request())
	b, errB := json.Marshal(app.Request())
	if errA != nil || errB != nil || !bytes.Equal(a, b) {
		return nil, fmt.Errorf("%w: application %s was submitted with another request", dup, app.ID())
	}
	return stored, nil
}

func (e *Engine) updateApplication(ctx context.Context, id uuid.UUID, what string, apply func(storage.Tx, *loan.Application) error) (*loan.Application, error) {
	var out *loan.Application
	err := e.command(ctx, what, func(tx storage.Tx) error {
		rec, err := tx.Applications().Get(ctx, id)
		if err != nil {
			return err
		}
		app, err := rec.Decode()
		if err != nil {
			return err
		}
		if err := apply(tx, app); err != nil {
			return err
		}
		next, err := storage.FromApplication(app)
		if err != nil {
			return err
		}
		next.Version, next.LoanID = rec.Version, rec.LoanID
		if _, err := tx.Applications().Update(ctx, next); err != nil {
			return err
		}
		out = app
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.log.Info("application "+what, "application", id, "status", out.Status().String())
	return out, nil
}
