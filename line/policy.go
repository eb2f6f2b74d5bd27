package line

import (
	"fmt"
	"slices"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
)

// Excess says what a limit decrease below the line's outstanding does to
// the loans already drawn.
type Excess uint8

// What a decrease below the outstanding does.
const (
	// ExcessBlock stops new drawdowns until repayments bring the
	// outstanding under the new limit; the loans run on their terms.
	ExcessBlock Excess = iota
	// ExcessCall also reports the excess as due (Adjusted.Call): the
	// Engine announces it in the outbox and the host demands it or
	// accelerates loans through the ordinary command, as the contract
	// allows.
	ExcessCall
)

var excessNames = enum.New[Excess](ErrInvalidInput, "excess", "block-drawdowns", "call-excess")

// String returns the name used in JSON.
func (x Excess) String() string { return excessNames.String(x) }

// MarshalText encodes the name.
func (x Excess) MarshalText() ([]byte, error) { return excessNames.MarshalText(x) }

// UnmarshalText decodes a name; on an error x is unchanged.
func (x *Excess) UnmarshalText(b []byte) error { return excessNames.UnmarshalText(b, x) }

// Action is what a warning rule does to a line.
type Action uint8

// Warning actions, weakest first: when several rules fire, the strongest
// the line's state allows applies.
const (
	NoAction Action = iota
	// Reduce files a limit change down to what is used (降低额度): the
	// limit is cut to the outstanding once a second officer approves it,
	// so what was freed by repayments cannot be drawn again.
	Reduce
	Suspend // stop drawdowns pending a review (EventSuspend)
	Freeze  // stop drawdowns on the risk (EventFreeze)
)

var actionNames = enum.New[Action](ErrInvalidInput, "action", "none", "reduce", "suspend", "freeze")

// String returns the name used in JSON.
func (a Action) String() string { return actionNames.String(a) }

// MarshalText encodes the name.
func (a Action) MarshalText() ([]byte, error) { return actionNames.MarshalText(a) }

// UnmarshalText decodes a name; on an error a is unchanged.
func (a *Action) UnmarshalText(b []byte) error { return actionNames.UnmarshalText(b, a) }

// Event returns the lifecycle event that carries the action out.
func (a Action) Event() Event {
	switch a {
	case Freeze:
		return EventFreeze
	case Suspend:
		return EventSuspend
	case Reduce:
		return EventAdjust
	}
	return 0
}

// WarningRule is one row of the monitoring table: when every condition
// it sets holds on the line's review, the rule fires and asks for its
// Action. A zero condition is not checked; a rule sets at least one.
type WarningRule struct {
	ID string `json:"id"`
	// MinDPD: the worst days past due of the line's loans is at least this.
	MinDPD int `json:"min_dpd,omitempty"`
	// MinLevel: the worst early-warning level of the line's loans is at
	// least this.
	MinLevel classify.Level `json:"min_level,omitzero"`
	// MinUtilisationBP: the outstanding is at least this share of the
	// limit, in basis points (10000 = 100 %).
	MinUtilisationBP int64  `json:"min_utilisation_bp,omitempty"`
	Action           Action `json:"action"`
	// Source cites where the rule comes from, for the audit trail.
	Source string `json:"source"`
}

// Policy is everything a line's decisions are checked against.
type Policy struct {
	// Authority lists the officers who may approve limit changes, each up
	// to the limit of their authority (the line's new limit must be within
	// it for an increase); the committee fields are not used for lines.
	// The approver is never the officer who requested the change.
	Authority loan.AuthorityPolicy `json:"authority"`
	// Excess says what a decrease below the outstanding does.
	Excess Excess `json:"excess"`
	// Warnings is the monitoring table, checked in order by Review.
	Warnings []WarningRule `json:"warnings"`
	// Conversion is the credit-conversion table Exposure converts a
	// line's undrawn commitment by: one row at least, with any length,
	// for cancellable and for committed lines.
	Conversion []Conversion `json:"conversion"`
}

// sourceMonitoring cites the in-loan monitoring duty the warning rules
// carry out: after disbursement the lender tracks the borrower's credit
// and the use of the funds (《个人贷款管理暂行办法》, CBRC Order 2010 No. 2,
// Art. 35) and takes the borrower's performance as the basis of further
// lending (Art. 37); on a breach it may stop paying out what the borrower
// has not yet drawn (《贷款通则》, PBoC 1996, Art. 71). The thresholds are
// house policy: no regulation fixes them.
const sourceMonitoring = "个人贷款管理暂行办法 (CBRC Order 2010 No. 2) Art. 35, 37; 贷款通则 (PBoC 1996) Art. 71; thresholds: house"

// DefaultPolicy returns a template with no officers (the host adds its
// own), decreases that block drawdowns without calling the excess, and
// two warning rules: a line whose worst loan is 30 or more days past due
// (the last day of bucket M1 under classify.ChinaBuckets) is frozen, and
// so is one with a loan on a red early warning; and the Basel II
// conversion factors (DefaultConversions). docs/regulations.md lists them
// with their sources.
func DefaultPolicy() Policy {
	return Policy{
		Authority: loan.AuthorityPolicy{},
		Excess:    ExcessBlock,
		Warnings: []WarningRule{
			{ID: "dpd-30-freeze", MinDPD: 30, Action: Freeze, Source: sourceMonitoring},
			{ID: "red-warning-freeze", MinLevel: classify.Red, Action: Freeze, Source: sourceMonitoring},
		},
		Conversion: DefaultConversions(),
	}
}

// Validate reports every bad field of the policy in a *fault.Fields.
func (p Policy) Validate() error {
	v := fault.Fields{Kind: ErrInvalidInput}
	p.validate(&v)
	return v.Err()
}

func (p *Policy) validate(v *fault.Fields) {
	if err := p.Authority.Validate(); err != nil && !v.Merge("authority", err) {
		v.Add("authority", err.Error())
	}
	if !excessNames.Valid(p.Excess) {
		v.Add("excess", "must be block-drawdowns or call-excess")
	}
	for i, r := range p.Warnings {
		name := fmt.Sprintf("warnings[%d]", i)
		switch {
		case r.ID == "":
			v.Add(name+".id", "is missing")
		case slices.ContainsFunc(p.Warnings[:i], func(o WarningRule) bool { return o.ID == r.ID }):
			v.Add(name+".id", "repeats "+r.ID)
		}
		if r.MinDPD < 0 || r.MinDPD > 100000 {
			v.Add(name+".min_dpd", "must be between 0 and 100000")
		}
		if r.MinLevel > classify.Red {
			v.Add(name+".min_level", "is not a warning level")
		}
		if r.MinUtilisationBP < 0 || r.MinUtilisationBP > 1000000 {
			v.Add(name+".min_utilisation_bp", "must be between 0 and 1000000")
		}
		if r.MinDPD == 0 && r.MinLevel == classify.LevelNone && r.MinUtilisationBP == 0 {
			v.Add(name, "sets no condition")
		}
		if r.Action != Freeze && r.Action != Suspend && r.Action != Reduce {
			v.Add(name+".action", "must be freeze, suspend or reduce")
		}
		if r.Source == "" {
			v.Add(name+".source", "is missing")
		}
	}
	validateConversions(p.Conversion, v)
}
