package lendcore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	lendcore "github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

// fieldNames returns the names of the bad fields of err, a *fault.Fields.
func fieldNames(t *testing.T, err error) []string {
	t.Helper()
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	var names []string
	for _, f := range bad.List {
		names = append(names, f.Name)
	}
	return names
}

// productEngine is an Engine over a memory store with the three test
// products published (each at version 1).
func productEngine(t testing.TB) *lendcore.Engine {
	t.Helper()
	c, err := lendcore.NewCatalogue(loadTestProducts(t)...)
	require.NoError(t, err)
	e, err := lendcore.New(memory.New(), lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock),
		lendcore.WithCatalogue(c))
	require.NoError(t, err)
	return e
}

// productRequest is request(id) for the consumer product in segment.
func productRequest(id uuid.UUID, version int, segment string) loan.Request {
	r := request(id)
	r.Terms.DayCount = 0 // the product's convention: the default Actual/360
	r.Product = loan.ProductRef{Name: "consumer-unsecured", Version: version, Segment: segment}
	return r
}

func openProductLoan(t testing.TB, e *lendcore.Engine, r loan.Request) {
	t.Helper()
	ctx := context.Background()
	_, err := e.Submit(ctx, r)
	require.NoError(t, err)
	_, err = e.Approve(ctx, r.ID, loan.Action{Officer: "approver", On: d(2024, 1, 12)}, loan.Exposure{})
	require.NoError(t, err)
	_, err = e.Disburse(ctx, r.ID, lendcore.Disbursement{Actor: "teller", IdempotencyKey: "disburse"})
	require.NoError(t, err)
}

func TestSubmitChecksTheProduct(t *testing.T) {
	ctx := context.Background()
	e := productEngine(t)
	cases := []struct {
		name   string
		edit   func(r *loan.Request)
		fields []string
	}{
		{"unknown product", func(r *loan.Request) { r.Product.Name = "payday" }, []string{"product.name"}},
		{"unknown version", func(r *loan.Request) { r.Product.Version = 9 }, []string{"product.version"}},
		{"segment not declared", func(r *loan.Request) { r.Product.Segment = "staff" }, []string{"product.segment"}},
		{"version without a product", func(r *loan.Request) { r.Product = loan.ProductRef{Version: 1} }, []string{"product.name"}},
		{"outside the ranges", func(r *loan.Request) {
			r.Terms.Principal = cny("250000")
			r.Terms.Periods = 48
			r.Terms.AnnualRate = money.MustRate("0.30")
		}, []string{"terms.principal", "terms.periods", "terms.annual_rate"}},
		{"the request's own errors too", func(r *loan.Request) {
			r.Purpose = ""
			r.Product.Segment = "staff"
		}, []string{"purpose", "product.segment"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := productRequest(uuid.New(), 0, "vip")
			c.edit(&r)
			_, err := e.Submit(ctx, r)
			assert.ElementsMatch(t, c.fields, fieldNames(t, err), "%v", err)
			assert.Equal(t, fault.CodeInvalid, fault.CodeOf(err))
			_, err = e.Application(ctx, r.ID)
			assert.ErrorIs(t, err, storage.ErrNotFound, "nothing stored")
		})
	}

	// The segment's approval limit applies: 100,000 is above the
	// product's 50,000 but within the VIP segment's 200,000.
	for _, segment := range []string{"", "vip"} {
		r := productRequest(uuid.New(), 0, segment)
		r.Terms.Principal = cny("100000")
		app, err := e.Submit(ctx, r)
		require.NoError(t, err)
		assert.Equal(t, 1, app.Request().Product.Version, "the latest version, fixed at submission")
		_, err = e.Approve(ctx, r.ID, loan.Action{Officer: "approver", On: d(2024, 1, 12)}, loan.Exposure{})
		if segment == "vip" {
			assert.NoError(t, err)
		} else {
			assert.Equal(t, fault.CodeRefused, fault.CodeOf(err), "%v", err)
		}
	}
}

