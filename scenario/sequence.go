package scenario

import (
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// sequence checks what the order of the events shows, without running
// them: a second disbursement (or drawdown) or one off the terms' start or
// amount, a line event before the line is opened or a second line,
// funding that does not add up to the principal, an event that needs the
// loan before it is disbursed, a label used twice or named before it is
// given (entries, collateral items, guarantors), a close before the start
// or too far after it; on the platform's side, a movement of an account
// not opened, a withdrawal answered that was not requested, a listing
// event before the loan is published, and a bid filling the listing (which
// disburses the loan) off the terms' start.
type sequence struct {
	sc          *Scenario
	disbursed   bool
	entries     map[string]bool
	items       map[string]bool
	guarantors  map[string]bool
	line        bool // a credit line is open
	accounts    map[string]bool
	withdrawals map[string]bool
	listed      bool
	committed   money.Amount // the bids on the listing
}

func newSequence(sc *Scenario) *sequence {
	return &sequence{sc: sc, entries: map[string]bool{}, items: map[string]bool{}, guarantors: map[string]bool{},
		accounts: map[string]bool{}, withdrawals: map[string]bool{}, committed: money.Zero(sc.Currency)}
}

// step adds the bad fields of the next event, ev, to bad.
func (q *sequence) step(bad *fault.Fields, field string, ev *Event) {
	spec, ok := eventTypes[ev.Type]
	if !ok {
		return // Event.check named it
	}
	start := q.sc.Terms.Start
	day, dateErr := schedule.ParseDate(ev.Date)
	if spec.needsLoan && !q.disbursed {
		bad.Addf(field+".type", "a %s event needs the loan disbursed first", ev.Type)
	}
	if spec.needsLine && !q.line {
		bad.Addf(field+".type", "a %s event needs the credit line opened first (open-line)", ev.Type)
	}
	switch ev.Type {
	case "open-line":
		if q.line {
			bad.Add(field+".type", "the scenario's credit line is already open")
		}
		q.line = true
	case "disburse", "drawdown":
		if q.disbursed {
			bad.Add(field+".type", "the loan is already disbursed")
		} else if q.listed {
			bad.Add(field+".type", "the loan is listed: the bid that fills the listing disburses it")
		}
		q.disbursed = true
		if dateErr == nil && !start.IsZero() && day != start {
			bad.Addf(field+".date", "a disbursement is dated the terms' start %s", start)
		}
		first := q.sc.Terms.Disbursements()[0].Amount // the principal, or the first tranche
		if a, err := parseAmount(ev.Amount, q.sc.Currency); ev.Amount != "" && err == nil && a != first {
			what := "the whole principal"
			if len(q.sc.Terms.Tranches) > 0 {
				what = "the first tranche"
			}
			bad.Addf(field+".amount", "%s %s is disbursed, not %s", what, first, a)
		}
		q.sc.checkFunding(bad, field+".funding", ev.Funding)
	case "close":
		switch {
		case dateErr != nil || start.IsZero():
		case day.Before(start):
			bad.Addf(field+".date", "before the loan's start %s: there is nothing to close", start)
		case day.Sub(start) > maxCloseDays:
			bad.Addf(field+".date", "the close runs at most %d days past the start %s", maxCloseDays, start)
		}
	case "open-account":
		fresh(bad, q.accounts, field+".member", "account of", ev.Member)
	case "deposit", "withdraw":
		known(bad, q.accounts, field+".member", "account opened for", ev.Member)
		if ev.Type == "withdraw" {
			fresh(bad, q.withdrawals, field+".id", "withdrawal", ev.ID)
		}
	case "withdrawal-paid", "withdrawal-failed":
		known(bad, q.withdrawals, field+".id", "withdrawal", ev.ID)
	case "publish", "bid", "cancel-listing", "close-listings":
		q.listing(bad, field, ev, day, dateErr == nil)
	case "collateral":
		fresh(bad, q.items, field+".item", "item", ev.Item)
	case "valuation", "release":
		known(bad, q.items, field+".item", "collateral item", ev.Item)
	case "guarantor":
		fresh(bad, q.guarantors, field+".guarantor", "guarantor", ev.Guarantor)
	case "assessment", "contact", "demand":
		known(bad, q.guarantors, field+".guarantor", "guarantor", ev.Guarantor)
	}
	if _, entry := entryKinds[ev.Type]; entry {
		known(bad, q.entries, field+".reverses", "event labelled", ev.Reverses)
		if ev.ID != "" {
			fresh(bad, q.entries, field+".id", "label", ev.ID)
		}
	}
}

// listing checks the order of a listing's events: published once, before
// the loan is disbursed and by the terms' start, to a closing day not
// before it; bids, a cancellation and closes after it; the bid that fills
// it (it disburses the loan) dated the terms' start.
func (q *sequence) listing(bad *fault.Fields, field string, ev *Event, day date.Date, dated bool) {
	start := q.sc.Terms.Start
	if ev.Type == "publish" {
		switch {
		case q.listed:
			bad.Add(field+".type", "the loan is already listed")
		case q.disbursed:
			bad.Add(field+".type", "the loan is already disbursed")
		}
		q.listed = true
		if dated && !start.IsZero() && day.After(start) {
			bad.Addf(field+".date", "a listing is published by the terms' start %s, which its loan is disbursed on", start)
		}
		if until, err := schedule.ParseDate(ev.Until); dated && err == nil && until.Before(day) {
			bad.Addf(field+".until", "the closing day %s is before the publishing day %s", until, day)
		}
		return
	}
	if !q.listed {
		bad.Addf(field+".type", "a %s event needs the loan listed first (publish)", ev.Type)
		return
	}
	if ev.Type != "bid" {
		return
	}
	known(bad, q.accounts, field+".member", "account opened for", ev.Member)
	a, err := positive(ev.Amount, q.sc.Currency)
	if err != nil || q.disbursed {
		return // Event.check named a bad amount; a bid on a full listing is refused by the run
	}
	q.committed = q.committed.Add(a)
	if q.committed == q.sc.Terms.Principal {
		q.disbursed = true
		if dated && !start.IsZero() && day != start {
			bad.Addf(field+".date", "this bid fills the listing and so disburses the loan: it is dated the terms' start %s", start)
		}
	}
}

// known: a label named must have been given before.
func known(bad *fault.Fields, set map[string]bool, field, what, label string) {
	if label != "" && !set[label] {
		bad.Addf(field, "no %s %q before this event", what, label)
	}
}

// fresh: a label is given once.
func fresh(bad *fault.Fields, set map[string]bool, field, what, label string) {
	if set[label] {
		bad.Addf(field, "%s %q used twice", what, label)
	}
	set[label] = true
}

// checkFunding: the investors' shares add up to the principal.
func (sc *Scenario) checkFunding(bad *fault.Fields, field string, lines []FundingLine) {
	if len(lines) == 0 {
		return
	}
	sum := money.Zero(sc.Currency)
	for _, f := range lines {
		a, err := positive(f.Amount, sc.Currency)
		if err != nil {
			return // Event.check named it
		}
		sum = sum.Add(a)
	}
	if principal := sc.Terms.Principal; sum != principal {
		bad.Addf(field, "the shares add up to %s, not the principal %s", sum, principal)
	}
}
