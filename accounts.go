package lendcore

import (
	"context"
	"fmt"
	"iter"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/account"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// A P2P platform's members hold cash accounts with it (package account):
// money paid in through the host's payment rail, frozen by bids and
// withdrawals in flight, paid out by the rail. Every movement is an entry
// with an idempotency key, written with the versions of the accounts it
// takes from, so two replicas can never spend one balance twice; credits
// (deposits, distributions) state no version and never contend.

// CashEvent is the payload of an outbox record of topic "cash": the
// entries a command made (Kind "deposit", "withdrawal-requested",
// "withdrawal-completed", "withdrawal-failed", "transfer", "bid",
// "listing-published", "listing-full", "listing-failed", "distribution",
// "compensation"), and for a withdrawal the withdrawal, which the host's
// payment rail pays out (then AnswerWithdrawal).
//
// Postings are the entries' balanced double-entry postings
// (account.Entry.Posting), one an entry: a ledger built from them holds
// the custody account and the members' money as the accounts do.
type CashEvent struct {
	Kind       string              `json:"kind"`
	Entries    []account.Entry     `json:"entries"`
	Postings   []account.Posting   `json:"postings"`
	Withdrawal *account.Withdrawal `json:"withdrawal,omitempty"`
}

// cashEvent is the outbox record of entries es.
func cashEvent(kind string, day date.Date, es []account.Entry, w *account.Withdrawal) (storage.Message, error) {
	ps := make([]account.Posting, len(es))
	for i, en := range es {
		ps[i] = en.Posting()
	}
	return message(TopicCash, "cash/"+es[0].Key, uuid.Nil, day, CashEvent{Kind: kind, Entries: es, Postings: ps, Withdrawal: w})
}

// CashMove is a movement a member asks for: its idempotency key, business
// day and amount.
type CashMove struct {
	Key    string       `json:"key"`
	Day    date.Date    `json:"day"`
	Amount money.Amount `json:"amount"`
}

// validate reports every bad field of m.
func (m CashMove) validate() error {
	v := &fault.Fields{Kind: account.ErrInvalidInput}
	if m.Key == "" {
		v.Add("key", "missing idempotency key")
	}
	if m.Day.IsZero() {
		v.Add("day", "missing day")
	}
	if !m.Amount.IsPositive() {
		v.Addf("amount", "%s must be positive", m.Amount)
	}
	return v.Err()
}

// OpenAccount opens member id's cash account in currency cur on day.
// Opening it again the same way returns it. Errors: a *fault.Fields
// (account.ErrInvalidInput or storage.ErrInvalid); storage.ErrDuplicate
// when the member's account is open with another role or currency.
func (e *Engine) OpenAccount(ctx context.Context, id uuid.UUID, role account.Role, cur money.Currency, day date.Date) (*account.Account, error) {
	a, err := account.New(id, role, cur)
	if err != nil {
		return nil, err
	}
	if day.IsZero() {
		return nil, fault.Invalid(account.ErrInvalidInput, "day", "missing day")
	}
	rec := storage.Account{ID: id, Role: role.String(), Currency: cur, Opened: day}
	if err := e.store.Accounts().Open(ctx, rec); err != nil {
		return nil, err
	}
	return e.Account(ctx, a.ID)
}

// Account returns member id's cash account. Errors: storage.ErrNotFound.
func (e *Engine) Account(ctx context.Context, id uuid.UUID) (*account.Account, error) {
	rec, err := e.store.Accounts().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return restoreAccount(&rec)
}

func restoreAccount(rec *storage.Account) (*account.Account, error) {
	role, err := account.ParseRole(rec.Role)
	if err != nil {
		return nil, fmt.Errorf("%w: account %s: %v", storage.ErrCorrupt, rec.ID, err)
	}
	a, err := account.Restore(rec.ID, role, rec.Balance, rec.Frozen)
	if err != nil {
		return nil, fmt.Errorf("%w: account %s: %v", storage.ErrCorrupt, rec.ID, err)
	}
	return a, nil
}

// Deposit credits money the payment rail received for member id. A
// deposit sent again with the same key is recorded once.
func (e *Engine) Deposit(ctx context.Context, id uuid.UUID, m CashMove) (*account.Account, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	var out *account.Account
	err := e.command(ctx, "deposit", func(tx storage.Tx) error {
		c := newCashTx(ctx, tx)
		if err := c.post(id, account.Deposit, "deposit/"+id.String()+"/"+m.Key, m.Key, m.Day, m.Amount); err != nil {
			return err
		}
		out = c.accounts[id]
		return c.write("deposit", m.Day, nil)
	})
	return out, err
}

// RequestWithdrawal asks for amount to be paid out of member id's account
// to their bank account: the amount is frozen and a "cash" outbox record
// of kind "withdrawal-requested" asks the host's payment rail to pay it;
// the host then calls AnswerWithdrawal. The withdrawal's id is its
// idempotency key: asking again returns the withdrawal. Above the
// available balance it is refused (account.ErrInsufficientFunds, field
// "amount"), and nothing is stored.
func (e *Engine) RequestWithdrawal(ctx context.Context, id, withdrawal uuid.UUID, day date.Date, amount money.Amount) (account.Withdrawal, error) {
	var out account.Withdrawal
	err := e.command(ctx, "request withdrawal", func(tx storage.Tx) error {
		if w, found, err := findWithdrawal(ctx, tx, withdrawal); err != nil || found {
			out = w
			if err == nil && w.Account != id {
				err = fault.Invalid(account.ErrInvalidInput, "id", "withdrawal "+withdrawal.String()+" is another account's")
			}
			return err
		}
		c := newCashTx(ctx, tx)
		a, err := c.get(id)
		if err != nil {
			return err
		}
		w, en, err := a.RequestWithdrawal(withdrawal, day, amount)
		if err != nil {
			return err
		}
		c.add(en)
		out = w
		return c.write("withdrawal-requested", day, &w)
	})
	return out, err
}

// AnswerWithdrawal records the payment rail's answer to a withdrawal:
// account.EventComplete pays the frozen amount out of the account,
// account.EventFail gives it back. The same answer again returns the
// withdrawal; another answer to an answered withdrawal is a
// *fault.Transition. Errors: storage.ErrNotFound for an unknown
// withdrawal.
func (e *Engine) AnswerWithdrawal(ctx context.Context, withdrawal uuid.UUID, on account.WithdrawalEvent, day date.Date) (account.Withdrawal, error) {
	var out account.Withdrawal
	err := e.command(ctx, "answer withdrawal", func(tx storage.Tx) error {
		w, found, err := findWithdrawal(ctx, tx, withdrawal)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("%w: withdrawal %s", storage.ErrNotFound, withdrawal)
		}
		if answered := map[account.WithdrawalEvent]account.WithdrawalState{account.EventComplete: account.WithdrawalCompleted,
			account.EventFail: account.WithdrawalRefused}; w.State == answered[on] {
			out = w
			return nil // the same answer again
		}
		c := newCashTx(ctx, tx)
		a, err := c.get(w.Account)
		if err != nil {
			return err
		}
		en, err := w.Answer(a, on, day)
		if err != nil {
			return err
		}
		c.add(en)
		out = w
		return c.write("withdrawal-"+w.State.String(), day, &w)
	})
	return out, err
}

