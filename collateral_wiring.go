package lendcore

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

// WithCollateral hands the Engine the host's collateral and guarantor
// register. The daily close then evaluates, for every day it closes, the
// coverage of the loans it services (raising, escalating and closing margin
// calls), lists the revaluations due and the guarantor alerts, and writes
// them to the outbox under topic "collateral". The register stays the
// host's: lendcore has no storage port for it yet, so the host persists it
// and serialises its own changes with the close through Engine.Collateral.
func WithCollateral(r *collateral.Register) Option {
	return func(e *Engine) error {
		if r == nil {
			return fmt.Errorf("%w: nil collateral register", ErrInvalidOption)
		}
		e.collateral = &guardedRegister{reg: r}
		return nil
	}
}

// guardedRegister serialises access to the host's register, which is not
// safe for concurrent use.
type guardedRegister struct {
	mu  sync.Mutex
	reg *collateral.Register
}

// Collateral runs fn with exclusive use of the register given by
// WithCollateral (none: ErrInvalidOption), so a host's valuation or release
// never interleaves with the daily close's evaluation.
func (e *Engine) Collateral(fn func(*collateral.Register) error) error {
	if e.collateral == nil {
		return fmt.Errorf("%w: the Engine has no collateral register (WithCollateral)", ErrInvalidOption)
	}
	e.collateral.mu.Lock()
	defer e.collateral.mu.Unlock()
	return fn(e.collateral.reg)
}

// CollateralEvent is an outbox record of topic "collateral".
type CollateralEvent struct {
	Kind        string                     `json:"kind"` // "coverage", "revaluation-due", "guarantor-alert"
	Coverage    *collateral.LoanCoverage   `json:"coverage,omitempty"`
	Revaluation *collateral.DueRevaluation `json:"revaluation,omitempty"`
	Alert       *collateral.Alert          `json:"alert,omitempty"`
}

// closeCollateral evaluates the register for day over the exposures of the
// loans on the books, after every batch of the day is written, and adds the
// actions, revaluations due and guarantor alerts to the outbox. Keys are
// derived from the day and subject, so a re-run adds nothing twice.
func (e *Engine) closeCollateral(ctx context.Context, day date.Date) (int, error) {
	if e.collateral == nil {
		return 0, nil
	}
	var exposures []collateral.Exposure
	for rec, err := range e.store.Loans().Scan(ctx, storage.LoanFilter{NoDocument: true, Statuses: []string{
		loan.Active.String(), loan.Accelerated.String()}}) {
		if err != nil {
			return 0, err
		}
		st, err := e.cache.state(&rec) // decoded once, not every day
		if err != nil {
			return 0, err
		}
		exposures = append(exposures, collateral.Exposure{LoanID: rec.ID, Outstanding: st.Balance})
	}
	var msgs []storage.Message
	err := e.Collateral(func(r *collateral.Register) error {
		cov, err := r.Evaluate(day, exposures)
		if err != nil {
			return err
		}
		for i := range cov {
			c := &cov[i]
			if c.Items == 0 || c.Action == collateral.ActionNone {
				continue
			}
			m, err := message(TopicCollateral, fmt.Sprintf("collateral/%s/%s/coverage", c.LoanID, day), c.LoanID, day,
				CollateralEvent{Kind: "coverage", Coverage: c})
			if err != nil {
				return err
			}
			msgs = append(msgs, m)
		}
		for _, due := range r.DueRevaluations(day) {
			m, err := message(TopicCollateral, fmt.Sprintf("collateral/item/%s/%s/revaluation", due.ItemID, day), uuid.Nil, day,
				CollateralEvent{Kind: "revaluation-due", Revaluation: &due})
			if err != nil {
				return err
			}
			msgs = append(msgs, m)
		}
		alerts, err := r.GuarantorAlerts(day, exposures)
		if err != nil {
			return err
		}
		for i, a := range alerts {
			key := fmt.Sprintf("collateral/guarantor/%s/%s/%s/%s", a.GuarantorID, a.GuaranteeID, a.Kind, day)
			m, err := message(TopicCollateral, key, a.LoanID, day, CollateralEvent{Kind: "guarantor-alert", Alert: &alerts[i]})
			if err != nil {
				return err
			}
			msgs = append(msgs, m)
		}
		return nil
	})
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	return e.store.Outbox().Add(ctx, msgs...)
}
