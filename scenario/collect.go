package scenario

import (
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// The collection events call the Engine's collection commands: the Engine
// keeps the debtor's contact log and state, the promises to pay (which its
// daily close settles and feeds to the ladder), the demands and the legal
// proceeding, and works out the limitation period from them.

// RefusedContact is a contact attempt a conduct rule refused.
type RefusedContact struct {
	Event  int            `json:"event"`
	Rule   collect.RuleID `json:"rule"`
	Detail string         `json:"detail"`
}

// contact records a contact attempt with Engine.RecordContact, which
// checks it against the contact policy (quiet hours, call limit,
// disclosure, pause, outsourcing). A refused attempt is not an input
// error: it is reported and counted, and nothing is recorded, as a
// collection system would refuse to log the call.
func (r *runner) contact(i int, field string, day date.Date, ev *Event) error {
	at := r.at(day, ev.Time)
	r.tick(at)
	rec := collect.ContactRecord{Loan: r.id, At: at, Collector: ev.Collector, Agency: ev.Agency,
		Party: collect.Borrower, MentionsDebt: ev.MentionsDebt, Note: ev.Note}
	if rec.Collector == "" {
		rec.Collector = "scenario-collector"
	}
	if err := errors.Join(text(field+".channel", ev.Channel, &rec.Channel), text(field+".party", ev.Party, &rec.Party),
		text(field+".outcome", ev.Outcome, &rec.Outcome)); err != nil {
		return err
	}
	if ev.Guarantor != "" {
		n, err := r.guarantorNumber(field+".guarantor", ev.Guarantor)
		if err != nil {
			return err
		}
		rec.Guarantor = n
	}
	err := r.e.RecordContact(r.ctx, r.id, rec)
	var re *collect.RuleError
	if errors.As(err, &re) {
		refused := RefusedContact{Event: i, Rule: re.Rule, Detail: re.Detail}
		r.refused = append(r.refused, refused)
		r.report.Documents = append(r.report.Documents, Document{Event: i, Date: day, Report: "contact-refused", Refused: &refused})
		return nil
	}
	return fieldError(field, err)
}

// guarantorNumber is the 1-based number of a guarantor label.
func (r *runner) guarantorNumber(field, label string) (int, error) {
	for n, id := range r.guarantors.order {
		if r.guarantors.byID[id] == label {
			return n + 1, nil
		}
	}
	return 0, invalid(field, fmt.Sprintf("no guarantor %q", label))
}

// setContactState opens or closes a dispute or hardship review, and records
// the debtor's consent to out-of-hours contact and the outsourcing notice
// (Engine.SetContactState); the fields left out keep their value.
func (r *runner) setContactState(_ int, field string, _ date.Date, ev *Event) error {
	rec, err := r.e.Collection(r.ctx, r.id)
	if err != nil {
		return fieldError(field, err)
	}
	st := rec.ContactState
	set := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	set(&st.OutOfHoursConsent, ev.OutOfHoursConsent)
	set(&st.DisputeOpen, ev.DisputeOpen)
	set(&st.HardshipOpen, ev.HardshipOpen)
	set(&st.OutsourceNotified, ev.OutsourceNotified)
	return fieldError(field, r.e.SetContactState(r.ctx, r.id, st))
}

// promise records a promise to pay (承诺还款) made on the event date with
// Engine.RecordPromise.
func (r *runner) promise(i int, field string, day date.Date, ev *Event) error {
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
	if p.Due, err = schedule.ParseDate(ev.Due); err != nil {
		return invalid(field+".due", err.Error())
	}
	return fieldError(field, r.e.RecordPromise(r.ctx, r.id, p))
}

// legalStepNames are the steps of a legal proceeding a scenario can take.
var legalStepNames = []string{"file", "judgment", "enforce", "recovery", "conclude"}

// legal takes a step in the loan's legal proceeding with Engine.RecordLegal:
// file, judgment, enforce, recovery, conclude. Money a proceeding recovers
// reaches the loan only through a recover or repay event.
func (r *runner) legal(_ int, field string, day date.Date, ev *Event) error {
	s := lendcore.LegalStep{Proceeding: r.proceeding, Step: ev.Step, Day: day, Forum: ev.Forum, Note: ev.Note}
	switch {
	case ev.Step == "file" && r.proceeding != uuid.Nil:
		return invalid(field+".step", "a proceeding is already filed")
	case ev.Step == "file":
		s.Proceeding = uuid.NewSHA1(r.id, []byte("proceeding"))
	case r.proceeding == uuid.Nil:
		return invalid(field+".step", "no proceeding filed yet")
	}
	var err error
	switch ev.Step {
	case "file", "judgment":
		s.Amount, err = r.positive(field+".amount", ev.Amount)
	case "recovery":
		if s.Amount, err = r.amount(field+".amount", ev.Amount); err == nil {
			s.Costs, err = r.amount(field+".costs", ev.Costs)
		}
	}
	if err != nil {
		return err
	}
	if _, err := r.e.RecordLegal(r.ctx, r.id, s); err != nil {
		return refusal(field, ".step", err)
	}
	if ev.Step == "file" {
		r.proceeding = s.Proceeding
	}
	return nil
}

// demand records a demand (or another interruption) on the borrower's
// claim, with its evidence, with Engine.RecordDemand; delivered unless it
// says otherwise. A demand naming a guarantor is the demand on the
// guarantor that preserves the guarantee (Civil Code art. 693),
// Engine.DemandGuarantor; one after the guarantee period is refused.
func (r *runner) demand(i int, field string, day date.Date, ev *Event) error {
	if ev.Guarantor != "" {
		n, err := r.guarantorNumber(field+".guarantor", ev.Guarantor)
		if err != nil {
			return err
		}
		gid := r.guarantors.order[n-1]
		return refusal(field, ".date", r.e.DemandGuarantor(r.ctx, gid, r.guarantees[n-1], day))
	}
	le := collect.LimitationEvent{Day: day, Kind: collect.Demand, Delivered: true,
		SignedReceipt: ev.SignedReceipt, Evidence: ev.Evidence}
	if err := errors.Join(text(field+".interruption", ev.Interruption, &le.Kind),
		text(field+".channel", ev.Channel, &le.Channel)); err != nil {
		return err
	}
	if ev.Delivered != nil {
		le.Delivered = *ev.Delivered
	}
	if le.Evidence == "" {
		le.Evidence = fmt.Sprintf("event-%d", i)
	}
	return fieldError(field, r.e.RecordDemand(r.ctx, r.id, le))
}

// Limitation is the limitation part of a report: the borrower's claim's
// limitation period (诉讼时效) as the Engine works it out
// (lendcore.Engine.Limitation).
type Limitation struct {
	collect.LimitationStatus
	// Start is when the period first ran: the last installment's due date,
	// or the acceleration date when that is earlier.
	Start date.Date `json:"start"`
	// DemandNoticeDue is the day by which a demand notice with the
	// debtor's signed receipt is due (non-performing claims).
	DemandNoticeDue date.Date `json:"demand_notice_due,omitzero"`
}

// limitationReport is the limitation part of a report on day.
func (r *runner) limitationReport(field string, day date.Date) (*Limitation, error) {
	l, err := r.e.Limitation(r.ctx, r.id, day)
	if err != nil {
		return nil, fieldError(field, err)
	}
	return &Limitation{LimitationStatus: l.Status, Start: l.Start, DemandNoticeDue: l.DemandNoticeDue}, nil
}

// Promise is a promise to pay and its status on a report day.
type Promise struct {
	Made   date.Date             `json:"made"`
	Due    date.Date             `json:"due"`
	Amount money.Amount          `json:"amount"`
	Status collect.PromiseStatus `json:"status"`
}

// Collection is the collections part of a report: the contacts recorded,
// those refused, the promises and the legal proceeding.
type Collection struct {
	Contacts   int                 `json:"contacts"`
	Refused    []RefusedContact    `json:"refused,omitempty"`
	Promises   []Promise           `json:"promises,omitempty"`
	Proceeding *collect.Proceeding `json:"proceeding,omitempty"`
}

// collectionReport is the collections part of a report, from the Engine's
// collection record; nil when nothing was recorded. A promise's status is
// what the daily close last settled.
func (r *runner) collectionReport(field string) (*Collection, error) {
	rec, err := r.e.Collection(r.ctx, r.id)
	if err != nil {
		return nil, fieldError(field, err)
	}
	if len(rec.Contacts) == 0 && len(r.refused) == 0 && len(rec.Promises) == 0 && len(rec.Proceedings) == 0 {
		return nil, nil
	}
	out := &Collection{Contacts: len(rec.Contacts), Refused: r.refused}
	for _, p := range rec.Promises {
		out.Promises = append(out.Promises, Promise{Made: p.Made, Due: p.Due, Amount: p.Amount, Status: p.Status})
	}
	if n := len(rec.Proceedings); n > 0 {
		out.Proceeding = &rec.Proceedings[n-1]
	}
	return out, nil
}
