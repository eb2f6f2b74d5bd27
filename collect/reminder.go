package collect

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
)

// ReminderRule sends a reminder a fixed number of days before a due date.
type ReminderRule struct {
	DaysBefore int        `json:"days_before"` // 0 = on the due date itself
	Channels   ChannelSet `json:"channels"`    // channels to use; narrowed by the borrower's preference
	Parties    PartySet   `json:"parties"`     // Borrower and/or Guarantor (each guarantor gets one)
}

// ReminderPolicy says when and how to remind before money falls due
// (还款提醒). Installment rules run against every installment's due date,
// maturity rules against the last one. A policy is data: load it from JSON,
// check it with Validate.
type ReminderPolicy struct {
	Installment []ReminderRule `json:"installment"`
	Maturity    []ReminderRule `json:"maturity"`
	// Hours is the delivery window for the Timed channels, in the party's
	// local time. The default 08:00–22:00 keeps reminders out of the quiet
	// hours of COL-2 (GB/T 45251—2025 《互联网金融 个人网络消费信贷
	// 贷后催收风控指引》; configurable).
	Hours Window     `json:"hours"`
	Timed ChannelSet `json:"timed"` // channels bound by Hours; a letter or e-mail is not
}

// DefaultReminderPolicy returns common practice for consumer loans: SMS and
// app push 7 days and 1 day before each due date and on the day; 30 days
// before maturity an SMS and an e-mail to the borrower and to each
// guarantor; SMS, phone and push only between 08:00 and 22:00 (COL-2,
// GB/T 45251—2025). The offsets are lender practice; no regulatory source
// was found for them.
func DefaultReminderPolicy() ReminderPolicy {
	nudge := Channels(SMS, AppPush)
	return ReminderPolicy{
		Installment: []ReminderRule{
			{DaysBefore: 7, Channels: nudge, Parties: Parties(Borrower)},
			{DaysBefore: 1, Channels: nudge, Parties: Parties(Borrower)},
			{DaysBefore: 0, Channels: nudge, Parties: Parties(Borrower)},
		},
		Maturity: []ReminderRule{
			{DaysBefore: 30, Channels: Channels(SMS, Email), Parties: Parties(Borrower, Guarantor)},
		},
		Hours: Window{Clock(8, 0), Clock(22, 0)},
		Timed: Channels(SMS, Phone, AppPush),
	}
}

// maxReminderDays bounds DaysBefore: a reminder more than a year ahead is a
// typing error.
const maxReminderDays = 366

// Validate reports every bad field of the policy in one *fault.Fields
// wrapping ErrInvalidPolicy.
func (p *ReminderPolicy) Validate() error {
	e := invalidPolicy()
	lists := [...]struct {
		name  string
		rules []ReminderRule
	}{{"installment", p.Installment}, {"maturity", p.Maturity}}
	for _, l := range lists {
		name, rules := l.name, l.rules
		seen := map[int]bool{}
		for i, r := range rules {
			f := fmt.Sprintf("%s[%d]", name, i)
			if r.DaysBefore < 0 || r.DaysBefore > maxReminderDays {
				e.Addf(f+".days_before", "%d outside 0..%d", r.DaysBefore, maxReminderDays)
			}
			if seen[r.DaysBefore] {
				e.Addf(f+".days_before", "%d appears twice", r.DaysBefore)
			}
			seen[r.DaysBefore] = true
			if r.Channels == 0 || !r.Channels.valid() {
				e.Add(f+".channels", "must name at least one defined channel")
			}
			if r.Parties == 0 || r.Parties&^Parties(Borrower, Guarantor) != 0 {
				e.Add(f+".parties", "must be borrower and/or guarantor")
			}
		}
	}
	p.Hours.validate("hours", e)
	if p.Hours.From >= p.Hours.To {
		e.Addf("hours", "delivery window %s–%s must start before it ends, within one day", p.Hours.From, p.Hours.To)
	}
	if !p.Timed.valid() {
		e.Add("timed", "holds undefined channels")
	}
	return e.Err()
}

