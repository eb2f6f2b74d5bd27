package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// The runner keeps the debtor's contact log, promises to pay, the legal
// proceeding and the demands on record, as the host does: the Engine
// decides the collection stage and the actions due, the host records what
// its collectors did.

// refusedContact is a contact attempt a conduct rule refused.
type refusedContact struct {
	Event  int            `json:"event"`
	Rule   collect.RuleID `json:"rule"`
	Detail string         `json:"detail"`
}

// contact records a contact attempt, checked against the contact policy
// (quiet hours, call limit, disclosure, pause, outsourcing). A refused
// attempt is not an input error: it is printed and counted, and nothing is
// recorded, as a collection system would refuse to log the call.
func (r *runner) contact(i int, field string, day date.Date, ev *scenarioEvent) error {
	at, err := r.at(field+".time", day, ev.Time)
	if err != nil {
		return err
	}
	rec := collect.ContactRecord{Loan: r.id, At: at, Collector: ev.Collector, Agency: ev.Agency,
		Party: collect.Borrower, MentionsDebt: ev.MentionsDebt, Note: ev.Note}
	if rec.Collector == "" {
		rec.Collector = "scenario-collector"
	}
	if ev.Channel == "" {
		return bad(field+".channel", "missing")
	}
	if ev.Outcome == "" {
		return bad(field+".outcome", "missing")
	}
	if err := text(field+".channel", ev.Channel, &rec.Channel); err != nil {
		return err
	}
	if err := text(field+".party", ev.Party, &rec.Party); err != nil {
		return err
	}
	if err := text(field+".outcome", ev.Outcome, &rec.Outcome); err != nil {
		return err
	}
	if rec.Guarantor, err = r.guarantorNumber(field+".guarantor", ev.Guarantor, rec.Party); err != nil {
		return err
	}
	err = r.contacts.Record(&r.policies.Contact, r.contactSt, rec, at)
	var re *collect.RuleError
	if errors.As(err, &re) {
		refused := refusedContact{Event: i, Rule: re.Rule, Detail: re.Detail}
		r.refused = append(r.refused, refused)
		return r.print(reportLine{Event: i, Date: day, Report: "contact-refused", Refused: &refused})
	}
	if err != nil {
		return fieldError(field, err)
	}
	switch rec.Outcome {
	case collect.Disputed:
		r.contactSt.DisputeOpen = true
	case collect.Hardship:
		r.contactSt.HardshipOpen = true
	}
	return nil
}

// at is the contact's time: the event date at "HH:MM" (default 10:00) in
// the scenario's UTC offset.
func (r *runner) at(field string, day date.Date, hm string) (time.Time, error) {
	if hm == "" {
		hm = "10:00"
	}
	t, err := time.Parse("15:04", hm)
	if err != nil {
		return time.Time{}, bad(field, "%q is not a time like 21:30", hm)
	}
	y, m, d := day.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), 0, 0, r.zone), nil
}

// guarantorNumber is the 1-based number of a guarantor label, required
// when the party is a guarantor and refused otherwise.
func (r *runner) guarantorNumber(field, label string, p collect.Party) (int, error) {
	switch {
	case label == "" && p == collect.Guarantor:
		return 0, bad(field, "missing: name the guarantor contacted")
	case label == "":
		return 0, nil
	case p != collect.Guarantor:
		return 0, bad(field, "only a contact with party guarantor names one")
	}
	for n, id := range r.guarantors.order {
		if r.guarantors.byID[id] == label {
			return n + 1, nil
		}
	}
	return 0, bad(field, "no guarantor %q", label)
}

// setContactState opens or closes a dispute or hardship review, and records
// the debtor's consent to out-of-hours contact and the outsourcing notice.
func (r *runner) setContactState(_ int, _ string, _ date.Date, ev *scenarioEvent) error {
	set := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	set(&r.contactSt.OutOfHoursConsent, ev.OutOfHoursConsent)
	set(&r.contactSt.DisputeOpen, ev.DisputeOpen)
	set(&r.contactSt.HardshipOpen, ev.HardshipOpen)
	set(&r.contactSt.OutsourceNotified, ev.OutsourceNotified)
	return nil
}

// promise records a promise to pay (承诺还款) made on the event date.
func (r *runner) promise(i int, field string, day date.Date, ev *scenarioEvent) error {
	p := collect.Promise{ID: uuid.NewSHA1(r.id, fmt.Appendf(nil, "promise-%d", i)), Loan: r.id,
		Collector: ev.Collector, Made: day, ToleranceDays: ev.ToleranceDays}
	if p.Collector == "" {
		p.Collector = "scenario-collector"
	}
	var err error
	if p.Amount, err = r.positive(field+".amount", ev.Amount); err != nil {
		return err
	}
	if p.Shortfall, err = r.amount(field+".shortfall", ev.Shortfall); err != nil {
		return err
	}
	if ev.Due == "" {
		return bad(field+".due", "missing")
	}
	if p.Due, err = schedule.ParseDate(ev.Due); err != nil {
		return bad(field+".due", "%v", err)
	}
	if err := p.Validate(); err != nil {
		return fieldError(field, err)
	}
	r.promises = append(r.promises, p)
	return nil
}

