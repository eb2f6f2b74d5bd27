package lendcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// The post-loan risk loop (贷后管理): facts from outside a loan's journal —
// a bankruptcy notice, a fraud finding, overdue debts at other lenders
// from a credit-bureau refresh, litigation, a significant increase in
// credit risk, the findings of an inspection — go into the borrower's
// facts journal (RecordFact, RecordInspection). The daily close folds the
// facts in force on each day into the loan's classification facts, so
// they set the warning level and, by the classification rules, the grade
// and stage; a change of either is an alert (TopicAlert), and a red level
// makes an inspection due at once (the inspection policy). Once every
// loan of a day is closed, the debtor pass applies the debtor-level rules
// over all of a borrower's loans, whatever partitions they fell in, by
// recording a floor in the borrower's journal that the next day's close
// applies to each of them.

// Alert is the payload of an outbox record of topic "alert": a loan's
// early-warning level or risk grade changed (风险预警). Rules are the
// classification and warning rules that set them; Signals the signals in
// force.
type Alert struct {
	Loan          uuid.UUID        `json:"loan"`
	Day           date.Date        `json:"day"`
	Level         classify.Level   `json:"level"`
	PreviousLevel classify.Level   `json:"previous_level,omitzero"`
	Grade         classify.Grade   `json:"grade"`
	PreviousGrade classify.Grade   `json:"previous_grade,omitzero"`
	Stage         classify.Stage   `json:"stage"`
	Signals       classify.Signals `json:"signals,omitzero"`
	Rules         string           `json:"rules,omitempty"`
}

// alertOf returns the alert of a loan's state that moved from prev to s,
// and whether there is one: when the level or the grade changed — or, on
// the loan's first close, when either is above green and normal.
func alertOf(id uuid.UUID, prev, s *LoanState) (Alert, bool) {
	first := prev.Grade == classify.GradeNone
	changed := s.Level != prev.Level || s.Grade != prev.Grade
	if first {
		changed = s.Level > classify.Green || s.Grade > classify.Normal
	}
	if !changed {
		return Alert{}, false
	}
	return Alert{Loan: id, Day: s.Day, Level: s.Level, PreviousLevel: prev.Level, Grade: s.Grade,
		PreviousGrade: prev.Grade, Stage: s.Stage, Signals: s.Signals, Rules: s.Rules}, true
}

// subjectOf is the facts journal of a loan: its borrower's, or its own
// when it names no borrower.
func subjectOf(rec *storage.Loan) uuid.UUID {
	if rec.Borrower != uuid.Nil {
		return rec.Borrower
	}
	return rec.ID
}

// RecordFact records a dated fact about a borrower (f.Loan "") or one of
// their loans (f.Loan that loan's id) in the borrower's facts journal —
// fund-flow monitoring's reports among them (a classify.Inflow over a
// window, a classify.FundUse of the loan's funds; both name the loan); a
// loan that names no borrower has a journal of its own, recorded to with
// its id as borrower. From f.Day on, the daily close reads it. Recording
// the same fact (same key and content) again adds nothing; another fact
// under a stored key is storage.ErrDuplicate.
//
// Bad input changes nothing and is a *fault.Fields (wrapping
// classify.ErrInvalidInput) naming every bad field: an unknown kind, a
// day after the Engine's today, a missing source; a debtor-rule fact
// (the close's own); a borrower with no loan, or a loan that is not the
// borrower's, also wrap storage.ErrNotFound.
func (e *Engine) RecordFact(ctx context.Context, borrower uuid.UUID, f classify.Fact) error {
	bad := &fault.Fields{Kind: classify.ErrInvalidInput}
	bad.Merge("", f.Validate())
	if f.Kind == classify.DebtorRule {
		bad.Add("kind", "debtor-rule facts are recorded by the daily close")
	}
	if f.Kind == classify.Withdrawal {
		bad.Add("kind", "withdraw a fact with WithdrawFact")
	}
	if f.Kind == classify.InspectionFindings || f.Kind == classify.InspectionSignOff {
		bad.Add("kind", "record an inspection with RecordInspection and sign it off with SignOffInspection")
	}
	if today := e.latestToday(); f.Day.After(today) {
		bad.Addf("day", "%s is after today (%s): a fact is recorded once it is known", f.Day, today)
	}
	if err := bad.Err(); err != nil {
		return err
	}
	return e.appendFact(ctx, borrower, f, nil)
}

