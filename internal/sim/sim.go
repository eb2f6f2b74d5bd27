// Package sim generates a synthetic P2P loan portfolio from a seed and runs
// the lendcore Engine over it day by day: the main job of `lendcore
// simulate`, and a deterministic simulation test. The same Config gives the
// same output, byte for byte.
package sim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/line"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// Config is a simulation run.
type Config struct {
	Loans             int       // loans originated
	Months            int       // months simulated from Start
	OriginationMonths int       // loans are originated uniformly over the first months
	Seed              uint64    // everything random is drawn from it
	Start             date.Date // first simulated day
	Investors         int       // size of the investor pool
	Check             bool      // verify portfolio invariants after every day
	Faults            bool      // inject duplicate commands, backdated payments, reversals and interrupted closes
	// WriteOffDPD is when the simulated lender writes a defaulted loan off
	// (with an approver), the claim still pursued.
	WriteOffDPD int
	// Revolving is the share of loans, in percent, drawn on a revolving
	// credit line (授信额度) instead of applied for one by one: the
	// borrower is granted a line of twice the principal, valid to the
	// loan's maturity, and the loan is its drawdown. Which loans are is
	// fixed by their number (loan i when i × share mod 100 < share: every
	// other loan at 50 %, every tenth at 10 %), not drawn from the random
	// stream, so the
	// portfolio and its payments are the same whatever the share; zero
	// (the default) opens no line.
	Revolving int
	// P2P is the share of loans, in percent, published as listings and
	// funded by the investors' bids through their cash accounts (see
	// p2p.go), spread by loan number as Revolving is (a revolving loan is
	// not listed); with it every investor holds a cash account, which the
	// close credits. Zero (the default) opens no account.
	P2P int
	// Products sells each loan as one of three products (Products: an
	// unsecured consumer loan, a secured loan for the loans with
	// collateral, a short bullet cash loan), every tenth in the VIP
	// segment, its terms brought into the product's ranges; the Engines
	// must have the products (lendcore.WithCatalogue). Off (the default),
	// every loan runs under the Engine's own policies.
	Products bool
}

// DefaultConfig is `lendcore simulate` without flags: 10,000 loans
// originated over 12 months, run for 24 months.
func DefaultConfig() Config {
	return Config{Loans: 10000, Months: 24, OriginationMonths: 12, Seed: 1, Start: date.New(2025, 1, 1),
		Investors: 500, WriteOffDPD: 180}
}

// MaxLoans is the largest portfolio a simulation accepts, bounded by
// memory rather than time.
const MaxLoans = 200_000

// Validate reports every bad field.
func (c Config) Validate() error {
	var errs []error
	// About 26 KB a loan over a run (store, cache, the outbox's history):
	// 200,000 loans take some 5 GB.
	if c.Loans < 1 || c.Loans > MaxLoans {
		errs = append(errs, fmt.Errorf("sim: loans %d outside 1..%d", c.Loans, MaxLoans))
	}
	if c.Months < 1 || c.Months > 600 {
		errs = append(errs, fmt.Errorf("sim: months %d outside 1..600", c.Months))
	}
	if c.OriginationMonths < 1 || c.OriginationMonths > c.Months {
		errs = append(errs, fmt.Errorf("sim: origination months %d outside 1..months", c.OriginationMonths))
	}
	if c.Investors < 1 || c.Investors > 1_000_000 {
		errs = append(errs, fmt.Errorf("sim: investors %d outside 1..1000000", c.Investors))
	}
	if c.Revolving < 0 || c.Revolving > 100 {
		errs = append(errs, fmt.Errorf("sim: revolving share %d%% outside 0..100", c.Revolving))
	}
	if c.P2P < 0 || c.P2P > 100 {
		errs = append(errs, fmt.Errorf("sim: P2P share %d%% outside 0..100", c.P2P))
	}
	if c.WriteOffDPD < 1 {
		errs = append(errs, fmt.Errorf("sim: write-off DPD %d must be positive", c.WriteOffDPD))
	}
	return errors.Join(errs...)
}

// Sim is one simulation over an Engine.
type Sim struct {
	cfg    Config
	eng    *lendcore.Engine   // the first replica: reads and the host's own scans
	engs   []*lendcore.Engine // every replica: commands are spread over them, and all close
	clock  *Clock
	rng    *rand.Rand
	plans  []plan
	events [][]event // by day offset from cfg.Start
	days   int
	stats  Stats
	state  []loanState
	index  map[uuid.UUID]int32
	p2p    p2pState // Config.P2P
	// ledgers are the host's ledgers of each loan, kept from the posting
	// messages delivered alone (only with Config.Check).
	ledgers map[uuid.UUID]*lendcore.TrialBalance
}

