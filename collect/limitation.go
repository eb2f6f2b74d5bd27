package collect

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/schedule"
)

// LimitationPolicy computes limitation periods (诉讼时效) under the PRC
// Civil Code (arts. 188–195) and the SPC limitation provisions
// (《最高人民法院关于审理民事案件适用诉讼时效制度若干问题的规定》, 法释〔2008〕11号,
// amended 2020; articles as numbered after the amendment). The figures are
// configurable for other jurisdictions.
type LimitationPolicy struct {
	// Years is the limitation period: 3 under Civil Code art. 188,
	// running for an instalment debt from the due date of the last
	// instalment (art. 189), or from acceleration.
	Years int `json:"years"`
	// LongStopYears caps any restart: 20 years from the start (art. 188).
	LongStopYears int `json:"long_stop_years"`
	// WarnDays: a running claim within this many days of expiry is flagged
	// (lender practice).
	WarnDays int `json:"warn_days"`
	// DemandEveryMonths is the cadence of demand notices with the debtor's
	// signed receipt for non-performing claims: 3, one per calendar
	// quarter (lender practice for NPL files; no regulatory source found).
	DemandEveryMonths int `json:"demand_every_months"`
	// GuaranteeMonths is the guarantee period (保证期间) when the contract
	// agrees none: 6 months from the main debt's due date (Civil Code
	// art. 692).
	GuaranteeMonths int `json:"guarantee_months"`
}

// DefaultLimitationPolicy returns the PRC rules: 3 years, 20-year long
// stop, warnings 90 days ahead, quarterly demand notices, 6-month default
// guarantee period.
func DefaultLimitationPolicy() LimitationPolicy {
	return LimitationPolicy{Years: 3, LongStopYears: 20, WarnDays: 90, DemandEveryMonths: 3, GuaranteeMonths: 6}
}

// Validate reports every bad field of the policy in one *fault.Fields
// wrapping ErrInvalidPolicy.
func (p *LimitationPolicy) Validate() error {
	e := invalidPolicy()
	if p.Years < 1 || p.Years > 30 {
		e.Addf("years", "%d outside 1..30", p.Years)
	}
	if p.LongStopYears != 0 && p.LongStopYears < p.Years {
		e.Addf("long_stop_years", "%d is shorter than the period (%d); 0 means none", p.LongStopYears, p.Years)
	}
	if p.WarnDays < 0 {
		e.Addf("warn_days", "%d is negative", p.WarnDays)
	}
	if p.DemandEveryMonths < 0 || p.DemandEveryMonths > 12 || p.DemandEveryMonths > 0 && 12%p.DemandEveryMonths != 0 {
		e.Addf("demand_every_months", "%d must divide the year (1, 2, 3, 4, 6, 12) or be 0", p.DemandEveryMonths)
	}
	if p.GuaranteeMonths < 1 {
		e.Addf("guarantee_months", "%d must be at least 1", p.GuaranteeMonths)
	}
	return e.Err()
}

// GuaranteeEnd returns the last day of the statutory guarantee period for
// a main debt due on mainDue, when the contract agrees none.
func (p *LimitationPolicy) GuaranteeEnd(mainDue date.Date) date.Date {
	return schedule.AddMonths(mainDue, p.GuaranteeMonths)
}

// Interruption is what happened to a claim that may interrupt and restart
// its limitation period (Civil Code art. 195).
type Interruption uint8

// Interruptions.
const (
	Demand           Interruption = iota + 1 // creditor's demand: letter, SMS, e-mail that reached the debtor (SPC art. 8)
	AccountDebit                             // the lender debited the debtor's account under the contract (SPC art. 8)
	Acknowledgement                          // partial payment, repayment plan, extension request, security (SPC art. 14)
	Lawsuit                                  // suit or arbitration filed (art. 195(3))
	AssignmentNotice                         // notice of assignment reached the debtor (SPC art. 17)
)

var interruptionNames = enum.New[Interruption](ErrInvalidInput, "interruption", "", "demand", "account-debit", "acknowledgement", "lawsuit", "assignment-notice")

// String returns the interruption's name.
func (k Interruption) String() string { return interruptionNames.String(k) }

// Valid reports whether k is a defined interruption.
func (k Interruption) Valid() bool { return interruptionNames.Valid(k) }

// MarshalText encodes the interruption's name.
func (k Interruption) MarshalText() ([]byte, error) { return interruptionNames.MarshalText(k) }

// UnmarshalText decodes an interruption's name.
func (k *Interruption) UnmarshalText(b []byte) error { return interruptionNames.UnmarshalText(b, k) }

// needsDelivery reports whether the event only counts once it reached the
// debtor (SPC arts. 8 and 17: a demand or notice "that reaches" the obligor).
func (k Interruption) needsDelivery() bool { return k == Demand || k == AssignmentNotice }

