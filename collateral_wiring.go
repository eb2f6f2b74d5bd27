package lendcore

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
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
		e.collateral = &guardedRegister{reg: r, announced: map[any]any{}}
		return nil
	}
}

// guardedRegister serialises access to the host's register, which is not
// safe for concurrent use.
type guardedRegister struct {
	mu  sync.Mutex
	reg *collateral.Register
	// announced holds what the register last reported about each standing
	// condition (a loan's coverage action, a revaluation the host has not
	// done, a guarantor alert),
	// so one that persists day after day is announced when it arises or
	// changes, not every day. It lives in memory: after a restart each
	// standing condition is announced once more, which the outbox's
	// at-least-once delivery allows for.
	announced map[any]any
}

// coverageKey, revaluationKey and alertKey name a standing condition in
// announced.
type (
	coverageKey    struct{ loan uuid.UUID }
	revaluationKey struct{ item uuid.UUID }
	alertKey       struct {
		guarantor, guarantee uuid.UUID
		kind                 collateral.AlertKind
	}
)

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

// openStatuses are the statuses of loans that carry an exposure.
var openStatuses = []string{loan.Active.String(), loan.Accelerated.String()}

// closeCollateral evaluates the register for day over the exposures of the
// loans on the books, after every batch of the day is written, and adds the
// actions, revaluations due and guarantor alerts to the outbox. Keys are
// derived from the day and subject, so a re-run adds nothing twice.
//
// exposures are the open loans the day's batches closed, in id order; nil
// when some were not closed in this run (a resumed day), and the loans are
// then read from the store.
func (e *Engine) closeCollateral(ctx context.Context, day date.Date, exposures []collateral.Exposure) (int, error) {
	if e.collateral == nil {
		return 0, nil
	}
	if exposures == nil {
		for rec, err := range e.store.Loans().Scan(ctx, storage.LoanFilter{NoDocument: true, Statuses: openStatuses}) {
			if err != nil {
				return 0, err
			}
			st, err := e.cache.state(&rec) // decoded once, not every day
			if err != nil {
				return 0, err
			}
			exposures = append(exposures, collateral.Exposure{LoanID: rec.ID, Outstanding: st.Balance})
		}
	}
	var msgs []storage.Message
	present := map[any]any{} // the standing conditions of the day
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
			if !e.collateral.changed(present, coverageKey{c.LoanID}, summarize(c)) {
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
			if !e.collateral.changed(present, revaluationKey{due.ItemID}, due) {
				continue
			}
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
			if !e.collateral.changed(present, alertKey{a.GuarantorID, a.GuaranteeID, a.Kind}, a) {
				continue
			}
			key := fmt.Sprintf("collateral/guarantor/%s/%s/%s/%s", a.GuarantorID, a.GuaranteeID, a.Kind, day)
			m, err := message(TopicCollateral, key, a.LoanID, day, CollateralEvent{Kind: "guarantor-alert", Alert: &alerts[i]})
			if err != nil {
				return err
			}
			msgs = append(msgs, m)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	n := 0
	if len(msgs) > 0 {
		if n, err = e.store.Outbox().Add(ctx, msgs...); err != nil {
			return 0, err
		}
	}
	// Conditions that ended are forgotten, so one that comes back is
	// announced again.
	e.collateral.mu.Lock()
	e.collateral.announced = present
	e.collateral.mu.Unlock()
	return n, nil
}

// coverageSummary is the comparable part of a loan's coverage: a change in
// any of it is news (the list of stale items counts by its length).
type coverageSummary struct {
	outstanding, market, lending, shortfall money.Amount
	action                                  collateral.Action
	call                                    collateral.CallStatus
	deadline                                date.Date
	items, stale                            int
}

func summarize(c *collateral.LoanCoverage) coverageSummary {
	return coverageSummary{c.Outstanding, c.MarketValue, c.LendingValue, c.Shortfall, c.Action, c.CallStatus,
		c.CallDeadline, c.Items, len(c.Stale)}
}

// changed records v as the day's report on the standing condition k and
// reports whether it differs from the one last announced (see
// guardedRegister.announced).
func (g *guardedRegister) changed(present map[any]any, k, v any) bool {
	present[k] = v
	return g.announced[k] != v
}