// Stats are the running totals of a simulation.
type Stats struct {
	Originated  int          `json:"originated"`
	Payments    int          `json:"payments"`
	Paid        money.Amount `json:"paid"`
	WrittenOff  int          `json:"written_off"`
	Recoveries  money.Amount `json:"recoveries"`
	Prepaid     int          `json:"prepaid"`
	LoanDays    int64        `json:"loan_days"`
	QuietDays   int64        `json:"quiet_days"` // loan-days carried over without a fold
	Faults      int          `json:"faults"`
	Inspections int          `json:"inspections"`
	Delivered   int          `json:"delivered"`
	FailedLoans int          `json:"failed_loans"`
	Drawdowns   int          `json:"drawdowns,omitempty"` // loans drawn on a credit line (Config.Revolving)
	// Listings, Bids, Deposits and Withdrawals count the P2P share's
	// listings and cash movements (Config.P2P).
	Listings    int `json:"listings,omitempty"`
	Bids        int `json:"bids,omitempty"`
	Deposits    int `json:"deposits,omitempty"`
	Withdrawals int `json:"withdrawals,omitempty"`
}

type eventKind uint8

const (
	evOriginate eventKind = iota
	evPay                 // pay everything due (arrears included)
	evPayoff              // pay the loan off
	evRecover             // a recovery on a written-off claim
	evInspect             // a post-loan inspection the lender carries out
)

type event struct {
	kind eventKind
	loan int32
	n    int32 // installment number, for idempotency keys
}

type loanState struct {
	opened, closed, writtenOff bool
	// last close seen by check
	lastDay   date.Date
	lastDPD   int
	lastGrade classify.Grade
}

// New prepares a simulation: it generates the portfolio and the borrowers'
// behaviour from cfg.Seed. The Engines are replicas of one host on one
// database, which must be empty: each loan's commands go to one of them
// (by the loan's number), and every day all of them run the close. clock,
// when not nil, is the Engines' clock (lendcore.WithClock(clock.Now)):
// Run moves it on day by day.
func New(cfg Config, clock *Clock, eng *lendcore.Engine, replicas ...*lendcore.Engine) (*Sim, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6c656e64636f7265)) // "lendcore"
	investors := make([]uuid.UUID, cfg.Investors)
	for i := range investors {
		investors[i] = uuidFrom(rng)
	}
	plans, err := generate(cfg, rng, investors)
	if err != nil {
		return nil, err
	}
	s := &Sim{cfg: cfg, clock: clock, eng: eng, engs: append([]*lendcore.Engine{eng}, replicas...), rng: rng, plans: plans,
		state: make([]loanState, len(plans))}
	s.stats.Paid, s.stats.Recoveries = money.Zero(money.CNY), money.Zero(money.CNY)
	if cfg.P2P > 0 {
		zero := money.Zero(money.CNY)
		s.p2p = p2pState{investors: investors, deposited: zero, paidOut: zero, proceeds: zero, rewards: zero}
	}
	s.days = int(cfg.Start.AddDate(0, cfg.Months, 0).Sub(cfg.Start))
	s.events = make([][]event, s.days+1)
	s.index = make(map[uuid.UUID]int32, len(plans))
	for i := range plans {
		s.index[plans[i].id] = int32(i)
		s.schedule(int32(i))
	}
	return s, nil
}

// at adds an event on day d (ignored beyond the horizon).
func (s *Sim) at(d date.Date, ev event) {
	off := int(d.Sub(s.cfg.Start))
	if off >= 0 && off <= s.days {
		s.events[off] = append(s.events[off], ev)
	}
}