// Withdrawal returns a withdrawal. Errors: storage.ErrNotFound.
func (e *Engine) Withdrawal(ctx context.Context, id uuid.UUID) (account.Withdrawal, error) {
	w, found, err := findWithdrawal(ctx, e.store, id)
	if err == nil && !found {
		err = fmt.Errorf("%w: withdrawal %s", storage.ErrNotFound, id)
	}
	return w, err
}

// findWithdrawal rebuilds a withdrawal from its entries; found is false
// when it has none.
func findWithdrawal(ctx context.Context, tx storage.Tx, id uuid.UUID) (account.Withdrawal, bool, error) {
	var es []account.Entry
	for rec, err := range tx.Accounts().Entries(ctx, storage.EntryFilter{Ref: id.String()}) {
		if err != nil {
			return account.Withdrawal{}, false, err
		}
		en, err := entryOf(&rec)
		if err != nil {
			return account.Withdrawal{}, false, err
		}
		es = append(es, en)
	}
	if len(es) == 0 {
		return account.Withdrawal{}, false, nil
	}
	w, err := account.WithdrawalOf(id, es)
	if err != nil {
		return w, false, fmt.Errorf("%w: withdrawal %s: %v", storage.ErrCorrupt, id, err)
	}
	return w, true, nil
}

