package invest

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// TransferPolicy is the eligibility and pricing policy of claim transfers
// (债权转让). No regulation fixes these values (lender practice; no
// regulatory source found): they are platform rules, so every field is
// configurable. The 2016 Interim Measures on P2P lending
// (网络借贷信息中介机构业务活动管理暂行办法) art. 10(8) forbid transfers of
// claims packaged as securitised assets, trust assets or fund shares; a
// transfer here sells one investor's claim on one loan to another.
type TransferPolicy struct {
	// MinHoldingDays: the seller must have held the claim this many days.
	MinHoldingDays int `json:"min_holding_days"`
	// BlackoutDays: no transfer in the BlackoutDays calendar days ending on
	// the period's due date (3 blocks due−2, due−1 and due); 0 = none.
	BlackoutDays int `json:"blackout_days"`
	// AllowWhileOverdue permits transfers while the loan is past due.
	AllowWhileOverdue bool `json:"allow_while_overdue"`
	// MaxDiscount caps a discount as a fraction of the par price
	// (principal + accrued interest); 0 = no discount allowed.
	MaxDiscount money.Rate `json:"max_discount"`
	// MinAmount is the smallest principal that may be transferred, unless
	// the whole holding is sold; the zero Amount = no minimum.
	MinAmount money.Amount `json:"min_amount"`
	// MaxTransfers caps how many times one claim may change hands; 0 = no cap.
	MaxTransfers int `json:"max_transfers"`
	// SellerFee is charged to the seller as a fraction of the price,
	// rounded with SellerFeeRounding.
	SellerFee         money.Rate         `json:"seller_fee"`
	SellerFeeRounding money.RoundingMode `json:"seller_fee_rounding"`
}

// DefaultTransferPolicy returns common P2P platform practice (lender
// practice; no regulatory source found — platforms such as Lufax and
// Renrendai published rules of this shape): hold 30 days, no transfer in
// the 3 days up to a due date or while overdue, discounts up to 10 % of
// par, no minimum amount, at most 5 transfers per claim, a 0.5 % seller fee
// rounded half-up.
func DefaultTransferPolicy() TransferPolicy {
	return TransferPolicy{
		MinHoldingDays:    30,
		BlackoutDays:      3,
		MaxDiscount:       money.MustRate("10%"),
		MaxTransfers:      5,
		SellerFee:         money.MustRate("0.5%"),
		SellerFeeRounding: money.HalfUp,
	}
}

// Validate reports every bad field.
func (p TransferPolicy) Validate() error {
	v := badPolicy()
	p.validate(v, "transfer")
	return v.Err()
}

func (p TransferPolicy) validate(v *fault.Fields, field string) {
	if p.MinHoldingDays < 0 {
		v.Addf(field+".min_holding_days", "%d must not be negative", p.MinHoldingDays)
	}
	if p.BlackoutDays < 0 {
		v.Addf(field+".blackout_days", "%d must not be negative", p.BlackoutDays)
	}
	validateFraction(v, field+".max_discount", p.MaxDiscount)
	if p.MinAmount.IsNegative() {
		v.Addf(field+".min_amount", "%s must not be negative", p.MinAmount)
	}
	if p.MaxTransfers < 0 {
		v.Addf(field+".max_transfers", "%d must not be negative", p.MaxTransfers)
	}
	validateFraction(v, field+".seller_fee", p.SellerFee)
	if !p.SellerFeeRounding.Valid() {
		v.Addf(field+".seller_fee_rounding", "unknown rounding mode %d", uint8(p.SellerFeeRounding))
	}
}

// Rule names one transfer eligibility rule.
type Rule uint8

// Transfer eligibility rules.
const (
	RuleMinHoldingDays Rule = iota + 1
	RuleBlackout
	RuleOverdue
	RuleMaxDiscount
	RuleMinAmount
	RuleMaxTransfers
)

var ruleNames = enum.New[Rule](ErrInvalidInput, "rule", "",
	"min-holding-days", "blackout", "overdue", "max-discount", "min-amount", "max-transfers")

// String returns the rule's name: the policy field it checks, in
// kebab-case like every enumeration's text.
func (r Rule) String() string { return ruleNames.String(r) }

// MarshalText encodes the rule's name.
func (r Rule) MarshalText() ([]byte, error) { return ruleNames.MarshalText(r) }

// UnmarshalText decodes a rule's name.
func (r *Rule) UnmarshalText(b []byte) error { return ruleNames.UnmarshalText(b, r) }

