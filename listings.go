package lendcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/account"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
)

// A listing (借款标) offers an approved application to the platform's
// investors. Each bid freezes its amount in the investor's cash account,
// in the unit of work that records it on the listing, at the versions of
// both: two replicas taking bids on one listing can neither over-fund it
// nor spend one balance twice. The bid that fills the listing disburses
// the loan, funded by the bids (Disburse with invest fundings), and then
// settles it: the frozen bids leave the investors' accounts, the
// principal is credited to the borrower's, and the borrower's reward —
// frozen when the listing was published — is paid to the investors pro
// rata. A listing whose closing day passes short of its target fails and
// every bid is released (CloseListings, or the daily close); the platform
// may cancel a listing that is not disbursed.

// Listing is a stored listing: the loan's terms (amount, rate, term) and
// the listing's funding conditions, state and bids.
type Listing struct {
	ID       uuid.UUID
	Version  int64
	Borrower uuid.UUID
	// Loan are the application's terms: amount, rate, term.
	Loan      schedule.Terms
	Published date.Date
	*invest.Listing
}

// listingDoc is a listing's stored document: its terms; the bids are
// rows of their own.
type listingDoc struct {
	Loan      schedule.Terms      `json:"loan"`
	Published date.Date           `json:"published"`
	Terms     invest.ListingTerms `json:"terms"`
}

// ListingStatus is where a listing stands after a bid: its state, the sum
// and count of its bids and what it still needs.
type ListingStatus struct {
	ID        uuid.UUID           `json:"id"`
	State     invest.ListingState `json:"state"`
	Committed money.Amount        `json:"committed"`
	Remaining money.Amount        `json:"remaining"`
	Bids      int64               `json:"bids"`
}

// ListingEvent is the payload of an outbox record of topic "listing".
// Kind is "published", "bid", "full", "settled", "failed" or "cancelled".
type ListingEvent struct {
	Kind      string              `json:"kind"`
	Listing   uuid.UUID           `json:"listing"`
	State     invest.ListingState `json:"state"`
	Committed money.Amount        `json:"committed"`
	Bid       *invest.Commitment  `json:"bid,omitempty"`
}

// ListingRequest publishes an approved application as a listing.
type ListingRequest struct {
	// Day is the day of publishing; Closes the last day bids are taken.
	Day    date.Date `json:"day"`
	Closes date.Date `json:"closes"`
	// MinBid is the smallest bid (the last may be smaller when it fills
	// the listing); MaxBid the most one investor may bid in all, zero for
	// no limit.
	MinBid money.Amount `json:"min_bid"`
	MaxBid money.Amount `json:"max_bid,omitzero"`
	// Reward, when positive, is frozen in the borrower's account now and
	// paid to the investors pro rata when the listing is full.
	Reward money.Amount `json:"reward,omitzero"`
}

// Bid is an investor's bid on a listing.
type Bid struct {
	Investor uuid.UUID    `json:"investor"`
	Amount   money.Amount `json:"amount"`
	Day      date.Date    `json:"day"`
	// Key is the bid's idempotency key, unique on the listing: a bid sent
	// again is recorded once.
	Key string `json:"key"`
}

