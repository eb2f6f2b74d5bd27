package lendcore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// The replica tests run a portfolio through several Engines on one
// database — replicas of a host service — with every kind of command sent
// to them concurrently, on distinct loans and on the same loans, while
// every replica runs the daily close; then they check that nothing was
// lost or doubled and that the result is the one a single Engine gives
// when the same commands run one after the other.

// workload is a deterministic list of commands, by day.
type workload struct {
	start, end date.Date
	loans      []uuid.UUID
	borrowers  []uuid.UUID
	investors  []uuid.UUID
	items      map[int]uuid.UUID // by loan index: the flat securing it
	guarantors map[int]uuid.UUID
	days       map[date.Date]*dayWork
}

// dayWork is one day's commands: concurrent ones (dated the day, sent
// while the replicas close the day before) and transfers (sent after).
type dayWork struct {
	concurrent []command
	transfers  []command
}

// command is one Engine call; what names it in failures.
type command struct {
	what string
	run  func(ctx context.Context, e *lendcore.Engine) error
}

const replicaLoans = 16

func replicaPolicies() lendcore.Policies {
	p := testPolicies()
	r := invest.DefaultReservePolicy()
	p.Reserve = &r
	return p
}

// newWorkload plans 16 loans from 2024-01-15 (eight funded by investors,
// four secured by a flat, two guaranteed, four borrowers with two loans
// each) and the commands of the days that follow, from a seed.
func newWorkload(seed uint64, days int) *workload {
	rng := rand.New(rand.NewPCG(seed, 7))
	w := &workload{start: d(2024, 1, 15), items: map[int]uuid.UUID{}, guarantors: map[int]uuid.UUID{},
		days: map[date.Date]*dayWork{}}
	w.end = w.start.Add(date.PeriodOfDays(days))
	name := func(format string, args ...any) uuid.UUID {
		return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, format, args...))
	}
	for i := range 4 {
		w.investors = append(w.investors, name("investor-%d", i))
	}
	for i := range replicaLoans {
		w.loans = append(w.loans, name("replica-loan-%d", i))
		w.borrowers = append(w.borrowers, name("borrower-%d", i%12)) // loans 12–15 share borrowers 0–3
		if i >= 8 && i < 12 {
			w.items[i] = name("flat-%d", i)
		}
		if i >= 12 && i < 14 {
			w.guarantors[i] = name("guarantor-%d", i)
		}
	}
	at := func(day date.Date) *dayWork {
		if w.days[day] == nil {
			w.days[day] = &dayWork{}
		}
		return w.days[day]
	}
	for i, id := range w.loans {
		profile := i % 4 // 0 on time, 1 ten days late, 2 stops after two, 3 on time
		for k := 1; k <= 12; k++ {
			due := w.start.AddDate(0, k, 0)
			if profile == 2 && k > 2 {
				break
			}
			pay := due
			if profile == 1 {
				pay = due.Add(10)
			}
			if pay.After(w.end) {
				break
			}
			key := fmt.Sprintf("pay-%d", k)
			at(pay).concurrent = append(at(pay).concurrent, command{fmt.Sprintf("pay %d %s", i, key),
				func(ctx context.Context, e *lendcore.Engine) error {
					pos, err := e.Position(ctx, id, pay)
					if err != nil {
						return err
					}
					owed := pos.Overdue.Total()
					for _, in := range pos.Installments {
						if in.Due == pay {
							owed = owed.Add(in.Outstanding.Total())
						}
					}
					if !owed.IsPositive() {
						return nil
					}
					_, err = e.Post(ctx, id, loan.Entry{Kind: loan.Repayment, ValueDate: pay, Actor: "bank-feed",
						IdempotencyKey: key, Amount: owed})
					return err
				}})
		}
		if profile == 2 {
			// The defaulter is called, promises, breaks the promise, is sent
			// letters and sued.
			missed := w.start.AddDate(0, 3, 0)
			for k := 1; k <= days; k += 3 {
				day := missed.Add(date.PeriodOfDays(k))
				if day.After(w.end) {
					break
				}
				hour := 9 + rng.IntN(8)
				at(day).concurrent = append(at(day).concurrent, command{fmt.Sprintf("call %d %s", i, day),
					func(ctx context.Context, e *lendcore.Engine) error {
						return e.RecordContact(ctx, id, collect.ContactRecord{At: cstAt(day, hour), Collector: "c1",
							Channel: collect.Phone, Party: collect.Borrower, Outcome: collect.Reached})
					}})
			}
			promised := missed.Add(6)
			at(promised).concurrent = append(at(promised).concurrent, command{fmt.Sprintf("promise %d", i),
				func(ctx context.Context, e *lendcore.Engine) error {
					return e.RecordPromise(ctx, id, collect.Promise{Collector: "c1", Made: promised, Due: promised.Add(7),
						Amount: cny("900")})
				}})
			for k := 10; k <= days; k += 14 {
				day := missed.Add(date.PeriodOfDays(k))
				if day.After(w.end) {
					break
				}
				at(day).concurrent = append(at(day).concurrent, command{fmt.Sprintf("letter %d %s", i, day),
					func(ctx context.Context, e *lendcore.Engine) error {
						return e.RecordContact(ctx, id, collect.ContactRecord{At: cstAt(day, 11), Collector: "c1",
							Channel: collect.Letter, Party: collect.Borrower, Outcome: collect.Delivered, MentionsDebt: true})
					}}, command{fmt.Sprintf("demand %d %s", i, day),
					func(ctx context.Context, e *lendcore.Engine) error {
						return e.RecordDemand(ctx, id, collect.LimitationEvent{Day: day, Kind: collect.Demand,
							Channel: collect.Letter, Delivered: true, SignedReceipt: true, Evidence: "letter-" + day.String()})
					}})
			}
			if sued := missed.Add(45); !sued.After(w.end) {
				proceeding := name("suit-%d", i)
				at(sued).concurrent = append(at(sued).concurrent, command{fmt.Sprintf("sue %d", i),
					func(ctx context.Context, e *lendcore.Engine) error {
						_, err := e.RecordLegal(ctx, id, lendcore.LegalStep{Proceeding: proceeding, Step: "file",
							Day: sued, Forum: "district court", Amount: cny("8000")})
						return err
					}})
			}
		}
		for k := 1; ; k++ {
			day := w.start.AddDate(0, k, 3)
			if day.After(w.end) {
				break
			}
			at(day).concurrent = append(at(day).concurrent, command{fmt.Sprintf("inspect %d %s", i, day),
				func(ctx context.Context, e *lendcore.Engine) error {
					return e.RecordInspection(ctx, id, classify.InspectionRecord{Date: day, Inspector: "post-loan",
						Conclusion: classify.Satisfactory})
				}})
		}
		if item, ok := w.items[i]; ok {
			// The flat loses value week by week until a margin call.
			for k := 1; ; k++ {
				day := w.start.Add(date.PeriodOfDays(7 * k))
				if day.After(w.end) {
					break
				}
				value := cny("13000").MulInt(int64(100-3*k)).Minor() / 100
				at(day).concurrent = append(at(day).concurrent, command{fmt.Sprintf("value %d %s", i, day),
					func(ctx context.Context, e *lendcore.Engine) error {
						return e.AddValuation(ctx, item, collateral.Valuation{Date: day, Amount: money.New(value, money.CNY),
							Method: collateral.DesktopReview, Source: "index"}, day)
					}})
			}
		}
		if g, ok := w.guarantors[i]; ok {
			for k := 1; ; k++ {
				day := w.start.AddDate(0, k, 5)
				if day.After(w.end) {
					break
				}
				worth := money.New(3_000_000*int64(10-k)/10, money.CNY) // 30,000.00 less a tenth a month
				at(day).concurrent = append(at(day).concurrent, command{fmt.Sprintf("reassess %d %s", i, day),
					func(ctx context.Context, e *lendcore.Engine) error {
						return e.Reassess(ctx, g, collateral.Assessment{Date: day, NetWorth: worth,
							OtherGuarantees: cny("0")}, day)
					}})
			}
		}
		if i < 8 && (profile == 0 || profile == 3) {
			// Investor 0 sells half of a holding to investor 2 or 3 each
			// month, a week after the due date (the loan is current: the
			// transfer rules refuse an overdue one).
			for k := 1; ; k++ {
				day := w.start.AddDate(0, k, 7)
				if day.After(w.end) {
					break
				}
				buyer := w.investors[2+k%2]
				at(day).transfers = append(at(day).transfers, command{fmt.Sprintf("transfer %d %s", i, day),
					func(ctx context.Context, e *lendcore.Engine) error {
						b, err := e.Book(ctx, id)
						if err != nil {
							return err
						}
						hs := b.HoldingsOf(w.investors[0])
						if len(hs) == 0 {
							return nil
						}
						h, _ := b.Holding(hs[0])
						half, err := h.Principal.MulFrac(1, 2, money.Down)
						if err != nil || !half.IsPositive() {
							return err
						}
						_, err = e.TransferClaim(ctx, id, invest.TransferRequest{Holding: hs[0], Buyer: buyer,
							Principal: half, On: day})
						return err
					}})
			}
		}
	}
	return w
}

