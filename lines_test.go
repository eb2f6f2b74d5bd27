package lendcore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/line"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
)

// lineTerms: a line of 20,000 for 2024 to a borrower, drawdowns of up to
// 12 months at 6 % to 18 %, equal installments.
func lineTerms(revolving bool) line.Terms {
	r := request(uuid.New())
	return line.Terms{ID: uuid.New(), Borrower: r.Borrower, BorrowerKind: loan.Individual,
		Product: "consumer-revolving", Purpose: "consumption", Limit: cny("20000"), Revolving: revolving,
		From: d(2024, 1, 10), Until: d(2024, 12, 31),
		Allowed: line.Allowed{MaxAmount: cny("20000"), MaxTerm: loan.Term{Months: 12},
			MinRate: money.MustRate("6%"), MaxRate: money.MustRate("18%"),
			Methods: []schedule.Method{schedule.EqualInstallment}},
		Dossier: r.Dossier, OpenedBy: "maker"}
}

// drawTerms are the terms of request(): amount at 12 % over 12 months,
// equal installments, from start.
func drawTerms(amount string, start date.Date) schedule.Terms {
	t := request(uuid.Nil).Terms
	t.Principal, t.Start = cny(amount), start
	return t
}

func drawOn(ctx context.Context, e *lendcore.Engine, id uuid.UUID, key, amount string, start date.Date) (*loan.Loan, error) {
	return e.Drawdown(ctx, id, lendcore.DrawRequest{Terms: drawTerms(amount, start), By: "app", IdempotencyKey: key})
}

func lineEvents(t *testing.T, s storage.Store) []lendcore.LineEvent {
	t.Helper()
	var out []lendcore.LineEvent
	for m, err := range s.Outbox().Scan(context.Background(), storage.MessageFilter{Topics: []string{lendcore.TopicLine}}) {
		require.NoError(t, err)
		var ev lendcore.LineEvent
		require.NoError(t, json.Unmarshal(m.Payload, &ev))
		out = append(out, ev)
	}
	return out
}

// A drawdown spends the line; a repayment restores a revolving line by
// the principal it repays and leaves a non-revolving one spent. Figures:
// 10,000 at 12 % over 12 months repays 888.49 first, 788.49 of it
// principal (the annuity formula; TestLoanLifecycleThroughEngine).
func TestLineDrawdownsAndRepayments(t *testing.T) {
	for _, tc := range []struct {
		revolving bool
		after     string // available after the first installment is paid
	}{{true, "10788.49"}, {false, "10000"}} {
		t.Run(fmt.Sprintf("revolving=%v", tc.revolving), func(t *testing.T) {
			ctx := context.Background()
			e := newEngine(t)
			l, err := e.OpenLine(ctx, lineTerms(tc.revolving), d(2024, 1, 10))
			require.NoError(t, err)

			first, err := drawOn(ctx, e, l.ID(), "d1", "10000", d(2024, 1, 15))
			require.NoError(t, err)
			assert.Equal(t, loan.Active, first.Status())
			app, err := e.Application(ctx, first.ID())
			require.NoError(t, err)
			assert.Equal(t, []string{line.Approver(l.ID())}, app.Approvers(), "the line approved the drawdown")
			assert.Equal(t, l.ID(), app.Request().Line, "the loan's application names its line")
			of, err := e.LineOf(ctx, first.ID())
			require.NoError(t, err)
			assert.Equal(t, l.ID(), of.ID(), "the loan's line is found by the loan")

			again, err := drawOn(ctx, e, l.ID(), "d1", "10000", d(2024, 1, 15))
			require.NoError(t, err)
			assert.Equal(t, first.ID(), again.ID(), "the same key twice is one drawdown")

			_, err = drawOn(ctx, e, l.ID(), "d2", "10000.01", d(2024, 1, 20))
			assert.ErrorIs(t, err, line.ErrUnavailable)
			var f *fault.Fields
			require.ErrorAs(t, err, &f)
			assert.True(t, f.Has("terms.principal"))
			_, err = e.Application(ctx, uuid.NewSHA1(l.ID(), []byte("d2")))
			assert.ErrorIs(t, err, storage.ErrNotFound, "a refused drawdown stores nothing")

			_, err = e.Post(ctx, first.ID(), loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, 2, 15), Actor: "bank",
				IdempotencyKey: "pay-1", Amount: cny("888.49")})
			require.NoError(t, err)
			r, err := e.LineReview(ctx, l.ID(), d(2024, 2, 15))
			require.NoError(t, err)
			assert.Equal(t, cny(tc.after), r.Available)
			assert.Equal(t, classify.Normal, r.Grade, "current")
			_, err = drawOn(ctx, e, l.ID(), "d3", tc.after, d(2024, 2, 15))
			require.NoError(t, err, "exactly what is available may be drawn")
			r, err = e.LineReview(ctx, l.ID(), d(2024, 2, 15))
			require.NoError(t, err)
			assert.True(t, r.Available.IsZero(), "%v", r.Available)

			got, err := e.Line(ctx, l.ID())
			require.NoError(t, err)
			assert.Len(t, got.Drawdowns(), 2)
			lines, err := e.Lines(ctx, l.Borrower())
			require.NoError(t, err)
			require.Len(t, lines, 1)
			var kinds []string
			for _, ev := range lineEvents(t, e.Store()) {
				kinds = append(kinds, ev.Kind)
			}
			assert.Equal(t, []string{lendcore.LineOpened, lendcore.LineDrawdown, lendcore.LineDrawdown}, kinds)
		})
	}
}

