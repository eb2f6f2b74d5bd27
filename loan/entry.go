package loan

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// Kind is what a journal entry does to a loan.
type Kind uint8

// Journal entry kinds.
const (
	Disbursement Kind = iota + 1 // the loan's principal is paid out; Amount = Terms.Principal
	Repayment                    // a payment applied to amounts due by the waterfall; the rest becomes credit
	Prepayment                   // an explicit payment of amounts not yet due (提前还款), partial or full payoff
	FeeCharge                    // a fee charged to the borrower
	Waiver                       // a waiver of due penalty, fee or interest (or of a written-off claim)
	Restructure                  // new terms for the rest of the loan: extension (展期), rate, method, arrears, holiday
	Acceleration                 // the whole outstanding falls due on the value date (宣布提前到期)
	WriteOff                     // the outstanding leaves the books (核销); the claim is still pursued (账销案存)
	Recovery                     // a payment received on a written-off claim
	Refund                       // credit balance paid back to the borrower (Fineract's credit balance refund)
	Reversal                     // says an earlier entry never happened: the fold leaves it out entirely
	Pause                        // delinquency pause: days from ValueDate to Until leave days past due
	Resume                       // ends the delinquency pause in force early, on ValueDate
	ReAge                        // the arrears move into new installments after maturity; days past due reset
	ReAmortize                   // the arrears are spread over the installments not yet due
	Settlement                   // a negotiated payoff for less than the claim (和解); the rest is waived
	Sale                         // the loan is sold to an external owner (Fineract's external asset owner transfer)
	Buyback                      // the loan is bought back from its external owner
	Tranche                      // a later disbursement of a loan disbursed in tranches; the schedule is re-planned
	DownPayment                  // the down payment received on a disbursement date
	// Nonaccrual places the loan's postings in nonaccrual status by
	// decision, from ValueDate (see AccrualPolicy.NonaccrualDPD for what
	// that does): e.g. because its risk grade fell to one the lender does
	// not accrue on. The FFIEC Call Report instructions (Glossary,
	// "Nonaccrual Status") put an asset kept on a cash basis because of
	// the borrower's deteriorated financial condition, or whose full
	// payment is not expected, in nonaccrual status whatever its days past
	// due. Reason is required.
	Nonaccrual
	// AccrualRestored lifts a Nonaccrual decision on ValueDate; the loan
	// accrues again unless its days past due keep it in nonaccrual.
	AccrualRestored
	kindEnd
)

var kindNames = enum.New[Kind](ErrInvalidInput, "kind", "", "disbursement", "repayment", "prepayment", "fee",
	"waiver", "restructure", "acceleration", "write-off", "recovery", "refund", "reversal",
	"delinquency-pause", "delinquency-resume", "re-age", "re-amortize", "settlement", "sale", "buyback",
	"tranche", "down-payment", "nonaccrual", "accrual-restored")

// String returns the kind's name as used in JSON.
func (k Kind) String() string { return kindNames.String(k) }

// MarshalText encodes the kind's name.
func (k Kind) MarshalText() ([]byte, error) { return kindNames.MarshalText(k) }

// UnmarshalText decodes a kind's name; on an error k is unchanged.
func (k *Kind) UnmarshalText(b []byte) error { return kindNames.UnmarshalText(b, k) }

// kindEvents maps an entry kind to the lifecycle event it is checked
// against in the transition table (status.go).
var kindEvents = [...]Event{0, EventDisburse, EventRepay, EventPrepay, EventCharge, EventWaive,
	EventRestructure, EventAccelerate, EventWriteOff, EventRecover, EventRefund, EventReverse,
	EventPause, EventResume, EventReAge, EventReAmortize, EventSettle, EventSell, EventBuyBack,
	EventDisburseTranche, EventDownPay, EventNonaccrual, EventNonaccrual}

