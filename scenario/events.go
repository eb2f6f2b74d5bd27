package scenario

import (
	"slices"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
)

// eventSpec is one event type: the fields it takes, those it needs, and
// how it is checked and applied.
type eventSpec struct {
	fields    string // the fields it takes, besides type and date
	required  string // the fields it cannot do without
	needsLoan bool   // the loan must have been disbursed
	needsLine bool   // the credit line must have been opened
	// check adds the event's bad fields that a field alone cannot tell;
	// nil when there are none.
	check func(bad *fault.Fields, field string, ev *Event)
	apply func(r *runner, i int, field string, day date.Date, ev *Event) error
}

// entryFields are the fields of the events that post a journal entry.
const entryFields = "id key actor reason approver amount component installment payoff reamortize change reverses"

// servicingFields are the fields of the servicing conventions' events
// (issue 17: Fineract's, Frappe Lending's and Mambu's), by event type:
// each takes a few entry fields besides id, key, actor and reason. The
// entry kinds not listed here take entryFields.
var servicingFields = map[string]struct{ fields, required string }{
	"repay":        {fields: entryFields + " excess"},
	"pause":        {fields: "until", required: "until"},
	"resume":       {},
	"re-age":       {fields: "approver re_aging", required: "approver re_aging"},
	"re-amortize":  {fields: "approver", required: "approver"},
	"settle":       {fields: "approver amount", required: "approver amount"},
	"sell":         {fields: "transfer", required: "transfer"},
	"buy-back":     {fields: "transfer"},
	"tranche":      {fields: "amount", required: "amount"},
	"down-payment": {fields: "amount", required: "amount"},
}

// entryKinds maps a scenario event type to the journal entry it posts.
var entryKinds = map[string]loan.Kind{
	"disburse":    loan.Disbursement,
	"repay":       loan.Repayment,
	"prepay":      loan.Prepayment,
	"fee":         loan.FeeCharge,
	"waive":       loan.Waiver,
	"restructure": loan.Restructure,
	"accelerate":  loan.Acceleration,
	"write-off":   loan.WriteOff,
	"recover":     loan.Recovery,
	"refund":      loan.Refund,
	"reverse":     loan.Reversal,

	"pause":        loan.Pause,
	"resume":       loan.Resume,
	"re-age":       loan.ReAge,
	"re-amortize":  loan.ReAmortize,
	"settle":       loan.Settlement,
	"sell":         loan.Sale,
	"buy-back":     loan.Buyback,
	"tranche":      loan.Tranche,
	"down-payment": loan.DownPayment,
}

