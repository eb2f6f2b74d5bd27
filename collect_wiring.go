package lendcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// Collection records live in checkpoints: each loan's document (promises
// and demands) under scopeCollection keyed by the loan id, the open
// promises of the whole portfolio under the same scope keyed
// keyOpenPromises, and each debtor's contact log and contact state under
// scopeDebtor keyed by the borrower id — the conduct rules count contacts
// per debtor across all their loans (COL-1: "at most 3 connected calls a
// day" to the person, not to each of their loans).
const (
	scopeCollection = "collection"
	scopeDebtor     = "collection-debtor"
	keyOpenPromises = "open-promises"
)

// CollectionRecord is what the Engine has recorded about collecting one
// loan: the contact attempts about it, the debtor's contact state, the
// promises to pay and the demands that interrupt the limitation period.
type CollectionRecord struct {
	Contacts     []collect.ContactRecord   `json:"contacts,omitempty"`
	ContactState collect.ContactState      `json:"contact_state"`
	Promises     []PromiseRecord           `json:"promises,omitempty"`
	Demands      []collect.LimitationEvent `json:"demands,omitempty"`
}

// PromiseRecord is a promise to pay and what came of it.
type PromiseRecord struct {
	collect.Promise
	// Status is Pending until the daily close settles the promise: Kept
	// once the borrower's payments from the day it was made cover it,
	// Broken when its deadline passed without that.
	Status collect.PromiseStatus `json:"status"`
	// Settled is the business day the close settled it; Paid what the
	// borrower had paid towards it by then.
	Settled date.Date    `json:"settled,omitzero"`
	Paid    money.Amount `json:"paid"`
}

// CollectionEvent is the payload of the outbox records of topic
// "collection" that the collection commands and the close's promise review
// write (the ladder's actions due are collect.ActionDue payloads on the
// same topic). Record says which: "contact", "promise", "promise-kept" or
// "promise-broken".
type CollectionEvent struct {
	Record  string                   `json:"record"`
	Loan    uuid.UUID                `json:"loan"`
	Day     date.Date                `json:"day"`
	Contact *collect.ContactRecord   `json:"contact,omitempty"`
	Demand  *collect.LimitationEvent `json:"demand,omitempty"`
	Promise *PromiseRecord           `json:"promise,omitempty"`
}

// loanCollection is a loan's stored collection document.
type loanCollection struct {
	Promises []PromiseRecord           `json:"promises,omitempty"`
	Demands  []collect.LimitationEvent `json:"demands,omitempty"`
}

// debtorContacts is a debtor's stored contact log and contact state.
type debtorContacts struct {
	Log   collect.ContactLog   `json:"log"`
	State collect.ContactState `json:"state"`
}

// promiseIndex is the portfolio's open promises, the only ones the daily
// close looks at, and the broken ones still to be fed to the ladder.
type promiseIndex struct {
	Open   []collect.Promise `json:"open,omitempty"`
	ToFeed []brokenOn        `json:"to_feed,omitempty"`
}

// brokenOn is a promise the close found broken on a day.
type brokenOn struct {
	Loan    uuid.UUID `json:"loan"`
	Promise uuid.UUID `json:"promise"`
	On      date.Date `json:"on"`
}

