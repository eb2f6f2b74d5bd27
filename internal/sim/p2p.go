package sim

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/account"
	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// The P2P share (Config.P2P) runs a share of the loans through the
// platform's own side, as a P2P lender does: every investor of the pool
// holds a cash account from the first day; a listed loan is published with
// a borrower's reward of 0.5 % (which the borrower deposits), its investors
// deposit what their bids need and bid the loan's funding shares, the bid
// that fills the listing disburses the loan, and the borrower withdraws the
// proceeds. The close credits every distribution and compensation payout
// to the investors' accounts, and at each month end some investors
// withdraw half of what they have free, which the payment rail pays the
// next day (one in five of those requests fails and is released). With
// --check the money is counted every day across the accounts, the
// listings, the loans and the reserve (checkCash).

// p2pState is the simulation's own record of the money it moved through
// the accounts, against which checkCash counts the platform's.
type p2pState struct {
	investors []uuid.UUID
	// deposited and paidOut are what the payment rail moved in and out;
	// proceeds and rewards what full listings paid their borrowers and
	// investors; pending the withdrawals the rail has not answered.
	deposited, paidOut, proceeds, rewards money.Amount
	pending                               []pendingWithdrawal
}

type pendingWithdrawal struct {
	id     uuid.UUID
	amount money.Amount
	fail   bool
}

// listed reports whether loan i goes through a listing: the share spread
// evenly by loan number, as Config.Revolving is, after the revolving
// loans.
func (c Config) listed(i int) bool {
	return c.P2P > 0 && i*c.P2P%100 < c.P2P && !(i*c.Revolving%100 < c.Revolving)
}

// openAccounts opens every investor's cash account on the first day.
func (s *Sim) openAccounts(ctx context.Context, day date.Date) error {
	for _, id := range s.p2p.investors {
		if _, err := s.eng.OpenAccount(ctx, id, account.Investor, money.CNY, day); err != nil {
			return fmt.Errorf("sim: open account of investor %s: %w", id, err)
		}
	}
	return nil
}