// creditorSide reports whether the event is the creditor's act, which
// cannot revive an expired claim; the debtor's acknowledgement after expiry
// waives the defence (Civil Code art. 192; SPC limitation provisions
// art. 19).
func (k Interruption) creditorSide() bool { return k != Acknowledgement }

// LimitationEvent is one event on a claim, with its evidence.
type LimitationEvent struct {
	Day           date.Date    `json:"day"`
	Kind          Interruption `json:"kind"`
	Channel       Channel      `json:"channel,omitempty"` // how a demand was sent
	Delivered     bool         `json:"delivered"`         // it reached the debtor
	SignedReceipt bool         `json:"signed_receipt"`    // the debtor signed a receipt (the evidence demand notices need)
	Evidence      string       `json:"evidence"`          // document or record id
}

// Validate reports every bad field of the event in one *fault.Fields
// wrapping ErrInvalidInput: a missing day, an undefined kind or channel,
// missing evidence.
func (ev *LimitationEvent) Validate() error {
	e := invalid()
	if ev.Day.IsZero() {
		e.Add("day", "missing")
	}
	ev.check(e)
	return e.Err()
}

// check adds the bad fields of the event but its day to e (Claim.Record
// has never required the day).
func (ev *LimitationEvent) check(e *fault.Fields) {
	if !ev.Kind.Valid() {
		e.Addf("kind", "undefined interruption %d", uint8(ev.Kind))
	}
	if ev.Evidence == "" {
		e.Add("evidence", "missing: every interruption must be provable")
	}
	if ev.Channel != 0 && !ev.Channel.Valid() {
		e.Addf("channel", "undefined channel %d", uint8(ev.Channel))
	}
}

// Claim is one claim whose limitation is tracked: against the borrower, or
// against a guarantor under a guarantee.
type Claim struct {
	Loan      uuid.UUID `json:"loan"`
	Party     Party     `json:"party"`               // Borrower or Guarantor
	Guarantor int       `json:"guarantor,omitempty"` // 1-based guarantor number
	// Start is when the period starts: the due date of the last
	// installment, or the acceleration date. Required (Validate).
	Start date.Date `json:"start"`
	// GuaranteeEnd is the last day of the guarantee period, for a claim on
	// a guarantor: a first demand after it is refused (ErrGuaranteeLapsed).
	// Required for a guarantor claim (LimitationPolicy.GuaranteeEnd gives
	// the statutory one); unused for the borrower.
	GuaranteeEnd date.Date         `json:"guarantee_end,omitzero"`
	Events       []LimitationEvent `json:"events"`
}

// Validate reports every bad field of the claim in one *fault.Fields
// wrapping ErrInvalidInput: a party other than the borrower or a
// guarantor, a missing Start, and a guarantor claim without GuaranteeEnd.
// Status assumes a claim that passes it.
func (c *Claim) Validate() error {
	e := invalid()
	if c.Start.IsZero() {
		e.Add("start", "missing: the due date of the last installment, or the acceleration date")
	}
	c.checkParty(e)
	return e.Err()
}

// checkParty adds the party's and the guarantee period's bad fields to e.
func (c *Claim) checkParty(e *fault.Fields) {
	if c.Party != Borrower && c.Party != Guarantor {
		e.Addf("party", "a claim is on the borrower or a guarantor, not %s", c.Party)
	}
	if c.Party == Guarantor && c.GuaranteeEnd.IsZero() {
		e.Add("guarantee_end", "missing for a claim on a guarantor")
	}
}

// Record adds an event to the claim. A bad event, or a claim with a bad
// party or a guarantor claim without GuaranteeEnd, returns a
// *fault.Fields; a first demand on a guarantor after the guarantee
// period returns ErrGuaranteeLapsed (Civil Code art. 693: the guarantor is
// released). Record does not require Start (Validate does). Nothing
// changes on error.
func (c *Claim) Record(ev LimitationEvent) error {
	e := invalid()
	ev.check(e)
	c.checkParty(e)
	if err := e.Err(); err != nil {
		return err
	}
	if c.Party == Guarantor && ev.Kind == Demand && c.demanded().IsZero() && ev.Day.After(c.GuaranteeEnd) {
		return fmt.Errorf("%w: demand on guarantor %d on %s, the guarantee period ended %s", ErrGuaranteeLapsed, c.Guarantor, ev.Day, c.GuaranteeEnd)
	}
	c.Events = append(c.Events, ev)
	slices.SortStableFunc(c.Events, byDay)
	return nil
}

// demanded returns the day of the earliest delivered demand, or the zero
// date. Events need not be in order.
func (c *Claim) demanded() date.Date {
	var first date.Date
	for _, ev := range c.Events {
		if ev.Kind == Demand && ev.Delivered && (first.IsZero() || ev.Day.Before(first)) {
			first = ev.Day
		}
	}
	return first
}