// RecordContact records a contact attempt on a loan (a call, an SMS, a
// letter, a visit) after checking it against the Engine's contact policy
// with the debtor's whole contact history, across all their loans. A bad
// record returns a *fault.Fields naming every bad field (a
// record dated after the Engine's clock is bad input); an attempt a conduct
// rule refuses returns a *collect.RuleError naming the rule (COL-1 …); an
// unknown loan storage.ErrNotFound. In each case nothing is stored.
//
// The record, the debtor's contact state (a dispute or a hardship reported
// in the attempt opens a review, which pauses contact under COL-PAUSE) and
// an outbox record of topic "collection" are written in one unit of work.
// A delivered SMS, e-mail or letter to the borrower that states the debt
// is also recorded as a creditor's demand that reached the debtor, which
// restarts the limitation period (Civil Code art. 195; SPC limitation
// provisions art. 8). Recording the same attempt again adds nothing.
func (e *Engine) RecordContact(ctx context.Context, id uuid.UUID, rec collect.ContactRecord) error {
	if rec.Loan == uuid.Nil {
		rec.Loan = id
	}
	if rec.Loan != id {
		return fault.Invalid(collect.ErrInvalidInput, "loan", "is not the loan "+id.String())
	}
	now := e.clock()
	// The record alone first, against no rule (a zero policy has every
	// rule switched off), so bad input is reported before the store is read.
	if err := new(collect.ContactLog).Record(&collect.ContactPolicy{}, collect.ContactState{}, rec, now); err != nil {
		return err
	}
	key, err := contactKey(&rec)
	if err != nil {
		return err
	}
	e.collectMu.Lock()
	defer e.collectMu.Unlock()
	err = e.retry(ctx, "record contact", func() error {
		return e.store.WithTx(ctx, func(tx storage.Tx) error {
			debtor, deb, err := e.debtor(ctx, tx, id)
			if err != nil {
				return err
			}
			for i := range deb.Log.Records {
				if k, err := contactKey(&deb.Log.Records[i]); err == nil && k == key {
					return nil // a retried command: recorded already
				}
			}
			if err := deb.Log.Record(&e.policies.Contact, deb.State, rec, now); err != nil {
				return err
			}
			switch rec.Outcome {
			case collect.Disputed:
				deb.State.DisputeOpen = true
			case collect.Hardship:
				deb.State.HardshipOpen = true
			}
			day := date.NewAt(rec.Local())
			if err := putDoc(ctx, tx, scopeDebtor, debtor, laterDay(day, deb.Log.Records), &deb); err != nil {
				return err
			}
			ev := CollectionEvent{Record: "contact", Loan: id, Day: day, Contact: &rec}
			if demand, ok := demandOf(&rec, day, key); ok {
				doc, err := getDoc[loanCollection](ctx, tx, scopeCollection, id.String())
				if err != nil {
					return err
				}
				doc.Demands = append(doc.Demands, demand)
				slices.SortStableFunc(doc.Demands, func(a, b collect.LimitationEvent) int { return int(a.Day.Sub(b.Day)) })
				if err := putDoc(ctx, tx, scopeCollection, id.String(), day, &doc); err != nil {
					return err
				}
				ev.Demand = &demand
			}
			return addEvent(ctx, tx, "collection/contact/"+id.String()+"/"+key, &ev)
		})
	})
	if err != nil {
		return err
	}
	e.log.Info("contact recorded", "loan", id, "channel", rec.Channel.String(), "outcome", rec.Outcome.String())
	return nil
}

// SetContactState replaces the contact state of the loan's debtor: the
// debtor's consent to contact in the quiet hours (COL-2), the notice that
// collection is outsourced (COL-5), and whether a dispute or a hardship
// review is open (COL-PAUSE). Errors: storage.ErrNotFound for an unknown
// loan.
func (e *Engine) SetContactState(ctx context.Context, id uuid.UUID, st collect.ContactState) error {
	e.collectMu.Lock()
	defer e.collectMu.Unlock()
	return e.retry(ctx, "set contact state", func() error {
		return e.store.WithTx(ctx, func(tx storage.Tx) error {
			debtor, deb, err := e.debtor(ctx, tx, id)
			if err != nil {
				return err
			}
			deb.State = st
			return putDoc(ctx, tx, scopeDebtor, debtor, laterDay(date.NewAt(e.clock()), deb.Log.Records), &deb)
		})
	})
}

