package invest

import (
	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// Statement is an investor's position in one loan as of a date.
type Statement struct {
	Investor uuid.UUID   `json:"investor"`
	Loan     uuid.UUID   `json:"loan"`
	AsOf     date.Date   `json:"as_of"`
	Holdings []HoldingID `json:"holdings"` // every holding the investor has or had, in id order

	Received     loan.Split   `json:"received"`     // gross receipts from repayments, by component
	Fees         money.Amount `json:"fees"`         // servicing fees deducted
	Net          money.Amount `json:"net"`          // Received.Total() − Fees
	Compensation loan.Split   `json:"compensation"` // payouts from a reserve or guarantor

	Sales     money.Amount `json:"sales"`      // net proceeds of claims sold (price − seller fee)
	SellerFee money.Amount `json:"seller_fee"` // seller fees paid
	Purchases money.Amount `json:"purchases"`  // prices paid for claims bought

	Outstanding money.Amount `json:"outstanding"` // principal still held
	// Accrued is the interest on Outstanding from the period's start to
	// AsOf under the loan's day count, rounded half-up once.
	Accrued money.Amount `json:"accrued"`
}

// Statement returns investor's statement as of asOf, which must lie in
// period. An investor with no holding gets ErrInvalidInput.
func (b *Book) Statement(investor uuid.UUID, asOf date.Date, period Period) (Statement, error) {
	v := invalid()
	period.validate(v, "period")
	if v.Len() == 0 && (asOf.Before(period.Start) || asOf.After(period.Due)) {
		v.Addf("as_of", "%s must lie in the period %s..%s", asOf, period.Start, period.Due)
	}
	zero := money.Zero(b.cur)
	zs := loan.Split{Principal: zero, Interest: zero, Penalty: zero, Fee: zero}
	s := Statement{
		Investor: investor, Loan: b.loan, AsOf: asOf,
		Received: zs, Fees: zero, Compensation: zs,
		Sales: zero, SellerFee: zero, Purchases: zero, Outstanding: zero,
	}
	for _, h := range b.holdings {
		if h.Holder != investor {
			continue
		}
		s.Holdings = append(s.Holdings, h.ID)
		s.Received = s.Received.Add(h.Received)
		s.Fees = s.Fees.Add(h.Fees)
		s.Compensation = s.Compensation.Add(h.Compensation)
		s.Outstanding = s.Outstanding.Add(h.Principal)
		for _, t := range h.Sold {
			s.Sales = s.Sales.Add(t.SellerNet())
			s.SellerFee = s.SellerFee.Add(t.SellerFee)
		}
		if n := len(h.Chain); n > 0 {
			s.Purchases = s.Purchases.Add(h.Chain[n-1].Price)
		}
	}
	if len(s.Holdings) == 0 {
		v.Addf("investor", "%s holds nothing in loan %s", investor, b.loan)
	}
	if err := v.Err(); err != nil {
		return Statement{}, err
	}
	s.Net = s.Received.Total().Sub(s.Fees)
	acc, err := period.Accrued(s.Outstanding, asOf)
	if err != nil {
		v.Addf("period.annual_rate", "%v", err)
		return Statement{}, v
	}
	s.Accrued = acc
	return s, nil
}
