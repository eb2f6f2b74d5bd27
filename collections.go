package lendcore

import (
	"context"
	"encoding/json"
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

// Collections keep two records: each loan's collection record (promises to
// pay, demands, legal proceedings: collect.Record) and each debtor's
// contact state and log (collect.Debtor), shared by all the debtor's
// loans — the conduct rules count contacts per person across their loans
// ("at most 3 connected calls a day" to the person, not to each loan).

// CollectionRecord is what the Engine has recorded about collecting one
// loan: the contact attempts about it, the debtor's contact state, the
// promises to pay and what came of them, the demands that interrupt the
// limitation period and the legal proceedings.
type CollectionRecord struct {
	Contacts     []collect.ContactRecord   `json:"contacts,omitempty"`
	ContactState collect.ContactState      `json:"contact_state"`
	Promises     []collect.PromiseRecord   `json:"promises,omitempty"`
	Demands      []collect.LimitationEvent `json:"demands,omitempty"`
	Proceedings  []collect.Proceeding      `json:"proceedings,omitempty"`
}

// CollectionEvent is the payload of the outbox records of topic
// "collection": what the collection commands and the close's promise
// review recorded (the ladder's actions due are on topic
// "collection-action"). Record says which: "contact", "promise",
// "promise-kept", "promise-broken", "demand" or "legal".
type CollectionEvent struct {
	Record     string                   `json:"record"`
	Loan       uuid.UUID                `json:"loan"`
	Day        date.Date                `json:"day"`
	Contact    *collect.ContactRecord   `json:"contact,omitempty"`
	Demand     *collect.LimitationEvent `json:"demand,omitempty"`
	Promise    *collect.PromiseRecord   `json:"promise,omitempty"`
	Proceeding *collect.Proceeding      `json:"proceeding,omitempty"`
}

// farFuture is a time after every contact attempt: reading a debtor "since"
// it loads the state alone.
var farFuture = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// RecordContact records a contact attempt on a loan (a call, an SMS, a
// letter, a visit) after checking it against the Engine's contact policy
// with the debtor's contact history across all their loans. A bad record
// returns a *fault.Fields naming every bad field (a record dated after the
// Engine's clock is bad input); an attempt a conduct rule refuses returns
// a *collect.RuleError naming the rule (COL-1 …); an unknown loan
// storage.ErrNotFound. In each case nothing is stored.
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
	if err := (&collect.Debtor{}).Record(&collect.ContactPolicy{}, rec, now); err != nil {
		return err
	}
	key, err := rec.Key()
	if err != nil {
		return err
	}
	day := date.NewAt(rec.Local())
	err = e.command(ctx, "record contact", func(tx storage.Tx) error {
		borrower, err := e.borrower(ctx, tx, id)
		if err != nil {
			return err
		}
		d, version, err := e.debtor(ctx, tx, borrower, rec.At.Add(-e.policies.Contact.Horizon()))
		if err != nil {
			return err
		}
		if slices.ContainsFunc(d.Log.Records, func(r collect.ContactRecord) bool { k, _ := r.Key(); return k == key }) {
			return nil // a retried command: recorded already
		}
		before := d.State
		if err := d.Record(&e.policies.Contact, rec, now); err != nil {
			return err
		}
		save := storage.DebtorSave{ID: borrower, ExpectedVersion: version}
		if d.State != before || version == 0 {
			if save.State, err = json.Marshal(d.State); err != nil {
				return err
			}
		}
		payload, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		save.Contacts = []storage.Contact{{Key: key, LoanID: id, At: rec.At, Payload: payload}}
		if _, _, err := tx.Debtors().Save(ctx, save); err != nil {
			return err
		}
		ev := CollectionEvent{Record: "contact", Loan: id, Day: day, Contact: &rec}
		if demand, ok := rec.Demand(day); ok {
			if err := e.updateRecord(ctx, tx, id, func(r *collect.Record, _ *loan.Loan) (bool, error) {
				return r.AddDemand(demand)
			}); err != nil {
				return err
			}
			ev.Demand = &demand
		}
		return addEvent(ctx, tx, "collection/contact/"+id.String()+"/"+key, &ev)
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
	return e.command(ctx, "set contact state", func(tx storage.Tx) error {
		borrower, err := e.borrower(ctx, tx, id)
		if err != nil {
			return err
		}
		_, version, err := e.debtor(ctx, tx, borrower, farFuture)
		if err != nil {
			return err
		}
		raw, err := json.Marshal(st)
		if err != nil {
			return err
		}
		_, _, err = tx.Debtors().Save(ctx, storage.DebtorSave{ID: borrower, ExpectedVersion: version, State: raw})
		return err
	})
}

// RecordPromise records a promise to pay (承诺还款) on a loan. The promise
// is checked by collect's rules, and besides: it must be about this loan,
// in the loan's currency, and made while the loan runs — not before its
// start, nor after today as the Engine's clock has it in any time zone
// (dates carry no zone, so a promise dated tomorrow by UTC is accepted
// while that is today somewhere). A bad one returns a *fault.Fields
// listing every bad field, an unknown loan storage.ErrNotFound, and
// nothing is stored.
//
// A promise without an ID gets one derived from its content, so recording
// it again adds nothing; an ID already recorded with other terms is bad
// input. The daily close settles the promise once its payments cover it or
// its deadline (due date plus tolerance days) has passed; a broken promise
// moves the loan up the ladder at the next day's close (the ladder's
// OnBrokenPromise rule).
func (e *Engine) RecordPromise(ctx context.Context, id uuid.UUID, p collect.Promise) error {
	if today := e.latestToday(); p.Made.After(today) {
		bad := &fault.Fields{Kind: collect.ErrInvalidInput}
		bad.Merge("", p.Validate())
		bad.Addf("made", "%s is after today (%s): a promise cannot be recorded before it is made", p.Made, today)
		return bad
	}
	var pr collect.PromiseRecord
	err := e.command(ctx, "record promise", func(tx storage.Tx) error {
		return e.updateRecord(ctx, tx, id, func(r *collect.Record, l *loan.Loan) (bool, error) {
			var added bool
			var err error
			pr, added, err = r.AddPromise(p, l.Currency(), l.Terms().Start)
			if err != nil || !added {
				return false, err
			}
			return true, addEvent(ctx, tx, "collection/promise/"+id.String()+"/"+pr.ID.String(),
				&CollectionEvent{Record: "promise", Loan: id, Day: pr.Made, Promise: &pr})
		})
	})
	if err != nil {
		return err
	}
	e.log.Info("promise recorded", "loan", id, "promise", pr.ID, "due", pr.Due.String(), "amount", pr.Amount.String())
	return nil
}

// RecordDemand records a demand on the borrower, or another event that
// interrupts the limitation period of the claim on them (an account
// debit, an acknowledgement, a lawsuit, an assignment notice), with its
// evidence. The same event again adds nothing. Errors: a *fault.Fields
// for a bad event; storage.ErrNotFound for an unknown loan.
func (e *Engine) RecordDemand(ctx context.Context, id uuid.UUID, ev collect.LimitationEvent) error {
	return e.command(ctx, "record demand", func(tx storage.Tx) error {
		return e.updateRecord(ctx, tx, id, func(r *collect.Record, _ *loan.Loan) (bool, error) {
			added, err := r.AddDemand(ev)
			if err != nil || !added {
				return false, err
			}
			return true, addEvent(ctx, tx, fmt.Sprintf("collection/demand/%s/%s/%s/%s", id, ev.Day, ev.Kind, ev.Evidence),
				&CollectionEvent{Record: "demand", Loan: id, Day: ev.Day, Demand: &ev})
		})
	})
}

// LegalStep is one step of a loan's legal proceeding (诉讼, 仲裁 and their
// enforcement).
type LegalStep struct {
	// Proceeding is the proceeding's id, chosen by the host when it files.
	Proceeding uuid.UUID `json:"proceeding"`
	// Step is "file" (Forum and Amount claimed), "judgment" (Amount
	// awarded), "enforce", "recovery" (Amount recovered and Costs) or
	// "conclude" (Note).
	Step   string       `json:"step"`
	Day    date.Date    `json:"day"`
	Forum  string       `json:"forum,omitempty"`
	Amount money.Amount `json:"amount,omitzero"`
	Costs  money.Amount `json:"costs,omitzero"`
	Note   string       `json:"note,omitempty"`
}

// RecordLegal records a step of a loan's legal proceeding and returns the
// proceeding after it. Filing interrupts the limitation period of the
// claim on the borrower (Civil Code art. 195 (3)). Money recovered reaches
// the loan only when the host posts it (a recovery or a repayment). An
// illegal step is a *fault.Transition, a bad one a *fault.Fields; nothing
// is stored. Errors: storage.ErrNotFound for an unknown loan or
// proceeding.
func (e *Engine) RecordLegal(ctx context.Context, id uuid.UUID, s LegalStep) (collect.Proceeding, error) {
	var out collect.Proceeding
	err := e.command(ctx, "record legal step", func(tx storage.Tx) error {
		return e.updateRecord(ctx, tx, id, func(r *collect.Record, _ *loan.Loan) (bool, error) {
			p, err := legalStep(r, &s)
			if err != nil {
				return false, err
			}
			out = *p
			// A recovery adds no step: the key counts the proceeding's
			// steps and its recoveries, so each step and each recovery
			// has its own.
			return true, addEvent(ctx, tx, fmt.Sprintf("collection/legal/%s/%s/%d/%s", id, s.Proceeding, len(p.Steps), p.Recovered),
				&CollectionEvent{Record: "legal", Loan: id, Day: s.Day, Proceeding: p})
		})
	})
	return out, err
}

// legalSteps are the steps RecordLegal takes, by name.
var legalSteps = map[string]func(r *collect.Record, s *LegalStep) (*collect.Proceeding, error){
	"file": func(r *collect.Record, s *LegalStep) (*collect.Proceeding, error) {
		return r.File(s.Proceeding, s.Forum, s.Day, s.Amount) // the filing interrupts the limitation period
	},
	"judgment": onProceeding(func(p *collect.Proceeding, s *LegalStep) error { return p.Judge(s.Day, s.Amount) }),
	"enforce":  onProceeding(func(p *collect.Proceeding, s *LegalStep) error { return p.Enforce(s.Day) }),
	"recovery": onProceeding(func(p *collect.Proceeding, s *LegalStep) error {
		costs := s.Costs
		if costs.IsZero() {
			costs = money.Zero(s.Amount.Currency())
		}
		return p.AddRecovery(s.Amount, costs)
	}),
	"conclude": onProceeding(func(p *collect.Proceeding, s *LegalStep) error { return p.Conclude(s.Day, s.Note) }),
}

func onProceeding(f func(p *collect.Proceeding, s *LegalStep) error) func(*collect.Record, *LegalStep) (*collect.Proceeding, error) {
	return func(r *collect.Record, s *LegalStep) (*collect.Proceeding, error) {
		p, err := r.Proceeding(s.Proceeding)
		if err != nil {
			return nil, err
		}
		return p, f(p, s)
	}
}

func legalStep(r *collect.Record, s *LegalStep) (*collect.Proceeding, error) {
	bad := &fault.Fields{Kind: collect.ErrInvalidInput}
	step, ok := legalSteps[s.Step]
	if !ok {
		bad.AddValue("step", s.Step, "must be file, judgment, enforce, recovery or conclude")
	}
	if s.Proceeding == uuid.Nil {
		bad.Add("proceeding", "is missing")
	}
	if s.Day.IsZero() {
		bad.Add("day", "is missing")
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	return step(r, s)
}

// Collection returns what has been recorded about collecting a loan: its
// contacts (from its debtor's log), the debtor's contact state, its
// promises with their outcomes, its demands and its legal proceedings.
// Errors: storage.ErrNotFound for an unknown loan.
func (e *Engine) Collection(ctx context.Context, id uuid.UUID) (CollectionRecord, error) {
	var out CollectionRecord
	borrower, err := e.borrower(ctx, e.store, id)
	if err != nil {
		return out, err
	}
	d, _, err := e.debtor(ctx, e.store, borrower, farFuture)
	if err != nil {
		return out, err
	}
	out.ContactState = d.State
	for c, err := range e.store.Debtors().Contacts(ctx, storage.ContactFilter{Debtor: borrower, LoanID: id}) {
		if err != nil {
			return out, err
		}
		var rec collect.ContactRecord
		if err := guardedUnmarshal(c.Payload, &rec); err != nil {
			return out, fmt.Errorf("%w: contact %s of debtor %s: %v", storage.ErrCorrupt, c.Key, borrower, err)
		}
		out.Contacts = append(out.Contacts, rec)
	}
	r, _, err := e.record(ctx, e.store, id)
	if err != nil {
		return out, err
	}
	out.Promises, out.Demands, out.Proceedings = r.Promises, r.Demands, r.Proceedings
	return out, nil
}

// LimitationExpiry returns the limitation (诉讼时效) of the claim on the
// borrower as of day under the Engine's limitation policy; its Expiry is
// the last day to sue. Limitation has the rest (when the period started,
// the next demand notice due) and says what restarts the period. Errors:
// storage.ErrNotFound for an unknown loan.
func (e *Engine) LimitationExpiry(ctx context.Context, id uuid.UUID, day date.Date) (collect.LimitationStatus, error) {
	l, err := e.Limitation(ctx, id, day)
	return l.Status, err
}

// reviewPromises is the portfolio step that settles promises to pay: each
// pending promise is kept once what the borrower paid in from the day it
// was made reaches its amount less the tolerated shortfall (possibly
// before its deadline), and broken the day after its deadline otherwise
// (collect.Record.Review); the broken promises the day's close fed to the
// ladder are marked fed. Each loan's record is its own unit of work, so a
// command recording a promise meanwhile costs one retry, not the step. It
// returns the outbox records it added.
func (e *Engine) reviewPromises(ctx context.Context, day date.Date) (int, error) {
	added := 0
	var pending, unfed []uuid.UUID
	for rec, err := range e.store.Collections().Scan(ctx, storage.CollectionFilter{NextDeadline: &storage.DateRange{}}) {
		if err != nil {
			return 0, err
		}
		pending = append(pending, rec.LoanID)
	}
	before := storage.DateRange{To: day.Add(-1)}
	for rec, err := range e.store.Collections().Scan(ctx, storage.CollectionFilter{Unfed: &before}) {
		if err != nil {
			return 0, err
		}
		unfed = append(unfed, rec.LoanID)
	}
	for _, id := range pending {
		var msgs []storage.Message
		n := 0
		err := e.command(ctx, "review promises", func(tx storage.Tx) error {
			msgs, n = msgs[:0], 0
			return e.updateRecord(ctx, tx, id, func(r *collect.Record, l *loan.Loan) (bool, error) {
				settled, err := r.Review(day, func(through date.Date) (money.Amount, error) {
					pos, err := l.PositionAt(through)
					return pos.Received, err
				})
				if err != nil || len(settled) == 0 {
					return false, err
				}
				for i := range settled {
					s := &settled[i]
					record := "promise-" + s.Status.String()
					m, err := message(TopicCollection, "collection/"+record+"/"+id.String()+"/"+s.ID.String(), id, day,
						CollectionEvent{Record: record, Loan: id, Day: day, Promise: s})
					if err != nil {
						return false, err
					}
					msgs = append(msgs, m)
				}
				n, err = tx.Outbox().Add(ctx, msgs...)
				return true, err
			})
		})
		added += n
		if err != nil {
			if ctx.Err() != nil {
				return added, ctx.Err()
			}
			// One promise that cannot be evaluated does not stop the
			// close; it stays pending and is evaluated again tomorrow (by
			// value dates, so a late verdict is the same verdict).
			e.log.Warn("promises not reviewed", "loan", id, "day", day.String(), "error", err)
		}
	}
	for _, id := range unfed {
		err := e.command(ctx, "feed broken promises", func(tx storage.Tx) error {
			lrec, err := tx.Loans().Get(ctx, id)
			if err != nil || !closedFor(&lrec, day) {
				return err // not closed today (it failed): fed again tomorrow
			}
			return e.updateRecord(ctx, tx, id, func(r *collect.Record, _ *loan.Loan) (bool, error) {
				return r.MarkFed(day) > 0, nil
			})
		})
		if err != nil {
			if ctx.Err() != nil {
				return added, ctx.Err()
			}
			e.log.Warn("broken promise kept to feed", "loan", id, "day", day.String(), "error", err)
		}
	}
	return added, nil
}

// borrower returns the borrower of a loan.
func (e *Engine) borrower(ctx context.Context, tx storage.Tx, id uuid.UUID) (uuid.UUID, error) {
	rec, err := tx.Loans().Get(ctx, id)
	if err != nil {
		return uuid.Nil, err
	}
	return rec.Borrower, nil
}

// debtor reads a debtor with the contacts made since since; a debtor
// never saved is an empty one at version 0.
func (e *Engine) debtor(ctx context.Context, tx storage.Tx, id uuid.UUID, since time.Time) (*collect.Debtor, int64, error) {
	d := &collect.Debtor{ID: id}
	rec, err := tx.Debtors().Get(ctx, id, since)
	if isNotFound(err) {
		return d, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	if len(rec.State) > 0 {
		if err := guardedUnmarshal(rec.State, &d.State); err != nil {
			return nil, 0, fmt.Errorf("%w: contact state of debtor %s: %v", storage.ErrCorrupt, id, err)
		}
	}
	for _, c := range rec.Contacts {
		var r collect.ContactRecord
		if err := guardedUnmarshal(c.Payload, &r); err != nil {
			return nil, 0, fmt.Errorf("%w: contact %s of debtor %s: %v", storage.ErrCorrupt, c.Key, id, err)
		}
		d.Log.Records = append(d.Log.Records, r)
	}
	return d, rec.Version, nil
}

// record reads a loan's collection record; a loan without one has an
// empty one at version 0.
func (e *Engine) record(ctx context.Context, tx storage.Tx, id uuid.UUID) (*collect.Record, int64, error) {
	rec, err := tx.Collections().Get(ctx, id)
	if isNotFound(err) {
		return collect.NewRecord(id), 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	var r collect.Record
	if err := guardedUnmarshal(rec.Document, &r); err != nil {
		return nil, 0, fmt.Errorf("%w: collection record of %s: %v", storage.ErrCorrupt, id, err)
	}
	return &r, rec.Version, nil
}

// updateRecord reads a loan and its collection record, lets change decide,
// and saves the record when change reports it changed.
func (e *Engine) updateRecord(ctx context.Context, tx storage.Tx, id uuid.UUID, change func(*collect.Record, *loan.Loan) (bool, error)) error {
	lrec, err := tx.Loans().Get(ctx, id)
	if err != nil {
		return err
	}
	l, err := e.decode(&lrec)
	if err != nil {
		return err
	}
	r, version, err := e.record(ctx, tx, id)
	if err != nil {
		return err
	}
	changed, err := change(r, l)
	if err != nil || !changed {
		return err
	}
	doc, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = tx.Collections().Save(ctx, storage.Collection{LoanID: id, Version: version, Document: doc,
		NextDeadline: r.NextDeadline(), Unfed: r.Unfed()})
	return err
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