// RecordPromise records a promise to pay (承诺还款) on a loan. The promise
// is checked by collect's rules, and besides: it must be about this loan,
// in the loan's currency, and made while the loan runs — not before its
// start, nor after today as the Engine's clock has it in any time zone
// (dates carry no zone, so a promise dated tomorrow by UTC is accepted
// while that is today somewhere). A bad one returns a
// *fault.Fields listing every bad field, an unknown loan
// storage.ErrNotFound, and nothing is stored.
//
// A promise without an ID gets one derived from its content, so recording
// it again adds nothing; an ID already recorded with other terms is bad
// input. The daily close settles the promise once its payments cover it or
// its deadline (due date plus tolerance days) has passed; a broken promise
// moves the loan up the ladder at the next day's close (the ladder's
// OnBrokenPromise rule).
func (e *Engine) RecordPromise(ctx context.Context, id uuid.UUID, p collect.Promise) error {
	if p.Loan == uuid.Nil {
		p.Loan = id
	}
	bad := &fault.Fields{Kind: collect.ErrInvalidInput}
	if err := p.Validate(); err != nil && !bad.Merge("", err) {
		return err
	}
	if p.Loan != id {
		bad.Add("loan", "is not the loan "+id.String())
	}
	// UTC+14 is the earliest zone: its date is the latest "today" anywhere.
	if today := date.NewAt(e.clock().UTC().Add(14 * time.Hour)); p.Made.After(today) {
		bad.Addf("made", "%s is after today (%s): a promise cannot be recorded before it is made", p.Made, today)
	}
	if bad.Len() > 0 {
		return bad
	}
	if p.ID == uuid.Nil {
		raw, err := json.Marshal(p)
		if err != nil {
			return err
		}
		p.ID = uuid.NewSHA1(id, raw)
	}
	e.collectMu.Lock()
	defer e.collectMu.Unlock()
	err := e.retry(ctx, "record promise", func() error {
		return e.store.WithTx(ctx, func(tx storage.Tx) error {
			rec, err := tx.Loans().Get(ctx, id)
			if err != nil {
				return err
			}
			l, err := e.cache.load(rec)
			if err != nil {
				return err
			}
			if cur := p.Amount.Currency(); cur != rec.Currency {
				bad.Addf("amount", "%s is not in the loan's currency %s", p.Amount, rec.Currency)
			}
			if start := l.Terms().Start; p.Made.Before(start) {
				bad.Addf("made", "%s is before the loan started (%s)", p.Made, start)
			}
			if bad.Len() > 0 {
				return bad
			}
			doc, err := getDoc[loanCollection](ctx, tx, scopeCollection, id.String())
			if err != nil {
				return err
			}
			for _, old := range doc.Promises {
				if old.ID == p.ID {
					if old.Promise == p {
						return nil // a retried command: recorded already
					}
					return fault.Invalid(collect.ErrInvalidInput, "id", p.ID.String()+" already records a promise with other terms")
				}
			}
			pr := PromiseRecord{Promise: p, Status: collect.Pending, Paid: money.Zero(rec.Currency)}
			doc.Promises = append(doc.Promises, pr)
			if err := putDoc(ctx, tx, scopeCollection, id.String(), p.Made, &doc); err != nil {
				return err
			}
			idx, err := getDoc[promiseIndex](ctx, tx, scopeCollection, keyOpenPromises)
			if err != nil {
				return err
			}
			idx.Open = append(idx.Open, p)
			if err := putDoc(ctx, tx, scopeCollection, keyOpenPromises, p.Made, &idx); err != nil {
				return err
			}
			return addEvent(ctx, tx, "collection/promise/"+id.String()+"/"+p.ID.String(),
				&CollectionEvent{Record: "promise", Loan: id, Day: p.Made, Promise: &pr})
		})
	})
	if err != nil {
		return err
	}
	e.log.Info("promise recorded", "loan", id, "promise", p.ID, "due", p.Due.String(), "amount", p.Amount.String())
	return nil
}

// Collection returns what has been recorded about collecting a loan: its
// contacts (from its debtor's log), the debtor's contact state, its
// promises with their outcomes and its demands. Errors:
// storage.ErrNotFound for an unknown loan.
func (e *Engine) Collection(ctx context.Context, id uuid.UUID) (CollectionRecord, error) {
	var out CollectionRecord
	_, deb, err := e.debtor(ctx, e.store, id)
	if err != nil {
		return out, err
	}
	doc, err := getDoc[loanCollection](ctx, e.store, scopeCollection, id.String())
	if err != nil {
		return out, err
	}
	for _, r := range deb.Log.Records {
		if r.Loan == id {
			out.Contacts = append(out.Contacts, r)
		}
	}
	out.ContactState, out.Promises, out.Demands = deb.State, doc.Promises, doc.Demands
	return out, nil
}

