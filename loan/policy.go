package loan

import (
	"fmt"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

var one = money.MustRate("1")

// Policy is how a loan is serviced: allocation of payments, penalty
// interest and late fees, prepayment, and the chart of accounts its
// postings use. It is plain data: load it from JSON, check it with
// Validate, start from DefaultPolicy.
//
// The parts after Accounts are the conventions on which lenders' systems
// (Apache Fineract, Mambu, Frappe Lending) differ; each one's zero value
// is lendcore's own convention and is left out of the JSON, so a loan
// migrated from another system is reproduced by setting the options that
// system uses, and a policy that sets none behaves and encodes as before.
type Policy struct {
	Waterfall  WaterfallPolicy  `json:"waterfall"`
	Penalty    PenaltyPolicy    `json:"penalty"`
	Prepayment PrepaymentPolicy `json:"prepayment"`
	Accounts   ChartOfAccounts  `json:"accounts"`

	// Arrears: how days past due are counted.
	Arrears ArrearsPolicy `json:"arrears,omitzero"`
	// Accrual: how interest accrued within a period is rounded.
	Accrual AccrualPolicy `json:"accrual,omitzero"`
	// Payments: what becomes of money beyond what is due, and the
	// auto-closure tolerance.
	Payments PaymentPolicy `json:"payments,omitzero"`
	// Allocation holds advanced allocation rules, one per transaction
	// kind, replacing the performing and non-performing waterfalls; empty,
	// the waterfalls apply (they are the rules Waterfall.Rule returns).
	Allocation []AllocationRule `json:"allocation,omitempty"`
	// WriteOff: what a write-off claims and what recoveries may bring.
	WriteOff WriteOffPolicy `json:"write_off,omitzero"`
	// Sale: which loans may be sold to an external owner.
	Sale SalePolicy `json:"sale,omitzero"`
}

// DefaultPolicy returns the defaults documented on each part:
// DefaultWaterfallPolicy, DefaultPenaltyPolicy, DefaultPrepaymentPolicy and
// DefaultChartOfAccounts.
func DefaultPolicy() Policy {
	return Policy{
		Waterfall:  DefaultWaterfallPolicy(),
		Penalty:    DefaultPenaltyPolicy(),
		Prepayment: DefaultPrepaymentPolicy(),
		Accounts:   DefaultChartOfAccounts(),
	}
}

// Validate reports every bad field at once in a *fault.Fields.
func (p Policy) Validate() error {
	v := &fault.Fields{Kind: ErrInvalidInput}
	p.validate("policy.", v)
	return v.Err()
}

func (p *Policy) validate(prefix string, v *fault.Fields) {
	p.Waterfall.validate(prefix+"waterfall.", v)
	p.Penalty.validate(prefix+"penalty.", v)
	p.Prepayment.validate(prefix+"prepayment.", v)
	p.Accounts.validate(prefix+"accounts.", v)
	p.Arrears.validate(prefix+"arrears.", v)
	p.Accrual.validate(prefix+"accrual.", v)
	p.Payments.validate(prefix+"payments.", v)
	validateAllocation(p.Allocation, prefix+"allocation", v)
	if len(p.Allocation) > 0 && p.Waterfall.NonPerforming != nil {
		v.Add(prefix+"allocation", "conflicts with waterfall.non_performing: allocation rules apply whatever the loan's days past due")
	}
	p.WriteOff.validate(prefix+"write_off.", v)
	if p.Accrual.NonaccrualDPD > 0 && p.Accounts.InterestSuspense == "" {
		v.Add(prefix+"accounts.interest_suspense", "missing: accrual.nonaccrual_dpd needs it")
	}
}

// ReamortizeMode is what a partial prepayment shortens.
type ReamortizeMode uint8

// Re-amortisation modes.
const (
	KeepTerm        ReamortizeMode = iota + 1 // same remaining periods, lower installment
	KeepInstallment                           // same installment, fewer periods
)

var reamortizeNames = enum.New[ReamortizeMode](ErrInvalidInput, "reamortize",
	"", "keep-term", "keep-installment")

// String returns the mode's name.
func (m ReamortizeMode) String() string { return reamortizeNames.String(m) }

// MarshalText encodes the mode's name.
func (m ReamortizeMode) MarshalText() ([]byte, error) { return reamortizeNames.MarshalText(m) }

// UnmarshalText decodes a mode's name; on an error m is unchanged.
func (m *ReamortizeMode) UnmarshalText(b []byte) error { return reamortizeNames.UnmarshalText(b, m) }

// PayoffInterest is the interest a payoff (or prepayment) charges for the
// period running on its date.
type PayoffInterest uint8

// Payoff interest conventions.
const (
	AccruedInterest    PayoffInterest = iota + 1 // interest accrued to the payoff date
	FullPeriodInterest                           // the whole running period's interest
)

var payoffInterestNames = enum.New[PayoffInterest](ErrInvalidInput, "interest", "", "accrued", "full-period")

// String returns the convention's name.
func (p PayoffInterest) String() string { return payoffInterestNames.String(p) }

// MarshalText encodes the convention's name.
func (p PayoffInterest) MarshalText() ([]byte, error) { return payoffInterestNames.MarshalText(p) }

// UnmarshalText decodes a convention's name; on an error p is unchanged.
func (p *PayoffInterest) UnmarshalText(b []byte) error {
	return payoffInterestNames.UnmarshalText(b, p)
}

// PrepaymentPolicy says what a prepayment (提前还款) costs and how the rest
// of the loan is re-amortised.
type PrepaymentPolicy struct {
	// Reamortize is the default for a partial prepayment.
	Reamortize ReamortizeMode `json:"reamortize"`
	// Interest is the running period's interest a prepayment or payoff charges.
	Interest PayoffInterest `json:"interest"`
	// FeeRate is a prepayment fee as a share of the principal prepaid; zero
	// for none.
	FeeRate money.Rate `json:"fee_rate"`
}

// DefaultPrepaymentPolicy keeps the term, charges interest accrued to the
// prepayment date and no fee: Civil Code art. 677 (evidence verified) lets a
// borrower who repays early pay interest for the actual term only, and SPC
// private-lending provisions art. 30 (verified) allow prepayment unless agreed
// otherwise.
func DefaultPrepaymentPolicy() PrepaymentPolicy {
	return PrepaymentPolicy{Reamortize: KeepTerm, Interest: AccruedInterest}
}

func (p *PrepaymentPolicy) validate(prefix string, v *fault.Fields) {
	if p.Reamortize != KeepTerm && p.Reamortize != KeepInstallment {
		v.Add(prefix+"reamortize", "must be keep-term or keep-installment")
	}
	if p.Interest != AccruedInterest && p.Interest != FullPeriodInterest {
		v.Add(prefix+"interest", "must be accrued or full-period")
	}
	if p.FeeRate.IsNegative() || p.FeeRate.Cmp(one) > 0 {
		v.Add(prefix+"fee_rate", "must be between 0 and 100%")
	}
}

// ChartOfAccounts names the ledger accounts a loan's postings use. Codes
// are the host's own; the defaults are descriptive names.
type ChartOfAccounts struct {
	Cash               string `json:"cash"`                // cash / clearing
	LoansReceivable    string `json:"loans_receivable"`    // principal outstanding
	InterestReceivable string `json:"interest_receivable"` // interest fallen due, unpaid (less interest paid ahead of its due date)
	PenaltyReceivable  string `json:"penalty_receivable"`  // penalty accrued, unpaid
	FeeReceivable      string `json:"fee_receivable"`      // fees charged, unpaid
	InterestIncome     string `json:"interest_income"`
	PenaltyIncome      string `json:"penalty_income"`
	FeeIncome          string `json:"fee_income"`
	Overpayment        string `json:"overpayment"`     // credit balance owed to the borrower (a liability)
	WriteOff           string `json:"write_off"`       // write-off expense or loan-loss allowance
	RecoveryIncome     string `json:"recovery_income"` // recoveries after write-off
	// AssetTransfer is the clearing account a sale to an external owner
	// and its buyback move the loan's balances through (Fineract's "asset
	// transfer" financial activity account). Optional: a chart without it
	// refuses sales.
	AssetTransfer string `json:"asset_transfer,omitempty"`
	// InterestSuspense holds the interest and penalty of a loan in
	// nonaccrual status: recognised as owed but not as income, a contra
	// account to the receivables (AccrualPolicy.NonaccrualDPD). Optional:
	// required only with a nonaccrual threshold.
	InterestSuspense string `json:"interest_suspense,omitempty"`
}

// DefaultChartOfAccounts returns the accounts the issue names, with
// descriptive codes.
func DefaultChartOfAccounts() ChartOfAccounts {
	return ChartOfAccounts{
		Cash: "cash", LoansReceivable: "loans-receivable",
		InterestReceivable: "interest-receivable", PenaltyReceivable: "penalty-receivable",
		FeeReceivable: "fee-receivable", InterestIncome: "interest-income",
		PenaltyIncome: "penalty-income", FeeIncome: "fee-income",
		Overpayment: "overpayment-liability", WriteOff: "write-off-allowance",
		RecoveryIncome: "recovery-income", AssetTransfer: "asset-transfer",
		InterestSuspense: "interest-suspense",
	}
}

// optionalAccounts is how many accounts at the end of list may be left
// empty: those only some entry kinds post to.
const optionalAccounts = 2

func (c *ChartOfAccounts) list() [13]struct{ field, code string } {
	return [13]struct{ field, code string }{
		{"cash", c.Cash}, {"loans_receivable", c.LoansReceivable},
		{"interest_receivable", c.InterestReceivable}, {"penalty_receivable", c.PenaltyReceivable},
		{"fee_receivable", c.FeeReceivable}, {"interest_income", c.InterestIncome},
		{"penalty_income", c.PenaltyIncome}, {"fee_income", c.FeeIncome},
		{"overpayment", c.Overpayment}, {"write_off", c.WriteOff}, {"recovery_income", c.RecoveryIncome},
		{"asset_transfer", c.AssetTransfer}, {"interest_suspense", c.InterestSuspense},
	}
}

func (c *ChartOfAccounts) validate(prefix string, v *fault.Fields) {
	seen := map[string]string{}
	list := c.list()
	for i, a := range list {
		switch prev, dup := seen[a.code]; {
		case a.code == "" && i >= len(list)-optionalAccounts:
		case a.code == "":
			v.Add(prefix+a.field, "missing")
		case len(a.code) > 64:
			v.Add(prefix+a.field, "longer than 64 bytes")
		case dup:
			v.Add(prefix+a.field, fmt.Sprintf("same account as %s", prev))
		default:
			seen[a.code] = a.field
		}
	}
}

// receivable returns the receivable account of component c, income its
// income account.
func (c *ChartOfAccounts) receivable(k Component) string {
	return [...]string{c.LoansReceivable, c.InterestReceivable, c.PenaltyReceivable, c.FeeReceivable}[k]
}

func (c *ChartOfAccounts) income(k Component) string {
	return [...]string{c.LoansReceivable, c.InterestIncome, c.PenaltyIncome, c.FeeIncome}[k]
}