// PublishListing offers approved application app to the investors. The
// listing takes the application's id. Publishing it again with the same
// request returns it. Errors: a *fault.Fields naming the bad fields (an
// application not approved is named "application"; a reward the
// borrower's account cannot cover, "reward"); storage.ErrNotFound for an
// unknown application; storage.ErrDuplicate when the application is
// listed with other terms.
func (e *Engine) PublishListing(ctx context.Context, app uuid.UUID, r ListingRequest) (*Listing, error) {
	var out *Listing
	err := e.command(ctx, "publish listing", func(tx storage.Tx) error {
		arec, err := tx.Applications().Get(ctx, app)
		if err != nil {
			return err
		}
		a, err := arec.Decode()
		if err != nil {
			return err
		}
		if a.Status() != loan.Approved {
			return fault.Invalid(invest.ErrInvalidInput, "application", fmt.Sprintf("is %s, not approved", a.Status()))
		}
		if r.Day.IsZero() {
			return fault.Invalid(invest.ErrInvalidInput, "day", "missing day")
		}
		terms := a.Terms()
		borrower := a.Request().Borrower
		il, err := invest.NewListing(invest.ListingTerms{Loan: app, Target: terms.Principal, MinTicket: r.MinBid,
			MaxTicket: r.MaxBid, Deadline: r.Closes, Borrower: borrower, Reward: r.Reward})
		if err != nil {
			return err
		}
		l := &Listing{ID: app, Borrower: borrower, Loan: terms, Published: r.Day, Listing: il}
		if _, err := tx.Listings().Get(ctx, app); err == nil {
			prev, _, err := loadListing(ctx, tx, app)
			if err != nil {
				return err
			}
			if prev.Terms() != il.Terms() || prev.Published != r.Day {
				return fmt.Errorf("%w: application %s is listed with other terms", storage.ErrDuplicate, app)
			}
			out = prev
			return nil
		} else if !isNotFound(err) {
			return err
		}
		c := newCashTx(ctx, tx)
		if r.Reward.IsPositive() {
			err := c.post(borrower, account.Freeze, "listing/"+app.String()+"/reward", app.String(), r.Day, r.Reward)
			if isNotFound(err) {
				return fault.Invalid(invest.ErrInvalidInput, "reward", "the borrower has no cash account to pay it from")
			}
			if err != nil {
				return renameField(err, "amount", "reward")
			}
		}
		rec, err := encodeListing(l)
		if err != nil {
			return err
		}
		if err := tx.Listings().Create(ctx, rec); err != nil {
			if errors.Is(err, storage.ErrDuplicate) {
				// Another replica published it after this one read: retry,
				// and the re-read takes the published path.
				return fmt.Errorf("%w: listing %s published concurrently: %w", storage.ErrConflict, app, err)
			}
			return err
		}
		l.Version = 1
		if err := c.write("listing-published", r.Day, nil); err != nil {
			return err
		}
		out = l
		return listingMessage(ctx, tx, "published", "published", app, l.State(), l.Committed(), r.Day, nil)
	})
	return out, err
}

// PlaceBid records an investor's bid: its amount is frozen in the
// investor's account and committed to the listing in one unit of work. The
// bid that fills the listing disburses the loan and settles the listing
// (see the listing overview above). A bid sent again with its key returns
// the listing. Errors: a *fault.Fields naming the field — a bid below the
// minimum, above the investor's maximum, the listing's remainder
// (invest.ErrOversubscribed) or the investor's available balance
// (account.ErrInsufficientFunds), in another currency, after the closing
// day, by the borrower; a *fault.Transition on a listing no longer open;
// storage.ErrNotFound for an unknown listing or an investor without an
// account. When the bid fills the listing but the settlement fails (the
// loan cannot be disbursed), the bid stays recorded: PlaceBid returns the
// full listing with the settlement's error, and sending the bid again (or
// CloseListings) retries the settlement.
func (e *Engine) PlaceBid(ctx context.Context, listing uuid.UUID, b Bid) (ListingStatus, error) {
	if b.Key == "" {
		return ListingStatus{}, fault.Invalid(invest.ErrInvalidInput, "key", "missing idempotency key")
	}
	var out ListingStatus
	err := e.command(ctx, "bid", func(tx storage.Tx) error {
		rec, err := tx.Listings().Get(ctx, listing)
		if err != nil {
			return err
		}
		doc, state, err := decodeHeader(&rec)
		if err != nil {
			return err
		}
		out = statusOf(&rec, state, doc.Terms.Target)
		bid := invest.Commitment{Investor: b.Investor, Amount: b.Amount, On: b.Day, Key: b.Key}
		for stored, err := range tx.Listings().Bids(ctx, listing, storage.BidFilter{Key: b.Key}) {
			if err != nil {
				return err
			}
			if (invest.Commitment{Investor: stored.Investor, Amount: stored.Amount, On: stored.Day, Key: stored.Key}) != bid {
				return fault.Invalid(invest.ErrInvalidInput, "key", "another bid on the listing has the key")
			}
			return nil // sent again
		}
		by := money.Zero(rec.Committed.Currency())
		if !doc.Terms.MaxTicket.IsZero() {
			for stored, err := range tx.Listings().Bids(ctx, listing, storage.BidFilter{Investor: b.Investor}) {
				if err != nil {
					return err
				}
				by = by.Add(stored.Amount)
			}
		}
		to, err := doc.Terms.CheckBid(state, rec.Committed, by, bid, false)
		if err != nil {
			return err
		}
		c := newCashTx(ctx, tx)
		if err := c.post(b.Investor, account.Freeze, bidKey(listing, b.Key), listing.String(), b.Day, b.Amount); err != nil {
			return err
		}
		rec.State, rec.Committed = to.String(), rec.Committed.Add(b.Amount)
		saved, err := tx.Listings().Update(ctx, rec, storage.ListingBid{Key: b.Key, Investor: b.Investor, Amount: b.Amount, Day: b.Day})
		if err != nil {
			return err
		}
		out = statusOf(&saved, to, doc.Terms.Target)
		if err := c.write("bid", b.Day, nil); err != nil {
			return err
		}
		return listingMessage(ctx, tx, "bid", b.Key, listing, to, saved.Committed, b.Day, &bid)
	})
	if err != nil {
		return ListingStatus{}, err
	}
	if out.State == invest.ListingFull {
		settled, err := e.settleListing(ctx, listing, b.Day)
		if err != nil {
			return out, fmt.Errorf("lendcore: the bid filled listing %s, which did not settle (sending the bid again retries): %w", listing, err)
		}
		out.State = settled.State()
	}
	return out, nil
}

