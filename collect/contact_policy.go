package collect

import "fmt"

// RuleID names a conduct rule of a contact policy ("COL-1"): the id a
// refusal names, so a host's audit trail shows which rule refused an
// attempt.
type RuleID string

// Rule is the common part of every conduct rule: its id, its source and
// whether it is switched on in this jurisdiction.
type Rule struct {
	ID      RuleID `json:"id"`
	Source  string `json:"source"`
	Enabled bool   `json:"enabled"`
}

func (r Rule) refuse(format string, args ...any) error {
	return &RuleError{Rule: r.ID, Source: r.Source, Detail: fmt.Sprintf(format, args...)}
}

// QuietHoursRule forbids contact in a window of the party's local time
// unless the debtor agreed to it.
type QuietHoursRule struct {
	Rule
	Window   Window     `json:"window"`   // the quiet hours, e.g. 22:00–08:00
	Channels ChannelSet `json:"channels"` // the channels the rule covers
	Consent  bool       `json:"consent"`  // the debtor's consent lifts the rule
}

// CallLimitRule caps the connected calls to a debtor in one local day,
// counting the lender and its agencies together.
type CallLimitRule struct {
	Rule
	Max int `json:"max"`
}

// PauseRule stops contact while a dispute or a hardship review is open.
type PauseRule struct {
	Rule
	OnDispute  bool `json:"on_dispute"`
	OnHardship bool `json:"on_hardship"`
}

// ContactPolicy is the set of conduct rules (合规催收) checked before a
// contact attempt is recorded. Each rule can be switched off or tuned per
// jurisdiction (DefaultContactPolicy cites the source of each default).
type ContactPolicy struct {
	QuietHours  QuietHoursRule `json:"quiet_hours"`
	CallLimit   CallLimitRule  `json:"call_limit"`
	Disclosure  Rule           `json:"disclosure"`  // no disclosure of the debt to third parties
	Pause       PauseRule      `json:"pause"`       // no contact during a dispute or hardship review
	Outsourcing Rule           `json:"outsourcing"` // agencies only after the debtor was told
}

// Sources of the default rules, as Rule.Source carries them into a host's
// audit trail.
//
// srcStandard is the national standard on the post-loan collection of
// online consumer credit, issued 2025-02-28 by SAMR and SAC (it replaced
// NIFA's 2024 self-regulatory guideline of the same content). Its
// collection-conduct clauses — collect from the debtor only, never tell a
// contact of the debt; no collection 22:00–08:00 unless agreed; at most 3
// connected calls with one debtor a day, the lender and its agencies
// together — are taken from the standard's publication notice; the clause
// numbers were not checked against the standard's text, so none is cited.
//
// srcArt41 is the CBIRC's consumer-protection measures (in force
// 2023-03-01), art. 41: a lender that outsources collection tells the
// debtor before the agency starts, and neither it nor its agency uses
// violence, threats, deceit or another unlawful means.
const (
	srcStandard = "GB/T 45251—2025 《互联网金融 个人网络消费信贷 贷后催收风控指引》"
	srcArt41    = "《银行保险机构消费者权益保护管理办法》 art. 41"
	srcNone     = "lender practice; no regulatory source found"
)

// DefaultContactPolicy returns the Chinese rules:
//   - COL-2: no contact 22:00–08:00 local time by phone, SMS, app push or
//     visit unless the debtor agreed (GB/T 45251—2025);
//   - COL-1: at most 3 connected calls a day, the lender and its agencies
//     together (GB/T 45251—2025);
//   - COL-3: no disclosure of the debt to third parties — emergency
//     contacts may only be asked for the borrower's whereabouts
//     (GB/T 45251—2025);
//   - COL-PAUSE: no contact while a dispute or hardship review is open
//     (lender practice; no regulatory source found), on by default;
//   - COL-5: collection by an agency only after the debtor was told of the
//     outsourcing (《银行保险机构消费者权益保护管理办法》 art. 41).
func DefaultContactPolicy() ContactPolicy {
	return ContactPolicy{
		QuietHours: QuietHoursRule{Rule: Rule{"COL-2", srcStandard, true},
			Window: Window{Clock(22, 0), Clock(8, 0)}, Channels: Channels(Phone, SMS, AppPush, Visit), Consent: true},
		CallLimit:   CallLimitRule{Rule: Rule{"COL-1", srcStandard, true}, Max: 3},
		Disclosure:  Rule{"COL-3", srcStandard, true},
		Pause:       PauseRule{Rule: Rule{"COL-PAUSE", srcNone, true}, OnDispute: true, OnHardship: true},
		Outsourcing: Rule{"COL-5", srcArt41, true},
	}
}