func TestLoanKeepsItsProductVersion(t *testing.T) {
	ctx := context.Background()
	e := productEngine(t)
	vip := uuid.MustParse("10000000-0000-4000-8000-000000000001")
	openProductLoan(t, e, productRequest(vip, 0, "vip"))

	// A change to the product is a new version; the VIP loan keeps
	// version 1, a new loan gets version 2.
	p, err := e.Product(ctx, "consumer-unsecured", 0)
	require.NoError(t, err)
	p.Version = 0
	p.Policies.Servicing.Penalty.GraceDays = 1
	p.Description = "grace of a day"
	v2, err := e.PublishProduct(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, 2, v2.Version)
	again, err := e.PublishProduct(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, 2, again.Version, "the same content again is not a new version")

	plain := uuid.MustParse("20000000-0000-4000-8000-000000000002")
	openProductLoan(t, e, productRequest(plain, 0, ""))

	l, err := e.Loan(ctx, vip)
	require.NoError(t, err)
	assert.Equal(t, 3, l.Policy().Penalty.GraceDays, "the VIP segment's grace, version 1")
	l, err = e.Loan(ctx, plain)
	require.NoError(t, err)
	assert.Equal(t, 1, l.Policy().Penalty.GraceDays, "version 2's grace")

	own := uuid.MustParse("30000000-0000-4000-8000-000000000003")
	openLoan(t, e, own) // under the Engine's own policies

	// Each loan's own reminders: the default policy reminds 7, 1 and 0
	// days before a due date; the VIP segment 3 days before only. The
	// first installments fall due on 2024-02-15.
	_, err = e.CloseOfDay(ctx, d(2024, 2, 15))
	require.NoError(t, err)
	reminded := map[uuid.UUID][]string{}
	for m, err := range e.Store().Outbox().Scan(ctx, storage.MessageFilter{Topics: []string{lendcore.TopicReminder}}) {
		require.NoError(t, err)
		reminded[m.LoanID] = append(reminded[m.LoanID], m.Day.String())
	}
	// By SMS and app push under the product; by app push only for VIPs.
	assert.Equal(t, []string{"2024-02-08", "2024-02-08", "2024-02-14", "2024-02-14", "2024-02-15", "2024-02-15"}, reminded[plain])
	assert.Equal(t, []string{"2024-02-12"}, reminded[vip])

	st, err := e.State(ctx, vip)
	require.NoError(t, err)
	assert.Equal(t, lendcore.ProductRef{Name: "consumer-unsecured", Version: 1, Segment: "vip"}, st.Product)
	st, err = e.State(ctx, plain)
	require.NoError(t, err)
	assert.Equal(t, lendcore.ProductRef{Name: "consumer-unsecured", Version: 2}, st.Product)

	// The dashboard breaks the loans down by product.
	dash, err := e.PortfolioAt(ctx, d(2024, 2, 15))
	require.NoError(t, err)
	assert.Equal(t, int64(3), dash.Snapshot.Total.Count)
	require.Len(t, dash.ByProduct, 1)
	consumer := dash.ByProduct["consumer-unsecured"]
	require.NotNil(t, consumer)
	assert.Equal(t, int64(2), consumer.Total.Count)
	assert.Equal(t, int64(2_000_000), consumer.Total.Balance, "two loans of 10,000.00, none of it due before 2024-02-15's payment")

	// An application naming version 1 still gets version 1.
	r := productRequest(uuid.New(), 1, "")
	app, err := e.Submit(ctx, r)
	require.NoError(t, err)
	assert.Equal(t, 1, app.Request().Product.Version)

	// A version is written once.
	p.Version = 1
	_, err = e.PublishProduct(ctx, p)
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	assert.True(t, bad.Has("version"), "%v", err)
	p.Version = 5
	_, err = e.PublishProduct(ctx, p)
	require.ErrorAs(t, err, &bad)
	assert.True(t, bad.Has("version"), "%v", err)
}