// Entry is one immutable line of a loan's journal. The host fills in what
// happened; Post assigns Seq. Fields that a kind does not use must be left
// at their zero value.
type Entry struct {
	ID             uuid.UUID    `json:"id"`
	Seq            int          `json:"seq"` // 1-based posting order, set by Post
	Kind           Kind         `json:"kind"`
	ValueDate      date.Date    `json:"value_date"` // when it takes effect; may be in the past (backdated)
	BookedAt       time.Time    `json:"booked_at"`  // when it was recorded (passed in; never read from a clock)
	Actor          string       `json:"actor"`
	Reason         string       `json:"reason,omitempty"`
	IdempotencyKey string       `json:"idempotency_key"`
	Amount         money.Amount `json:"amount"`

	// Component is the component a Waiver waives (penalty, fee or interest;
	// principal only on a written-off loan).
	Component Component `json:"component,omitempty"`
	// Installment is the installment number a FeeCharge is added to; 0 charges
	// the oldest installment not fully paid that has fallen due, else the next one.
	Installment int `json:"installment,omitempty"`
	// Payoff marks a Prepayment that settles the whole loan; Amount must
	// cover the payoff amount (any excess becomes credit balance).
	Payoff bool `json:"payoff,omitempty"`
	// Reamortize overrides the policy's choice for a partial Prepayment.
	Reamortize ReamortizeMode `json:"reamortize,omitempty"`
	// Excess overrides the policy for what a Repayment's money beyond what
	// is due becomes, when the payer says so; zero: the policy's.
	Excess ExcessMode `json:"excess,omitempty"`
	// Until is the last day of a delinquency Pause (Fineract's endDate): the
	// days after ValueDate up to and including Until do not count as days
	// past due.
	Until date.Date `json:"until,omitzero"`
	// Change holds a Restructure's new terms.
	Change *Change `json:"change,omitempty"`
	// ReAging holds a ReAge's new installments.
	ReAging *ReAging `json:"re_aging,omitempty"`
	// Approver is who authorised a Restructure, WriteOff, Waiver, ReAge,
	// ReAmortize or Settlement; required for all but a Waiver, and must
	// differ from Actor (four-eyes).
	Approver string `json:"approver,omitempty"`
	// Reverses is the ID of the entry a Reversal removes.
	Reverses uuid.UUID `json:"reverses,omitzero"`
	// Transfer names the external owner of a Sale (required) or a Buyback
	// (optional), and a sale's price.
	Transfer *Transfer `json:"transfer,omitempty"`
}

// Transfer is a sale of a loan to an external owner, or its buyback:
// Fineract's external asset owner transfer.
type Transfer struct {
	// Owner is the external owner (Fineract's ownerExternalId): the buyer
	// of a sale; on a buyback, when given, the current owner.
	Owner string `json:"owner"`
	// PriceRatio is a sale's purchase price as a share of the outstanding
	// balance (Fineract's purchasePriceRatio): recorded, not booked — the
	// price is settled between the lender and the owner. A buyback has
	// none.
	PriceRatio money.Rate `json:"price_ratio,omitzero"`
}

func (t *Transfer) equal(u *Transfer) bool {
	if t == nil || u == nil {
		return t == u
	}
	return *t == *u
}

// ReAging is a re-age's new installments: Fineract's re-age parameters
// (startDate, numberOfInstallments, frequencyNumber, frequencyType).
type ReAging struct {
	// FirstDue is the first new installment's due date; after the last
	// installment's due date, since the arrears move to the end of the
	// schedule.
	FirstDue date.Date `json:"first_due"`
	// Installments is how many new installments share the arrears.
	Installments int `json:"installments"`
	// Every and Unit space the new due dates: every 1 month, every 15
	// days. Months keep FirstDue's day of the month, clamped to the
	// month's last day.
	Every int      `json:"every"`
	Unit  TermUnit `json:"unit"`
}

// TermUnit is the unit of a re-age's spacing.
type TermUnit uint8

// Term units.
const (
	Days TermUnit = iota + 1
	Weeks
	Months
	Years
)

var termUnitNames = enum.New[TermUnit](ErrInvalidInput, "unit", "", "days", "weeks", "months", "years")