// LimitationExpiry returns the limitation (诉讼时效) of the claim on the
// borrower as of day under the Engine's limitation policy; its Expiry is
// the last day to sue. The period runs from the due date of the last
// installment, or from acceleration (Civil Code arts. 188–189), and
// restarts on each demand recorded as having reached the borrower
// (RecordContact) and on each repayment, which acknowledges the debt (SPC
// limitation provisions art. 14; a reversed payment does not count, nor
// does a recovery, which may come from a third party). Errors:
// storage.ErrNotFound for an unknown loan.
func (e *Engine) LimitationExpiry(ctx context.Context, id uuid.UUID, day date.Date) (collect.LimitationStatus, error) {
	rec, err := e.store.Loans().Get(ctx, id)
	if err != nil {
		return collect.LimitationStatus{}, err
	}
	l, err := e.cache.load(rec)
	if err != nil {
		return collect.LimitationStatus{}, err
	}
	pos, err := l.PositionAt(day)
	if err != nil {
		return collect.LimitationStatus{}, err
	}
	doc, err := getDoc[loanCollection](ctx, e.store, scopeCollection, id.String())
	if err != nil {
		return collect.LimitationStatus{}, err
	}
	c := collect.Claim{Loan: id, Party: collect.Borrower}
	if n := len(pos.Installments); n > 0 {
		c.Start = pos.Installments[n-1].Due
	}
	if pos.AcceleratedOn != nil && pos.AcceleratedOn.Before(c.Start) {
		c.Start = *pos.AcceleratedOn
	}
	journal := l.Journal()
	reversed := make(map[uuid.UUID]bool)
	for _, en := range journal {
		if en.Kind == loan.Reversal {
			reversed[en.Reverses] = true
		}
	}
	for _, en := range journal {
		if (en.Kind == loan.Repayment || en.Kind == loan.Prepayment) && !reversed[en.ID] {
			c.Events = append(c.Events, collect.LimitationEvent{Day: en.ValueDate, Kind: collect.Acknowledgement,
				Delivered: true, Evidence: "entry/" + en.IdempotencyKey})
		}
	}
	c.Events = append(c.Events, doc.Demands...)
	slices.SortStableFunc(c.Events, func(a, b collect.LimitationEvent) int { return int(a.Day.Sub(b.Day)) })
	return e.policies.Limitation.Status(&c, day), nil
}

// brokenPromises returns the loans whose promise to pay was found broken
// and not yet fed to the collection ladder; the day's close marks them on
// the ladder (collect.Facts.BrokenPromise). Only promises found broken on
// an earlier day count, so a re-run of the day that found them feeds
// nothing early.
func (e *Engine) brokenPromises(ctx context.Context, day date.Date) (map[uuid.UUID]bool, error) {
	idx, err := getDoc[promiseIndex](ctx, e.store, scopeCollection, keyOpenPromises)
	if err != nil || len(idx.ToFeed) == 0 {
		return nil, err
	}
	out := make(map[uuid.UUID]bool, len(idx.ToFeed))
	for _, b := range idx.ToFeed {
		if b.On.Before(day) {
			out[b.Loan] = true
		}
	}
	return out, nil
}

// settlement is the close's verdict on one open promise.
type settlement struct {
	promise collect.Promise
	status  collect.PromiseStatus
	paid    money.Amount
}