// schedule plans a loan's origination and its borrower's payments.
func (s *Sim) schedule(i int32) {
	p := &s.plans[i]
	s.at(p.request.Terms.Start, event{kind: evOriginate, loan: i})
	for _, in := range p.schedule.Installments {
		k := in.Number
		delay := 0
		switch p.profile {
		case OccasionallyLate:
			if s.rng.IntN(100) < 15 {
				delay = 1 + s.rng.IntN(20)
			}
		case ChronicallyLate:
			delay = 5 + s.rng.IntN(41)
		case Defaulter:
			if k >= p.stopAt {
				continue
			}
		case Curer:
			if k == p.stopAt || k == p.stopAt+1 {
				delay = 40 + s.rng.IntN(31) // caught up after the M2 letter
			}
		case Prepayer:
			if k == p.prepayAt+1 {
				s.at(in.Due.Add(-3), event{kind: evPayoff, loan: i, n: int32(k)})
			}
			if k > p.prepayAt {
				continue
			}
		}
		s.at(in.Due.Add(date.PeriodOfDays(delay)), event{kind: evPay, loan: i, n: int32(k)})
	}
}

// Run simulates every day, calling month at each month end with the
// portfolio as of that day and progress after every day.
func (s *Sim) Run(ctx context.Context, month func(lendcore.Portfolio, Stats), progress func(day, days int)) (Stats, error) {
	for off := 0; off <= s.days; off++ {
		day := s.cfg.Start.Add(date.PeriodOfDays(off))
		if s.clock != nil {
			s.clock.Set(day)
		}
		if off == 0 && s.cfg.P2P > 0 {
			if err := s.openAccounts(ctx, day); err != nil {
				return s.stats, err
			}
		}
		for _, ev := range s.events[off] {
			if err := s.apply(ctx, day, ev); err != nil {
				return s.stats, fmt.Errorf("sim: day %s loan %s: %w", day, s.plans[ev.loan].id, err)
			}
		}
		if err := s.close(ctx, day); err != nil {
			return s.stats, err
		}
		if err := s.writeOffs(ctx, day); err != nil {
			return s.stats, err
		}
		if err := s.deliver(ctx, day); err != nil {
			return s.stats, err
		}
		if s.cfg.P2P > 0 {
			if err := s.cashDay(ctx, day); err != nil {
				return s.stats, err
			}
		}
		if s.cfg.Check {
			if err := s.check(ctx, day); err != nil {
				return s.stats, fmt.Errorf("sim: invariant violated (seed %d, day %s): %w", s.cfg.Seed, day, err)
			}
		}
		if next := day.Add(1); next.Day() == 1 && month != nil {
			p, err := s.eng.PortfolioAt(ctx, day)
			if err != nil {
				return s.stats, err
			}
			month(p, s.stats)
		}
		if progress != nil {
			progress(off+1, s.days+1)
		}
	}
	return s.stats, nil
}

// close runs the daily close on every replica at once (they share the
// day's partitions); with faults, some days are first cancelled midway
// and then re-run, which must change nothing.
func (s *Sim) close(ctx context.Context, day date.Date) error {
	if s.cfg.Faults && s.rng.IntN(20) == 0 {
		cctx, cancel := context.WithCancel(ctx)
		cancel() // the run stops at its first check; what it wrote is whole batches
		_, _ = s.eng.CloseOfDay(cctx, day)
		s.stats.Faults++
	}
	reports := make([][]lendcore.CloseReport, len(s.engs))
	errs := make([]error, len(s.engs))
	var wg sync.WaitGroup
	for i, e := range s.engs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reports[i], errs[i] = e.CloseOfDay(ctx, day)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	// Every replica reports the whole day; count it once.
	for _, r := range reports[0] {
		s.stats.LoanDays += int64(r.Loans)
		s.stats.QuietDays += int64(r.Quiet)
		s.stats.FailedLoans += len(r.Failed)
	}
	return nil
}

// on is the replica that takes loan id's commands.
func (s *Sim) on(id uuid.UUID) *lendcore.Engine { return s.engs[int(s.index[id])%len(s.engs)] }

func (s *Sim) apply(ctx context.Context, day date.Date, ev event) error {
	p := &s.plans[ev.loan]
	st := &s.state[ev.loan]
	switch ev.kind {
	case evOriginate:
		return s.originate(ctx, p, st)
	case evPay:
		if !st.opened || st.closed || st.writtenOff {
			return nil
		}
		return s.payDue(ctx, day, p, st, ev.n)
	case evPayoff:
		if !st.opened || st.closed || st.writtenOff {
			return nil
		}
		return s.payoff(ctx, day, p, st)
	case evRecover:
		return s.recover(ctx, day, p, ev.n)
	case evInspect:
		if !st.opened || st.closed || st.writtenOff {
			return nil
		}
		err := s.on(p.id).RecordInspection(ctx, p.id, classify.InspectionRecord{Date: day, Inspector: "post-loan-team",
			Conclusion: classify.Satisfactory})
		if err == nil {
			s.stats.Inspections++
		}
		return err
	}
	return nil
}