// String returns the unit's name.
func (u TermUnit) String() string { return termUnitNames.String(u) }

// MarshalText encodes the unit's name.
func (u TermUnit) MarshalText() ([]byte, error) { return termUnitNames.MarshalText(u) }

// UnmarshalText decodes a unit's name; on an error u is unchanged.
func (u *TermUnit) UnmarshalText(b []byte) error { return termUnitNames.UnmarshalText(b, u) }

// due returns the k-th new due date (0-based).
func (r *ReAging) due(k int) date.Date {
	n := k * r.Every
	switch r.Unit {
	case Days:
		return r.FirstDue.Add(date.PeriodOfDays(n))
	case Weeks:
		return r.FirstDue.Add(date.PeriodOfDays(7 * n))
	case Years:
		return schedule.AddMonths(r.FirstDue, 12*n)
	}
	return schedule.AddMonths(r.FirstDue, n)
}

func (r *ReAging) validate(v *fault.Fields) {
	if r.FirstDue.IsZero() {
		v.Add("re_aging.first_due", "missing")
	}
	if r.Installments < 1 || r.Installments > maxPeriods {
		v.Add("re_aging.installments", fmt.Sprintf("must be between 1 and %d", maxPeriods))
	}
	if r.Every < 1 || r.Every > 36600 {
		v.Add("re_aging.every", "must be between 1 and 36600")
	}
	if !termUnitNames.Valid(r.Unit) {
		v.Add("re_aging.unit", "must be days, weeks, months or years")
	}
}

func (r *ReAging) equal(s *ReAging) bool {
	if r == nil || s == nil {
		return r == s
	}
	return *r == *s
}

// Change is a restructuring of the rest of a loan from the entry's value
// date. Each zero field keeps the current value.
type Change struct {
	// ExtendPeriods adds periods after the current maturity (展期); a
	// negative value shortens the loan but must leave at least one period
	// after the restructure date.
	ExtendPeriods int `json:"extend_periods,omitempty"`
	// Rate is the new nominal annual rate; nil keeps the current one.
	Rate *money.Rate `json:"rate,omitempty"`
	// Method is the new repayment method; zero keeps the current one.
	Method schedule.Method `json:"method,omitempty"`
	// CapitalizeArrears adds everything overdue (principal, interest,
	// penalty, fee) to the principal of the new schedule.
	CapitalizeArrears bool `json:"capitalize_arrears,omitempty"`
	// HolidayPeriods is a payment holiday: the first periods of the new
	// schedule ask for no payment; their interest is deferred to the first
	// payment after them (not capitalised).
	HolidayPeriods int `json:"holiday_periods,omitempty"`
}

func (c *Change) equal(d *Change) bool {
	if c == nil || d == nil {
		return c == d
	}
	if (c.Rate == nil) != (d.Rate == nil) || c.Rate != nil && *c.Rate != *d.Rate {
		return false
	}
	return c.ExtendPeriods == d.ExtendPeriods && c.Method == d.Method &&
		c.CapitalizeArrears == d.CapitalizeArrears && c.HolidayPeriods == d.HolidayPeriods
}

// samePayload reports whether two entries ask for the same thing: every
// field except ID, Seq and BookedAt, which a retry may legitimately change.
func (e *Entry) samePayload(f *Entry) bool {
	return e.Kind == f.Kind && e.ValueDate == f.ValueDate && e.Actor == f.Actor && e.Reason == f.Reason &&
		e.IdempotencyKey == f.IdempotencyKey && e.Amount == f.Amount && e.Component == f.Component &&
		e.Installment == f.Installment && e.Payoff == f.Payoff && e.Reamortize == f.Reamortize &&
		e.Change.equal(f.Change) && e.Approver == f.Approver && e.Reverses == f.Reverses &&
		e.Until == f.Until && e.ReAging.equal(f.ReAging) && e.Excess == f.Excess && e.Transfer.equal(f.Transfer)
}