// LoanStatus are the facts about the loan a transfer needs.
type LoanStatus struct {
	Period      Period `json:"period"` // the current interest period; the transfer date lies in it
	DaysPastDue int    `json:"days_past_due"`
}

// TransferRequest asks to sell principal of a holding to a buyer.
type TransferRequest struct {
	Holding   HoldingID    `json:"holding"`
	Buyer     uuid.UUID    `json:"buyer"`
	Principal money.Amount `json:"principal"` // principal sold: all or part of the holding
	On        date.Date    `json:"on"`
	// Premium is added to the par price (principal + accrued interest); a
	// negative premium is a discount.
	Premium money.Amount `json:"premium"`
}

// Transfer is a completed claim transfer.
type Transfer struct {
	From      HoldingID    `json:"from"` // the seller's holding
	To        HoldingID    `json:"to"`   // the buyer's new holding
	Seller    uuid.UUID    `json:"seller"`
	Buyer     uuid.UUID    `json:"buyer"`
	On        date.Date    `json:"on"`
	Principal money.Amount `json:"principal"`
	Accrued   money.Amount `json:"accrued"` // interest accrued from the period start to On, paid to the seller
	Premium   money.Amount `json:"premium"` // signed; negative is a discount
	Price     money.Amount `json:"price"`   // Principal + Accrued + Premium, paid by the buyer
	SellerFee money.Amount `json:"seller_fee"`
}

// Par returns the price without premium or discount.
func (t Transfer) Par() money.Amount { return t.Principal.Add(t.Accrued) }

// SellerNet returns what the seller receives: the price less the seller fee.
func (t Transfer) SellerNet() money.Amount { return t.Price.Sub(t.SellerFee) }

// transferCase is what the eligibility rules look at.
type transferCase struct {
	holding *Holding
	req     TransferRequest
	status  LoanStatus
	par     money.Amount
}

// eligibility is the table of transfer rules: each returns a non-empty
// detail when the case breaks the rule.
var eligibility = []struct {
	rule  Rule
	check func(p *TransferPolicy, c *transferCase) string
}{
	{RuleMinHoldingDays, func(p *TransferPolicy, c *transferCase) string {
		if held := int(c.req.On.Sub(c.holding.Since)); held < p.MinHoldingDays {
			return fmt.Sprintf("held %d days, %d required", held, p.MinHoldingDays)
		}
		return ""
	}},
	{RuleBlackout, func(p *TransferPolicy, c *transferCase) string {
		if left := int(c.status.Period.Due.Sub(c.req.On)); left < p.BlackoutDays {
			return fmt.Sprintf("%s is within %d days of the due date %s", c.req.On, p.BlackoutDays, c.status.Period.Due)
		}
		return ""
	}},
	{RuleOverdue, func(p *TransferPolicy, c *transferCase) string {
		if c.status.DaysPastDue > 0 && !p.AllowWhileOverdue {
			return fmt.Sprintf("the loan is %d days past due", c.status.DaysPastDue)
		}
		return ""
	}},
	{RuleMaxDiscount, func(p *TransferPolicy, c *transferCase) string {
		if !c.req.Premium.IsNegative() {
			return ""
		}
		limit, err := c.par.MulRate(p.MaxDiscount, money.Down)
		if err != nil || c.req.Premium.Neg().Cmp(limit) > 0 {
			return fmt.Sprintf("discount %s exceeds %s of par %s", c.req.Premium.Neg(), p.MaxDiscount, c.par)
		}
		return ""
	}},
	{RuleMinAmount, func(p *TransferPolicy, c *transferCase) string {
		if c.req.Principal != c.holding.Principal && c.req.Principal.Minor() < p.MinAmount.Minor() {
			return fmt.Sprintf("%s is below the minimum %s", c.req.Principal, p.MinAmount)
		}
		return ""
	}},
	{RuleMaxTransfers, func(p *TransferPolicy, c *transferCase) string {
		if p.MaxTransfers > 0 && len(c.holding.Chain) >= p.MaxTransfers {
			return fmt.Sprintf("the claim has changed hands %d times, the maximum", len(c.holding.Chain))
		}
		return ""
	}},
}