// TransferCash moves an amount from member from's available balance to
// member to's account (a claim transfer's price, say). A transfer sent
// again with the same key is made once.
func (e *Engine) TransferCash(ctx context.Context, from, to uuid.UUID, m CashMove) error {
	if err := m.validate(); err != nil {
		return err
	}
	key := "transfer/" + m.Key
	return e.command(ctx, "transfer cash", func(tx storage.Tx) error {
		for _, err := range tx.Accounts().Entries(ctx, storage.EntryFilter{AccountID: from, Ref: key}) {
			return err // made already
		}
		c := newCashTx(ctx, tx)
		a, err := c.get(from)
		if err != nil {
			return err
		}
		b, err := c.get(to)
		if err != nil {
			return err
		}
		es, err := account.Transfer(a, b, key, m.Day, m.Amount)
		if err != nil {
			return err
		}
		c.add(es...)
		return c.write("transfer", m.Day, nil)
	})
}

// AccountEntries yields member id's entries in the order they were
// written, those of days in days when it is not nil: the member's
// statement of cash movements.
func (e *Engine) AccountEntries(ctx context.Context, id uuid.UUID, days *storage.DateRange) iter.Seq2[account.Entry, error] {
	return func(yield func(account.Entry, error) bool) {
		for rec, err := range e.store.Accounts().Entries(ctx, storage.EntryFilter{AccountID: id, Days: days}) {
			var en account.Entry
			if err == nil {
				en, err = entryOf(&rec)
			}
			if !yield(en, err) || err != nil {
				return
			}
		}
	}
}

// CashHistory returns member id's statement of cash movements (资金流水)
// for days from to to: the totals at the start and the end, every movement
// in between and their sums by kind. It reads the account's entries up to
// to in one pass: a statement is a report, read now and then, unlike the
// balance, which the account keeps. Errors: a *fault.Fields
// (account.ErrInvalidInput) naming "from" or "to"; storage.ErrNotFound for
// an unknown account.
func (e *Engine) CashHistory(ctx context.Context, id uuid.UUID, from, to date.Date) (*account.History, error) {
	rec, err := e.store.Accounts().Get(ctx, id)
	if err != nil {
		if _, herr := account.NewHistory(id, money.CNY, from, to); herr != nil {
			return nil, herr // bad input first: it is the caller's to fix
		}
		return nil, err
	}
	h, err := account.NewHistory(id, rec.Currency, from, to)
	if err != nil {
		return nil, err
	}
	for en, err := range e.AccountEntries(ctx, id, &storage.DateRange{To: to}) {
		if err != nil {
			return nil, err
		}
		if err := h.Add(en); err != nil {
			return nil, fmt.Errorf("%w: account %s: %v", storage.ErrCorrupt, id, err)
		}
	}
	return h, nil
}

// entryOf decodes a stored entry.
func entryOf(rec *storage.AccountEntry) (account.Entry, error) {
	k, err := account.ParseKind(rec.Kind)
	if err != nil {
		return account.Entry{}, fmt.Errorf("%w: account entry %q: %v", storage.ErrCorrupt, rec.Key, err)
	}
	return account.Entry{Key: rec.Key, Account: rec.AccountID, Kind: k, Ref: rec.Ref, Day: rec.Day, Amount: rec.Amount, Frozen: rec.Frozen}, nil
}