// legalSteps are the steps of a legal proceeding a scenario can take.
var legalSteps = map[string]func(r *runner, field string, day date.Date, ev *scenarioEvent) error{
	"file": (*runner).fileSuit,
	"judgment": func(r *runner, field string, day date.Date, ev *scenarioEvent) error {
		a, err := r.positive(field+".amount", ev.Amount)
		if err != nil {
			return err
		}
		return r.proceeding.Judge(day, a)
	},
	"enforce": func(r *runner, _ string, day date.Date, _ *scenarioEvent) error { return r.proceeding.Enforce(day) },
	"recovery": func(r *runner, field string, _ date.Date, ev *scenarioEvent) error {
		got, err := r.amount(field+".amount", ev.Amount)
		if err != nil {
			return err
		}
		costs, err := r.amount(field+".costs", ev.Costs)
		if err != nil {
			return err
		}
		return r.proceeding.AddRecovery(got, costs)
	},
	"conclude": func(r *runner, _ string, day date.Date, ev *scenarioEvent) error {
		return r.proceeding.Conclude(day, ev.Note)
	},
}

// legal takes a step in the loan's legal proceeding (collect.Proceeding):
// file, judgment, enforce, recovery, conclude. Money a proceeding recovers
// reaches the loan only through a recover or repay event.
func (r *runner) legal(_ int, field string, day date.Date, ev *scenarioEvent) error {
	step, ok := legalSteps[ev.Step]
	if !ok {
		return bad(field+".step", "must be file, judgment, enforce, recovery or conclude, not %q", ev.Step)
	}
	if ev.Step != "file" && r.proceeding == nil {
		return bad(field+".step", "no proceeding filed yet")
	}
	if ev.Step != "file" && ev.Forum != "" {
		return bad(field+".forum", "only filing names the forum")
	}
	if err := step(r, field, day, ev); err != nil {
		if _, _, ok := firstField(err); ok {
			return fieldError(field, err)
		}
		var ie *inputError
		if errors.As(err, &ie) {
			return err
		}
		return bad(field+".step", "%v", err)
	}
	return nil
}

// fileSuit files the proceeding; the filing interrupts the limitation
// period (Civil Code art. 195(3)).
func (r *runner) fileSuit(field string, day date.Date, ev *scenarioEvent) error {
	if r.proceeding != nil {
		return bad(field+".step", "a proceeding is already filed")
	}
	if ev.Forum == "" {
		return bad(field+".forum", "missing")
	}
	claimed, err := r.positive(field+".amount", ev.Amount)
	if err != nil {
		return err
	}
	p, err := collect.FileProceeding(uuid.NewSHA1(r.id, []byte("proceeding")), r.id, ev.Forum, day, claimed)
	if err != nil {
		return err
	}
	r.proceeding = p
	r.demands = append(r.demands, collect.LimitationEvent{Day: day, Kind: collect.Lawsuit, Delivered: true,
		Evidence: "suit filed in " + ev.Forum})
	return nil
}

// demand records a demand (or another interruption) on the borrower's
// claim, with its evidence; delivered unless it says otherwise. A demand
// naming a guarantor is the demand on the guarantor that preserves the
// guarantee (Civil Code art. 693), recorded in the collateral register; one
// after the guarantee period is refused.
func (r *runner) demand(i int, field string, day date.Date, ev *scenarioEvent) error {
	if ev.Guarantor != "" {
		if ev.Interruption != "" || ev.Delivered != nil || ev.SignedReceipt || ev.Evidence != "" || ev.Channel != "" {
			return bad(field+".guarantor", "a demand on a guarantor takes only date and guarantor")
		}
		n, err := r.guarantorNumber(field+".guarantor", ev.Guarantor, collect.Guarantor)
		if err != nil {
			return err
		}
		if err := r.reg.RecordDemand(r.guarantees[n-1], day); err != nil {
			if _, _, ok := firstField(err); ok {
				return fieldError(field, err)
			}
			return bad(field+".date", "%v", err)
		}
		return nil
	}
	le := collect.LimitationEvent{Day: day, Kind: collect.Demand, Delivered: true,
		SignedReceipt: ev.SignedReceipt, Evidence: ev.Evidence}
	if err := text(field+".interruption", ev.Interruption, &le.Kind); err != nil {
		return err
	}
	if err := text(field+".channel", ev.Channel, &le.Channel); err != nil {
		return err
	}
	if ev.Delivered != nil {
		le.Delivered = *ev.Delivered
	}
	if le.Evidence == "" {
		le.Evidence = fmt.Sprintf("event-%d", i)
	}
	scratch := collect.Claim{Loan: r.id, Party: collect.Borrower}
	if err := scratch.Record(le); err != nil {
		return fieldError(field, err)
	}
	r.demands = append(r.demands, le)
	return nil
}