func TestLineDrawdownRefusals(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	l, err := e.OpenLine(ctx, lineTerms(true), d(2024, 1, 10))
	require.NoError(t, err)
	usd := drawTerms("100", d(2024, 1, 15))
	usd.Principal = money.MustParse("100", money.USD)
	long := drawTerms("100", d(2024, 1, 15))
	long.Periods = 24
	for _, tc := range []struct {
		name  string
		terms schedule.Terms
		field string
	}{
		{"other currency", usd, "terms.principal"},
		{"term outside the line's", long, "terms.periods"},
		{"expired line", drawTerms("100", d(2025, 1, 2)), "terms.start"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Drawdown(ctx, l.ID(), lendcore.DrawRequest{Terms: tc.terms, By: "app", IdempotencyKey: tc.name})
			var f *fault.Fields
			require.ErrorAs(t, err, &f)
			assert.True(t, f.Has(tc.field), "%v", err)
		})
	}
	_, err = e.Drawdown(ctx, l.ID(), lendcore.DrawRequest{Terms: drawTerms("100", d(2024, 1, 15)), By: "app",
		IdempotencyKey: "usd-exposure", Exposure: loan.Exposure{OnPlatform: money.MustParse("5", money.USD)}})
	var f *fault.Fields
	require.ErrorAs(t, err, &f)
	assert.True(t, f.Has("exposure.on_platform"), "%v", err)
	_, err = e.FreezeLine(ctx, l.ID(), loan.Action{Officer: "risk", On: d(2024, 1, 12), Reason: "fraud alert"})
	require.NoError(t, err)
	_, err = drawOn(ctx, e, l.ID(), "frozen", "100", d(2024, 1, 15))
	assert.ErrorIs(t, err, line.ErrIllegalTransition)
	assert.Equal(t, fault.CodeTransition, fault.CodeOf(err))
	_, err = e.UnfreezeLine(ctx, l.ID(), loan.Action{Officer: "risk", On: d(2024, 1, 14), Reason: "cleared"})
	require.NoError(t, err)
	_, err = drawOn(ctx, e, l.ID(), "frozen", "100", d(2024, 1, 15))
	require.NoError(t, err)
	got, err := e.Line(ctx, l.ID())
	require.NoError(t, err)
	assert.Len(t, got.Drawdowns(), 1, "only the last drawdown went through")
}