// maxText bounds free-text fields so a journal stays small.
const maxText = 500

// validate checks what can be checked without folding: field shapes, the
// fields the kind needs and the fields it must leave empty.
func (e *Entry) validate(l *Loan, v *fault.Fields) {
	cur := l.terms.Principal.Currency()
	if e.Kind == 0 || e.Kind >= kindEnd {
		v.Add("kind", "unknown entry kind")
		return
	}
	if e.ID == uuid.Nil {
		v.Add("id", "missing")
	}
	if e.Seq != 0 {
		v.Add("seq", "is assigned by Post; leave it zero")
	}
	if e.IdempotencyKey == "" {
		v.Add("idempotency_key", "missing")
	}
	if e.Actor == "" {
		v.Add("actor", "missing")
	}
	for _, s := range [...]struct{ name, val string }{{"actor", e.Actor}, {"reason", e.Reason},
		{"idempotency_key", e.IdempotencyKey}, {"approver", e.Approver}, {"transfer.owner", e.owner()}} {
		if len(s.val) > maxText {
			v.Add(s.name, fmt.Sprintf("longer than %d bytes", maxText))
		}
	}
	if e.BookedAt.IsZero() {
		v.Add("booked_at", "missing")
	}
	// A missing value date is reported as missing: the zero date is also
	// "before the disbursement", which would send the user looking for the
	// wrong mistake.
	if e.ValueDate.IsZero() {
		v.Add("value_date", "required")
	} else if e.Kind != Disbursement && l.disbursed() && e.ValueDate.Before(l.terms.Start) {
		v.Add("value_date", "before the disbursement "+l.terms.Start.String())
	}
	if h := l.lastDate(); e.ValueDate.After(h) {
		v.Add("value_date", "after "+h.String()+", a century past the scheduled maturity")
	}
	needsAmount := moves[e.Kind]
	switch {
	case !e.Amount.SameCurrency(money.Zero(cur)) || (!e.Amount.IsZero() && e.Amount.Currency() != cur):
		v.Add("amount", "currency is not the loan's "+cur.Code())
	case needsAmount && !e.Amount.IsPositive():
		v.Add("amount", "must be positive")
	case !needsAmount && e.Kind != WriteOff && !e.Amount.IsZero():
		v.Add("amount", "must be zero for a "+e.Kind.String())
	case e.Kind == WriteOff && e.Amount.IsNegative():
		v.Add("amount", "must not be negative")
	case e.Amount.Minor() > maxPrincipal:
		v.Add("amount", "too large")
	}
	if e.Kind != Waiver && e.Component != 0 {
		v.Add("component", "only a waiver names a component")
	}
	if e.Kind == Waiver && e.Component >= componentCount {
		v.Add("component", "unknown component")
	}
	if e.Kind != FeeCharge && e.Installment != 0 {
		v.Add("installment", "only a fee charge names an installment")
	}
	if e.Installment < 0 {
		v.Add("installment", "must not be negative")
	}
	if e.Kind != Prepayment && e.Payoff {
		v.Add("payoff", "only a prepayment is a payoff")
	}
	if e.Kind != Prepayment && e.Reamortize != 0 {
		v.Add("reamortize", "only a prepayment re-amortises")
	}
	if e.Reamortize > KeepInstallment {
		v.Add("reamortize", "unknown mode")
	}
	if e.Kind == Prepayment && e.Payoff && e.Reamortize != 0 {
		v.Add("reamortize", "a payoff does not re-amortise")
	}
	if (e.Kind == Restructure) != (e.Change != nil) {
		v.Add("change", "required for a restructure and only for it")
	}
	if e.Change != nil {
		e.Change.validate(v)
	}
	e.validateServicing(v)
	needsApprover := e.Kind == Restructure || e.Kind == WriteOff || e.Kind == ReAge || e.Kind == ReAmortize ||
		e.Kind == Settlement
	switch {
	case needsApprover && e.Approver == "":
		v.Add("approver", "required for a "+e.Kind.String())
	case e.Approver != "" && e.Approver == e.Actor:
		v.Add("approver", "must differ from the actor (four-eyes)")
	case e.Approver != "" && !needsApprover && e.Kind != Waiver:
		v.Add("approver", "not used by a "+e.Kind.String())
	}
	if (needsApprover || e.Kind == Waiver || e.Kind == Reversal || e.Kind == Nonaccrual) && e.Reason == "" {
		v.Add("reason", "required for a "+e.Kind.String())
	}
	if (e.Kind == Reversal) != (e.Reverses != uuid.Nil) {
		v.Add("reverses", "required for a reversal and only for it")
	}
}

