package sim

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage/memory"
)

// small is a portfolio small enough to run in a unit test.
func small(seed uint64) Config {
	cfg := DefaultConfig()
	cfg.Loans, cfg.Months, cfg.OriginationMonths, cfg.Seed, cfg.Investors = 40, 3, 1, seed, 20
	return cfg
}

// engine returns a fresh in-memory Engine on the simulation's clock.
func engine(t *testing.T, cfg Config) (*lendcore.Engine, *Clock) {
	t.Helper()
	clock := NewClock(cfg.Start)
	e, err := lendcore.New(memory.New(), lendcore.WithPolicies(Policies()), lendcore.WithClock(clock.Now))
	require.NoError(t, err)
	return e, clock
}

// TestGenerationIsDeterministic: one seed gives one portfolio and one
// calendar of borrower events, draw for draw; another seed gives another.
// Generation needs no Engine.
func TestGenerationIsDeterministic(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Loans = 1000
	a, err := New(cfg, nil, nil)
	require.NoError(t, err)
	b, err := New(cfg, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, a.plans, b.plans)
	assert.Equal(t, a.events, b.events)

	cfg.Seed++
	c, err := New(cfg, nil, nil)
	require.NoError(t, err)
	assert.NotEqual(t, a.plans[0].id, c.plans[0].id)
	assert.NotEqual(t, a.events, c.events)
}

// TestRunIsDeterministic: two runs of one Config over fresh Engines end
// with the same totals.
func TestRunIsDeterministic(t *testing.T) {
	run := func() Stats {
		cfg := small(3)
		e, clock := engine(t, cfg)
		s, err := New(cfg, clock, e)
		require.NoError(t, err)
		st, err := s.Run(context.Background(), nil, nil)
		require.NoError(t, err)
		return st
	}
	first := run()
	require.Equal(t, 40, first.Originated)
	assert.Positive(t, first.Payments)
	assert.Equal(t, first, run())
}

// TestEveryProfileOccurs: in a default-sized portfolio every behaviour
// profile occurs, near its weight in profileWeights (10,000 draws put a
// share within about 1.5 points of its weight; 3 points is a wide margin),
// and the calendar carries each profile's behaviour out.
func TestEveryProfileOccurs(t *testing.T) {
	cfg := DefaultConfig()
	s, err := New(cfg, nil, nil)
	require.NoError(t, err)
	var count [profileCount]int
	for i := range s.plans {
		count[s.plans[i].profile]++
	}
	for p := range profileCount {
		assert.Positive(t, count[p], "no %s borrower", p)
		share := float64(count[p]) * 100 / float64(cfg.Loans)
		assert.InDelta(t, profileWeights[p], share, 3, "%s: %d of %d", p, count[p], cfg.Loans)
	}

	// What the calendar holds for each loan: the installments paid and
	// whether it is paid off.
	paid := make([]map[int32]bool, len(s.plans))
	payoff := make([]bool, len(s.plans))
	for _, day := range s.events {
		for _, ev := range day {
			switch ev.kind {
			case evPay:
				if paid[ev.loan] == nil {
					paid[ev.loan] = map[int32]bool{}
				}
				paid[ev.loan][ev.n] = true
			case evPayoff:
				payoff[ev.loan] = true
			}
		}
	}
	horizon := cfg.Start.AddDate(0, cfg.Months, 0)
	var seen [profileCount]bool
	for i := range s.plans {
		p := &s.plans[i]
		for _, in := range p.schedule.Installments {
			n := int32(in.Number)
			switch p.profile {
			case Defaulter:
				if in.Number >= p.stopAt {
					assert.False(t, paid[i][n], "defaulter %d pays installment %d after stopping at %d", i, n, p.stopAt)
					seen[Defaulter] = true
				}
			case Prepayer:
				if in.Number > p.prepayAt {
					assert.False(t, paid[i][n], "prepayer %d pays installment %d after paying off", i, n)
				}
				if in.Number == p.prepayAt+1 && in.Due.Add(-3).Before(horizon) {
					assert.True(t, payoff[i], "prepayer %d never pays off", i)
					seen[Prepayer] = true
				}
			}
		}
	}
	assert.True(t, seen[Defaulter], "no defaulter stops within its schedule")
	assert.True(t, seen[Prepayer], "no prepayer pays off within the horizon")
}