func TestLineLimitFourEyes(t *testing.T) {
	ctx := context.Background()
	p := testPolicies()
	p.Lines.Authority.Officers = []loan.Officer{{ID: "maker", Limit: cny("30000")}, {ID: "checker", Limit: cny("30000")}}
	e, err := lendcore.New(memoryStores(t, 1)[0], lendcore.WithPolicies(p), lendcore.WithClock(fixedClock))
	require.NoError(t, err)
	l, err := e.OpenLine(ctx, lineTerms(true), d(2024, 1, 10))
	require.NoError(t, err)
	_, err = drawOn(ctx, e, l.ID(), "d1", "15000", d(2024, 1, 15))
	require.NoError(t, err)

	_, err = e.AdjustLimit(ctx, l.ID(), line.Change{Limit: cny("10000"), RequestedBy: "maker", RequestedOn: d(2024, 2, 1),
		Reason: "yellow warning"})
	require.NoError(t, err)
	var ae *loan.AuthorityError
	_, _, err = e.ApproveLimit(ctx, l.ID(), loan.Action{Officer: "maker", On: d(2024, 2, 1)})
	require.ErrorAs(t, err, &ae, "a decrease without a second approver is refused")
	assert.Equal(t, loan.RuleFourEyesSubmitter, ae.Rule)
	_, adj, err := e.ApproveLimit(ctx, l.ID(), loan.Action{Officer: "checker", On: d(2024, 2, 1)})
	require.NoError(t, err)
	assert.Equal(t, cny("5000"), adj.Excess, "15,000 outstanding over a 10,000 limit")
	assert.False(t, adj.Call, "the default policy does not call the excess")
	_, err = drawOn(ctx, e, l.ID(), "d2", "100", d(2024, 2, 2))
	assert.ErrorIs(t, err, line.ErrUnavailable, "a decrease below the outstanding blocks drawdowns")
	ld, err := e.Loan(ctx, uuid.NewSHA1(l.ID(), []byte("d1")))
	require.NoError(t, err)
	assert.Equal(t, loan.Active, ld.Status(), "and does not accelerate the loan drawn")

	_, err = e.AdjustLimit(ctx, l.ID(), line.Change{Limit: cny("40000"), RequestedBy: "maker", RequestedOn: d(2024, 3, 1),
		Reason: "income"})
	require.NoError(t, err)
	_, _, err = e.ApproveLimit(ctx, l.ID(), loan.Action{Officer: "checker", On: d(2024, 3, 1)})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, loan.RuleAboveLimit, ae.Rule, "40,000 is above the checker's 30,000")
	_, err = e.RejectLimit(ctx, l.ID(), loan.Action{Officer: "checker", On: d(2024, 3, 1), Reason: "no authority"})
	require.NoError(t, err)
	got, err := e.Line(ctx, l.ID())
	require.NoError(t, err)
	_, pending := got.Pending()
	assert.False(t, pending)
	assert.Equal(t, cny("10000"), got.Limit(d(2024, 3, 1)))
}

// Two Engines on one database draw on one line at once: every drawdown
// reads the line and writes it at the version read, so however the
// writers interleave, what was drawn never exceeds the limit, and exactly
// as many drawdowns succeed as the limit holds.
func TestLineConcurrentDrawdownsNeverExceedLimit(t *testing.T) {
	const writers, each = 8, 3 // 24 drawdowns of 1,000 on a line of 20,000
	for _, db := range databases(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			engines := lineReplicas(t, db, lendcore.WithRetries(1000))
			l, err := engines[0].OpenLine(ctx, lineTerms(true), d(2024, 1, 10))
			require.NoError(t, err)
			var wg sync.WaitGroup
			var mu sync.Mutex
			ok, refused := 0, 0
			var other []error
			for w := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					e := engines[w%2]
					for i := range each {
						_, err := drawOn(ctx, e, l.ID(), fmt.Sprintf("w%d-%d", w, i), "1000", d(2024, 1, 15))
						mu.Lock()
						switch {
						case err == nil:
							ok++
						case errors.Is(err, line.ErrUnavailable):
							refused++
						default:
							other = append(other, err)
						}
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			require.Empty(t, other)
			assert.Equal(t, 20, ok, "20 drawdowns of 1,000 fill a limit of 20,000")
			assert.Equal(t, writers*each-20, refused)
			got, err := engines[1].Line(ctx, l.ID())
			require.NoError(t, err)
			assert.Equal(t, cny("20000"), got.Drawn())
			r, err := engines[1].LineReview(ctx, l.ID(), d(2024, 1, 15))
			require.NoError(t, err)
			assert.Equal(t, cny("20000"), r.Outstanding, "the loans hold exactly what the line recorded")
			assert.Equal(t, int64(10000), r.UtilisationBP)
			n := 0
			for rec, err := range engines[0].Store().Loans().Scan(ctx, storage.LoanFilter{Borrower: l.Borrower(), Journal: true}) {
				require.NoError(t, err)
				assert.Equal(t, cny("1000"), rec.Journal[0].Amount, "loan %s", rec.ID)
				n++
			}
			assert.Equal(t, 20, n, "a loan for each drawdown and no other")
		})
	}
}