func statusOf(rec *storage.Listing, s invest.ListingState, target money.Amount) ListingStatus {
	return ListingStatus{ID: rec.ID, State: s, Committed: rec.Committed, Remaining: target.Sub(rec.Committed), Bids: rec.Bids}
}

func bidKey(listing uuid.UUID, key string) string { return "bid/" + listing.String() + "/" + key }

// settleListing disburses a full listing's loan, funded by its bids, and
// moves the money: each bid's frozen amount out of its investor's
// account, the principal into the borrower's (opened if need be), the
// reward from the borrower to the investors. Disbursement and settlement
// are two units of work, each idempotent: a settlement that stops between
// them is finished by the next call (CloseListings does it for every full
// listing).
func (e *Engine) settleListing(ctx context.Context, id uuid.UUID, day date.Date) (*Listing, error) {
	l, err := e.Listing(ctx, id)
	if err != nil {
		return nil, err
	}
	if l.State() != invest.ListingFull {
		return l, nil
	}
	if _, err := e.Disburse(ctx, id, Disbursement{Actor: "listing", IdempotencyKey: "listing/" + id.String(),
		Funding: l.Fundings()}); err != nil {
		return nil, err
	}
	var out *Listing
	err = e.command(ctx, "settle listing", func(tx storage.Tx) error {
		l, rec, err := loadListing(ctx, tx, id)
		if err != nil {
			return err
		}
		out = l
		if l.State() != invest.ListingFull {
			return nil // settled by another replica
		}
		c := newCashTx(ctx, tx)
		ref := id.String()
		for _, b := range l.Commitments() {
			if err := c.post(b.Investor, account.Settle, bidKey(id, b.Key)+"/settled", ref, day, b.Amount); err != nil {
				return err
			}
		}
		if err := e.openBorrower(ctx, tx, c, l.Borrower, l.Loan.Principal.Currency(), day); err != nil {
			return err
		}
		if err := c.post(l.Borrower, account.Proceeds, "listing/"+ref+"/proceeds", ref, day, l.Loan.Principal); err != nil {
			return err
		}
		shares, err := l.RewardShares()
		if err != nil {
			return err
		}
		if len(shares) > 0 {
			if err := c.post(l.Borrower, account.Settle, "listing/"+ref+"/reward/paid", ref, day, l.Terms().Reward); err != nil {
				return err
			}
			for _, s := range shares {
				if !s.Amount.IsPositive() {
					continue
				}
				if err := c.post(s.Investor, account.Reward, "listing/"+ref+"/reward/"+s.Investor.String(), ref, day, s.Amount); err != nil {
					return err
				}
			}
		}
		if _, err := l.Settle(day, e.policies.Investors); err != nil {
			return err
		}
		if err := saveState(ctx, tx, rec, l); err != nil {
			return err
		}
		if err := c.write("listing-full", day, nil); err != nil {
			return err
		}
		return listingMessage(ctx, tx, "settled", "settled", id, l.State(), rec.Committed, day, nil)
	})
	if err != nil {
		return nil, err
	}
	e.log.Info("listing settled", "listing", id, "state", out.State().String())
	return out, nil
}

// openBorrower reads the borrower's account into c, opening it when the
// borrower has none.
func (e *Engine) openBorrower(ctx context.Context, tx storage.Tx, c *cashTx, id uuid.UUID, cur money.Currency, day date.Date) error {
	_, err := c.get(id)
	if !isNotFound(err) {
		return err
	}
	if err := tx.Accounts().Open(ctx, storage.Account{ID: id, Role: account.Borrower.String(), Currency: cur, Opened: day}); err != nil {
		return err
	}
	_, err = c.get(id)
	return err
}

// CancelListing withdraws a listing that is open or full but not yet
// disbursed: every bid and the reward are released. Cancelling it again
// returns it. Errors: a *fault.Transition for a settled listing;
// a *fault.Fields naming "listing" when its loan is disbursed.
func (e *Engine) CancelListing(ctx context.Context, id uuid.UUID, day date.Date) (*Listing, error) {
	return e.failListing(ctx, id, day, false)
}