// Validate reports every bad field of the policy in one *fault.Fields
// wrapping ErrInvalidPolicy.
func (p *ContactPolicy) Validate() error {
	e := invalidPolicy()
	seen := map[RuleID]string{}
	for _, r := range [...]struct {
		field string
		rule  Rule
	}{{"quiet_hours", p.QuietHours.Rule}, {"call_limit", p.CallLimit.Rule}, {"disclosure", p.Disclosure},
		{"pause", p.Pause.Rule}, {"outsourcing", p.Outsourcing}} {
		if r.rule.ID == "" {
			e.Add(r.field+".id", "missing: a refusal must name its rule")
		} else if other, dup := seen[r.rule.ID]; dup {
			e.Addf(r.field+".id", "%s already names %s", r.rule.ID, other)
		}
		seen[r.rule.ID] = r.field
		if r.rule.Source == "" {
			e.Add(r.field+".source", "missing: every rule cites its source")
		}
	}
	if q := p.QuietHours; q.Enabled {
		q.Window.validate("quiet_hours.window", e)
		if q.Window.From == q.Window.To {
			e.Add("quiet_hours.window", "empty window")
		}
		if q.Channels == 0 || !q.Channels.valid() {
			e.Add("quiet_hours.channels", "must name at least one defined channel")
		}
	}
	if p.CallLimit.Enabled && p.CallLimit.Max < 1 {
		e.Addf("call_limit.max", "%d: at least one call a day must be allowed", p.CallLimit.Max)
	}
	return e.Err()
}

// Check returns a *RuleError naming the first rule the attempt breaks, or
// nil. history is the debtor's contact log so far (across the lender and
// its agencies). Rules are checked in a fixed order: pause, outsourcing,
// disclosure, quiet hours, call limit.
func (p *ContactPolicy) Check(rec *ContactRecord, st ContactState, history []ContactRecord) error {
	if r := p.Pause; r.Enabled && (r.OnDispute && st.DisputeOpen || r.OnHardship && st.HardshipOpen) {
		return r.refuse("a dispute or hardship review is open")
	}
	if r := p.Outsourcing; r.Enabled && rec.Agency != "" && !st.OutsourceNotified {
		return r.refuse("agency %q may not collect before the debtor is told of the outsourcing", rec.Agency)
	}
	if r := p.Disclosure; r.Enabled && rec.MentionsDebt && rec.Party.ThirdParty() {
		return r.refuse("the debt must not be disclosed to the %s; ask only where the borrower can be reached", rec.Party)
	}
	local := rec.Local()
	if r := p.QuietHours; r.Enabled && r.Channels.Has(rec.Channel) && !(r.Consent && st.OutOfHoursConsent) &&
		r.Window.Contains(TimeOfDayOf(local)) {
		return r.refuse("%s at %s local time falls in the quiet hours %s–%s", rec.Channel, local.Format("15:04"), r.Window.From, r.Window.To)
	}
	if r := p.CallLimit; r.Enabled && rec.Channel == Phone {
		y, m, d := local.Date()
		n := 0
		for i := range history {
			h := &history[i]
			// Judge every call in the attempt's zone: "a day" is the debtor's.
			if hy, hm, hd := h.At.In(local.Location()).Date(); h.ConnectedCall() && hy == y && hm == m && hd == d {
				n++
			}
		}
		if n >= r.Max {
			return r.refuse("%d connected calls already on %04d-%02d-%02d, the limit is %d", n, y, m, d, r.Max)
		}
	}
	return nil
}
