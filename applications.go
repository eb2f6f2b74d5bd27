package lendcore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

// Submit files a loan application. The request is validated in full; an
// invalid one returns a *fault.Fields and stores nothing.
//
// Submitting the same request again (a retry after a lost answer) returns
// the stored application, in whatever status it has reached since; a
// different request under an id already used is storage.ErrDuplicate.
func (e *Engine) Submit(ctx context.Context, r loan.Request) (*loan.Application, error) {
	app, err := loan.NewApplication(r)
	if err != nil {
		return nil, err
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
	return e.updateApplication(ctx, id, "approve", func(a *loan.Application) error {
		return a.Approve(act, e.approvalPolicy(), exp)
	})
}

// approvalPolicy returns the Engine's approval policy with the compliance
// rules' penalty policy, when they leave it out, the servicing policy's: a
// rate cap on nominal plus penalty checks the penalty the loans will bear.
func (e *Engine) approvalPolicy() loan.ApprovalPolicy {
	p := e.policies.Approval
	if p.Compliance.Penalty == nil {
		pen := e.policies.Servicing.Penalty
		p.Compliance.Penalty = &pen
	}
	return p
}

// Reject refuses an application.
func (e *Engine) Reject(ctx context.Context, id uuid.UUID, act loan.Action) (*loan.Application, error) {
	return e.updateApplication(ctx, id, "reject", func(a *loan.Application) error { return a.Reject(act) })
}

// Withdraw withdraws an application at the applicant's request.
func (e *Engine) Withdraw(ctx context.Context, id uuid.UUID, act loan.Action) (*loan.Application, error) {
	return e.updateApplication(ctx, id, "withdraw", func(a *loan.Application) error { return a.Withdraw(act) })
}

// Cancel cancels an approved application before disbursement.
func (e *Engine) Cancel(ctx context.Context, id uuid.UUID, act loan.Action) (*loan.Application, error) {
	return e.updateApplication(ctx, id, "cancel", func(a *loan.Application) error { return a.Cancel(act) })
}

// Application returns a stored application. Errors: storage.ErrNotFound.
func (e *Engine) Application(ctx context.Context, id uuid.UUID) (*loan.Application, error) {
	rec, err := e.store.Applications().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return rec.Decode()
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

func (e *Engine) updateApplication(ctx context.Context, id uuid.UUID, what string, apply func(*loan.Application) error) (*loan.Application, error) {
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
		if err := apply(app); err != nil {
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