// failListing releases a listing's bids and reward, cancelling it or (at
// its deadline) letting it expire.
func (e *Engine) failListing(ctx context.Context, id uuid.UUID, day date.Date, expire bool) (*Listing, error) {
	var out *Listing
	err := e.command(ctx, "fail listing", func(tx storage.Tx) error {
		l, rec, err := loadListing(ctx, tx, id)
		if err != nil {
			return err
		}
		out = l
		if l.State() == invest.ListingFailed {
			return nil // failed already
		}
		if arec, err := tx.Applications().Get(ctx, id); err != nil {
			return err
		} else if arec.LoanID != uuid.Nil {
			return fault.Invalid(invest.ErrInvalidInput, "listing", "its loan is disbursed: it settles, it cannot fail")
		}
		var released []invest.Commitment
		kind := "cancelled"
		if expire {
			kind = "failed"
			released, err = l.Expire(day.Add(1))
		} else {
			released, err = l.Cancel()
		}
		if err != nil {
			return err
		}
		c := newCashTx(ctx, tx)
		for _, b := range released {
			if err := c.post(b.Investor, account.Release, bidKey(id, b.Key)+"/released", id.String(), day, b.Amount); err != nil {
				return err
			}
		}
		if r := l.Terms().Reward; r.IsPositive() {
			if err := c.post(l.Borrower, account.Release, "listing/"+id.String()+"/reward/released", id.String(), day, r); err != nil {
				return err
			}
		}
		if err := saveState(ctx, tx, rec, l); err != nil {
			return err
		}
		if err := c.write("listing-failed", day, nil); err != nil {
			return err
		}
		return listingMessage(ctx, tx, kind, kind, id, l.State(), rec.Committed, day, nil)
	})
	return out, err
}

// CloseListings closes the listings at the end of business day day: an
// open listing whose closing day is day or earlier fails and its bids are
// released; a full listing whose settlement stopped half-way is settled.
// It returns how many listings it closed, and the errors of those it could
// not close (a full listing whose loan cannot be disbursed, say), joined,
// after trying every one. Each listing is its own unit of
// work, so two replicas may run it at once: the second finds the listing
// closed and leaves it. The daily close runs it as a portfolio step.
func (e *Engine) CloseListings(ctx context.Context, day date.Date) (int, error) {
	var due []storage.Listing
	for rec, err := range e.store.Listings().Scan(ctx, storage.ListingFilter{
		States: []string{invest.ListingOpen.String(), invest.ListingFull.String()}}) {
		if err != nil {
			return 0, err
		}
		if rec.State == invest.ListingFull.String() || !rec.Closes.After(day) {
			due = append(due, rec)
		}
	}
	n := 0
	var failed []error
	for _, rec := range due {
		var l *Listing
		var err error
		if rec.State == invest.ListingFull.String() {
			l, err = e.settleListing(ctx, rec.ID, day)
		} else {
			l, err = e.failListing(ctx, rec.ID, day, true)
		}
		var te *fault.Transition
		if errors.As(err, &te) {
			continue // a bid filled it meanwhile: the bid settles it
		}
		if err != nil {
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			failed = append(failed, fmt.Errorf("listing %s: %w", rec.ID, err))
			continue
		}
		if l.State() != invest.ListingOpen {
			n++
		}
	}
	return n, errors.Join(failed...)
}

// Listing returns a stored listing with its bids. Errors:
// storage.ErrNotFound.
func (e *Engine) Listing(ctx context.Context, id uuid.UUID) (*Listing, error) {
	l, _, err := loadListing(ctx, e.store, id)
	return l, err
}

// OpenListings yields the listings taking bids, in id order, with the
// sums of their bids (ListingStatus; Listing reads one with its bids).
func (e *Engine) OpenListings(ctx context.Context) iter.Seq2[ListingStatus, error] {
	return func(yield func(ListingStatus, error) bool) {
		for rec, err := range e.store.Listings().Scan(ctx, storage.ListingFilter{States: []string{invest.ListingOpen.String()}}) {
			var st ListingStatus
			if err == nil {
				var doc listingDoc
				var s invest.ListingState
				if doc, s, err = decodeHeader(&rec); err == nil {
					st = statusOf(&rec, s, doc.Terms.Target)
				}
			}
			if !yield(st, err) || err != nil {
				return
			}
		}
	}
}