// reviewPromises runs after the day's batches: it settles the promises whose
// deadline has passed (kept or broken) and clears the broken ones the day's
// close has fed to the ladder. It returns the outbox records it added.
//
// A promise is kept once what the borrower paid in from the day it was
// made to its deadline (the loan's Received, by value date) reaches the
// amount less the tolerated shortfall — which may settle it before the
// deadline — and broken the day after its deadline otherwise. A broken
// promise waits in the index for the next day's close to feed it to the
// ladder; a loan in fed that the close did not get through today (it
// failed) is fed again tomorrow. Everything is written in one unit of
// work, so a re-run of the day settles nothing twice.
func (e *Engine) reviewPromises(ctx context.Context, day date.Date, fed map[uuid.UUID]bool) (int, error) {
	e.collectMu.Lock()
	defer e.collectMu.Unlock()
	idx, err := getDoc[promiseIndex](ctx, e.store, scopeCollection, keyOpenPromises)
	if err != nil || len(idx.Open) == 0 && len(idx.ToFeed) == 0 {
		return 0, err
	}
	// Reads go through the Store before the unit of work: positions come
	// from the Engine's cache, and an adapter may hold its lock in WithTx.
	var settled []settlement
	open := idx.Open[:0:0]
	for _, p := range idx.Open {
		s, err := e.settle(ctx, p, day)
		if err != nil {
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			// One promise that cannot be evaluated does not stop the
			// close; it stays open and is evaluated again tomorrow (by
			// value dates, so a late verdict is the same verdict).
			e.log.Warn("promise not reviewed", "loan", p.Loan, "promise", p.ID, "day", day.String(), "error", err)
			s.status = collect.Pending
		}
		if s.status == collect.Pending {
			open = append(open, p)
			continue
		}
		settled = append(settled, s)
	}
	toFeed := idx.ToFeed[:0:0]
	for _, b := range idx.ToFeed {
		done, err := e.fedOn(ctx, b, day, fed)
		if err != nil {
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			e.log.Warn("broken promise kept to feed", "loan", b.Loan, "promise", b.Promise, "day", day.String(), "error", err)
		}
		if !done {
			toFeed = append(toFeed, b)
		}
	}
	if len(settled) == 0 && len(toFeed) == len(idx.ToFeed) {
		return 0, nil
	}
	var msgs []storage.Message
	added := 0
	err = e.retry(ctx, "review promises", func() error {
		return e.store.WithTx(ctx, func(tx storage.Tx) error {
			msgs, added = msgs[:0], 0
			feed := slices.Clone(toFeed)
			docs := map[uuid.UUID]*loanCollection{}
			for _, s := range settled {
				doc := docs[s.promise.Loan]
				if doc == nil {
					d, err := getDoc[loanCollection](ctx, tx, scopeCollection, s.promise.Loan.String())
					if err != nil {
						return err
					}
					doc = &d
					docs[s.promise.Loan] = doc
				}
				i := slices.IndexFunc(doc.Promises, func(r PromiseRecord) bool { return r.ID == s.promise.ID })
				if i < 0 {
					return fmt.Errorf("%w: promise %s is open but not in loan %s's record", storage.ErrCorrupt, s.promise.ID, s.promise.Loan)
				}
				pr := &doc.Promises[i]
				pr.Status, pr.Settled, pr.Paid = s.status, day, s.paid
				if s.status == collect.Broken {
					feed = append(feed, brokenOn{Loan: s.promise.Loan, Promise: s.promise.ID, On: day})
				}
				record := "promise-" + s.status.String()
				m, err := message(TopicCollection, "collection/"+record+"/"+s.promise.Loan.String()+"/"+s.promise.ID.String(),
					s.promise.Loan, day, CollectionEvent{Record: record, Loan: s.promise.Loan, Day: day, Promise: pr})
				if err != nil {
					return err
				}
				msgs = append(msgs, m)
			}
			for id, doc := range docs {
				if err := putDoc(ctx, tx, scopeCollection, id.String(), day, doc); err != nil {
					return err
				}
			}
			next := promiseIndex{Open: open, ToFeed: feed}
			if err := putDoc(ctx, tx, scopeCollection, keyOpenPromises, day, &next); err != nil {
				return err
			}
			if len(msgs) == 0 {
				return nil
			}
			var err error
			added, err = tx.Outbox().Add(ctx, msgs...)
			return err
		})
	})
	if err != nil {
		return 0, err
	}
	for _, s := range settled {
		e.log.Info("promise settled", "loan", s.promise.Loan, "promise", s.promise.ID, "status", s.status.String(), "day", day.String())
	}
	return added, nil
}

// settle evaluates an open promise as of the close of day from what the
// borrower paid in since the day before it was made.
func (e *Engine) settle(ctx context.Context, p collect.Promise, day date.Date) (settlement, error) {
	s := settlement{promise: p, status: collect.Pending}
	if day.Before(p.Made) {
		return s, nil
	}
	before, err := e.Position(ctx, p.Loan, p.Made.Add(-1))
	if err != nil {
		return s, err
	}
	by, err := e.Position(ctx, p.Loan, p.Deadline().Min(day))
	if err != nil {
		return s, err
	}
	s.paid = by.Received.Sub(before.Received)
	// One payment dated the day the promise was made stands for all of
	// them: Evaluate counts what falls between then and the deadline.
	s.status, err = p.Evaluate([]collect.Payment{{Day: p.Made, Amount: s.paid}}, day)
	return s, err
}