// list originates loan p through a listing (see above).
func (s *Sim) list(ctx context.Context, p *plan) error {
	e := s.on(p.id)
	start, principal := p.request.Terms.Start, p.request.Terms.Principal
	if _, err := e.Submit(ctx, p.request); err != nil {
		return err
	}
	if _, err := e.Approve(ctx, p.id, loan.Action{Officer: "approver", On: start}, loan.Exposure{}); err != nil {
		return err
	}
	borrower := p.request.Borrower
	if _, err := e.Account(ctx, borrower); errors.Is(err, storage.ErrNotFound) {
		_, err = e.OpenAccount(ctx, borrower, account.Borrower, money.CNY, start)
		if err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	reward := money.New(principal.Minor()/200/100*100, money.CNY) // 0.5 %, in whole yuan
	if reward.IsPositive() {
		if err := s.deposit(ctx, e, borrower, "reward-"+p.id.String(), start, reward); err != nil {
			return err
		}
	}
	if _, err := e.PublishListing(ctx, p.id, lendcore.ListingRequest{Day: start, Closes: start,
		MinBid: money.New(1, money.CNY), Reward: reward}); err != nil {
		return err
	}
	for k, f := range p.funding {
		a, err := e.Account(ctx, f.investor)
		if err != nil {
			return err
		}
		if need := f.amount.Sub(a.Available()); need.IsPositive() {
			// Deposit what the bid needs, rounded up to a thousand yuan.
			top := money.New((need.Minor()+99_999)/100_000*100_000, money.CNY)
			if err := s.deposit(ctx, e, f.investor, fmt.Sprintf("bid-%s-%d", p.id, k), start, top); err != nil {
				return err
			}
		}
		st, err := e.PlaceBid(ctx, p.id, lendcore.Bid{Investor: f.investor, Amount: f.amount, Day: start, Key: fmt.Sprint(k)})
		if err != nil {
			return fmt.Errorf("sim: bid %d: %w", k, err)
		}
		s.stats.Bids++
		if k == len(p.funding)-1 && st.State != invest.ListingSettled {
			return fmt.Errorf("sim: the last bid left the listing %s", st.State)
		}
	}
	s.stats.Listings++
	s.p2p.proceeds = s.p2p.proceeds.Add(principal)
	s.p2p.rewards = s.p2p.rewards.Add(reward)
	// The borrower takes the money out; the rail pays it the same day.
	w := uuid.NewSHA1(p.id, []byte("proceeds"))
	if _, err := e.RequestWithdrawal(ctx, borrower, w, start, principal); err != nil {
		return err
	}
	if _, err := e.AnswerWithdrawal(ctx, w, account.EventComplete, start); err != nil {
		return err
	}
	s.stats.Withdrawals++
	s.p2p.paidOut = s.p2p.paidOut.Add(principal)
	return nil
}

func (s *Sim) deposit(ctx context.Context, e *lendcore.Engine, id uuid.UUID, key string, day date.Date, amount money.Amount) error {
	if _, err := e.Deposit(ctx, id, lendcore.CashMove{Key: key, Day: day, Amount: amount}); err != nil {
		return err
	}
	s.stats.Deposits++
	s.p2p.deposited = s.p2p.deposited.Add(amount)
	return nil
}

// cashDay answers yesterday's withdrawals and, at a month end, has a
// quarter of the investors (by their number and the month) ask to
// withdraw half of what they have free, in whole yuan.
func (s *Sim) cashDay(ctx context.Context, day date.Date) error {
	for _, w := range s.p2p.pending {
		on := account.EventComplete
		if w.fail {
			on = account.EventFail
		}
		if _, err := s.eng.AnswerWithdrawal(ctx, w.id, on, day); err != nil {
			return fmt.Errorf("sim: answer withdrawal %s: %w", w.id, err)
		}
		if !w.fail {
			s.p2p.paidOut = s.p2p.paidOut.Add(w.amount)
		}
	}
	s.p2p.pending = s.p2p.pending[:0]
	if day.Add(1).Day() != 1 {
		return nil
	}
	month := int(day.Month()) + 12*day.Year()
	for i, id := range s.p2p.investors {
		if (i+month)%4 != 0 {
			continue
		}
		a, err := s.eng.Account(ctx, id)
		if err != nil {
			return err
		}
		half := money.New(a.Available().Minor()/2/100*100, money.CNY)
		if half.Minor() < 100_00 {
			continue
		}
		w := uuid.NewSHA1(id, []byte("withdrawal "+day.String()))
		if _, err := s.eng.RequestWithdrawal(ctx, id, w, day, half); err != nil {
			return fmt.Errorf("sim: withdrawal of investor %s: %w", id, err)
		}
		s.stats.Withdrawals++
		s.p2p.pending = append(s.p2p.pending, pendingWithdrawal{id: w, amount: half, fail: (i+month)%20 == 0})
	}
	return nil
}

// checkCash counts the money after a day with the P2P share on: no cent
// is created or lost across the accounts, the listings, the loans and the
// reserve.
//
//   - The accounts hold what the rail paid in, less what it paid out, plus
//     what the close credited; and what it credited is what the investor
//     books say their holders received net of fees and were compensated.
//   - Full listings moved money between members only: the settled bids
//     and rewards equal the proceeds and rewards received, which are the
//     listed loans' principal and the simulation's rewards; no listing is
//     left open or full at the end of a day (every listing fills on its
//     day).
//   - What is frozen is the withdrawals the rail has not answered.
//   - The reserve paid out what the accounts received as compensation, and
//     holds what was paid in less what it paid out plus what it recovered.
func (s *Sim) checkCash(ctx context.Context) error {
	cur := money.Zero(money.CNY)
	tot, err := s.eng.Store().Accounts().Totals(ctx)
	if err != nil {
		return err
	}
	kind := func(k account.Kind) money.Amount { return cur.Add(tot.Kinds[k.String()].Amount) }
	credited := kind(account.Distribution).Add(kind(account.Compensation))
	if want := s.p2p.deposited.Sub(s.p2p.paidOut).Add(credited); cur.Add(tot.Balance) != want {
		return fmt.Errorf("the accounts hold %s: deposited %s less paid out %s plus credited %s is %s",
			tot.Balance, s.p2p.deposited, s.p2p.paidOut, credited, want)
	}
	owed := cur
	for i := range s.plans {
		if !s.state[i].opened {
			continue
		}
		b, err := s.eng.Book(ctx, s.plans[i].id)
		if err != nil {
			return err
		}
		for _, h := range b.Holdings() {
			if !h.Payer {
				owed = owed.Add(h.Net()).Add(h.Compensation.Total())
			}
		}
	}
	if credited != owed {
		return fmt.Errorf("the close credited the investors %s, their books say %s", credited, owed)
	}
	settled, proceeds, rewards := kind(account.Settle), kind(account.Proceeds), kind(account.Reward)
	if !settled.Add(proceeds).Add(rewards).IsZero() || proceeds != s.p2p.proceeds || rewards != s.p2p.rewards {
		return fmt.Errorf("full listings settled %s for proceeds %s (listed principal %s) and rewards %s (offered %s)",
			settled.Neg(), proceeds, s.p2p.proceeds, rewards, s.p2p.rewards)
	}
	h, err := s.eng.HomePage(ctx)
	if err != nil {
		return err
	}
	if n := h.Listings[invest.ListingOpen.String()].Count + h.Listings[invest.ListingFull.String()].Count; n > 0 {
		return fmt.Errorf("%d listings open or full at the end of the day", n)
	}
	pending := cur
	for _, w := range s.p2p.pending {
		pending = pending.Add(w.amount)
	}
	if cur.Add(tot.Frozen) != pending || cur.Add(h.Funds.PendingWithdrawals) != pending {
		return fmt.Errorf("%s frozen, %s pending withdrawals on the home page, the rail has %s to answer",
			tot.Frozen, h.Funds.PendingWithdrawals, pending)
	}
	r, err := s.eng.ReserveState(ctx)
	if err != nil {
		return err
	}
	if cur.Add(r.Payouts) != kind(account.Compensation) {
		return fmt.Errorf("the reserve paid out %s, the accounts received %s of compensation", r.Payouts, kind(account.Compensation))
	}
	if cur.Add(r.Balance) != cur.Add(r.Contributions).Sub(r.Payouts).Add(r.Recoveries) {
		return fmt.Errorf("the reserve holds %s: %s in, %s out, %s recovered", r.Balance, r.Contributions, r.Payouts, r.Recoveries)
	}
	return nil
}