// TestCheckCatchesDiscrepancies: after a clean run with checks on, check
// accepts the day; each discrepancy injected afterwards makes it fail and
// name what is wrong.
func TestCheckCatchesDiscrepancies(t *testing.T) {
	ctx := context.Background()
	cfg := small(5)
	cfg.Check = true
	e, clock := engine(t, cfg)
	s, err := New(cfg, clock, e)
	require.NoError(t, err)
	_, err = s.Run(ctx, nil, nil)
	require.NoError(t, err, "a clean run passes every check")
	last := cfg.Start.AddDate(0, cfg.Months, 0)
	require.NoError(t, s.check(ctx, last), "checking the last day again changes nothing")

	// The simulation's own totals disagree with the loans by a cent.
	paid := s.stats.Paid
	s.stats.Paid = paid.Add(money.New(1, money.CNY))
	err = s.check(ctx, last)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the borrowers paid")
	s.stats.Paid = paid

	// An open loan's grade got better while its days past due grew.
	open := -1
	for i := range s.state {
		if st := s.state[i]; st.opened && !st.closed && !st.writtenOff {
			open = i
			break
		}
	}
	require.NotEqual(t, -1, open, "the run leaves an open loan")
	saved := s.state[open]
	s.state[open].lastDay, s.state[open].lastDPD, s.state[open].lastGrade = last.Add(-1), -1, classify.Loss
	err = s.check(ctx, last)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "grade improved")
	assert.Contains(t, err.Error(), s.plans[open].id.String())
	s.state[open] = saved
	require.NoError(t, s.check(ctx, last))

	// The host's ledger, kept from the outbox, is a cent off the loan's:
	// a balanced posting the closes never emitted.
	p := &s.plans[open]
	ledger := s.ledgers[p.id]
	require.NotNil(t, ledger, "the open loan has postings")
	stray := loan.Posting{Debit: "cash", Credit: "interest-income", Amount: money.New(1, money.CNY)}
	require.NoError(t, ledger.Post(p.id, stray))
	err = s.check(ctx, last)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "outbox ledger")
	assert.Contains(t, err.Error(), p.id.String())
	stray.Debit, stray.Credit = stray.Credit, stray.Debit
	require.NoError(t, ledger.Post(p.id, stray))
	require.NoError(t, s.check(ctx, last))

	// A payment the simulation did not make reaches a loan: the loan's
	// postings have it, the outbox not until the next close; then the
	// simulation's totals disagree.
	_, err = e.Post(ctx, p.id, loan.Entry{Kind: loan.Repayment, ValueDate: last, BookedAt: bookedAt(last),
		Actor: "someone-else", IdempotencyKey: "unexpected", Amount: money.New(100, money.CNY)})
	require.NoError(t, err)
	err = s.check(ctx, last)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "outbox ledger")
	next := last.Add(1)
	_, err = e.CloseOfDay(ctx, next)
	require.NoError(t, err)
	require.NoError(t, s.deliver(ctx, next))
	err = s.check(ctx, next)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the borrowers paid")
}

// TestRevolvingShare: half the loans drawn on revolving credit lines give
// the same portfolio and the same payments as the run without lines (the
// share does not touch the random stream), each drawn loan under its own
// line of twice its principal; the dashboard counts the lines.
func TestRevolvingShare(t *testing.T) {
	run := func(share int) (Stats, lendcore.LinesSummary) {
		cfg := small(3)
		cfg.Revolving = share
		e, clock := engine(t, cfg)
		s, err := New(cfg, clock, e)
		require.NoError(t, err)
		var last lendcore.LinesSummary
		st, err := s.Run(context.Background(), func(p lendcore.Portfolio, _ Stats) { last = p.Lines }, nil)
		require.NoError(t, err)
		return st, last
	}
	plain, none := run(0)
	revolving, lines := run(50)
	assert.Equal(t, 20, revolving.Drawdowns, "every other loan: 20 of 40")
	assert.Greater(t, revolving.Delivered, plain.Delivered, "the lines' own messages are delivered too")
	revolving.Drawdowns, revolving.Delivered = 0, plain.Delivered
	assert.Equal(t, plain, revolving)
	assert.Empty(t, none.ByStatus)
	count := 0
	for _, t := range lines.ByStatus {
		count += t.Count
	}
	assert.Equal(t, 20, count)
	assert.True(t, lines.Limit.IsPositive())
	assert.True(t, lines.UtilisationBP > 0 && lines.UtilisationBP <= 5000,
		"each line is at most half used: %d bp", lines.UtilisationBP)
}