// eventTypes maps each event type to its spec; the journal entries but
// disburse are added from entryKinds.
var eventTypes = map[string]eventSpec{
	"disburse":      {fields: "amount actor reason key funding borrower_kind", apply: (*runner).disburse},
	"report":        {fields: "report", needsLoan: true, apply: (*runner).reportEvent},
	"transfer":      {fields: "seller buyer holding amount premium", required: "seller buyer", needsLoan: true, apply: (*runner).transfer},
	"collateral":    {fields: "item kind owner description amount method source rank prior_claims", required: "item kind", check: checkValuation, apply: (*runner).addCollateral},
	"valuation":     {fields: "item amount method source", required: "item amount", apply: (*runner).addValuation},
	"release":       {fields: "item", required: "item", needsLoan: true, apply: (*runner).release},
	"guarantor":     {fields: "guarantor guarantor_kind guarantee cap net_worth other_guarantees rating", required: "guarantor", check: checkAssessment, apply: (*runner).addGuarantor},
	"assessment":    {fields: "guarantor net_worth other_guarantees rating", required: "guarantor net_worth", apply: (*runner).assess},
	"contact":       {fields: "time channel party guarantor outcome collector agency mentions_debt note", required: "channel outcome", needsLoan: true, check: checkContact, apply: (*runner).contact},
	"contact-state": {fields: "out_of_hours_consent dispute_open hardship_open outsource_notified", needsLoan: true, apply: (*runner).setContactState},
	"promise":       {fields: "amount due tolerance_days shortfall collector", required: "amount due", needsLoan: true, apply: (*runner).promise},
	"legal":         {fields: "step forum amount costs note", required: "step", needsLoan: true, check: checkLegal, apply: (*runner).legal},
	"demand":        {fields: "guarantor interruption channel delivered signed_receipt evidence", needsLoan: true, check: checkDemand, apply: (*runner).demand},
	"inspection":    {fields: "inspector conclusion findings inspection_kind", required: "inspector conclusion", needsLoan: true, apply: (*runner).inspect},
	"sign-off":      {fields: "supervisor inspection note", required: "supervisor", needsLoan: true, apply: (*runner).signOff},
	"fact":          {fields: "fact key severity signals amount external_debt source evidence actor on_loan", required: "fact", needsLoan: true, apply: (*runner).fact},
	"withdraw-fact": {fields: "withdraws reason actor", required: "withdraws reason", needsLoan: true, apply: (*runner).withdrawFact},
	"inflow":        {fields: "from amount source evidence key actor", required: "from amount", needsLoan: true, apply: (*runner).inflow},
	"fund-use":      {fields: "amount purpose off_purpose source evidence key actor", required: "amount purpose", needsLoan: true, apply: (*runner).fundUse},
	"second-loan":   {fields: "amount key actor", needsLoan: true, apply: (*runner).secondLoan},
	"close":         {needsLoan: true, apply: (*runner).closeTo},
	"open-line":     {fields: "amount until revolving committed actor", required: "amount until", apply: (*runner).openLine},
	"drawdown":      {needsLine: true, fields: "amount actor key funding", apply: (*runner).drawdown},
	"limit-request": {needsLine: true, fields: "amount until actor reason", required: "amount", apply: (*runner).requestLimit},
	"limit-approve": {needsLine: true, fields: "actor reason", required: "actor", apply: (*runner).approveLimit},
	"limit-reject":  {needsLine: true, fields: "actor reason", required: "actor reason", apply: (*runner).rejectLimit},
	"freeze":        {needsLine: true, fields: "actor reason", required: "reason", apply: (*runner).freezeLine},
	"unfreeze":      {needsLine: true, fields: "actor reason", required: "reason", apply: (*runner).unfreezeLine},

	"open-account":      {fields: "member role", required: "member", check: checkMember, apply: (*runner).openAccount},
	"deposit":           {fields: "member amount key", required: "member amount", apply: (*runner).deposit},
	"withdraw":          {fields: "member amount id", required: "member amount id", apply: (*runner).withdraw},
	"withdrawal-paid":   {fields: "id", required: "id", apply: (*runner).answerWithdrawal},
	"withdrawal-failed": {fields: "id", required: "id", apply: (*runner).answerWithdrawal},
	"publish":           {fields: "until min_bid max_bid reward", required: "until min_bid", apply: (*runner).publish},
	"bid":               {fields: "member amount key", required: "member amount", apply: (*runner).bid},
	"cancel-listing":    {apply: (*runner).cancelListing},
	"close-listings":    {apply: (*runner).closeListings},
	"accounts":          {apply: (*runner).accountsReport},
}

func init() {
	for typ := range entryKinds {
		if typ == "disburse" {
			continue
		}
		spec := eventSpec{fields: entryFields, needsLoan: true, apply: (*runner).post}
		if f, ok := servicingFields[typ]; ok && typ == "repay" {
			spec.fields = f.fields
		} else if ok {
			spec.fields, spec.required = "id key actor reason "+f.fields, f.required
		}
		eventTypes[typ] = spec
	}
}

// EventTypes returns the event types a scenario may use, sorted.
func EventTypes() []string {
	out := make([]string, 0, len(eventTypes))
	for typ := range eventTypes {
		out = append(out, typ)
	}
	slices.Sort(out)
	return out
}

// checkValuation: a valuation's method and source need its amount.
func checkValuation(bad *fault.Fields, field string, ev *Event) {
	if ev.Amount == "" && (ev.Method != "" || ev.Source != "") {
		bad.Add(field+".amount", "missing: a valuation needs an amount")
	}
}

// checkAssessment: an assessment's other figures need the net worth.
func checkAssessment(bad *fault.Fields, field string, ev *Event) {
	if ev.NetWorth == "" && (ev.OtherGuarantees != "" || ev.Rating != "") {
		bad.Add(field+".net_worth", "missing: an assessment needs the net worth")
	}
}

// checkContact: a contact names a guarantor exactly when its party is one.
func checkContact(bad *fault.Fields, field string, ev *Event) {
	switch {
	case ev.Guarantor == "" && ev.Party == "guarantor":
		bad.Add(field+".guarantor", "missing: name the guarantor contacted")
	case ev.Guarantor != "" && ev.Party != "guarantor":
		bad.Add(field+".guarantor", "only a contact with party guarantor names one")
	}
}

// checkLegal: only filing names the forum, and filing needs one.
func checkLegal(bad *fault.Fields, field string, ev *Event) {
	switch {
	case ev.Step == "file" && ev.Forum == "":
		bad.Add(field+".forum", "missing")
	case ev.Step != "file" && ev.Forum != "":
		bad.Add(field+".forum", "only filing names the forum")
	}
}

// checkDemand: a demand on a guarantor takes the guarantor alone.
func checkDemand(bad *fault.Fields, field string, ev *Event) {
	if ev.Guarantor != "" && (ev.Interruption != "" || ev.Delivered != nil || ev.SignedReceipt || ev.Evidence != "" || ev.Channel != "") {
		bad.Add(field+".guarantor", "a demand on a guarantor takes only date and guarantor")
	}
}