func (s *Sim) originate(ctx context.Context, p *plan, st *loanState) error {
	if i := int(s.index[p.id]); i*s.cfg.Revolving%100 < s.cfg.Revolving { // share spread evenly: 50 % is every other loan
		if err := s.drawOnLine(ctx, p); err != nil {
			return err
		}
		st.opened = true
		s.stats.Originated++
		s.stats.Drawdowns++
		return s.secure(ctx, p)
	}
	if s.cfg.listed(int(s.index[p.id])) {
		if err := s.list(ctx, p); err != nil {
			return err
		}
		st.opened = true
		s.stats.Originated++
		return s.secure(ctx, p)
	}
	if _, err := s.on(p.id).Submit(ctx, p.request); err != nil {
		return err
	}
	start := p.request.Terms.Start
	if _, err := s.on(p.id).Approve(ctx, p.id, loan.Action{Officer: "approver", On: start}, loan.Exposure{}); err != nil {
		return err
	}
	d := lendcore.Disbursement{Actor: "platform", IdempotencyKey: "disburse"}
	for _, f := range p.funding {
		d.Funding = append(d.Funding, lendcore.Funding{Investor: f.investor, Amount: f.amount})
	}
	if _, err := s.on(p.id).Disburse(ctx, p.id, d); err != nil {
		return err
	}
	st.opened = true
	s.stats.Originated++
	return s.secure(ctx, p)
}

// drawOnLine grants the plan's borrower a revolving line of twice the
// principal, valid from the start to the loan's maturity, and draws the
// loan on it (Engine.OpenLine, Engine.Drawdown), funded as a disbursement
// is.
func (s *Sim) drawOnLine(ctx context.Context, p *plan) error {
	r := &p.request
	start, principal := r.Terms.Start, r.Terms.Principal
	lineID := uuid.NewSHA1(p.id, []byte("line"))
	t := line.Terms{ID: lineID, Borrower: r.Borrower, BorrowerKind: r.BorrowerKind, Product: "consumer-revolving",
		Purpose: r.Purpose, Limit: principal.MulInt(2), Revolving: true, From: start,
		Until: p.schedule.Installments[len(p.schedule.Installments)-1].Due, Dossier: r.Dossier, OpenedBy: "approver"}
	if _, err := s.on(p.id).OpenLine(ctx, t, start); err != nil {
		return err
	}
	d := lendcore.DrawRequest{Loan: p.id, Terms: r.Terms, By: "app", IdempotencyKey: "disburse"}
	for _, f := range p.funding {
		d.Funding = append(d.Funding, lendcore.Funding{Investor: f.investor, Amount: f.amount})
	}
	_, err := s.on(p.id).Drawdown(ctx, lineID, d)
	return err
}

// secure registers what backs a secured or guaranteed loan in the
// Engine's collateral register: a flat or a car pledged on the start date
// with a first appraisal, and a person guaranteeing the whole debt
// jointly. The figures follow from the loan, not the random stream.
func (s *Sim) secure(ctx context.Context, p *plan) error {
	start, principal := p.request.Terms.Start, p.request.Terms.Principal
	if p.secured {
		kind, value := collateral.Vehicle, principal.MulInt(5).Minor()/4 // 125 % of the loan
		if principal.Minor() >= 10_000_000 {                             // 100,000.00 and up: a flat
			kind, value = collateral.RealEstate, principal.MulInt(8).Minor()/5 // 160 %
		}
		it := collateral.Item{ID: uuid.NewSHA1(p.id, []byte("collateral")), Kind: kind, Owner: "borrower",
			Currency: principal.Currency(), Liens: []collateral.Lien{{LoanID: p.id, Rank: 1}},
			Registration: collateral.Registration{RegisteredOn: start, Rank: 1}}
		if err := s.on(p.id).RegisterCollateral(ctx, it); err != nil {
			return err
		}
		if err := s.on(p.id).Pledge(ctx, it.ID, start); err != nil {
			return err
		}
		v := collateral.Valuation{Date: start, Amount: money.New(value, principal.Currency()),
			Method: collateral.Appraisal, Source: "appraiser"}
		if err := s.on(p.id).AddValuation(ctx, it.ID, v, start); err != nil {
			return err
		}
	}
	if p.guarantee {
		g := collateral.Guarantor{ID: uuid.NewSHA1(p.id, []byte("guarantor")), Name: "guarantor",
			Kind: collateral.PersonGuarantor, Assessments: []collateral.Assessment{{Date: start,
				NetWorth: principal.MulInt(3), OtherGuarantees: money.Zero(principal.Currency())}}}
		if err := s.on(p.id).AddGuarantor(ctx, g); err != nil {
			return err
		}
		return s.on(p.id).AddGuarantee(ctx, collateral.Guarantee{ID: uuid.NewSHA1(p.id, []byte("guarantee")),
			GuarantorID: g.ID, LoanID: p.id, Kind: collateral.JointAndSeveral,
			DebtMaturity: p.schedule.Maturity()})
	}
	return nil
}