// The daily close reviews every line after the loans: a line whose loan
// reaches 30 days past due is frozen by the default warning table, once,
// with the review in the outbox; a line past its validity expires.
func TestCloseFreezesDelinquentLine(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	tt := lineTerms(true)
	tt.Until = d(2024, 3, 31)
	l, err := e.OpenLine(ctx, tt, d(2024, 1, 10))
	require.NoError(t, err)
	_, err = drawOn(ctx, e, l.ID(), "d1", "10000", d(2024, 1, 15))
	require.NoError(t, err)

	// Nothing paid: due 2024-02-15, so 29 days past due on 2024-03-15 and
	// 30 on 2024-03-16 (2024 is a leap year).
	_, err = e.CloseOfDay(ctx, d(2024, 3, 15))
	require.NoError(t, err)
	got, err := e.Line(ctx, l.ID())
	require.NoError(t, err)
	assert.Equal(t, line.Active, got.Status(), "29 days past due: no rule fires")
	_, err = e.CloseOfDay(ctx, d(2024, 3, 20))
	require.NoError(t, err)
	got, err = e.Line(ctx, l.ID())
	require.NoError(t, err)
	assert.Equal(t, line.Frozen, got.Status(), "frozen at 30 days past due")
	h := got.History()
	assert.Equal(t, d(2024, 3, 16), h[len(h)-1].On)
	assert.Equal(t, "daily-close", h[len(h)-1].Officer)

	_, err = e.CloseOfDay(ctx, d(2024, 4, 2))
	require.NoError(t, err)
	got, err = e.Line(ctx, l.ID())
	require.NoError(t, err)
	assert.Equal(t, line.Expired, got.Status(), "expired the day after its validity")
	assert.Equal(t, d(2024, 4, 1), got.History()[len(got.History())-1].On)

	var kinds []string
	var frozen lendcore.LineEvent
	for _, ev := range lineEvents(t, e.Store()) {
		kinds = append(kinds, ev.Kind)
		if ev.Kind == lendcore.LineFrozen {
			frozen = ev
		}
	}
	assert.Equal(t, []string{lendcore.LineOpened, lendcore.LineDrawdown, lendcore.LineFrozen, lendcore.LineExpired}, kinds,
		"frozen once, expired once")
	require.NotNil(t, frozen.Review)
	assert.Equal(t, 30, frozen.Review.WorstDPD)
	assert.Equal(t, []string{"dpd-30-freeze"}, frozen.Review.Fired)
	assert.Equal(t, classify.Facts{DPD: 30, Balance: cny("10000"), OpenEnd: true}, frozen.Review.Facts(true))
	assert.Equal(t, int64(5000), frozen.Review.UtilisationBP, "10,000 of 20,000")

	// The line's facts are classified as one claim: 46 days past due on
	// 2024-04-01 is 关注 and, past 30 days, IFRS 9 stage 2 (CN23-DPD-1,
	// IFRS9-S2-DPD in docs/regulations.md).
	st, err := e.LineReview(ctx, l.ID(), d(2024, 4, 1))
	require.NoError(t, err)
	assert.Equal(t, 46, st.WorstDPD)
	assert.Equal(t, classify.SpecialMention, st.Grade)
	assert.Equal(t, classify.Stage2, st.Stage)
}

// Two replicas closing the same days review each line once: the line
// step runs after the partitions under the close's claim, and each move
// is a versioned write of the line, so the freeze is made and announced
// once on every database.
func TestLineMonitorOnTwoReplicas(t *testing.T) {
	for _, db := range databases(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			engines := lineReplicas(t, db, lendcore.WithPartitions(4))
			var ids []uuid.UUID
			for i := range 3 {
				l, err := engines[i%2].OpenLine(ctx, lineTerms(true), d(2024, 1, 10))
				require.NoError(t, err)
				_, err = drawOn(ctx, engines[i%2], l.ID(), "d1", "10000", d(2024, 1, 15))
				require.NoError(t, err)
				ids = append(ids, l.ID())
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, e := range engines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = e.CloseOfDay(ctx, d(2024, 3, 20))
				}()
			}
			wg.Wait()
			require.NoError(t, errors.Join(errs...))
			for _, id := range ids {
				got, err := engines[1].Line(ctx, id)
				require.NoError(t, err)
				assert.Equal(t, line.Frozen, got.Status())
			}
			frozen := 0
			for _, ev := range lineEvents(t, engines[0].Store()) {
				if ev.Kind == lendcore.LineFrozen {
					frozen++
					assert.Equal(t, d(2024, 3, 20), ev.Day, "the first close starts at the day given")
				}
			}
			assert.Equal(t, len(ids), frozen, "each line frozen once")
		})
	}
}

