package lendcore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

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
	// Status is the loan's status on Day; zero before the first close.
	Status loan.Status `json:"status,omitzero"`
	// Balance is the principal on the books; Overdue what is past due (all
	// components); Claim the written-off claim still pursued.
	Balance money.Amount `json:"balance"`
	Overdue money.Amount `json:"overdue"`
	Claim   money.Amount `json:"claim"`
	// Exposure is what the loan's security must cover: the principal on
	// the books plus what is overdue of interest, penalty and fees; the
	// claim still pursued once written off.
	Exposure money.Amount `json:"exposure"`
	// DPD is the position's days past due on Day. A written-off loan keeps
	// counting from the due date of its oldest unpaid installment, as its
	// position does: the claim is still pursued (账销案存), and its age
	// keeps grading it; the position, this state and the index always
	// show the one count.
	DPD int `json:"dpd"`
	// MaxDPD is the worst days past due the loan has reached.
	MaxDPD int    `json:"max_dpd"`
	Bucket string `json:"bucket"`

	Grade      classify.Grade `json:"grade,omitzero"`
	Stage      classify.Stage `json:"stage,omitzero"`
	Level      classify.Level `json:"level,omitzero"`
	Collection collect.Stage  `json:"collection,omitzero"`
	// LevelSince is the day the early-warning level was reached.
	LevelSince date.Date `json:"level_since,omitzero"`
	// Rules are the ids of the classification rules that triggered,
	// comma-separated, for the audit trail.
	Rules     string         `json:"rules,omitempty"`
	Track     classify.Track `json:"track"`
	Provision money.Amount   `json:"provision"`

	// CollectionSince is the day the collection stage was entered.
	CollectionSince date.Date `json:"collection_since,omitzero"`
	// RestructuredOn is the last restructuring the track has seen.
	RestructuredOn date.Date `json:"restructured_on,omitzero"`
	// Received is everything the borrower has paid in.
	Received money.Amount `json:"received"`
	// Recovered is what came back on the written-off claim (recoveries,
	// including any booked as income beyond the claim); zero for a loan
	// never written off.
	Recovered money.Amount `json:"recovered,omitzero"`
	// MonthEnd is the loan as of the last month end before Day, for roll
	// rates; zero before its first month end.
	MonthEnd MonthEnd `json:"month_end,omitzero"`
	// Distributed is what has been passed on to the loan's investors so
	// far, by component (zero for a loan without investors).
	Distributed loan.Split `json:"distributed"`

	// Day is the business day of the state: the loan's index AsOf (it is
	// not repeated in the stored document, so a quiet loan's document does
	// not change from one day to the next).
	Day date.Date `json:"-"`
	// LastDue is the latest installment due date on or before Day;
	// Maturity the last installment's due date.
	LastDue  date.Date `json:"last_due,omitzero"`
	Maturity date.Date `json:"maturity,omitzero"`
	// Disbursed is the loan's start; LastInspection its last post-loan
	// inspection; InspectionDue the day an inspection fell due that has
	// not been done (zero when none is due).
	Disbursed      date.Date `json:"disbursed,omitzero"`
	LastInspection date.Date `json:"last_inspection,omitzero"`
	InspectionDue  date.Date `json:"inspection_due,omitzero"`
	// WrittenOffOn is the day the loan was written off; zero when it never
	// was. It stays once the claim is settled and the loan closed, so the
	// month-end vintages count the loan written off for ever.
	WrittenOffOn date.Date `json:"written_off_on,omitzero"`
	// Version is the loan version (journal length) the state was derived from.
	Version int64 `json:"version"`
	// Guarantors is the number of guarantors on the loan's application
	// (reminders and demands go to each).
	Guarantors int `json:"guarantors,omitempty"`
	// Signals are the early-warning signals in force on Day, from the
	// facts recorded about the borrower and the loan and from the latest
	// inspection's findings (RecordFact, RecordInspection); the warning
	// level and Rules say what they led to.
	Signals classify.Signals `json:"signals,omitzero"`
	// NonRetail marks a loan to a legal entity: the debtor-level rules of
	// non-retail claims apply to its borrower.
	NonRetail bool `json:"non_retail,omitempty"`
	// Posted is the day the close last brought the loan's postings in the
	// outbox to: they add up to the postings of the loan at Version folded
	// to it (see closePostings). Zero: Day (states stored before it).
	Posted date.Date `json:"posted,omitzero"`
	// Accrual is how often the loan's policy books interest not yet due
	// (loan.AccrualPolicy.Frequency): a loan that books it daily, or on a
	// month end, is not quiet on such a day.
	Accrual loan.AccrualFrequency `json:"accrual,omitzero"`
	// Ahead is the interest the loan's postings as of Posted booked
	// ahead of its due date (loan.Loan.PostingsAhead).
	Ahead money.Amount `json:"ahead,omitzero"`
	// Product is the product version and segment the loan belongs to on
	// Day: the one it was approved under, or the one MoveLoanProduct
	// moved it to; zero for a loan under the Engine's own policies.
	Product ProductRef `json:"product,omitzero"`
}