// ReminderKind says what a reminder is about.
type ReminderKind uint8

// Reminder kinds.
const (
	InstallmentDue ReminderKind = iota + 1 // an installment falls due
	MaturityDue                            // the loan matures (last installment)
)

var reminderKindNames = enum.New[ReminderKind](ErrInvalidInput, "reminder kind", "", "installment", "maturity")

// String returns the kind's name.
func (k ReminderKind) String() string { return reminderKindNames.String(k) }

// Valid reports whether k is a defined kind.
func (k ReminderKind) Valid() bool { return reminderKindNames.Valid(k) }

// MarshalText encodes the kind's name.
func (k ReminderKind) MarshalText() ([]byte, error) { return reminderKindNames.MarshalText(k) }

// UnmarshalText decodes a kind's name.
func (k *ReminderKind) UnmarshalText(b []byte) error { return reminderKindNames.UnmarshalText(b, k) }

// Reminder is one message for the host to deliver. The delivery outcome
// comes back as a ContactRecord.
type Reminder struct {
	Loan       uuid.UUID    `json:"loan"`
	Day        date.Date    `json:"day"` // the day to send it
	Kind       ReminderKind `json:"kind"`
	Due        date.Date    `json:"due"` // the due date it is about
	DaysBefore int          `json:"days_before"`
	Channel    Channel      `json:"channel"`
	Party      Party        `json:"party"`
	Guarantor  int          `json:"guarantor,omitempty"` // 1-based guarantor number when Party is Guarantor
	Hours      Window       `json:"hours,omitempty"`     // local delivery window; zero = any time
}

// RemindersDue appends to dst the reminders to send on day for the loan
// described by f, and returns the extended slice. It allocates nothing when
// dst has room, so a host can reuse one buffer across a portfolio.
//
// The borrower's preferred channels narrow each rule's channels; when none
// of the rule's channels is preferred the rule's own channels are used, so
// a reminder is never silently dropped. The borrower's preferred hours
// narrow the policy's delivery window but never widen it.
func (p *ReminderPolicy) RemindersDue(day date.Date, f *Facts, dst []Reminder) []Reminder {
	if !f.NextDue.IsZero() {
		dst = p.remind(dst, p.Installment, InstallmentDue, day, f.NextDue, f)
	}
	if !f.Maturity.IsZero() {
		dst = p.remind(dst, p.Maturity, MaturityDue, day, f.Maturity, f)
	}
	return dst
}

func (p *ReminderPolicy) remind(dst []Reminder, rules []ReminderRule, kind ReminderKind, day, due date.Date, f *Facts) []Reminder {
	before := int(due.Sub(day))
	if before < 0 || before > maxReminderDays {
		return dst
	}
	for i := range rules {
		r := &rules[i]
		if r.DaysBefore != before {
			continue
		}
		chans := r.Channels
		if pref := chans & f.Preferred; pref != 0 {
			chans = pref
		}
		for c := Channel(1); c < channelEnd; c++ {
			if !chans.Has(c) {
				continue
			}
			rem := Reminder{Loan: f.Loan, Day: day, Kind: kind, Due: due, DaysBefore: before, Channel: c}
			timed := p.Timed.Has(c)
			if r.Parties.Has(Borrower) {
				rem.Party = Borrower
				if timed {
					rem.Hours = p.Hours.narrow(f.Hours)
				}
				dst = append(dst, rem)
			}
			if r.Parties.Has(Guarantor) {
				rem.Party = Guarantor
				rem.Hours = Window{}
				if timed {
					rem.Hours = p.Hours
				}
				for g := 1; g <= f.Guarantors; g++ {
					rem.Guarantor = g
					dst = append(dst, rem)
				}
			}
		}
	}
	return dst
}
