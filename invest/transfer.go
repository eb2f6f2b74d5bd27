package invest

import (
	"fmt"
	"strconv"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
)

// TransferPolicy is the eligibility and pricing policy of claim transfers
// (债权转让). No regulation fixes these values (rules.md has no entry: NF);
// they are platform rules, so every field is configurable.
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

// DefaultTransferPolicy returns common P2P platform practice (NF — not a
// regulation; platforms such as Lufax and Renrendai published rules of this
// shape): hold 30 days, no transfer in the 3 days up to a due date or while
// overdue, discounts up to 10 % of par, no minimum amount, at most 5
// transfers per claim, a 0.5 % seller fee rounded half-up.
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
	v := newPolicyError()
	p.validate(v, "transfer")
	return v.Err()
}

func (p TransferPolicy) validate(v *ValidationError, field string) {
	if p.MinHoldingDays < 0 {
		v.Add(field+".min_holding_days", "%d must not be negative", p.MinHoldingDays)
	}
	if p.BlackoutDays < 0 {
		v.Add(field+".blackout_days", "%d must not be negative", p.BlackoutDays)
	}
	validateFraction(v, field+".max_discount", p.MaxDiscount)
	if p.MinAmount.IsNegative() {
		v.Add(field+".min_amount", "%s must not be negative", p.MinAmount)
	}
	if p.MaxTransfers < 0 {
		v.Add(field+".max_transfers", "%d must not be negative", p.MaxTransfers)
	}
	validateFraction(v, field+".seller_fee", p.SellerFee)
	if !p.SellerFeeRounding.Valid() {
		v.Add(field+".seller_fee_rounding", "unknown rounding mode %d", uint8(p.SellerFeeRounding))
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

var ruleNames = [...]string{"", "min_holding_days", "blackout", "overdue", "max_discount", "min_amount", "max_transfers"}

// String returns the rule's name (the policy field it checks).
func (r Rule) String() string {
	if r != 0 && int(r) < len(ruleNames) {
		return ruleNames[r]
	}
	return "Rule(" + strconv.Itoa(int(r)) + ")"
}

// LoanStatus are the facts about the loan a transfer needs.
type LoanStatus struct {
	Period      Period // the current interest period; the transfer date lies in it
	DaysPastDue int
}

// TransferRequest asks to sell principal of a holding to a buyer.
type TransferRequest struct {
	Holding   HoldingID
	Buyer     uuid.UUID
	Principal money.Amount // principal sold: all or part of the holding
	On        date.Date
	// Premium is added to the par price (principal + accrued interest); a
	// negative premium is a discount.
	Premium money.Amount
}

// Transfer is a completed claim transfer.
type Transfer struct {
	From      HoldingID // the seller's holding
	To        HoldingID // the buyer's new holding
	Seller    uuid.UUID
	Buyer     uuid.UUID
	On        date.Date
	Principal money.Amount
	Accrued   money.Amount // interest accrued from the period start to On, paid to the seller
	Premium   money.Amount // signed; negative is a discount
	Price     money.Amount // Principal + Accrued + Premium, paid by the buyer
	SellerFee money.Amount
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
	v := newInputError()
	var h *Holding
	if req.Holding < 0 || int(req.Holding) >= len(b.holdings) {
		v.Add("holding", "no holding %d", req.Holding)
	} else {
		h = &b.holdings[req.Holding]
	}
	if req.Buyer == uuid.Nil {
		v.Add("buyer", "missing buyer id")
	} else if h != nil && req.Buyer == h.Holder {
		v.AddErr(ErrSelfTransfer, "buyer", "%s already holds the claim", req.Buyer)
	}
	if !req.Principal.IsPositive() || req.Principal.Currency() != b.cur {
		v.Add("principal", "%s must be a positive %s amount", req.Principal, b.cur)
	} else if h != nil && req.Principal.Cmp(h.Principal) > 0 {
		v.AddErr(ErrInsufficientHolding, "principal", "%s exceeds the %s held", req.Principal, h.Principal)
	}
	if !req.Premium.SameCurrency(money.Zero(b.cur)) {
		v.Add("premium", "%s is not in %s", req.Premium, b.cur)
	}
	status.Period.validate(v, "status.period")
	if status.DaysPastDue < 0 {
		v.Add("status.days_past_due", "%d must not be negative", status.DaysPastDue)
	}
	if !b.policy.Transfer.MinAmount.SameCurrency(money.Zero(b.cur)) {
		v.Add("policy.transfer.min_amount", "%s is not in %s", b.policy.Transfer.MinAmount, b.cur)
	}
	if err := v.Err(); err != nil {
		return Transfer{}, err
	}
	if req.On.Before(status.Period.Start) || req.On.After(status.Period.Due) || req.On.Before(h.Since) {
		v.Add("on", "%s must lie in the period %s..%s and not before the holding's date %s",
			req.On, status.Period.Start, status.Period.Due, h.Since)
		return Transfer{}, v
	}
	accrued, err := status.Period.Accrued(req.Principal, req.On)
	if err != nil {
		v.Add("status.period.annual_rate", "%v", err)
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
		v.Add("premium", "price %s must be positive", t.Price)
		return Transfer{}, v
	}
	t.SellerFee, err = t.Price.MulRate(p.SellerFee, p.SellerFeeRounding)
	if err != nil {
		v.Add("price", "%v", err)
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
// oneself — ErrSelfTransfer) returns *ValidationError. Either way nothing
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
