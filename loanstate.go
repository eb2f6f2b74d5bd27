package lendcore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// LoanState is what the daily close derives for one loan on one day and
// carries to the next: the figures the dashboard aggregates, and the state
// the rules need tomorrow (the classification track, the collection stage).
// It is stored with the loan's index columns.
type LoanState struct {
	Day    date.Date `json:"day,omitzero"`
	Status string    `json:"status"`
	// Balance is the principal on the books; Overdue what is past due (all
	// components); Claim the written-off claim still pursued.
	Balance money.Amount `json:"balance"`
	Overdue money.Amount `json:"overdue"`
	Claim   money.Amount `json:"claim"`
	DPD     int          `json:"dpd"`
	// MaxDPD is the worst days past due the loan has reached.
	MaxDPD int    `json:"max_dpd"`
	Bucket string `json:"bucket"`

	Grade classify.Grade `json:"grade,omitzero"`
	Stage classify.Stage `json:"stage,omitzero"`
	Level classify.Level `json:"level,omitzero"`
	// Rules are the ids of the classification rules that triggered, for
	// the audit trail.
	Rules     []string       `json:"rules,omitempty"`
	Track     classify.Track `json:"track"`
	Provision money.Amount   `json:"provision"`

	Collection      collect.Stage `json:"collection,omitzero"`
	CollectionSince date.Date     `json:"collection_since,omitzero"`

	// RestructuredOn is the last restructuring the track has seen.
	RestructuredOn date.Date `json:"restructured_on,omitzero"`
	// Received is everything the borrower has paid in.
	Received money.Amount `json:"received"`
	// MonthEnd is the loan as of the last month end before Day, for roll
	// rates; nil before its first month end.
	MonthEnd *MonthEnd `json:"month_end,omitempty"`
	// Distributed is what has been passed on to the loan's investors so
	// far, by component (zero for a loan without investors).
	Distributed loan.Split `json:"distributed"`
	// Guarantors is the number of guarantors on the loan's application
	// (reminders and demands go to each).
	Guarantors int `json:"guarantors,omitempty"`
}

// MonthEnd is a loan's days past due and balance on a month end.
type MonthEnd struct {
	Day     date.Date    `json:"day"`
	DPD     int          `json:"dpd"`
	Balance money.Amount `json:"balance"`
}

func decodeState(raw json.RawMessage) (LoanState, error) {
	var s LoanState
	if len(raw) == 0 {
		return s, nil
	}
	if err := guardedUnmarshal(raw, &s); err != nil {
		return s, fmt.Errorf("%w: loan state: %v", storage.ErrCorrupt, err)
	}
	return s, nil
}

// dueEvent says whether an installment fell due on day and was paid in full.
func dueEvent(pos *loan.Position, day date.Date) classify.DueEvent {
	for i := range pos.Installments {
		in := &pos.Installments[i]
		if in.Due == day {
			if in.Status == loan.Paid {
				return classify.DuePaid
			}
			return classify.DueMissed
		}
	}
	return classify.NoDue
}

// firstDueAfter is the first installment due date after d (the first new
// due date of a restructured loan).
func firstDueAfter(pos *loan.Position, d date.Date) date.Date {
	for i := range pos.Installments {
		if pos.Installments[i].Due.After(d) {
			return pos.Installments[i].Due
		}
	}
	return d.Add(1)
}

// collectGrade maps a classification grade to collections' own grade type
// (the packages do not import each other).
var collectGrade = map[classify.Grade]collect.Grade{
	classify.Normal: collect.Normal, classify.SpecialMention: collect.SpecialMention,
	classify.Substandard: collect.Substandard, classify.Doubtful: collect.Doubtful, classify.Loss: collect.Loss,
}

// derive computes a loan's state for day from its position and yesterday's
// state, and the reminders and collection actions due that day.
func (e *Engine) derive(id uuid.UUID, pos *loan.Position, prev LoanState, day date.Date) (LoanState, []collect.Reminder, []collect.ActionDue, error) {
	s := prev
	if !prev.Day.IsZero() && prev.Day.Month() != day.Month() {
		// prev is the state at the last close before this month began.
		s.MonthEnd = &MonthEnd{Day: prev.Day, DPD: prev.DPD, Balance: prev.Balance}
	}
	s.Day = day
	s.Status = pos.Status.String()
	s.Balance = pos.PrincipalBalance
	s.Overdue = pos.Overdue.Total()
	s.Claim = pos.Claim.Total()
	s.DPD = pos.DaysPastDue
	s.MaxDPD = max(prev.MaxDPD, s.DPD)
	s.Received = pos.Received
	s.Bucket = e.bucketName(s.DPD)

	if pos.RestructuredOn != nil && *pos.RestructuredOn != prev.RestructuredOn {
		if err := s.Track.Restructure(*pos.RestructuredOn, firstDueAfter(pos, *pos.RestructuredOn)); err != nil {
			return s, nil, nil, err
		}
		s.RestructuredOn = *pos.RestructuredOn
	}
	balance := s.Balance
	if pos.Status == loan.WrittenOff {
		balance = pos.Claim.Principal
	}
	facts := classify.Facts{DPD: s.DPD, Balance: balance, Due: dueEvent(pos, day), Debtor: id.String()}
	res, err := e.classifier.Step(&s.Track, &facts, day)
	if err != nil {
		return s, nil, nil, err
	}
	s.Grade, s.Stage, s.Level = res.Grade, res.Stage, res.Level
	s.Rules = e.classifier.Triggered(res)
	if s.Provision, err = e.policies.Provision.Provision(balance, s.Grade); err != nil {
		return s, nil, nil, err
	}

	var last date.Date
	if n := len(pos.Installments); n > 0 {
		last = pos.Installments[n-1].Due
	}
	cf := collect.Facts{Loan: id, Maturity: last, DPD: s.DPD,
		ConsecutiveMissed: pos.MissedConsecutive, CumulativeMissed: pos.MissedCumulative,
		Arrears: pos.Overdue.Total(), Grade: collectGrade[s.Grade], Guarantors: s.Guarantors,
		Stage: prev.Collection, StageSince: prev.CollectionSince}
	if pos.NextDue != nil {
		cf.NextDue = pos.NextDue.Date
	}
	if pos.Status == loan.WrittenOff || pos.Status == loan.Closed {
		cf.NextDue, cf.Maturity = date.Date{}, date.Date{}
	}
	dec, actions, err := e.policies.Ladder.Decide(day, &cf, nil)
	if err != nil {
		return s, nil, nil, err
	}
	s.Collection, s.CollectionSince = dec.Stage, dec.Since
	var reminders []collect.Reminder
	if pos.Status == loan.Active {
		reminders = e.policies.Reminders.RemindersDue(day, &cf, nil)
	}
	return s, reminders, actions, nil
}

func (e *Engine) bucketName(dpd int) string {
	b := e.policies.Classification.Buckets
	if i := b.Index(dpd); i >= 0 && i < len(b) {
		return b[i].Name
	}
	return ""
}

// State returns the loan's state as of its last daily close.
func (e *Engine) State(ctx context.Context, id uuid.UUID) (LoanState, error) {
	rec, err := e.store.Loans().Get(ctx, id)
	if err != nil {
		return LoanState{}, err
	}
	return decodeState(rec.Index.State)
}