// lineReplicas returns two Engines on one fresh database of db.
func lineReplicas(t *testing.T, db database, opt lendcore.Option) []*lendcore.Engine {
	var engines []*lendcore.Engine
	for i, s := range db.stores(t, 2) {
		e, err := lendcore.New(s, lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock), opt,
			lendcore.WithReplicaID(fmt.Sprintf("replica-%d", i)))
		require.NoError(t, err)
		engines = append(engines, e)
	}
	return engines
}

// A rule may reduce a line rather than freeze it: at one day past due the
// close files a cut of the limit to what is outstanding, with itself as
// the maker, once; an officer approves it (four-eyes), and the freeze
// rule still applies at 30 days.
func TestCloseReducesLineByPolicy(t *testing.T) {
	ctx := context.Background()
	p := testPolicies()
	p.Lines.Authority.Officers = []loan.Officer{{ID: "checker", Limit: cny("100000")}}
	p.Lines.Warnings = append([]line.WarningRule{{ID: "dpd-1-reduce", MinDPD: 1, Action: line.Reduce,
		Source: "house"}}, p.Lines.Warnings...)
	e, err := lendcore.New(memoryStores(t, 1)[0], lendcore.WithPolicies(p), lendcore.WithClock(fixedClock))
	require.NoError(t, err)
	l, err := e.OpenLine(ctx, lineTerms(true), d(2024, 1, 10))
	require.NoError(t, err)
	_, err = drawOn(ctx, e, l.ID(), "d1", "10000", d(2024, 1, 15))
	require.NoError(t, err)

	_, err = e.CloseOfDay(ctx, d(2024, 2, 15))
	require.NoError(t, err)
	_, err = e.CloseOfDay(ctx, d(2024, 2, 20)) // 1 to 5 days past due
	require.NoError(t, err)
	got, err := e.Line(ctx, l.ID())
	require.NoError(t, err)
	c, pending := got.Pending()
	require.True(t, pending, "the close filed a reduction")
	assert.Equal(t, line.Change{Limit: cny("10000"), RequestedBy: "daily-close", RequestedOn: d(2024, 2, 16),
		Reason: "warning rules: dpd-1-reduce"}, c)
	assert.Equal(t, line.Active, got.Status())

	_, adj, err := e.ApproveLimit(ctx, l.ID(), loan.Action{Officer: "checker", On: d(2024, 2, 21)})
	require.NoError(t, err)
	assert.Equal(t, cny("10000"), adj.To)
	assert.True(t, adj.Excess.IsZero())

	_, err = e.CloseOfDay(ctx, d(2024, 3, 16))
	require.NoError(t, err)
	got, err = e.Line(ctx, l.ID())
	require.NoError(t, err)
	assert.Equal(t, line.Frozen, got.Status())
	var kinds []string
	for _, ev := range lineEvents(t, e.Store()) {
		kinds = append(kinds, ev.Kind)
	}
	assert.Equal(t, []string{lendcore.LineOpened, lendcore.LineDrawdown, lendcore.LineLimitRequested,
		lendcore.LineLimitApproved, lendcore.LineFrozen}, kinds, "one reduction while nothing more can be cut")
}