// MonthEnd is a loan's days past due and balance on a month end.
type MonthEnd struct {
	Day     date.Date    `json:"day"`
	DPD     int          `json:"dpd"`
	Balance money.Amount `json:"balance"`
}

// guardedUnmarshal decodes JSON, turning a panic in a third-party decoder
// (the date library's parser panics on some malformed dates) into an error.
func guardedUnmarshal(b []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed JSON: %v", r)
		}
	}()
	return json.Unmarshal(b, v)
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

// storedState returns the stored state of a loan record, with the fields
// the document leaves to the index (the day) filled in.
func storedState(rec *storage.Loan) (LoanState, error) {
	s, err := decodeState(rec.Index.State)
	if err != nil {
		return s, err
	}
	s.Day = rec.Index.AsOf
	if s.Track.Last.IsZero() && !s.Day.IsZero() && len(rec.Index.State) > 0 && s.Status != 0 {
		s.Track.Last = s.Day
	}
	return s, nil
}

// encode returns the stored document of s: the day and the track's last
// step are the index's AsOf, so they are left out.
func (s LoanState) encode() (json.RawMessage, error) {
	s.Track.Last = date.Date{}
	return s.MarshalJSON() // not json.Marshal, which would scan the output again
}

// sameStored reports whether s and o have the same stored document.
func (s *LoanState) sameStored(o *LoanState) bool {
	a, b := *s, *o
	a.Day, b.Day = date.Date{}, date.Date{}
	a.Track.Last, b.Track.Last = date.Date{}, date.Date{}
	// A stale Posted is safe: a close that emits postings writes the
	// state; one that emits none left the ledger as it was.
	a.Posted, b.Posted = date.Date{}, date.Date{}
	return a == b
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
// It reads no facts journal (see deriveWith).
func (e *Engine) derive(ctx context.Context, id uuid.UUID, pos *loan.Position, prev LoanState, day date.Date,
	brokenPromise bool) (LoanState, []collect.Reminder, []collect.ActionDue, error) {
	p, err := e.policiesOf(ctx, e.store, prev.Product)
	if err != nil {
		return prev, nil, nil, err
	}
	return e.deriveWith(ctx, p, id, pos, prev, day, brokenPromise, nil)
}

// deriveWith is derive with journal, the facts recorded about the loan
// and its borrower (RecordFact, RecordInspection): those in force on day
// set the signals, the outside facts of the classification and the
// debtor-level floor. p are the loan's policies (policiesOf).
func (e *Engine) deriveWith(ctx context.Context, p *policySet, id uuid.UUID, pos *loan.Position, prev LoanState, day date.Date,
	brokenPromise bool, journal []classify.Fact) (LoanState, []collect.Reminder, []collect.ActionDue, error) {
	s := prev
	if !prev.Day.IsZero() && prev.Day.Month() != day.Month() {
		// prev is the state at the last close before this month began.
		s.MonthEnd = MonthEnd{Day: prev.Day, DPD: prev.DPD, Balance: prev.Balance}
	}
	s.Day = day
	s.Status = pos.Status
	s.Balance = pos.PrincipalBalance
	s.Overdue = pos.Overdue.Total()
	s.Claim = pos.Claim.Total()
	s.Exposure = exposureOf(pos)
	s.DPD = pos.DaysPastDue
	s.MaxDPD = max(prev.MaxDPD, s.DPD)
	s.Received = pos.Received
	s.Recovered = pos.Recovered.Total().Add(pos.ExcessRecovered)
	if pos.WrittenOffOn != nil {
		s.WrittenOffOn = *pos.WrittenOffOn
	} else {
		s.WrittenOffOn = date.Date{}
	}
	s.Bucket = p.bucketName(s.DPD)

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
	facts := classify.Facts{DPD: s.DPD, Balance: balance, Due: dueEvent(pos, day), Debtor: id.String(), NonRetail: s.NonRetail}
	classify.ApplyFacts(&facts, journal, day)
	if ff := classify.FundFlowOf(journal, day); ff.Reported || ff.OffPurpose.IsPositive() {
		// Fund-flow monitoring: the inflows against what the plan has
		// due over the same window, the uses off purpose against the
		// principal.
		ff.PlanDue, ff.Principal = planDue(pos, ff.From, ff.To), pos.Owed.Principal
		facts.Signals = facts.Signals.Merge(p.Classification.FundFlow.Signals(ff))
	}
	res, err := p.classifier.Step(&s.Track, &facts, day)
	if err != nil {
		return s, nil, nil, err
	}
	s.Grade, s.Stage, s.Level, s.Signals = res.Grade, res.Stage, res.Level, facts.Signals
	s.Rules = p.ruleIDs(res)
	// The debtor-level floor holds the loan at or above it without
	// entering its track: the loan's own grade (the track's) is what the
	// debtor pass weighs, so a floor does not keep itself up.
	if g, st, rules := classify.DebtorFloor(journal, day); g > s.Grade || st > s.Stage {
		s.Grade, s.Stage = max(s.Grade, g), max(s.Stage, st)
		s.Rules = joinRules(s.Rules, rules)
	}
	if s.Level != prev.Level {
		s.LevelSince = day
	}
	if len(pos.Installments) > 0 {
		s.Disbursed = pos.Installments[0].From
	}
	for i := range pos.Installments {
		if due := pos.Installments[i].Due; !due.After(day) {
			s.LastDue = due
		}
	}
	if n := len(pos.Installments); n > 0 {
		s.Maturity = pos.Installments[n-1].Due
	}
	if s.InspectionDue, err = e.inspectionDue(ctx, p, id, &s, pos, day); err != nil {
		return s, nil, nil, err
	}
	if s.Provision, err = p.Provision.Provision(balance, s.Grade); err != nil {
		return s, nil, nil, err
	}

	var last date.Date
	if n := len(pos.Installments); n > 0 {
		last = pos.Installments[n-1].Due
	}
	cf := collect.Facts{Loan: id, Maturity: last, DPD: s.DPD,
		ConsecutiveMissed: pos.MissedConsecutive, CumulativeMissed: pos.MissedCumulative,
		Arrears: pos.Overdue.Total(), Grade: collectGrade[s.Grade], Guarantors: s.Guarantors,
		Stage: prev.Collection, StageSince: prev.CollectionSince, BrokenPromise: brokenPromise}
	if pos.NextDue != nil {
		cf.NextDue = pos.NextDue.Date
	}
	if pos.Status == loan.WrittenOff || pos.Status == loan.Closed {
		cf.NextDue, cf.Maturity = date.Date{}, date.Date{}
	}
	dec, actions, err := p.Ladder.Decide(day, &cf, nil)
	if err != nil {
		return s, nil, nil, err
	}
	s.Collection, s.CollectionSince = dec.Stage, dec.Since
	var reminders []collect.Reminder
	if pos.Status == loan.Active {
		reminders = p.Reminders.RemindersDue(day, &cf, nil)
	}
	return s, reminders, actions, nil
}

// joinRules joins two comma-separated lists of rule ids.
func joinRules(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "," + b
}

func (p *policySet) bucketName(dpd int) string {
	b := p.Classification.Buckets
	if i := b.Index(dpd); i >= 0 && i < len(b) {
		return b[i].Name
	}
	return ""
}

// quiet reports whether nothing the close derives can change for a loan
// today, so that today's state is yesterday's and the fold can be skipped:
// yesterday was closed at the same loan version, the loan is current,
// normal, in stage 1, green and pre-due with no cure or observation clock
// running, no month end lies between, and the next due date is beyond every
// reminder's horizon. Penalty, days past due and grades only move once
// something falls due or is paid, and either breaks one of these. p are
// the loan's policies.
func (e *Engine) quiet(p *policySet, rec *storage.Loan, prev *LoanState, day date.Date) bool {
	if !e.shortcuts {
		return false // WithQuietShortcut(false): every loan is folded every day
	}
	if prev.Status == loan.Closed && prev.Version == rec.Version && !prev.Day.IsZero() {
		return true // a closed loan's state is final until a reversal reopens it
	}
	if prev.Day.IsZero() || prev.Day.Add(1) != day || prev.Day.Month() != day.Month() || prev.Accrual.Books(prev.Day, day) {
		return false
	}
	quietTrack := classify.Track{Last: prev.Track.Last, Grade: classify.Normal, Stage: classify.Stage1}
	if prev.Version != rec.Version || prev.Status != loan.Active || prev.DPD != 0 ||
		!prev.Overdue.IsZero() || prev.Grade != classify.Normal || prev.Stage != classify.Stage1 ||
		prev.Level != classify.Green || prev.Track != quietTrack || prev.Collection != collect.PreDue {
		return false
	}
	if !prev.InspectionDue.IsZero() {
		return false
	}
	// A week's margin keeps the shortcut clear of any reading of month ends
	// in the inspection cadence.
	if cadence := p.nextCadence(prev); cadence.IsZero() || !day.Add(7).Before(cadence) {
		return false
	}
	// Before the next due date nothing moves but the reminders, which go
	// out on their fixed offsets only.
	next := rec.Index.NextDue
	if next.IsZero() || !day.Before(next) || p.remindDue[int(next.Sub(day))] {
		return false
	}
	return !prev.Maturity.IsZero() && day.Before(prev.Maturity) && !p.remindMaturity[int(prev.Maturity.Sub(day))]
}

// reminderDays returns the days before a due date, and before maturity, on
// which a reminder goes out.
func reminderDays(p *collect.ReminderPolicy) (due, maturity map[int]bool) {
	due, maturity = map[int]bool{}, map[int]bool{}
	for _, r := range p.Installment {
		due[r.DaysBefore] = true
	}
	for _, r := range p.Maturity {
		maturity[r.DaysBefore] = true
	}
	return due, maturity
}

// ruleIDs returns the comma-separated ids of the rules a classification
// triggered. Few combinations occur, so each string is made once and
// shared by every loan state that carries it.
func (p *policySet) ruleIDs(res classify.Result) string {
	key := [2]uint64{res.Rules, res.Warnings}
	p.rules.mu.RLock()
	s, ok := p.rules.m[key]
	p.rules.mu.RUnlock()
	if ok {
		return s
	}
	s = strings.Join(p.classifier.Triggered(res), ",")
	p.rules.mu.Lock()
	if p.rules.m == nil {
		p.rules.m = make(map[[2]uint64]string)
	}
	p.rules.m[key] = s
	p.rules.mu.Unlock()
	return s
}

// planDue is what the repayment plan has due (principal and interest) on
// the installments falling due from..to, both inclusive.
func planDue(pos *loan.Position, from, to date.Date) money.Amount {
	sum := money.Zero(pos.Owed.Principal.Currency())
	for i := range pos.Installments {
		in := &pos.Installments[i]
		if !in.Due.Before(from) && !in.Due.After(to) {
			sum = sum.Add(in.Owed.Principal).Add(in.Owed.Interest)
		}
	}
	return sum
}