// TestProducts: with Config.Products every loan is sold as one of the
// three products (each accepts it: Submit checks the terms against the
// product), the run keeps its invariants, and the dashboard breaks the
// portfolio down by product.
func TestProducts(t *testing.T) {
	cfg := small(5)
	cfg.Loans, cfg.Products, cfg.Check = 60, true, true
	ps, err := Products()
	require.NoError(t, err)
	c, err := lendcore.NewCatalogue(ps...)
	require.NoError(t, err)
	clock := NewClock(cfg.Start)
	e, err := lendcore.New(memory.New(), lendcore.WithPolicies(Policies()), lendcore.WithClock(clock.Now), lendcore.WithCatalogue(c))
	require.NoError(t, err)
	s, err := New(cfg, clock, e)
	require.NoError(t, err)
	sold := map[string]int{}
	vip := 0
	for i := range s.plans {
		sold[s.plans[i].request.Product.Name]++
		if s.plans[i].request.Product.Segment == "vip" {
			vip++
		}
	}
	assert.Len(t, sold, 3, "%v", sold)
	assert.Equal(t, 6, vip, "every tenth of 60")
	var last lendcore.Portfolio
	st, err := s.Run(context.Background(), func(p lendcore.Portfolio, _ Stats) { last = p }, nil)
	require.NoError(t, err)
	assert.Equal(t, 60, st.Originated)
	assert.Zero(t, st.FailedLoans)
	var count int64
	for name, snap := range last.ByProduct {
		assert.Contains(t, sold, name)
		count += snap.Total.Count
	}
	assert.Equal(t, last.Snapshot.Total.Count, count, "every loan on the books is in its product")
}

// TestCheckLedgerWithAccruals: issue 16 — with interest booked ahead of
// its due dates daily or at month ends, and nonaccrual at 30 days past
// due, a run with faults injected (duplicate commands, reversals,
// interrupted closes) keeps the host's ledger built from the outbox alone
// equal to every loan's postings and positions to the cent, debits equal
// to credits, on every day (check runs after each).
func TestCheckLedgerWithAccruals(t *testing.T) {
	for _, freq := range []loan.AccrualFrequency{loan.AccrueDaily, loan.AccrueMonthEnd} {
		t.Run(freq.String(), func(t *testing.T) {
			// Seed 8 has a defaulter from the second installment and a
			// borrower who pays the first two 40 to 70 days late, then
			// cures.
			cfg := small(8)
			cfg.Months, cfg.Check, cfg.Faults = 5, true, true
			policies := Policies()
			policies.Servicing.Accrual.Frequency = freq
			policies.Servicing.Accrual.NonaccrualDPD = 30 // reached within the horizon
			clock := NewClock(cfg.Start)
			e, err := lendcore.New(memory.New(), lendcore.WithPolicies(policies), lendcore.WithClock(clock.Now))
			require.NoError(t, err)
			s, err := New(cfg, clock, e)
			require.NoError(t, err)
			_, err = s.Run(context.Background(), nil, nil)
			require.NoError(t, err)
			var booked, suspended bool
			for _, tb := range s.ledgers {
				booked = booked || !tb.Accounts["interest-income"].IsZero()
				suspended = suspended || !tb.Accounts["interest-suspense"].IsZero()
			}
			assert.True(t, booked, "interest income was booked")
			assert.True(t, suspended, "some loan went into nonaccrual")
		})
	}
}