// cstAt is hour o'clock on day in China Standard Time.
func cstAt(day date.Date, hour int) time.Time {
	y, m, dd := day.Date()
	return time.Date(y, m, dd, hour, 0, 0, 0, time.FixedZone("CST", 8*3600))
}

// setup opens the loans, their security and their guarantors through e.
func (w *workload) setup(t testing.TB, e *lendcore.Engine) {
	t.Helper()
	ctx := context.Background()
	for i, id := range w.loans {
		r := request(id)
		r.Borrower = w.borrowers[i]
		_, err := e.Submit(ctx, r)
		require.NoError(t, err)
		_, err = e.Approve(ctx, id, loan.Action{Officer: "approver", On: d(2024, 1, 12)}, loan.Exposure{})
		require.NoError(t, err)
		disb := lendcore.Disbursement{Actor: "teller", IdempotencyKey: "disburse"}
		if i < 8 {
			disb.Funding = []lendcore.Funding{{Investor: w.investors[0], Amount: cny("6000")},
				{Investor: w.investors[1], Amount: cny("4000")}}
		}
		_, err = e.Disburse(ctx, id, disb)
		require.NoError(t, err)
		if item, ok := w.items[i]; ok {
			require.NoError(t, e.RegisterCollateral(ctx, collateral.Item{ID: item, Kind: collateral.RealEstate, Owner: "borrower",
				Currency: money.CNY, Liens: []collateral.Lien{{LoanID: id, Rank: 1}},
				Registration: collateral.Registration{RegisteredOn: w.start, Rank: 1}}))
			require.NoError(t, e.Pledge(ctx, item, w.start))
			require.NoError(t, e.AddValuation(ctx, item, collateral.Valuation{Date: w.start, Amount: cny("13000"),
				Method: collateral.Appraisal, Source: "appraiser"}, w.start))
		}
		if g, ok := w.guarantors[i]; ok {
			require.NoError(t, e.AddGuarantor(ctx, collateral.Guarantor{ID: g, Name: "guarantor", Kind: collateral.PersonGuarantor,
				Assessments: []collateral.Assessment{{Date: w.start, NetWorth: cny("30000"), OtherGuarantees: cny("0")}}}))
			require.NoError(t, e.AddGuarantee(ctx, collateral.Guarantee{ID: uuid.NewSHA1(g, []byte("guarantee")),
				GuarantorID: g, LoanID: id, Kind: collateral.JointAndSeveral, DebtMaturity: w.start.AddDate(1, 0, 0)}))
		}
	}
}