// fedOn reports whether the broken promise b was fed to the ladder by the
// close of day: b was found before day, its loan is among those the close
// was told of, and the close got through the loan today.
func (e *Engine) fedOn(ctx context.Context, b brokenOn, day date.Date, fed map[uuid.UUID]bool) (bool, error) {
	if !fed[b.Loan] || !b.On.Before(day) {
		return false, nil
	}
	rec, err := e.store.Loans().Get(ctx, b.Loan)
	if err != nil {
		return false, err
	}
	return !rec.Index.AsOf.Before(day), nil
}

// debtor returns the key and the contact document of a loan's borrower:
// the loan has its application's id, and the application names the
// borrower.
func (e *Engine) debtor(ctx context.Context, tx storage.Tx, id uuid.UUID) (string, debtorContacts, error) {
	if _, err := tx.Loans().Get(ctx, id); err != nil {
		return "", debtorContacts{}, err
	}
	rec, err := tx.Applications().Get(ctx, id)
	if err != nil {
		return "", debtorContacts{}, err
	}
	app, err := decodeApp(rec)
	if err != nil {
		return "", debtorContacts{}, err
	}
	key := app.Request().Borrower.String()
	doc, err := getDoc[debtorContacts](ctx, tx, scopeDebtor, key)
	return key, doc, err
}

// demandOf returns the limitation event a contact attempt makes: a
// written message (SMS, e-mail, letter) to the borrower that states the
// debt and was delivered is a creditor's demand that reached the debtor
// (SPC limitation provisions art. 8). A call is not: it leaves no proof of
// what was said.
func demandOf(rec *collect.ContactRecord, day date.Date, key string) (collect.LimitationEvent, bool) {
	written := rec.Channel == collect.SMS || rec.Channel == collect.Email || rec.Channel == collect.Letter
	if !written || rec.Party != collect.Borrower || rec.Outcome != collect.Delivered || !rec.MentionsDebt {
		return collect.LimitationEvent{}, false
	}
	return collect.LimitationEvent{Day: day, Kind: collect.Demand, Channel: rec.Channel, Delivered: true,
		Evidence: "contact/" + key}, true
}

// contactKey identifies a contact attempt by its content (the instant in
// UTC, so the key survives the JSON round trip of the stored log).
func contactKey(rec *collect.ContactRecord) (string, error) {
	r := *rec
	r.At, r.Location = r.At.UTC(), nil
	raw, err := json.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("%w: %w", collect.ErrInvalidInput, err)
	}
	return uuid.NewSHA1(rec.Loan, raw).String(), nil
}

// laterDay is the later of day and the local day of the last record, the
// day stamped on the debtor's document.
func laterDay(day date.Date, recs []collect.ContactRecord) date.Date {
	for i := range recs {
		day = day.Max(date.NewAt(recs[i].Local()))
	}
	return day
}

// addEvent writes a collection event to the outbox under key.
func addEvent(ctx context.Context, tx storage.Tx, key string, ev *CollectionEvent) error {
	m, err := message(TopicCollection, key, ev.Loan, ev.Day, ev)
	if err != nil {
		return err
	}
	_, err = tx.Outbox().Add(ctx, m)
	return err
}

// getDoc reads the JSON document of a checkpoint; a missing one is the
// zero document.
func getDoc[T any](ctx context.Context, tx storage.Tx, scope, key string) (T, error) {
	var doc T
	cp, err := tx.Checkpoints().Get(ctx, scope, key)
	if errors.Is(err, storage.ErrNotFound) {
		return doc, nil
	}
	if err != nil {
		return doc, err
	}
	if err := guardedUnmarshal(cp.Payload, &doc); err != nil {
		return doc, fmt.Errorf("%w: %s/%s: %v", storage.ErrCorrupt, scope, key, err)
	}
	return doc, nil
}

// putDoc writes a checkpoint's JSON document.
func putDoc(ctx context.Context, tx storage.Tx, scope, key string, day date.Date, doc any) error {
	payload, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return tx.Checkpoints().Put(ctx, storage.Checkpoint{Scope: scope, Key: key, Day: day, Payload: payload})
}