// WithdrawFact withdraws the fact recorded under key in a borrower's
// journal from day on (a dated correction: the close grades the days
// before as it did). Withdrawing again with the same day, reason and actor
// adds nothing. Errors: a *fault.Fields naming "withdraws" for an unknown
// key or one that is a withdrawal, a debtor-rule fact or a sign-off,
// "day" for a day after today or before the fact's own day, "recorded_by"
// and "source" when missing; storage.ErrNotFound for a borrower with no
// facts.
func (e *Engine) WithdrawFact(ctx context.Context, borrower uuid.UUID, key string, day date.Date, recordedBy, reason string) error {
	w := classify.Fact{Kind: classify.Withdrawal, Key: "withdraw/" + key, Withdraws: key, Day: day,
		Source: "correction", Reference: reason, RecordedBy: recordedBy}
	bad := &fault.Fields{Kind: classify.ErrInvalidInput}
	bad.Merge("", w.Validate())
	if reason == "" {
		bad.Add("reason", "must say why the fact is withdrawn")
	}
	if today := e.latestToday(); day.After(today) {
		bad.Addf("day", "%s is after today (%s)", day, today)
	}
	if err := bad.Err(); err != nil {
		return err
	}
	return e.appendFact(ctx, borrower, w, func(journal []classify.Fact, w *classify.Fact) error {
		for _, f := range journal {
			if f.Key != key {
				continue
			}
			if f.Kind == classify.Withdrawal || f.Kind == classify.DebtorRule || f.Kind == classify.InspectionSignOff {
				// A sign-off stands with its inspection's record: it is
				// not a fact about the borrower to correct.
				return fault.Invalid(classify.ErrInvalidInput, "withdraws", "names a "+f.Kind.String()+", not a fact")
			}
			if day.Before(f.Day) {
				return fault.Invalid(classify.ErrInvalidInput, "day", fmt.Sprintf("%s is before the fact's day %s", day, f.Day))
			}
			w.Loan = f.Loan
			return nil
		}
		return fault.Invalid(classify.ErrInvalidInput, "withdraws", fmt.Sprintf("no fact %q in the journal", key))
	})
}

// appendFact appends f to borrower's journal in one command, after check
// (given the journal as read) when set.
func (e *Engine) appendFact(ctx context.Context, borrower uuid.UUID, f classify.Fact,
	check func(journal []classify.Fact, f *classify.Fact) error) error {
	return e.command(ctx, "record fact", func(tx storage.Tx) error {
		if err := e.checkSubject(ctx, tx, borrower, f.Loan); err != nil {
			return err
		}
		j, err := tx.Facts().Get(ctx, borrower)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		x := f
		if check != nil {
			journal, err := decodeFacts(j.Facts)
			if err != nil {
				return err
			}
			if err := check(journal, &x); err != nil {
				return err
			}
		}
		return appendFacts(ctx, tx, borrower, j.Version, x)
	})
}

// appendFacts writes facts to a journal read at version.
func appendFacts(ctx context.Context, tx storage.Tx, subject uuid.UUID, version int64, facts ...classify.Fact) error {
	a := storage.FactAppend{Subject: subject, ExpectedVersion: version}
	for _, f := range facts {
		doc, err := json.Marshal(f)
		if err != nil {
			return err
		}
		var loanID uuid.UUID
		if f.Loan != "" {
			loanID = uuid.MustParse(f.Loan) // checked by checkSubject
		}
		a.Facts = append(a.Facts, storage.Fact{Key: f.Key, LoanID: loanID, Day: f.Day, Kind: f.Kind.String(), Payload: doc})
	}
	_, _, err := tx.Facts().Append(ctx, a)
	return err
}

// checkSubject checks that borrower is known — one of their loans is
// stored, or borrower is a loan that names no borrower — and that loan,
// when set, is one of theirs.
func (e *Engine) checkSubject(ctx context.Context, tx storage.Tx, borrower uuid.UUID, loanID string) error {
	if loanID != "" {
		id, err := uuid.Parse(loanID)
		if err != nil {
			return fault.Invalid(classify.ErrInvalidInput, "loan", "is not a loan id")
		}
		rec, err := tx.Loans().Get(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("%w: %w", storage.ErrNotFound, fault.Invalid(classify.ErrInvalidInput, "loan", "unknown loan "+loanID))
		}
		if err != nil {
			return err
		}
		if subjectOf(&rec) != borrower {
			return fmt.Errorf("%w: %w", storage.ErrNotFound,
				fault.Invalid(classify.ErrInvalidInput, "loan", "loan "+loanID+" is not the borrower's"))
		}
		return nil
	}
	if rec, err := tx.Loans().Get(ctx, borrower); err == nil && rec.Borrower == uuid.Nil {
		return nil
	}
	for _, err := range tx.Loans().Scan(ctx, storage.LoanFilter{Borrower: borrower, BatchSize: 1, NoDocument: true, NoState: true}) {
		return err // one loan is enough
	}
	return fmt.Errorf("%w: %w", storage.ErrNotFound,
		fault.Invalid(classify.ErrInvalidInput, "borrower", "no loan of borrower "+borrower.String()))
}