// runSerial runs the workload on one Engine, one command after another:
// the reference.
func (w *workload) runSerial(t testing.TB, e *lendcore.Engine) {
	t.Helper()
	ctx := context.Background()
	w.setup(t, e)
	for day := w.start.Add(1); !day.After(w.end); day = day.Add(1) {
		_, err := e.CloseOfDay(ctx, day.Add(-1))
		require.NoError(t, err)
		if dw := w.days[day]; dw != nil {
			for _, c := range append(slices.Clone(dw.concurrent), dw.transfers...) {
				require.NoError(t, c.run(ctx, e), c.what)
			}
		}
	}
	_, err := e.CloseOfDay(ctx, w.end)
	require.NoError(t, err)
}

// runReplicas runs the workload on several Engines at once: each day,
// every replica closes the day before while the day's commands go to the
// replicas concurrently, split at random; then the day's transfers.
func (w *workload) runReplicas(t testing.TB, engines []*lendcore.Engine, seed uint64) {
	t.Helper()
	ctx := context.Background()
	w.setup(t, engines[0])
	rng := rand.New(rand.NewPCG(seed, 11))
	for day := w.start.Add(1); !day.After(w.end); day = day.Add(1) {
		var wg sync.WaitGroup
		errs := make(chan error, 64+len(engines))
		for _, e := range engines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.CloseOfDay(ctx, day.Add(-1)); err != nil {
					errs <- fmt.Errorf("close of %s on %s: %w", day.Add(-1), e.ReplicaID(), err)
				}
			}()
		}
		if dw := w.days[day]; dw != nil {
			for _, c := range dw.concurrent {
				e := engines[rng.IntN(len(engines))]
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := c.run(ctx, e); err != nil {
						errs <- fmt.Errorf("%s: %w", c.what, err)
					}
				}()
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		if dw := w.days[day]; dw != nil {
			for _, c := range dw.transfers {
				require.NoError(t, c.run(ctx, engines[rng.IntN(len(engines))]), c.what)
			}
		}
	}
	var wg sync.WaitGroup
	for _, e := range engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.CloseOfDay(ctx, w.end)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
}