// Bids returns a listing's bids in the order they came (for a failed
// listing, those it released).
func (e *Engine) Bids(ctx context.Context, id uuid.UUID) ([]invest.Commitment, error) {
	if _, err := e.store.Listings().Get(ctx, id); err != nil {
		return nil, err
	}
	return listingBids(ctx, e.store, id)
}

func listingBids(ctx context.Context, tx storage.Tx, id uuid.UUID) ([]invest.Commitment, error) {
	var out []invest.Commitment
	for b, err := range tx.Listings().Bids(ctx, id, storage.BidFilter{}) {
		if err != nil {
			return nil, err
		}
		out = append(out, invest.Commitment{Investor: b.Investor, Amount: b.Amount, On: b.Day, Key: b.Key})
	}
	return out, nil
}

// decodeHeader decodes a listing's terms and state.
func decodeHeader(rec *storage.Listing) (listingDoc, invest.ListingState, error) {
	var d listingDoc
	var s invest.ListingState
	if err := guardedUnmarshal(rec.Document, &d); err != nil {
		return d, s, fmt.Errorf("%w: listing %s: %v", storage.ErrCorrupt, rec.ID, err)
	}
	if err := s.UnmarshalText([]byte(rec.State)); err != nil {
		return d, s, fmt.Errorf("%w: listing %s: %v", storage.ErrCorrupt, rec.ID, err)
	}
	return d, s, nil
}

// loadListing reads a listing with its bids and rebuilds it through
// package invest, and returns the header read.
func loadListing(ctx context.Context, tx storage.Tx, id uuid.UUID) (*Listing, storage.Listing, error) {
	rec, err := tx.Listings().Get(ctx, id)
	if err != nil {
		return nil, rec, err
	}
	doc, state, err := decodeHeader(&rec)
	if err != nil {
		return nil, rec, err
	}
	bids, err := listingBids(ctx, tx, id)
	if err != nil {
		return nil, rec, err
	}
	il, err := invest.RestoreListing(doc.Terms, state, bids)
	if err != nil {
		return nil, rec, fmt.Errorf("%w: listing %s: %v", storage.ErrCorrupt, id, err)
	}
	return &Listing{ID: id, Version: rec.Version, Borrower: rec.Borrower, Loan: doc.Loan, Published: doc.Published, Listing: il}, rec, nil
}

func encodeListing(l *Listing) (storage.Listing, error) {
	doc, err := json.Marshal(listingDoc{Loan: l.Loan, Published: l.Published, Terms: l.Terms()})
	if err != nil {
		return storage.Listing{}, err
	}
	return storage.Listing{ID: l.ID, Version: l.Version, State: l.State().String(), Borrower: l.Borrower,
		Closes: l.Terms().Deadline, Committed: l.Committed(), Document: doc}, nil
}

// saveState writes l's new state over the header rec it was read with.
func saveState(ctx context.Context, tx storage.Tx, rec storage.Listing, l *Listing) error {
	rec.State = l.State().String()
	saved, err := tx.Listings().Update(ctx, rec)
	if err != nil {
		return err
	}
	l.Version = saved.Version
	return nil
}

// listingMessage adds the outbox record of a listing event.
func listingMessage(ctx context.Context, tx storage.Tx, kind, key string, id uuid.UUID, s invest.ListingState,
	committed money.Amount, day date.Date, bid *invest.Commitment) error {
	m, err := message(TopicListing, "listing/"+id.String()+"/"+kind+"/"+key, id, day,
		ListingEvent{Kind: kind, Listing: id, State: s, Committed: committed, Bid: bid})
	if err != nil {
		return err
	}
	_, err = tx.Outbox().Add(ctx, m)
	return err
}

// renameField returns err with its field from renamed to, when err is a
// *fault.Fields naming from.
func renameField(err error, from, to string) error {
	var f *fault.Fields
	if !errors.As(err, &f) {
		return err
	}
	c := *f
	c.List = append([]fault.Field(nil), f.List...)
	for i := range c.List {
		if c.List[i].Name == from {
			c.List[i].Name = to
		}
	}
	return &c
}

// closeListings is the daily close's listings step: CloseListings at the
// end of day. The listings' own records are not counted as the close's
// messages (the step reports listings, not loans); a listing that fails
// to close is logged and left for the next day.
func (e *Engine) closeListings(ctx context.Context, day date.Date) (int, error) {
	_, err := e.CloseListings(ctx, day)
	if err != nil && ctx.Err() == nil {
		// A listing that cannot close must not hold up the day's close:
		// the host acts on the log, and the next close tries again.
		e.log.Warn("listings not closed", "day", day.String(), "error", err)
		return 0, nil
	}
	return 0, err
}