func (c *Change) validate(v *fault.Fields) {
	if c.Rate != nil && (c.Rate.IsNegative() || c.Rate.Cmp(money.MustRate("10")) > 0) {
		v.Add("change.rate", "must be between 0 and 1000%")
	}
	if c.Method != 0 && (c.Method < schedule.EqualInstallment || c.Method > schedule.Flat) {
		v.Add("change.method", "unknown method")
	}
	if c.HolidayPeriods < 0 {
		v.Add("change.holiday_periods", "must not be negative")
	}
	if c.ExtendPeriods > maxPeriods || c.ExtendPeriods < -maxPeriods {
		v.Add("change.extend_periods", "out of range")
	}
	if *c == (Change{}) {
		v.Add("change", "changes nothing")
	}
}

// moves says which entry kinds carry an amount of money; the others must
// leave Amount zero (a WriteOff may state the amount it writes off).
var moves = [kindEnd]bool{Disbursement: true, Repayment: true, Prepayment: true, FeeCharge: true, Waiver: true,
	Recovery: true, Refund: true, Settlement: true, Tranche: true, DownPayment: true}

// validateServicing checks the fields of the servicing conventions: each
// belongs to one or two kinds and is checked there.
func (e *Entry) validateServicing(v *fault.Fields) {
	switch {
	case (e.Kind == Pause) == e.Until.IsZero():
		v.Add("until", "required for a delinquency pause and only for it")
	case e.Kind == Pause && !e.Until.After(e.ValueDate):
		v.Add("until", "must be after the value date: a pause lasts at least one day")
	}
	switch {
	case (e.Kind == ReAge) != (e.ReAging != nil):
		v.Add("re_aging", "required for a re-age and only for it")
	case e.ReAging != nil:
		e.ReAging.validate(v)
		if d := e.ReAging.FirstDue; !d.IsZero() && !d.After(e.ValueDate) {
			v.Add("re_aging.first_due", "must be after the value date")
		}
	}
	switch {
	case e.Excess != 0 && !excessNames.Valid(e.Excess):
		v.Add("excess", "unknown mode")
	case e.Excess != 0 && e.Kind != Repayment:
		v.Add("excess", "only a repayment says what its excess becomes")
	}
	switch {
	case e.Transfer != nil && e.Kind != Sale && e.Kind != Buyback:
		v.Add("transfer", "only a sale or a buyback transfers the loan")
	case e.Kind == Sale && e.Transfer == nil:
		v.Add("transfer", "required for a sale: the owner and the price ratio")
	case e.Kind == Sale:
		r := e.Transfer.PriceRatio
		if e.Transfer.Owner == "" {
			v.Add("transfer.owner", "required for a sale")
		}
		switch {
		case r.IsZero() || r.IsNegative():
			v.Add("transfer.price_ratio", "required for a sale, and positive")
		case r.Cmp(money.MustRate("10")) > 0:
			v.Add("transfer.price_ratio", "must not exceed 1000%")
		}
	case e.Kind == Buyback && e.Transfer != nil && !e.Transfer.PriceRatio.IsZero():
		v.Add("transfer.price_ratio", "a buyback has no price ratio")
	}
}

// owner returns the transfer's owner, or "".
func (e *Entry) owner() string {
	if e.Transfer == nil {
		return ""
	}
	return e.Transfer.Owner
}