// picture is everything the workload leaves in a store, in a form two runs
// can be compared by: each part keyed by what it is about, with the parts
// whose order depends on timing (the seq of an outbox message, the version
// in a posting's key) left out or sorted.
func (w *workload) picture(t testing.TB, e *lendcore.Engine) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	put := func(key string, v any) {
		b, err := json.Marshal(v)
		require.NoError(t, err, key)
		out[key] = string(b)
	}
	s := e.Store()
	for rec, err := range s.Loans().Scan(ctx, storage.LoanFilter{}) {
		require.NoError(t, err)
		x := rec.Index
		out["loan/"+rec.ID.String()] = fmt.Sprintf("%s %s %s %d %s %s %s %s %v %s", rec.Status, x.AsOf, x.NextDue,
			x.DaysPastDue, x.Classification, x.Bucket, x.Collection, x.InspectionDue, x.Final, x.State)
	}
	for _, id := range w.loans {
		l, err := e.Loan(ctx, id)
		require.NoError(t, err)
		pos, err := l.PositionAt(w.end)
		require.NoError(t, err)
		put("position/"+id.String(), pos)
		if b, err := e.Book(ctx, id); err == nil {
			put("book/"+id.String(), map[string]any{"holdings": b.Holdings(), "claims": b.Claims()})
		}
		c, err := e.Collection(ctx, id)
		require.NoError(t, err)
		sort.Slice(c.Contacts, func(i, j int) bool { return c.Contacts[i].At.Before(c.Contacts[j].At) })
		put("collection/"+id.String(), c)
		ins, err := e.Inspections(ctx, id)
		require.NoError(t, err)
		put("inspections/"+id.String(), ins)
		sec, err := e.Security(ctx, id)
		require.NoError(t, err)
		put("security/"+id.String(), sec)
	}
	r, err := e.ReserveState(ctx)
	require.NoError(t, err)
	put("reserve", r)
	postings := map[uuid.UUID][]string{}
	for m, err := range s.Outbox().Scan(ctx, storage.MessageFilter{}) {
		require.NoError(t, err)
		if m.Topic == lendcore.TopicPosting {
			postings[m.LoanID] = append(postings[m.LoanID], m.Day.String()+" "+string(m.Payload))
			continue
		}
		require.NotContains(t, out, "msg/"+m.Key, "one message per key")
		out["msg/"+m.Key] = fmt.Sprintf("%s %s %s %s", m.Topic, m.LoanID, m.Day, m.Payload)
	}
	for id, ps := range postings {
		slices.Sort(ps)
		put("postings/"+id.String(), ps)
	}
	return out
}