// Facts returns a borrower's facts journal in the order recorded,
// withdrawals and the close's debtor-rule facts included; nil when none
// was recorded.
func (e *Engine) Facts(ctx context.Context, borrower uuid.UUID) ([]classify.Fact, error) {
	j, err := e.store.Facts().Get(ctx, borrower)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeFacts(j.Facts)
}

// decodeFacts decodes stored facts; a bad one is storage.ErrCorrupt.
func decodeFacts(stored []storage.Fact) ([]classify.Fact, error) {
	out := make([]classify.Fact, 0, len(stored))
	for _, s := range stored {
		var f classify.Fact
		if err := guardedUnmarshal(s.Payload, &f); err != nil {
			return nil, fmt.Errorf("%w: fact %s/%d: %v", storage.ErrCorrupt, s.Subject, s.Seq, err)
		}
		if err := f.Validate(); err != nil {
			return nil, fmt.Errorf("%w: fact %s/%d: %v", storage.ErrCorrupt, s.Subject, s.Seq, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// closeFacts is the facts journals one replica's close of a day reads:
// every fact dated on or before the day, loaded once (facts are few beside
// loans) and looked up by subject for each loan.
type closeFacts struct {
	once      sync.Once
	bySubject map[uuid.UUID][]classify.Fact
	bad       map[uuid.UUID]error
	err       error
}

// factsOf returns the facts in rec's journal that concern it (the
// borrower's and its own), nil when there are none.
func (c *dayClose) factsOf(ctx context.Context, rec *storage.Loan) ([]classify.Fact, error) {
	r := &c.facts
	r.once.Do(func() { r.bySubject, r.bad, r.err = c.e.loadFacts(ctx, c.day) })
	if r.err != nil {
		return nil, r.err
	}
	subject := subjectOf(rec)
	if err := r.bad[subject]; err != nil {
		return nil, err
	}
	all := r.bySubject[subject]
	if len(all) == 0 {
		return nil, nil
	}
	id := rec.ID.String()
	out := make([]classify.Fact, 0, len(all))
	for _, f := range all {
		if f.Loan == "" || f.Loan == id {
			out = append(out, f)
		}
	}
	return out, nil
}

// loadFacts reads every fact dated on or before day, by subject; a subject
// whose journal holds a corrupt fact is in bad, so only its loans fail.
func (e *Engine) loadFacts(ctx context.Context, day date.Date) (map[uuid.UUID][]classify.Fact, map[uuid.UUID]error, error) {
	by := map[uuid.UUID][]classify.Fact{}
	bad := map[uuid.UUID]error{}
	for s, err := range e.store.Facts().Scan(ctx, storage.FactFilter{Days: &storage.DateRange{To: day}}) {
		if err != nil {
			return nil, nil, err
		}
		if bad[s.Subject] != nil {
			continue
		}
		f, err := e.facts.decode(&s)
		if err != nil {
			bad[s.Subject] = err
			continue
		}
		by[s.Subject] = append(by[s.Subject], f)
	}
	return by, bad, nil
}

// nonPerforming are the grades' text forms of the non-performing loans
// (不良): the debtor pass starts from their borrowers.
var nonPerforming = []string{classify.Substandard.String(), classify.Doubtful.String(), classify.Loss.String()}

// debtorPass applies the debtor-level rules (ApplyDebtorRules) once every
// loan of day is closed: for each borrower with a non-performing loan, or
// with a floor in force, it grades all their loans together from the
// grades the loans earn on their own (the grade before any floor, so a
// floor does not keep itself up) and, when the floor that gives differs
// from the one in force, records the new one in the borrower's journal
// for the next day. Each loan's close then applies it, so the floor holds
// across partitions and replicas; recording it is one command per
// borrower, keyed by the day, so a replica that runs the pass again adds
// nothing. The pass costs the non-performing loans and their borrowers'
// loans, not the portfolio.
func (e *Engine) debtorPass(ctx context.Context, day date.Date) (int, error) {
	borrowers := map[uuid.UUID]bool{}
	// A policy without debtor rules sets no floor: only the floors in
	// force (from an earlier policy) are looked at, to end them.
	if slices.ContainsFunc(e.policies.Classification.Rules, func(r classify.Rule) bool { return r.Object == classify.DebtorObject }) {
		open := storage.LoanFilter{Statuses: openForClose, Classifications: nonPerforming, NoDocument: true, NoState: true}
		for rec, err := range e.store.Loans().Scan(ctx, open) {
			if err != nil {
				return 0, err
			}
			if rec.Borrower != uuid.Nil {
				borrowers[rec.Borrower] = true
			}
		}
	}
	for s, err := range e.store.Facts().Scan(ctx, storage.FactFilter{Days: &storage.DateRange{To: day.Add(1)}}) {
		if err != nil {
			return 0, err
		}
		if s.Kind == classify.DebtorRule.String() {
			borrowers[s.Subject] = true
		}
	}
	if len(borrowers) == 0 {
		return 0, nil
	}
	// One pass over the loans on the books finds every borrower's loans:
	// a scan per borrower would cost the portfolio once per borrower.
	loans := map[uuid.UUID][]storage.Loan{}
	for rec, err := range e.store.Loans().Scan(ctx, storage.LoanFilter{Statuses: openForClose, NoDocument: true}) {
		if err != nil {
			return 0, err
		}
		if borrowers[rec.Borrower] {
			loans[rec.Borrower] = append(loans[rec.Borrower], rec)
		}
	}
	for b := range borrowers {
		if err := e.debtorFloor(ctx, b, loans[b], day); err != nil {
			return 0, fmt.Errorf("borrower %s: %w", b, err)
		}
	}
	return 0, nil
}

// debtorFloor grades one borrower's loans on the books (recs, in id order)
// together on day and records the floor for day+1 when it changes.
func (e *Engine) debtorFloor(ctx context.Context, borrower uuid.UUID, recs []storage.Loan, day date.Date) error {
	var claims []classify.Facts
	var results []classify.Result
	for i := range recs {
		rec := &recs[i]
		if rec.Index.AsOf != day {
			continue // not closed today (failed, or not yet open): graded with its borrower once it is
		}
		s, err := e.stateOf(rec)
		if err != nil {
			return err
		}
		claims = append(claims, classify.Facts{Balance: claimBalance(&s), NonRetail: s.NonRetail})
		results = append(results, classify.Result{Grade: s.Track.Grade, Stage: s.Track.Stage})
	}
	grade, stage, rule := classify.GradeNone, classify.StageNone, ""
	if len(claims) > 0 {
		if err := e.classifier.ApplyDebtorRules(claims, results, day); err != nil {
			return err
		}
		if results[0].Rules != 0 {
			grade, stage = classify.Loss, classify.Stage3
			for _, r := range results {
				grade, stage = min(grade, r.Grade), min(stage, r.Stage)
			}
			rule = e.base.ruleIDs(classify.Result{Rules: results[0].Rules})
		}
	}
	next := day.Add(1)
	// changed reads the floor in force tomorrow and reports whether it
	// differs; it is asked first outside a unit of work, so a borrower
	// whose floor stays costs a read, not a write.
	changed := func(facts storage.Facts) (int64, bool, error) {
		j, err := facts.Get(ctx, borrower)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return 0, false, err
		}
		journal, err := e.facts.decodeAll(j.Facts)
		if err != nil {
			return 0, false, err
		}
		g, st, r := classify.DebtorFloor(journal, next)
		return j.Version, g != grade || st != stage || r != rule, nil
	}
	if _, ok, err := changed(e.store.Facts()); err != nil || !ok {
		return err
	}
	return e.command(ctx, "debtor floor", func(tx storage.Tx) error {
		version, ok, err := changed(tx.Facts())
		if err != nil || !ok {
			return err
		}
		return appendFacts(ctx, tx, borrower, version, classify.Fact{Kind: classify.DebtorRule, Day: next,
			Key: "debtor-rule/" + next.String(), MinGrade: grade, MinStage: stage, Rule: rule,
			Source: "daily close", Reference: day.String(), RecordedBy: "lendcore"})
	})
}

// claimBalance is what a loan weighs in its borrower's non-performing
// share: the principal on the books, or the written-off claim.
func claimBalance(s *LoanState) money.Amount {
	if s.Balance.IsZero() && !s.Claim.IsZero() {
		return s.Claim
	}
	return s.Balance
}