// release frees a repaid loan's pledged item, as a lender does once the
// debt is paid (解押): the register then holds only what secures loans on
// the books, and the daily monitor's work stays bounded.
func (s *Sim) release(ctx context.Context, day date.Date, p *plan) error {
	if !p.secured {
		return nil
	}
	return s.on(p.id).Release(ctx, uuid.NewSHA1(p.id, []byte("collateral")), day)
}

// payDue pays everything that has fallen due by day, penalties included.
func (s *Sim) payDue(ctx context.Context, day date.Date, p *plan, st *loanState, n int32) error {
	pos, err := s.on(p.id).Position(ctx, p.id, day)
	if err != nil {
		return err
	}
	due := money.Zero(money.CNY)
	for _, in := range pos.Installments {
		if !in.Due.After(day) {
			due = due.Add(in.Outstanding.Total())
		}
	}
	due = due.Sub(pos.Credit)
	if !due.IsPositive() {
		return nil
	}
	key := fmt.Sprintf("pay-%d", n)
	en := loan.Entry{Kind: loan.Repayment, ValueDate: day, BookedAt: bookedAt(day), Actor: "borrower",
		IdempotencyKey: key, Amount: due}
	dup := false
	if s.cfg.Faults {
		var err error
		if dup, err = s.fault(ctx, day, p, en); err != nil {
			return err
		}
	}
	res, err := s.on(p.id).Post(ctx, p.id, en)
	if err != nil {
		return err
	}
	if dup != res.Replayed {
		return fmt.Errorf("sim: duplicate submission of %s: replayed %t, want %t", key, res.Replayed, dup)
	}
	{
		s.stats.Payments++
		s.stats.Paid = s.stats.Paid.Add(due)
	}
	if res.Status == loan.Closed {
		st.closed = true
		return s.release(ctx, day, p)
	}
	return nil
}

// fault injects, before a genuine payment, a command a real platform sees:
// a payment posted and then reversed, or a duplicate submission (the
// genuine command below is then the duplicate, and dup is true).
func (s *Sim) fault(ctx context.Context, day date.Date, p *plan, en loan.Entry) (dup bool, err error) {
	switch s.rng.IntN(40) {
	case 0: // a mistaken payment, reversed the same day
		wrong := en
		wrong.IdempotencyKey = en.IdempotencyKey + "-mistake"
		wrong.Amount = money.New(100, money.CNY)
		res, err := s.on(p.id).Post(ctx, p.id, wrong)
		if err != nil {
			return false, err
		}
		_, err = s.on(p.id).Post(ctx, p.id, loan.Entry{Kind: loan.Reversal, ValueDate: day, BookedAt: bookedAt(day),
			Actor: "ops", Reason: "posted to the wrong loan", IdempotencyKey: en.IdempotencyKey + "-reversal",
			Reverses: res.Entry.ID})
		s.stats.Faults++
		return false, err
	case 1: // the same command submitted twice
		if _, err := s.on(p.id).Post(ctx, p.id, en); err != nil {
			return false, err
		}
		s.stats.Faults++
		return true, nil
	}
	return false, nil
}

func (s *Sim) payoff(ctx context.Context, day date.Date, p *plan, st *loanState) error {
	pos, err := s.on(p.id).Position(ctx, p.id, day)
	if err != nil {
		return err
	}
	if !pos.Payoff.IsPositive() {
		return nil
	}
	res, err := s.on(p.id).Post(ctx, p.id, loan.Entry{Kind: loan.Prepayment, Payoff: true, ValueDate: day,
		BookedAt: bookedAt(day), Actor: "borrower", IdempotencyKey: "payoff", Amount: pos.Payoff})
	if err != nil {
		return err
	}
	s.stats.Prepaid++
	s.stats.Payments++
	s.stats.Paid = s.stats.Paid.Add(pos.Payoff)
	if res.Status == loan.Closed {
		st.closed = true
		return s.release(ctx, day, p)
	}
	return nil
}