// The dashboard's lines: four lines of 20,000 each. A (revolving, active)
// has 10,000 drawn; B (revolving) 5,000 drawn and is frozen; C
// (non-revolving, active) had 5,000 drawn and paid off, so it still uses
// 5,000; D is closed, nothing drawn. By hand: open limit A + B + C =
// 60,000; outstanding 10,000 + 5,000 = 15,000 (C's loan is closed); used
// 10,000 + 5,000 + 5,000 = 20,000; utilisation 20,000 ÷ 60,000 =
// 0.3333… → 3,333 bp; available on the active lines A 10,000 + C 15,000
// = 25,000; undrawn adds B's 15,000: 40,000. Only A is committed: its
// 10,000 undrawn converts at 20 % (a validity of 12 months; Basel II §83)
// to 2,000, provisioned at 1 % as its loan is normal
// (classify.LegacyChinaProvision): 20.00.
func TestPortfolioLines(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	open := func(revolving, committed bool) uuid.UUID {
		tm := lineTerms(revolving)
		tm.Committed = committed
		l, err := e.OpenLine(ctx, tm, d(2024, 1, 10))
		require.NoError(t, err)
		return l.ID()
	}
	a, b, c, dl := open(true, true), open(true, false), open(false, false), open(true, false)
	_, err := drawOn(ctx, e, a, "a1", "10000", d(2024, 1, 15))
	require.NoError(t, err)
	_, err = drawOn(ctx, e, b, "b1", "5000", d(2024, 1, 15))
	require.NoError(t, err)
	cl, err := drawOn(ctx, e, c, "c1", "5000", d(2024, 1, 15))
	require.NoError(t, err)
	act := loan.Action{Officer: "officer", On: d(2024, 1, 16), Reason: "test"}
	_, err = e.FreezeLine(ctx, b, act)
	require.NoError(t, err)
	_, err = e.CloseLine(ctx, dl, act)
	require.NoError(t, err)
	closeDays(t, e, d(2024, 1, 15), d(2024, 1, 19))
	pos, err := e.Position(ctx, cl.ID(), d(2024, 1, 20))
	require.NoError(t, err)
	_, err = e.Post(ctx, cl.ID(), loan.Entry{Kind: loan.Prepayment, ValueDate: d(2024, 1, 20), Actor: "borrower",
		IdempotencyKey: "payoff", Amount: pos.Payoff, Payoff: true})
	require.NoError(t, err)
	closeDays(t, e, d(2024, 1, 20), d(2024, 1, 20))

	p, err := e.PortfolioAt(ctx, d(2024, 1, 20))
	require.NoError(t, err)
	s := p.Lines
	assert.Equal(t, map[string]lendcore.LineTally{
		"active": {Count: 2, Limit: cny("40000")}, "frozen": {Count: 1, Limit: cny("20000")},
		"closed": {Count: 1, Limit: cny("20000")}}, s.ByStatus)
	assert.Equal(t, cny("60000"), s.Limit)
	assert.Equal(t, cny("15000"), s.Outstanding)
	assert.Equal(t, cny("20000"), s.Used)
	assert.Equal(t, int64(3333), s.UtilisationBP)
	assert.Equal(t, cny("25000"), s.Available)
	assert.Equal(t, cny("40000"), s.Undrawn)
	assert.Equal(t, cny("2000"), s.Converted)
	assert.Equal(t, cny("20"), s.Provision)
	assert.Equal(t, 1, s.Frozen)
	assert.Equal(t, cny("5000"), s.FrozenOutstanding)
}

// A dashboard with lines and no loans takes the lines' currency; a line in
// another currency than the loans is a *CurrencyError naming it.
func TestPortfolioLinesCurrency(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	usd := lineTerms(true)
	usd.Limit = money.MustParse("1000", money.USD)
	usd.Allowed = line.Allowed{}
	_, err := e.OpenLine(ctx, usd, d(2024, 1, 10))
	require.NoError(t, err)
	p, err := e.PortfolioAt(ctx, d(2024, 1, 10))
	require.NoError(t, err)
	assert.Equal(t, money.MustParse("1000", money.USD), p.Lines.Limit)

	openLoan(t, e, uuid.New()) // CNY
	_, err = e.PortfolioAt(ctx, d(2024, 1, 15))
	var ce *lendcore.CurrencyError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, usd.ID, ce.Line)
	assert.ErrorIs(t, err, money.ErrCurrencyMismatch)
}

// A committed line's review carries its exposure at default and the
// provision of the converted undrawn part. By hand: limit 20,000, 10,000
// drawn; undrawn 10,000 × 20 % (Basel II §83, committed up to a year) =
// 2,000; EAD 12,000; provision 2,000 × 1 % (normal,
// classify.LegacyChinaProvision) = 20.00. The loan's own 10,000 is
// provisioned by the daily close, not here.
func TestLineReviewExposure(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	tm := lineTerms(true)
	tm.Committed = true
	l, err := e.OpenLine(ctx, tm, d(2024, 1, 10))
	require.NoError(t, err)
	_, err = drawOn(ctx, e, l.ID(), "d1", "10000", d(2024, 1, 15))
	require.NoError(t, err)
	st, err := e.LineReview(ctx, l.ID(), d(2024, 1, 20))
	require.NoError(t, err)
	assert.Equal(t, cny("10000"), st.Exposure.Drawn)
	assert.Equal(t, cny("10000"), st.Exposure.Undrawn)
	assert.Equal(t, cny("2000"), st.Exposure.Converted)
	assert.Equal(t, cny("12000"), st.Exposure.EAD)
	assert.Equal(t, classify.Normal, st.Grade)
	assert.Equal(t, cny("20"), st.Provision)
}