// Quote prices a transfer and checks it against the policy without changing
// anything: the returned Transfer has no To holding yet.
func (b *Book) Quote(req TransferRequest, status LoanStatus) (Transfer, error) {
	v := invalid()
	var h *Holding
	if req.Holding < 0 || int(req.Holding) >= len(b.holdings) {
		v.Addf("holding", "no holding %d", req.Holding)
	} else {
		h = &b.holdings[req.Holding]
	}
	if req.Buyer == uuid.Nil {
		v.Add("buyer", "missing buyer id")
	} else if h != nil && req.Buyer == h.Holder {
		addErr(v, ErrSelfTransfer, "buyer", "%s already holds the claim", req.Buyer)
	}
	if !req.Principal.IsPositive() || req.Principal.Currency() != b.cur {
		v.Addf("principal", "%s must be a positive %s amount", req.Principal, b.cur)
	} else if h != nil && req.Principal.Cmp(h.Principal) > 0 {
		addErr(v, ErrInsufficientHolding, "principal", "%s exceeds the %s held", req.Principal, h.Principal)
	}
	if !req.Premium.SameCurrency(money.Zero(b.cur)) {
		v.Addf("premium", "%s is not in %s", req.Premium, b.cur)
	}
	status.Period.validate(v, "status.period")
	if status.DaysPastDue < 0 {
		v.Addf("status.days_past_due", "%d must not be negative", status.DaysPastDue)
	}
	if !b.policy.Transfer.MinAmount.SameCurrency(money.Zero(b.cur)) {
		v.Addf("policy.transfer.min_amount", "%s is not in %s", b.policy.Transfer.MinAmount, b.cur)
	}
	if err := v.Err(); err != nil {
		return Transfer{}, err
	}
	if req.On.Before(status.Period.Start) || req.On.After(status.Period.Due) || req.On.Before(h.Since) {
		v.Addf("on", "%s must lie in the period %s..%s and not before the holding's date %s",
			req.On, status.Period.Start, status.Period.Due, h.Since)
		return Transfer{}, v
	}
	accrued, err := status.Period.Accrued(req.Principal, req.On)
	if err != nil {
		v.Addf("status.period.annual_rate", "%v", err)
		return Transfer{}, v
	}
	t := Transfer{
		From: req.Holding, To: -1, Seller: h.Holder, Buyer: req.Buyer, On: req.On,
		Principal: req.Principal, Accrued: accrued, Premium: req.Premium.Add(money.Zero(b.cur)),
	}
	t.Price = t.Par().Add(t.Premium)
	c := transferCase{holding: h, req: req, status: status, par: t.Par()}
	p := b.policy.Transfer
	var inel EligibilityError
	for _, r := range eligibility {
		if detail := r.check(&p, &c); detail != "" {
			inel.Violations = append(inel.Violations, Violation{Rule: r.rule, Detail: detail})
		}
	}
	if len(inel.Violations) > 0 {
		return Transfer{}, &inel
	}
	if !t.Price.IsPositive() {
		v.Addf("premium", "price %s must be positive", t.Price)
		return Transfer{}, v
	}
	t.SellerFee, err = t.Price.MulRate(p.SellerFee, p.SellerFeeRounding)
	if err != nil {
		v.Addf("price", "%v", err)
		return Transfer{}, v
	}
	return t, nil
}

// Transfer sells principal of a holding to a buyer on req.On, at the price
// Quote computes: principal + interest accrued from the period start to the
// transfer date under the loan's day count (rounded half-up once) + premium
// (negative for a discount). The seller pays SellerFee on the price.
//
// The buyer gets a new holding dated req.On whose Chain is the seller's
// chain plus this transfer; the seller's holding keeps the transfer in Sold.
// Because the accrued interest was prepaid to the seller in the price, the
// next distribution pays the buyer the whole period's interest.
//
// A request that breaks the policy returns *EligibilityError; malformed
// input (unknown holding, more than held — ErrInsufficientHolding, selling to
// oneself — ErrSelfTransfer) returns *fault.Fields. Either way nothing
// changes.
func (b *Book) Transfer(req TransferRequest, status LoanStatus) (Transfer, error) {
	t, err := b.Quote(req, status)
	if err != nil {
		return Transfer{}, err
	}
	seller := &b.holdings[req.Holding]
	chain := make([]Transfer, len(seller.Chain), len(seller.Chain)+1)
	copy(chain, seller.Chain)
	t.To = HoldingID(len(b.holdings))
	seller.Principal = seller.Principal.Sub(t.Principal)
	seller.Sold = append(seller.Sold, t)
	b.add(Holding{Holder: t.Buyer, Principal: t.Principal, Since: t.On, Chain: append(chain, t)})
	return t, nil
}