func (s *Sim) recover(ctx context.Context, day date.Date, p *plan, pct int32) error {
	pos, err := s.on(p.id).Position(ctx, p.id, day)
	if err != nil {
		return err
	}
	claim := pos.Claim.Total()
	amt, err := claim.MulFrac(int64(pct), 100, money.Down)
	if err != nil || !amt.IsPositive() {
		return err
	}
	if _, err := s.on(p.id).Post(ctx, p.id, loan.Entry{Kind: loan.Recovery, ValueDate: day, BookedAt: bookedAt(day),
		Actor: "collections", IdempotencyKey: fmt.Sprintf("recovery-%s", day), Amount: amt}); err != nil {
		return err
	}
	s.stats.Recoveries = s.stats.Recoveries.Add(amt)
	return nil
}

// writeOffs writes off, with an approver, every loan the close found at
// least cfg.WriteOffDPD days past due, and plans a partial recovery for some
// of them (账销案存: the claim is still pursued).
func (s *Sim) writeOffs(ctx context.Context, day date.Date) error {
	var ids []uuid.UUID
	for rec, err := range s.eng.Store().Loans().Scan(ctx, storage.LoanFilter{
		Statuses:    []string{loan.Active.String(), loan.Accelerated.String()},
		DaysPastDue: &storage.IntRange{Min: s.cfg.WriteOffDPD, Max: 1 << 30}}) {
		if err != nil {
			return err
		}
		ids = append(ids, rec.ID)
	}
	for _, id := range ids {
		i, ok := s.index[id]
		if !ok {
			continue
		}
		_, err := s.on(id).Post(ctx, id, loan.Entry{Kind: loan.WriteOff, ValueDate: day, BookedAt: bookedAt(day),
			Actor: "risk-officer", Approver: "risk-committee", Reason: "uncollectible after collection",
			IdempotencyKey: "write-off"})
		if err != nil {
			return fmt.Errorf("sim: write-off of %s: %w", id, err)
		}
		s.state[i].writtenOff = true
		s.stats.WrittenOff++
		if s.rng.IntN(100) < 40 {
			s.at(day.Add(date.PeriodOfDays(30+s.rng.IntN(150))), event{kind: evRecover, loan: i, n: int32(10 + s.rng.IntN(31))})
		}
	}
	return nil
}

// Policies are the platform's policies in the simulation: the Engine's
// defaults with one approving officer whose limit covers every loan.
func Policies() lendcore.Policies {
	p := lendcore.DefaultPolicies()
	p.Approval.Authority = loan.AuthorityPolicy{Officers: []loan.Officer{{ID: "approver", Limit: money.New(20_000_000, money.CNY)}}}
	reserve := invest.DefaultReservePolicy()
	p.Reserve = &reserve
	return p
}

// deliver drains the outbox as a host's dispatcher does after each close:
// every message is "delivered", and each inspection that fell due is
// carried out by the post-loan team one to three days later.
func (s *Sim) deliver(ctx context.Context, day date.Date) error {
	out := s.eng.Store().Outbox()
	for {
		msgs, err := out.Pending(ctx, 1000)
		if err != nil || len(msgs) == 0 {
			return err
		}
		keys := make([]string, len(msgs))
		for n, m := range msgs {
			keys[n] = m.Key
			if m.Topic == lendcore.TopicPosting && s.cfg.Check {
				if err := s.book(&m); err != nil {
					return err
				}
			}
			if m.Topic != lendcore.TopicInspection {
				continue
			}
			if i, ok := s.index[m.LoanID]; ok {
				// Messages arrive in commit order, which parallel workers
				// vary: the delay comes from the loan and day, not the
				// shared random source, so runs stay reproducible.
				delay := 1 + int(m.LoanID[15]+byte(day.Day()))%3
				s.at(day.Add(date.PeriodOfDays(delay)), event{kind: evInspect, loan: i})
			}
		}
		// One write per batch, as a host's dispatcher acknowledges.
		if err := out.MarkDelivered(ctx, keys...); err != nil {
			return err
		}
		s.stats.Delivered += len(msgs)
	}
}