// samePicture reports every part that differs, briefly.
func samePicture(t testing.TB, want, got map[string]string, who string) {
	t.Helper()
	short := func(s string) string {
		if len(s) > 400 {
			return s[:400] + "…"
		}
		return s
	}
	var diff []string
	for k, v := range want {
		if g, ok := got[k]; !ok {
			diff = append(diff, k+": missing")
		} else if g != v {
			i := 0
			for i < len(v) && i < len(g) && v[i] == g[i] {
				i++
			}
			diff = append(diff, fmt.Sprintf("%s: differs at byte %d:\n  want …%s\n  got  …%s", k, i, short(v[max(0, i-40):]), short(g[max(0, i-40):])))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			diff = append(diff, k+": not in the reference")
		}
	}
	sort.Strings(diff)
	if len(diff) > 10 {
		diff = append(diff[:10], fmt.Sprintf("… and %d more", len(diff)-10))
	}
	assert.Empty(t, diff, "%s differs from one Engine running the commands one by one", who)
}

// checkConservation verifies that investor books and the reserve hold
// every cent: each book holds what its loan still owes in principal and
// received what the close passed on, and the reserve's balance is its
// movements' sum by kind.
func (w *workload) checkConservation(t testing.TB, e *lendcore.Engine) {
	t.Helper()
	ctx := context.Background()
	for i, id := range w.loans[:8] {
		b, err := e.Book(ctx, id)
		require.NoError(t, err)
		pos, err := e.Position(ctx, id, w.end)
		require.NoError(t, err)
		assert.Equal(t, pos.PrincipalBalance.Add(pos.Claim.Principal), b.Outstanding(), "loan %d: the book holds what is owed", i)
		st, err := e.State(ctx, id)
		require.NoError(t, err)
		received := cny("0")
		for _, h := range b.Holdings() {
			received = received.Add(h.Received.Total())
		}
		for _, c := range b.Claims() {
			received = received.Add(c.Recovered.Total())
		}
		assert.Equal(t, st.Distributed.Total(), received, "loan %d: investors received what the close passed on", i)
	}
	r, err := e.ReserveState(ctx)
	require.NoError(t, err)
	assert.Equal(t, r.Contributions.Add(r.Recoveries).Sub(r.Payouts), r.Balance, "the reserve is its movements")
	assert.False(t, r.Balance.IsNegative())
}

// TestReplicasLoseNothing: two Engines on one database, with commands of
// every kind sent to both while both close every day, end where one Engine
// running the same commands one by one ends, on every database.
func TestReplicasLoseNothing(t *testing.T) {
	const seed, days = 1, 120
	ref := newWorkload(seed, days)
	single, err := lendcore.New(memoryStores(t, 1)[0], lendcore.WithPolicies(replicaPolicies()), lendcore.WithClock(fixedClock))
	require.NoError(t, err)
	ref.runSerial(t, single)
	want := ref.picture(t, single)
	ref.checkConservation(t, single)
	require.Greater(t, len(want), 200, "the workload leaves a picture worth comparing")

	for _, db := range databases(t) {
		t.Run(db.name, func(t *testing.T) {
			w := newWorkload(seed, days)
			stores := db.stores(t, 2)
			var engines []*lendcore.Engine
			for i, s := range stores {
				e, err := lendcore.New(s, lendcore.WithPolicies(replicaPolicies()), lendcore.WithClock(fixedClock),
					lendcore.WithPartitions(4), lendcore.WithReplicaID(fmt.Sprintf("replica-%d", i)))
				require.NoError(t, err)
				engines = append(engines, e)
			}
			w.runReplicas(t, engines, seed)
			w.checkConservation(t, engines[0])
			for i, e := range engines {
				samePicture(t, want, w.picture(t, e), fmt.Sprintf("replica %d", i))
			}
		})
	}
}