// cashTx gathers, in one unit of work, the accounts a command reads (with
// the versions read) and the entries it makes, and writes them in one
// post with one "cash" outbox record.
type cashTx struct {
	ctx      context.Context
	tx       storage.Tx
	accounts map[uuid.UUID]*account.Account
	versions map[uuid.UUID]int64
	entries  []account.Entry
}

func newCashTx(ctx context.Context, tx storage.Tx) *cashTx {
	return &cashTx{ctx: ctx, tx: tx, accounts: map[uuid.UUID]*account.Account{}, versions: map[uuid.UUID]int64{}}
}

// get returns account id as this unit of work has it. Errors:
// storage.ErrNotFound.
func (c *cashTx) get(id uuid.UUID) (*account.Account, error) {
	if a := c.accounts[id]; a != nil {
		return a, nil
	}
	rec, err := c.tx.Accounts().Get(c.ctx, id)
	if err != nil {
		return nil, err
	}
	a, err := restoreAccount(&rec)
	if err != nil {
		return nil, err
	}
	c.accounts[id], c.versions[id] = a, rec.Version
	return a, nil
}

func (c *cashTx) add(es ...account.Entry) { c.entries = append(c.entries, es...) }

// post records a movement of account id (account.Account.Post) in the
// unit of work.
func (c *cashTx) post(id uuid.UUID, k account.Kind, key, ref string, day date.Date, amount money.Amount) error {
	a, err := c.get(id)
	if err != nil {
		return err
	}
	en, err := a.Post(k, key, ref, day, amount)
	if err != nil {
		return err
	}
	c.add(en)
	return nil
}

// write posts the entries, stating the version read of each account an
// entry takes from, and adds their outbox record of kind kind.
func (c *cashTx) write(kind string, day date.Date, w *account.Withdrawal) error {
	if len(c.entries) == 0 {
		return nil
	}
	p := storage.AccountPost{Versions: map[uuid.UUID]int64{}, Entries: make([]storage.AccountEntry, len(c.entries))}
	for i, en := range c.entries {
		p.Entries[i] = storage.AccountEntry{Key: en.Key, AccountID: en.Account, Kind: en.Kind.String(), Ref: en.Ref,
			Day: en.Day, Amount: en.Amount, Frozen: en.Frozen}
		if en.Kind.Takes() {
			p.Versions[en.Account] = c.versions[en.Account]
		}
	}
	if _, err := c.tx.Accounts().Post(c.ctx, p); err != nil {
		return err
	}
	m, err := cashEvent(kind, day, c.entries, w)
	if err != nil {
		return err
	}
	_, err = c.tx.Outbox().Add(c.ctx, m)
	return err
}