// byDay compares events by day; stable sorts keep one day's events in order.
func byDay(a, b LimitationEvent) int { return int(a.Day.Sub(b.Day)) }

// LimitationStatus is a claim's limitation as of a day.
type LimitationStatus struct {
	Running  bool      `json:"running"`   // the period runs (a guarantor claim runs from the first demand)
	Restart  date.Date `json:"restart"`   // when the current period started
	Expiry   date.Date `json:"expiry"`    // last day to sue; for a guarantor never demanded, the last day to demand
	Expired  bool      `json:"expired"`   // asOf is after Expiry
	DaysLeft int       `json:"days_left"` // Expiry − asOf, negative once expired
	Warning  bool      `json:"warning"`   // running, not expired, within WarnDays of expiry
}

// Status returns the claim's limitation as of asOf, counting only events up
// to asOf. Each event that interrupts (a delivered demand or assignment
// notice, an account debit, an acknowledgement, a lawsuit) restarts the
// full period from its day; a creditor's act after expiry does not revive
// the claim, the debtor's acknowledgement does (art. 192; SPC art. 19).
// The 20-year long stop caps every restart. A claim on a guarantor runs
// from the first delivered demand within the guarantee period (Civil Code
// art. 694).
//
// Events need not be in order (Record keeps them sorted; a claim decoded
// from JSON or built by hand may not be): they are taken in order of day.
// Status expects a claim that passes Validate.
func (p *LimitationPolicy) Status(c *Claim, asOf date.Date) LimitationStatus {
	var s LimitationStatus
	start := c.Start
	if c.Party == Guarantor {
		d := c.demanded()
		if d.IsZero() || d.After(asOf) {
			s.Expiry = c.GuaranteeEnd
			s.DaysLeft = int(s.Expiry.Sub(asOf))
			s.Expired = s.DaysLeft < 0
			return s
		}
		start = d
	}
	s.Running, s.Restart = true, start
	expiry := p.expiry(c.Start, start)
	events := c.Events
	if !slices.IsSortedFunc(events, byDay) {
		events = slices.SortedStableFunc(slices.Values(events), byDay)
	}
	for _, ev := range events {
		if ev.Day.After(asOf) {
			break // sorted: the rest are later still
		}
		if ev.Day.Before(s.Restart) || ev.Kind.needsDelivery() && !ev.Delivered {
			continue
		}
		if ev.Day.After(expiry) && ev.Kind.creditorSide() {
			continue
		}
		s.Restart = ev.Day
		expiry = p.expiry(c.Start, ev.Day)
	}
	s.Expiry = expiry
	s.DaysLeft = int(expiry.Sub(asOf))
	s.Expired = s.DaysLeft < 0
	s.Warning = !s.Expired && s.DaysLeft <= p.WarnDays
	return s
}

func (p *LimitationPolicy) expiry(start, restart date.Date) date.Date {
	e := schedule.AddMonths(restart, 12*p.Years)
	if p.LongStopYears > 0 {
		e = e.Min(schedule.AddMonths(start, 12*p.LongStopYears))
	}
	return e
}

// DemandNotice asks the host to send a demand notice and obtain the
// debtor's signed receipt.
type DemandNotice struct {
	Loan      uuid.UUID `json:"loan"`
	Party     Party     `json:"party"`
	Guarantor int       `json:"guarantor,omitempty"`
	PeriodEnd date.Date `json:"period_end"` // the notice must be signed by this day
}

// DemandNoticeDue returns the notice due for a non-performing claim when
// no demand with a signed receipt falls in the current period of
// DemandEveryMonths calendar months (a calendar quarter by default).
// Performing claims, claims whose limitation has expired and a zero cadence
// yield none.
func (p *LimitationPolicy) DemandNoticeDue(c *Claim, asOf date.Date, nonPerforming bool) (DemandNotice, bool) {
	if !nonPerforming || p.DemandEveryMonths <= 0 || p.Status(c, asOf).Expired {
		return DemandNotice{}, false
	}
	y, m, _ := asOf.Date()
	first := date.New(y, time.Month((int(m)-1)/p.DemandEveryMonths*p.DemandEveryMonths+1), 1)
	for _, ev := range c.Events {
		if ev.Kind == Demand && ev.SignedReceipt && !ev.Day.Before(first) && !ev.Day.After(asOf) {
			return DemandNotice{}, false
		}
	}
	end := schedule.AddMonths(first, p.DemandEveryMonths).Add(-1)
	return DemandNotice{Loan: c.Loan, Party: c.Party, Guarantor: c.Guarantor, PeriodEnd: end}, true
}
