package scenario

import (
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/account"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
)

// The platform's side of a P2P loan: members' cash accounts (deposits,
// withdrawals through the payment rail) and the loan offered as a listing
// (借款标) that the investors' bids fund. A member is named by a label; the
// label "borrower" is the scenario's borrower, any other an investor (the
// same investor as in funding and transfers).

// borrowerLabel names the scenario's borrower among the members.
const borrowerLabel = "borrower"

// member returns the id of a member's label.
func (r *runner) member(label string) uuid.UUID {
	if label == borrowerLabel {
		return borrower
	}
	id, _ := r.investors.id(label, true)
	return id
}

// withdrawalID is the id of the withdrawal labelled label.
func withdrawalID(label string) uuid.UUID { return uuid.NewSHA1(LoanID, []byte("withdrawal/"+label)) }

// eventKey is an event's idempotency key: its key, or "event-<i>".
func eventKey(i int, ev *Event) string { return or(ev.Key, fmt.Sprintf("event-%d", i)) }

// openAccount opens a member's cash account (Engine.OpenAccount): the
// borrower's as a borrower's, any other as an investor's unless role says.
func (r *runner) openAccount(_ int, field string, day date.Date, ev *Event) error {
	role := account.Investor
	if ev.Member == borrowerLabel {
		role = account.Borrower
	}
	if err := text(field+".role", ev.Role, &role); err != nil {
		return err
	}
	id := r.member(ev.Member)
	if _, err := r.e.OpenAccount(r.ctx, id, role, r.sc.Currency, day); err != nil {
		return fieldError(field, err)
	}
	r.members = append(r.members, ev.Member)
	return nil
}

// deposit credits money the payment rail received (Engine.Deposit).
func (r *runner) deposit(i int, field string, day date.Date, ev *Event) error {
	a, err := r.positive(field+".amount", ev.Amount)
	if err != nil {
		return err
	}
	_, err = r.e.Deposit(r.ctx, r.member(ev.Member), lendcore.CashMove{Key: eventKey(i, ev), Day: day, Amount: a})
	return fieldError(field, err)
}

// withdraw asks the payment rail to pay an amount out of the member's
// account (Engine.RequestWithdrawal): it is frozen until the rail answers.
func (r *runner) withdraw(_ int, field string, day date.Date, ev *Event) error {
	a, err := r.positive(field+".amount", ev.Amount)
	if err != nil {
		return err
	}
	_, err = r.e.RequestWithdrawal(r.ctx, r.member(ev.Member), withdrawalID(ev.ID), day, a)
	return fieldError(field, err)
}

// answerWithdrawal records the rail's answer (Engine.AnswerWithdrawal):
// withdrawal-paid pays the frozen amount out, withdrawal-failed gives it
// back.
func (r *runner) answerWithdrawal(_ int, field string, day date.Date, ev *Event) error {
	on := account.EventComplete
	if ev.Type == "withdrawal-failed" {
		on = account.EventFail
	}
	_, err := r.e.AnswerWithdrawal(r.ctx, withdrawalID(ev.ID), on, day)
	return refusal(field, ".type", err)
}

// application files the scenario's application and approves it, listing
// the collateral items and guarantees registered so far: the step before a
// disbursement or a listing.
func (r *runner) application(field string, day date.Date) error {
	if r.borrowerKind == 0 { // a listing's borrower is a person
		r.borrowerKind = loan.Individual
	}
	req := loan.Request{ID: r.id, Terms: r.sc.Terms, Borrower: borrower,
		BorrowerKind: r.borrowerKind, Purpose: "scenario",
		Guarantees: slices.Clone(r.guarantees), Collateral: r.items.ids(),
		Dossier: dossier(day), SubmittedBy: officer, SubmittedOn: day, Product: r.sc.productRef()}
	if _, err := r.e.Submit(r.ctx, req); err != nil {
		return fieldError(field, err)
	}
	_, err := r.e.Approve(r.ctx, r.id, loan.Action{Officer: approver, On: day}, loan.Exposure{})
	return fieldError(field, err)
}

// publish files and approves the application and offers it to the
// investors as a listing (Engine.PublishListing) taking bids to until; a
// reward is frozen in the borrower's account.
func (r *runner) publish(_ int, field string, day date.Date, ev *Event) error {
	if err := r.application(field, day); err != nil {
		return err
	}
	req := lendcore.ListingRequest{Day: day}
	req.Closes, _ = schedule.ParseDate(ev.Until) // checked by Parse
	var err error
	if req.MinBid, err = r.positive(field+".min_bid", ev.MinBid); err != nil {
		return err
	}
	if req.MaxBid, err = r.amount(field+".max_bid", ev.MaxBid); err != nil {
		return err
	}
	if req.Reward, err = r.amount(field+".reward", ev.Reward); err != nil {
		return err
	}
	_, err = r.e.PublishListing(r.ctx, r.id, req)
	return fieldError(field, err)
}