// creditInvestors pays the investors' shares of the distributions and
// compensation payouts among msgs (outbox records of topic "investor")
// into their cash accounts, in the unit of work that records them: the
// close's batch for distributions, its compensation step for payouts.
// Investors without an account (a host that keeps investors' cash itself)
// and the reserve are left out. The credits are keyed by the record and
// the investor, so a re-run credits nothing twice, and they state no
// version: replicas closing different loans credit one investor at once
// without contending.
func creditInvestors(ctx context.Context, tx storage.Tx, msgs []storage.Message) error {
	type credit struct {
		key, ref string
		kind     account.Kind
		investor uuid.UUID
		day      date.Date
		amount   money.Amount
	}
	var credits []credit
	var ids []uuid.UUID
	checked := false
	for i := range msgs {
		m := &msgs[i]
		if m.Topic != TopicInvestor {
			continue
		}
		if !checked {
			// A host that keeps no cash accounts pays nothing for them
			// beyond this one read: no record is decoded.
			checked = true
			found := false
			for _, err := range tx.Accounts().Scan(ctx, storage.AccountFilter{BatchSize: 1}) {
				if err != nil {
					return err
				}
				found = true
				break
			}
			if !found {
				return nil
			}
		}
		var ev InvestorEvent
		if err := guardedUnmarshal(m.Payload, &ev); err != nil {
			return fmt.Errorf("investor record %q: %w", m.Key, err)
		}
		paid := map[uuid.UUID]money.Amount{}
		var order []uuid.UUID
		pay := func(id uuid.UUID, a money.Amount) {
			if _, ok := paid[id]; !ok {
				order = append(order, id)
			}
			paid[id] = paid[id].Add(a)
		}
		kind := account.Distribution
		switch {
		case ev.Distribution != nil:
			for _, r := range ev.Distribution.Receipts {
				pay(r.Holder, r.Net())
			}
			for _, r := range ev.Distribution.Recoveries {
				pay(r.Payer, r.Amount.Total())
			}
		case ev.Compensation != nil:
			kind = account.Compensation
			for _, r := range ev.Compensation.Receipts {
				pay(r.Holder, r.Net())
			}
		default:
			continue
		}
		for _, id := range order {
			if id == ReserveID || !paid[id].IsPositive() {
				continue
			}
			credits = append(credits, credit{key: m.Key + "/" + id.String(), ref: m.Key, kind: kind, investor: id, day: m.Day, amount: paid[id]})
			ids = append(ids, id)
		}
	}
	if len(credits) == 0 {
		return nil
	}
	open := map[uuid.UUID]money.Currency{}
	for a, err := range tx.Accounts().Scan(ctx, storage.AccountFilter{IDs: ids}) {
		if err != nil {
			return err
		}
		open[a.ID] = a.Currency
	}
	var es []storage.AccountEntry
	var entries []account.Entry
	for _, c := range credits {
		if cur, ok := open[c.investor]; !ok || cur != c.amount.Currency() {
			continue
		}
		en := account.Entry{Key: c.key, Account: c.investor, Kind: c.kind, Ref: c.ref, Day: c.day, Amount: c.amount, Frozen: money.Zero(c.amount.Currency())}
		entries = append(entries, en)
		es = append(es, storage.AccountEntry{Key: en.Key, AccountID: en.Account, Kind: en.Kind.String(), Ref: en.Ref, Day: en.Day,
			Amount: en.Amount, Frozen: en.Frozen})
	}
	if len(es) == 0 {
		return nil
	}
	if _, err := tx.Accounts().Post(ctx, storage.AccountPost{Entries: es}); err != nil {
		return err
	}
	var out []storage.Message
	for i, en := range entries {
		if i > 0 && entries[i-1].Ref == en.Ref {
			continue
		}
		j := i
		for j < len(entries) && entries[j].Ref == en.Ref {
			j++
		}
		m, err := cashEvent(en.Kind.String(), en.Day, entries[i:j], nil)
		if err != nil {
			return err
		}
		out = append(out, m)
	}
	_, err := tx.Outbox().Add(ctx, out...)
	return err
}

// payClaimTransfer moves a claim transfer's price in the unit of work that
// records it (债权转让): the price out of the buyer's available balance,
// the price less the seller's fee into the seller's account (the fee is
// the platform's, and leaves the members' money). Only when both have a
// cash account: a host that keeps its investors' cash itself settles the
// price itself. A buyer who cannot pay is refused
// (account.ErrInsufficientFunds), and the transfer with it.
func payClaimTransfer(ctx context.Context, tx storage.Tx, key string, t *invest.Transfer) error {
	key = "claim/" + key
	c := newCashTx(ctx, tx)
	for _, id := range []uuid.UUID{t.Buyer, t.Seller} {
		if _, err := c.get(id); isNotFound(err) {
			return nil
		} else if err != nil {
			return err
		}
	}
	if err := c.post(t.Buyer, account.TransferOut, key+"/buyer", key, t.On, t.Price); err != nil {
		return renameField(err, "amount", "price")
	}
	if net := t.SellerNet(); net.IsPositive() {
		if err := c.post(t.Seller, account.TransferIn, key+"/seller", key, t.On, net); err != nil {
			return err
		}
	}
	return c.write("claim-transfer", t.On, nil)
}