// limitationLine is the limitation part of a report.
type limitationLine struct {
	collect.LimitationStatus
	// Start is when the period first ran: the last installment's due date,
	// or the acceleration date.
	Start date.Date `json:"start"`
	// DemandNoticeDue is the day by which a demand notice with the
	// debtor's signed receipt is due (non-performing claims).
	DemandNoticeDue date.Date `json:"demand_notice_due,omitzero"`
}

// limitationReport works out the borrower's claim's limitation on day from
// the loan's facts (maturity or acceleration; payments, which acknowledge
// the debt, SPC art. 14) and the demands and suits on record.
func (r *runner) limitationReport(l *loan.Loan, pos *loan.Position, grade classify.Grade, day date.Date) *limitationLine {
	c := collect.Claim{Loan: r.id, Party: collect.Borrower}
	if n := len(pos.Installments); n > 0 {
		c.Start = pos.Installments[n-1].Due
	}
	if pos.AcceleratedOn != nil {
		c.Start = *pos.AcceleratedOn
	}
	for _, p := range payments(l, false) {
		c.Events = append(c.Events, collect.LimitationEvent{Day: p.Day, Kind: collect.Acknowledgement,
			Delivered: true, Evidence: "payment of " + p.Amount.String()})
	}
	c.Events = append(c.Events, r.demands...)
	sortEvents(c.Events)
	pol := &r.policies.Limitation
	out := &limitationLine{LimitationStatus: pol.Status(&c, day), Start: c.Start}
	if n, ok := pol.DemandNoticeDue(&c, day, grade >= classify.Substandard); ok {
		out.DemandNoticeDue = n.PeriodEnd
	}
	return out
}

func sortEvents(evs []collect.LimitationEvent) {
	for i := 1; i < len(evs); i++ {
		for j := i; j > 0 && evs[j].Day.Before(evs[j-1].Day); j-- {
			evs[j], evs[j-1] = evs[j-1], evs[j]
		}
	}
}

// payments are the borrower's payments on the loan (repayments and
// prepayments not reversed, and recoveries when asked for), in journal
// order. A recovery may come from enforcement or a guarantor rather than
// the debtor, so it does not acknowledge the debt.
func payments(l *loan.Loan, recoveries bool) []collect.Payment {
	j := l.Journal()
	reversed := map[uuid.UUID]bool{}
	for _, e := range j {
		if e.Kind == loan.Reversal {
			reversed[e.Reverses] = true
		}
	}
	var out []collect.Payment
	for _, e := range j {
		paid := e.Kind == loan.Repayment || e.Kind == loan.Prepayment || recoveries && e.Kind == loan.Recovery
		if paid && !reversed[e.ID] {
			out = append(out, collect.Payment{Day: e.ValueDate, Amount: e.Amount})
		}
	}
	return out
}

// promiseLine is a promise to pay and its status on a report day.
type promiseLine struct {
	Made   date.Date             `json:"made"`
	Due    date.Date             `json:"due"`
	Amount money.Amount          `json:"amount"`
	Status collect.PromiseStatus `json:"status"`
}

// collectionLine is the host-side collections part of a report: contacts,
// promises and the legal proceeding.
type collectionLine struct {
	Contacts   int                 `json:"contacts"`
	Refused    []refusedContact    `json:"refused,omitempty"`
	Promises   []promiseLine       `json:"promises,omitempty"`
	Proceeding *collect.Proceeding `json:"proceeding,omitempty"`
}

// collectionReport is the host-side collections part of a report on day;
// nil when nothing was recorded.
func (r *runner) collectionReport(field string, l *loan.Loan, day date.Date) (*collectionLine, error) {
	if len(r.contacts.Records) == 0 && len(r.refused) == 0 && len(r.promises) == 0 && r.proceeding == nil {
		return nil, nil
	}
	out := &collectionLine{Contacts: len(r.contacts.Records), Refused: r.refused, Proceeding: r.proceeding}
	pays := payments(l, true)
	for i := range r.promises {
		p := &r.promises[i]
		st, err := p.Evaluate(pays, day)
		if err != nil {
			return nil, fieldError(field, err)
		}
		out.Promises = append(out.Promises, promiseLine{Made: p.Made, Due: p.Due, Amount: p.Amount, Status: st})
	}
	return out, nil
}