func TestMoveLoanProduct(t *testing.T) {
	ctx := context.Background()
	e := productEngine(t)
	id := uuid.New()
	openProductLoan(t, e, productRequest(id, 0, ""))
	_, err := e.CloseOfDay(ctx, d(2024, 2, 1))
	require.NoError(t, err)
	p, err := e.Product(ctx, "consumer-unsecured", 1)
	require.NoError(t, err)
	p.Version = 0
	p.Description = "version 2"
	_, err = e.PublishProduct(ctx, p)
	require.NoError(t, err)

	bad := []struct {
		name   string
		move   lendcore.ProductMove
		fields []string
	}{
		{"nothing said", lendcore.ProductMove{}, []string{"by", "reason", "effective", "to.name"}},
		{"unknown product", lendcore.ProductMove{To: lendcore.ProductRef{Name: "payday"}, Effective: d(2024, 2, 10), By: "ops", Reason: "r"},
			[]string{"to.name"}},
		{"unknown version", lendcore.ProductMove{To: lendcore.ProductRef{Name: "consumer-unsecured", Version: 7}, Effective: d(2024, 2, 10), By: "ops", Reason: "r"},
			[]string{"to.version"}},
		{"undeclared segment on a closed day", lendcore.ProductMove{To: lendcore.ProductRef{Name: "consumer-unsecured", Segment: "staff"},
			Effective: d(2024, 2, 1), By: "ops", Reason: "r"}, []string{"to.segment", "effective"}},
		{"terms outside the product", lendcore.ProductMove{To: lendcore.ProductRef{Name: "cash-bullet"}, Effective: d(2024, 2, 10), By: "ops", Reason: "r"},
			[]string{"terms.method", "terms.frequency"}},
		{"the product it is under", lendcore.ProductMove{To: lendcore.ProductRef{Name: "consumer-unsecured", Version: 1}, Effective: d(2024, 2, 10), By: "ops", Reason: "r"},
			[]string{"to"}},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.MoveLoanProduct(ctx, id, c.move)
			assert.ElementsMatch(t, c.fields, fieldNames(t, err), "%v", err)
		})
	}
	_, err = e.MoveLoanProduct(ctx, uuid.New(), lendcore.ProductMove{To: lendcore.ProductRef{Name: "consumer-unsecured"},
		Effective: d(2024, 2, 10), By: "ops", Reason: "r"})
	require.ErrorIs(t, err, storage.ErrNotFound)
	for range e.Store().Outbox().Scan(ctx, storage.MessageFilter{Topics: []string{lendcore.TopicProduct}}) {
		t.Fatal("a refused move leaves no record")
	}

	move := lendcore.ProductMove{To: lendcore.ProductRef{Name: "consumer-unsecured", Segment: "vip"}, Effective: d(2024, 2, 10),
		By: "ops", Reason: "became a VIP member"}
	got, err := e.MoveLoanProduct(ctx, id, move)
	require.NoError(t, err)
	assert.Equal(t, lendcore.ProductRef{Name: "consumer-unsecured", Version: 2, Segment: "vip"}, got.To)
	assert.Equal(t, lendcore.ProductRef{Name: "consumer-unsecured", Version: 1}, got.From)
	replay, err := e.MoveLoanProduct(ctx, id, move)
	require.NoError(t, err)
	assert.Equal(t, got, replay, "the same move again is a retry")
	n := 0
	for m, err := range e.Store().Outbox().Scan(ctx, storage.MessageFilter{Topics: []string{lendcore.TopicProduct}}) {
		require.NoError(t, err)
		assert.Equal(t, id, m.LoanID)
		assert.Equal(t, d(2024, 2, 10), m.Day)
		n++
	}
	assert.Equal(t, 1, n)

	// The loan is under its old product until the effective day, then
	// under the new one: the VIP reminder 3 days before 2024-02-15.
	_, err = e.CloseOfDay(ctx, d(2024, 2, 9))
	require.NoError(t, err)
	st, err := e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, got.From, st.Product)
	_, err = e.CloseOfDay(ctx, d(2024, 2, 15))
	require.NoError(t, err)
	st, err = e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, got.To, st.Product)
	var days []string
	for m, err := range e.Store().Outbox().Scan(ctx, storage.MessageFilter{LoanID: id, Topics: []string{lendcore.TopicReminder}}) {
		require.NoError(t, err)
		var r collect.Reminder
		require.NoError(t, json.Unmarshal(m.Payload, &r))
		days = append(days, m.Day.String())
	}
	assert.Equal(t, []string{"2024-02-08", "2024-02-08", "2024-02-12"}, days,
		"the old product's 7-day reminders (SMS and app push), then the VIP one")
	// The contract stays: the servicing policy is the one disbursed.
	l, err := e.Loan(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, 0, l.Policy().Penalty.GraceDays)
}

// Two Engines on one database publishing versions of one product at once:
// every publication gets its own version, without gaps; two replicas
// starting with one catalogue publish it once.
func TestProductsOnTwoEngines(t *testing.T) {
	for _, db := range databases(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			stores := db.stores(t, 2)
			c, err := lendcore.NewCatalogue(loadTestProducts(t)...)
			require.NoError(t, err)
			var engines [2]*lendcore.Engine
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i := range engines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					engines[i], errs[i] = lendcore.New(stores[i], lendcore.WithCatalogue(c), lendcore.WithClock(fixedClock))
				}()
			}
			wg.Wait()
			require.NoError(t, errs[0])
			require.NoError(t, errs[1])
			p, err := engines[0].Product(ctx, "cash-bullet", 0)
			require.NoError(t, err)
			assert.Equal(t, 1, p.Version, "both replicas published the catalogue: one version")

			const each = 4
			versions := make([]int, 2*each)
			perrs := make([]error, 2*each)
			for i := range versions {
				wg.Add(1)
				go func() {
					defer wg.Done()
					q := p
					q.Version = 0
					q.Description = fmt.Sprintf("change %d", i)
					got, err := engines[i%2].PublishProduct(ctx, q)
					versions[i], perrs[i] = got.Version, err
				}()
			}
			wg.Wait()
			for _, err := range perrs {
				require.NoError(t, err)
			}
			assert.ElementsMatch(t, []int{2, 3, 4, 5, 6, 7, 8, 9}, versions)
			for i, v := range versions {
				got, err := engines[1-i%2].Product(ctx, "cash-bullet", v)
				require.NoError(t, err)
				assert.Equal(t, fmt.Sprintf("change %d", i), got.Description)
			}

			// One replica files the application, the other, which has
			// not read the product yet, approves, disburses and moves the
			// loan: it reads the product inside each command's unit of
			// work.
			id := uuid.New()
			_, err = engines[0].Submit(ctx, productRequest(id, 0, "vip"))
			require.NoError(t, err)
			_, err = engines[1].Approve(ctx, id, loan.Action{Officer: "approver", On: d(2024, 1, 12)}, loan.Exposure{})
			require.NoError(t, err)
			_, err = engines[1].Disburse(ctx, id, lendcore.Disbursement{Actor: "teller", IdempotencyKey: "disburse"})
			require.NoError(t, err)
			_, err = engines[1].MoveLoanProduct(ctx, id, lendcore.ProductMove{To: lendcore.ProductRef{Name: "consumer-unsecured"},
				Effective: d(2024, 2, 1), By: "ops", Reason: "left the VIP programme"})
			require.NoError(t, err)
		})
	}
}
