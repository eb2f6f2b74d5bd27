package collateral

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// Sale is the outcome of selling a seized item.
type Sale struct {
	Day      date.Date    `json:"day"`
	Proceeds money.Amount `json:"proceeds"` // gross price realised
	Costs    money.Amount `json:"costs"`    // auction, legal, storage and transfer costs borne by the proceeds
}

// Recovery is the part of a sale's net proceeds due to one loan; the loan
// package posts it as a recovery.
type Recovery struct {
	LoanID uuid.UUID    `json:"loan_id"`
	Amount money.Amount `json:"amount"`
}

// Liquidation reports how a sale's proceeds were applied:
// Proceeds = Costs covered + PriorPaid + Σ Recoveries + Surplus.
type Liquidation struct {
	ItemID   uuid.UUID    `json:"item_id"`
	Day      date.Date    `json:"day"`
	Proceeds money.Amount `json:"proceeds"`
	Costs    money.Amount `json:"costs"`
	// UncoveredCosts is the part of Costs the proceeds did not cover.
	UncoveredCosts money.Amount `json:"uncovered_costs"`
	// PriorPaid went to creditors ranking ahead of the lender.
	PriorPaid money.Amount `json:"prior_paid"`
	// Net is what was left for the lender's loans after costs and prior claims.
	Net        money.Amount `json:"net"`
	Recoveries []Recovery   `json:"recoveries"` // in the order of the item's liens
	// Surplus exceeds every secured loan's outstanding; it is due to the owner.
	Surplus money.Amount `json:"surplus"`
}

// Liquidate records the sale of seized item id and splits the net proceeds
// across the loans it secured, by rank and then pro rata to outstanding
// (DistributeProceeds). exposures must list every loan the item secures.
func (r *Register) Liquidate(id uuid.UUID, sale Sale, exposures []Exposure) (Liquidation, error) {
	it, err := r.item(id)
	if err != nil {
		return Liquidation{}, err
	}
	if _, err := it.Status.Next(EventLiquidate); err != nil {
		return Liquidation{}, err
	}
	b, err := r.newBook(exposures)
	if err != nil {
		return Liquidation{}, err
	}
	v := invalid(ErrInvalidInput)
	checkDay(v, "sale.day", sale.Day, it.lastChange(), "status change")
	checkAmount(v, "sale.proceeds", sale.Proceeds, it.Currency, false)
	checkAmount(v, "sale.costs", sale.Costs, it.Currency, false)
	claims := make([]Claim, len(it.Liens))
	for k, l := range it.Liens {
		j, ok := b.find(r, l.LoanID)
		if !ok {
			v.Addf("exposures", "loan %s secured by item %s is missing (give zero if repaid)", l.LoanID, id)
			continue
		}
		if c := b.out(j).Currency(); !c.IsZero() && c != it.Currency {
			v.Addf("exposures", "loan %s is in %s, item %s in %s", l.LoanID, c, id, it.Currency)
			continue
		}
		claims[k] = Claim{Rank: l.Rank, Outstanding: b.out(j).Add(money.Zero(it.Currency))}
	}
	if err := v.Err(); err != nil {
		return Liquidation{}, err
	}
	zero := money.Zero(it.Currency)
	proceeds, costs := sale.Proceeds.Add(zero), sale.Costs.Add(zero)
	afterCosts := floorZero(proceeds.Sub(costs))
	prior := money.Min(afterCosts, it.Registration.PriorClaims.Add(zero))
	l := Liquidation{
		ItemID: id, Day: sale.Day, Proceeds: proceeds, Costs: costs,
		UncoveredCosts: floorZero(costs.Sub(proceeds)),
		PriorPaid:      prior,
		Net:            afterCosts.Sub(prior),
	}
	shares, surplus, err := DistributeProceeds(l.Net, claims)
	if err != nil {
		return Liquidation{}, fmt.Errorf("collateral: liquidation of %s: %w", id, err)
	}
	l.Surplus = surplus
	l.Recoveries = make([]Recovery, len(shares))
	for k, s := range shares {
		l.Recoveries[k] = Recovery{LoanID: it.Liens[k].LoanID, Amount: s}
	}
	if err := r.transition(id, EventLiquidate, sale.Day); err != nil {
		return Liquidation{}, err
	}
	return l, nil
}
