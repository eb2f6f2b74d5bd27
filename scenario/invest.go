package scenario

import (
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
)

// funding reads the investors' shares of the principal (Parse checked
// that they add up to it: the Engine takes the funding as given).
func (r *runner) funding(field string, lines []FundingLine) ([]lendcore.Funding, error) {
	var out []lendcore.Funding
	for i, f := range lines {
		fld := fmt.Sprintf("%s[%d]", field, i)
		a, err := r.positive(fld+".amount", f.Amount)
		if err != nil {
			return nil, err
		}
		id, _ := r.investors.id(f.Investor, true)
		out = append(out, lendcore.Funding{Investor: id, Amount: a})
	}
	return out, nil
}

// transfer sells all or part of the seller's holding to the buyer through
// the Engine (债权转让).
func (r *runner) transfer(_ int, field string, day date.Date, ev *Event) error {
	seller, ok := r.investors.id(ev.Seller, false)
	if !ok {
		return invalid(field+".seller", fmt.Sprintf("no investor %q funded the loan or bought into it", ev.Seller))
	}
	book, err := r.e.Book(r.ctx, r.id)
	if err != nil {
		return fieldError(field, err)
	}
	h, err := sellerHolding(book, seller, ev.Holding)
	if err != nil {
		return invalid(field+".holding", err.Error())
	}
	req := invest.TransferRequest{Holding: h.ID, Principal: h.Principal, On: day}
	if ev.Amount != "" {
		if req.Principal, err = r.positive(field+".amount", ev.Amount); err != nil {
			return err
		}
	}
	if req.Premium, err = r.amount(field+".premium", ev.Premium); err != nil {
		return err
	}
	req.Buyer, _ = r.investors.id(ev.Buyer, true)
	_, err = r.e.TransferClaim(r.ctx, r.id, req)
	return fieldError(field, err)
}

// sellerHolding is the holding a seller sells: the one numbered n, or
// when n is 0 the seller's only holding with principal left.
func sellerHolding(b *invest.Book, seller uuid.UUID, n int) (invest.Holding, error) {
	var live []invest.Holding
	for _, id := range b.HoldingsOf(seller) {
		h, _ := b.Holding(id)
		if n != 0 && int(id) == n {
			return h, nil
		}
		if h.Principal.IsPositive() {
			live = append(live, h)
		}
	}
	switch {
	case n != 0:
		return invest.Holding{}, fmt.Errorf("the seller has no holding %d", n)
	case len(live) == 1:
		return live[0], nil
	case len(live) == 0:
		return invest.Holding{}, errors.New("the seller holds no principal")
	default:
		return invest.Holding{}, fmt.Errorf("the seller has %d holdings: name one", len(live))
	}
}

// Investor is one investor's position in the loan on a report date
// (invest.Statement, with the investor's scenario name).
type Investor struct {
	Investor     string             `json:"investor"`
	ID           uuid.UUID          `json:"id"` // as the outbox messages name the investor
	Holdings     []invest.HoldingID `json:"holdings"`
	Outstanding  money.Amount       `json:"outstanding"`
	Accrued      money.Amount       `json:"accrued"`
	Received     loan.Split         `json:"received"`
	Fees         money.Amount       `json:"fees"`
	Net          money.Amount       `json:"net"`
	Compensation loan.Split         `json:"compensation"`
	Sales        money.Amount       `json:"sales"`
	SellerFee    money.Amount       `json:"seller_fee"`
	Purchases    money.Amount       `json:"purchases"`
}

// investorReport returns each investor's statement on day, in the order the
// investors appeared in the scenario; nil for a loan without investors.
// Receipts are those the daily close has distributed so far.
func (r *runner) investorReport(field string, day date.Date, pos *loan.Position, terms schedule.Terms) ([]Investor, error) {
	book, err := r.e.Book(r.ctx, r.id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fieldError(field, err)
	}
	period := period(day, pos, terms)
	var out []Investor
	for _, id := range r.investors.order {
		s, err := book.Statement(id, day, period)
		if err != nil {
			return nil, fieldError(field, err)
		}
		out = append(out, Investor{Investor: r.investors.byID[id], ID: id, Holdings: s.Holdings,
			Outstanding: s.Outstanding, Accrued: s.Accrued, Received: s.Received, Fees: s.Fees, Net: s.Net,
			Compensation: s.Compensation, Sales: s.Sales, SellerFee: s.SellerFee, Purchases: s.Purchases})
	}
	return out, nil
}

// period is the loan's interest period running on day under its current
// terms, as the Engine prices transfers; with none running (the loan is
// closed, matured or written off) a one-day period at a zero rate, so
// nothing accrues.
func period(day date.Date, pos *loan.Position, terms schedule.Terms) invest.Period {
	if terms.DayCount == 0 {
		terms.DayCount = schedule.Actual360 // schedule.Terms: zero means Actual360
	}
	if pos.NextDue != nil {
		in := pos.Installments[pos.NextDue.Number-1]
		if !day.Before(in.From) && !day.After(in.Due) && in.From.Before(in.Due) {
			return invest.Period{Start: in.From, Due: in.Due, AnnualRate: terms.AnnualRate, DayCount: terms.DayCount}
		}
	}
	return invest.Period{Start: day.Add(-1), Due: day, DayCount: terms.DayCount}
}