// bid places a member's bid (Engine.PlaceBid); the bid that fills the
// listing disburses the loan.
func (r *runner) bid(i int, field string, day date.Date, ev *Event) error {
	a, err := r.positive(field+".amount", ev.Amount)
	if err != nil {
		return err
	}
	// A bid that fills the listing books the disbursement at the clock.
	r.tick(r.book(day))
	r.booked = r.now
	st, err := r.e.PlaceBid(r.ctx, r.id, lendcore.Bid{Investor: r.member(ev.Member), Amount: a, Day: day, Key: eventKey(i, ev)})
	if err != nil {
		return refusal(field, ".type", err)
	}
	if st.State == invest.ListingSettled {
		r.disbursed = true
	}
	return nil
}

// cancelListing withdraws the listing (Engine.CancelListing): every bid
// and the reward are released.
func (r *runner) cancelListing(_ int, field string, day date.Date, _ *Event) error {
	_, err := r.e.CancelListing(r.ctx, r.id, day)
	return refusal(field, ".type", err)
}

// closeListings closes the listings at the end of the day
// (Engine.CloseListings): one past its closing day short of its target
// fails and its bids are released.
func (r *runner) closeListings(_ int, field string, day date.Date, _ *Event) error {
	_, err := r.e.CloseListings(r.ctx, day)
	return fieldError(field, err)
}

// accountsReport adds an "accounts" document: the platform part alone,
// which needs no loan.
func (r *runner) accountsReport(i int, field string, day date.Date, _ *Event) error {
	p, err := r.platformReport(field, day)
	if err != nil {
		return err
	}
	if p == nil {
		p = &Platform{}
	}
	r.report.Documents = append(r.report.Documents, Document{Event: i, Date: day, Report: "accounts", Platform: p})
	return nil
}

// Platform is a report's view of the platform's side: each member's cash
// account with its movements of the report day, the listing and the
// platform's funds (the home page's).
type Platform struct {
	Accounts []MemberAccount `json:"accounts"`
	Listing  *ListingPart    `json:"listing,omitempty"`
	Funds    lendcore.Funds  `json:"funds"`
}

// MemberAccount is one member's cash account on the report day.
type MemberAccount struct {
	Member    string          `json:"member"`
	ID        uuid.UUID       `json:"id"`
	Role      account.Role    `json:"role"`
	Balance   money.Amount    `json:"balance"`
	Frozen    money.Amount    `json:"frozen"`
	Available money.Amount    `json:"available"`
	Today     []account.Entry `json:"today,omitempty"` // the movements dated the report day
}

// ListingPart is the scenario's listing: its state, its bids' sum and
// what it still needs, and the bids by member.
type ListingPart struct {
	State     invest.ListingState `json:"state"`
	Committed money.Amount        `json:"committed"`
	Remaining money.Amount        `json:"remaining"`
	Bids      []BidLine           `json:"bids"`
}

// BidLine is one bid on the listing.
type BidLine struct {
	Member string       `json:"member"`
	Amount money.Amount `json:"amount"`
	Day    date.Date    `json:"day"`
}

// platformReport returns the platform part of a report, or nil when no
// account is open and nothing is listed. The accounts are as they stand
// when the report runs (the events so far), with the movements dated the
// report day.
func (r *runner) platformReport(field string, day date.Date) (*Platform, error) {
	l, err := r.e.Listing(r.ctx, r.id)
	listed := err == nil
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, fieldError(field, err)
	}
	if len(r.members) == 0 && !listed {
		return nil, nil
	}
	out := &Platform{Accounts: []MemberAccount{}}
	for _, m := range r.members {
		id := r.member(m)
		a, err := r.e.Account(r.ctx, id)
		if err != nil {
			return nil, fieldError(field, err)
		}
		h, err := r.e.CashHistory(r.ctx, id, day, day)
		if err != nil {
			return nil, fieldError(field, err)
		}
		out.Accounts = append(out.Accounts, MemberAccount{Member: m, ID: id, Role: a.Role, Balance: a.Balance,
			Frozen: a.Frozen, Available: a.Available(), Today: h.Entries})
	}
	if listed {
		lp := &ListingPart{State: l.State(), Committed: l.Committed(), Remaining: l.Terms().Target.Sub(l.Committed()), Bids: []BidLine{}}
		for _, b := range l.Commitments() {
			lp.Bids = append(lp.Bids, BidLine{Member: r.memberLabel(b.Investor), Amount: b.Amount, Day: b.On})
		}
		out.Listing = lp
	}
	h, err := r.e.HomePage(r.ctx)
	if err != nil {
		return nil, fieldError(field, err)
	}
	out.Funds = h.Funds
	return out, nil
}

// memberLabel is the label of member id.
func (r *runner) memberLabel(id uuid.UUID) string {
	if id == borrower {
		return borrowerLabel
	}
	return r.investors.byID[id]
}

// checkMember: the label "borrower" opens the borrower's account, which
// has the borrower's role.
func checkMember(bad *fault.Fields, field string, ev *Event) {
	if ev.Member == borrowerLabel && ev.Role != "" && ev.Role != account.Borrower.String() {
		bad.Addf(field+".role", "the borrower's account is a borrower's, not %s", ev.Role)
	}
}
