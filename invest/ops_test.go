package invest

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

var guarantor = uid(0xEF)

// opsFundings are the fundings of the generated books: 10,000 among three
// investors.
var opsFundings = []Funding{{alice, amt("5000")}, {bob, amt("3000")}, {carol, amt("2000")}}

// liveStep is one operation done live through the typed methods, with
// its result.
type liveStep struct {
	op     BookOp
	result any
}

// liveBook drives a book through n random operations with the typed
// methods (Distribute, Transfer, Compensate), as an Engine would, and
// returns it with the operations that succeeded and their results. Refused
// operations are left out of the log, as an Engine stores nothing for
// them. The policy is the default one or, half the time, a permissive one,
// so that both transfers and refusals occur.
func liveBook(t *testing.T, rng *rand.Rand, n int) (*Book, BookPolicy, []liveStep) {
	t.Helper()
	p := DefaultBookPolicy()
	if rng.IntN(2) == 0 {
		p.Transfer = TransferPolicy{MaxDiscount: money.MustRate("100%"), AllowWhileOverdue: true,
			SellerFee: money.MustRate("0.5%"), SellerFeeRounding: money.HalfUp}
	}
	if rng.IntN(2) == 0 {
		p.Servicing.Basis = FeeOnInterest
	}
	b, err := NewBook(loanID, day(2024, 1, 15), opsFundings, p)
	require.NoError(t, err)
	frac := func(a money.Amount) money.Amount {
		v, err := a.MulFrac(int64(rng.IntN(256)), 255, money.Down)
		require.NoError(t, err)
		return v
	}
	investors := []uuid.UUID{alice, bob, carol, dave, uid(5), uid(6)}
	var steps []liveStep
	for range n {
		var (
			op  BookOp
			res any
			err error
		)
		switch k := rng.IntN(10); {
		case k < 6:
			r := Repayment{On: day(2024, 2, 15), Installment: rng.IntN(4), Paid: loan.Split{
				Principal: frac(b.Held()), Interest: money.New(rng.Int64N(20_000), money.CNY),
				Penalty: money.New(int64(rng.IntN(2))*rng.Int64N(500), money.CNY), Fee: money.Zero(money.CNY)}}
			op = BookOp{Distribute: &r}
			res, err = b.Distribute(r)
		case k < 8:
			h := HoldingID(rng.IntN(len(b.holdings)))
			hold, _ := b.Holding(h)
			top := TransferOp{Request: TransferRequest{Holding: h, Buyer: investors[rng.IntN(len(investors))],
				Principal: frac(hold.Principal), On: day(2024, 2, 15+rng.IntN(29)),
				Premium: money.New(rng.Int64N(2001)-1000, money.CNY)},
				Status: LoanStatus{Period: period(2), DaysPastDue: rng.IntN(2) * rng.IntN(40)}}
			op = BookOp{Transfer: &top}
			var tr Transfer
			if tr, err = b.Transfer(top.Request, top.Status); err == nil {
				res = &tr
			}
		default:
			po := PayoutOp{Payer: []uuid.UUID{reserveID, guarantor}[rng.IntN(2)],
				Payout: Payout{On: day(2024, 3, 30), Installment: rng.IntN(4), Principal: frac(b.investorPrincipal())}}
			if po.Payout.Installment > 0 {
				po.Payout.Interest = money.New(rng.Int64N(10_000), money.CNY)
			}
			op = BookOp{Payout: &po}
			res, err = b.Compensate(po.Payer, po.Payout)
		}
		if err == nil {
			steps = append(steps, liveStep{op, res})
		}
	}
	return b, p, steps
}

// OpenBook's replay of a stored log equals the book built live op by op:
// holdings (with their receipts, fees, compensation and transfer chains),
// claims, holders and each operation's result — after the log went through
// JSON, as a store keeps it. Money is conserved throughout: the book's
// outstanding principal is the funding less the principal distributed,
// and every distribution, payout and transfer balances.
func TestOpenBookEqualsLive(t *testing.T) {
	kinds := map[string]int{}
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 0x1e7d))
		live, p, steps := liveBook(t, rng, 5+rng.IntN(40))

		ops := make([]BookOp, len(steps))
		for i, s := range steps {
			ops[i] = s.op
			kinds[s.op.Kind()]++
		}
		raw, err := json.Marshal(ops)
		require.NoError(t, err)
		var stored []BookOp
		require.NoError(t, json.Unmarshal(raw, &stored))

		opened, err := live.Opening().Open(loanID, stored...)
		require.NoError(t, err, "seed %d", seed)
		assert.Equal(t, live.Holdings(), opened.Holdings(), "seed %d: holdings", seed)
		assert.Equal(t, live.Claims(), opened.Claims(), "seed %d: claims", seed)
		assert.Equal(t, live.Holders(), opened.Holders(), "seed %d: holders", seed)
		assert.Equal(t, live.Outstanding(), opened.Outstanding(), "seed %d", seed)

		// Apply, op by op, returns what the live methods returned.
		again, err := NewBook(loanID, day(2024, 1, 15), opsFundings, p)
		require.NoError(t, err)
		distributed := money.Zero(money.CNY)
		for i, op := range stored {
			res, err := again.Apply(op)
			require.NoError(t, err, "seed %d op %d", seed, i)
			require.Equal(t, steps[i].result, res, "seed %d op %d (%s)", seed, i, op.Kind())
			switch r := res.(type) {
			case *Distribution:
				distributed = distributed.Add(op.Distribute.Paid.Principal)
				got := r.Fees
				for _, rc := range r.Recoveries {
					got = got.Add(rc.Amount.Total())
				}
				for _, rc := range r.Receipts {
					got = got.Add(rc.Net())
				}
				require.Equal(t, op.Distribute.Paid.Total().Add(money.Zero(money.CNY)), got, "net receipts + fees + recoveries = paid")
			case *Compensation:
				got := money.Zero(money.CNY)
				for _, rc := range r.Receipts {
					got = got.Add(rc.Gross.Total())
				}
				require.Equal(t, op.Payout.Payout.Total().Add(money.Zero(money.CNY)), got, "receipts = payout")
			case *Transfer:
				require.Equal(t, r.Principal.Add(r.Accrued).Add(r.Premium), r.Price)
			}
		}
		assert.Equal(t, amt("10000").Sub(distributed), opened.Outstanding(), "seed %d: outstanding = funding − principal distributed", seed)
	}
	// The generator exercised every kind of operation.
	assert.Greater(t, kinds[OpDistribution], 100)
	assert.Greater(t, kinds[OpTransfer], 20)
	assert.Greater(t, kinds[OpPayout], 20)
}

// Apply refuses an invalid operation with a typed error naming the field
// as the operation's JSON spells it, and changes nothing.
func TestApplyRefusesInvalidOps(t *testing.T) {
	rep := func(mod func(*Repayment)) BookOp {
		r := period1
		r.On = day(2024, 3, 15)
		r.Installment = 2
		mod(&r)
		return BookOp{Distribute: &r}
	}
	tr := func(mod func(*TransferOp)) BookOp {
		op := TransferOp{Request: TransferRequest{Holding: 0, Buyer: dave, Principal: amt("1000"), On: day(2024, 2, 25),
			Premium: amt("0")}, Status: status2}
		mod(&op)
		return BookOp{Transfer: &op}
	}
	pay := func(mod func(*PayoutOp)) BookOp {
		op := PayoutOp{Payer: reserveID, Payout: Payout{On: day(2024, 3, 30), Installment: 2, Principal: amt("796.37"), Interest: amt("92.12")}}
		mod(&op)
		return BookOp{Payout: &op}
	}
	cases := []struct {
		name     string
		op       BookOp
		field    string // the first bad field; "" for a rule refusal
		sentinel error
	}{
		{"nothing set", BookOp{}, "distribute", ErrInvalidInput},
		{"two set", BookOp{Distribute: &period1, Payout: &PayoutOp{}}, "payout", ErrInvalidInput},
		{"distribution without a date", rep(func(r *Repayment) { r.On = date.Date{} }), "distribute.on", ErrInvalidInput},
		{"negative interest", rep(func(r *Repayment) { r.Paid.Interest = amt("-1") }), "distribute.paid.interest", ErrInvalidInput},
		{"mixed currencies", rep(func(r *Repayment) { r.Paid.Interest = money.New(1, money.USD) }), "distribute.paid.interest", ErrInvalidInput},
		{"another currency than the book's", rep(func(r *Repayment) {
			r.Paid = loan.Split{Principal: money.New(1, money.USD), Interest: money.New(1, money.USD)}
		}), "distribute.paid.principal", ErrInvalidInput},
		{"more principal than held", rep(func(r *Repayment) { r.Paid.Principal = amt("9211.52") }), "distribute.paid.principal", ErrInsufficientHolding},
		{"transfer of an unknown holding", tr(func(o *TransferOp) { o.Request.Holding = 7 }), "transfer.request.holding", ErrInvalidInput},
		{"transfer to oneself", tr(func(o *TransferOp) { o.Request.Buyer = alice }), "transfer.request.buyer", ErrSelfTransfer},
		{"transfer outside the period", tr(func(o *TransferOp) { o.Request.On = day(2024, 4, 1) }), "transfer.request.on", ErrInvalidInput},
		{"transfer with the zero day count", tr(func(o *TransferOp) { o.Status.Period.DayCount = 0 }), "transfer.status.period.day_count", ErrInvalidInput},
		{"transfer past due", tr(func(o *TransferOp) { o.Status.DaysPastDue = 3 }), "", ErrNotEligible},
		{"payout without a payer", pay(func(o *PayoutOp) { o.Payer = uuid.Nil }), "payout.payer", ErrInvalidInput},
		{"zero payout", pay(func(o *PayoutOp) { o.Payout.Principal, o.Payout.Interest = amt("0"), amt("0") }), "payout.payout.principal", ErrInvalidInput},
		{"buyout with interest", pay(func(o *PayoutOp) { o.Payout.Installment = 0 }), "payout.payout.interest", ErrInvalidInput},
		{"payout beyond the investors' principal", pay(func(o *PayoutOp) { o.Payout.Principal = amt("9211.52") }), "payout.payout.principal", ErrInsufficientHolding},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := afterPeriod1(t)
			before := []any{b.Holdings(), b.Claims(), b.seq, b.Holders()}
			res, err := b.Apply(c.op)
			require.Error(t, err)
			assert.Nil(t, res)
			assert.ErrorIs(t, err, c.sentinel)
			if c.field == "" {
				var ee *EligibilityError
				assert.ErrorAs(t, err, &ee)
			} else {
				var bad *fault.Fields
				require.ErrorAs(t, err, &bad)
				assert.Equal(t, c.field, bad.List[0].Name, "%v", err)
			}
			assert.Equal(t, before, []any{b.Holdings(), b.Claims(), b.seq, b.Holders()}, "nothing changed")
		})
	}
}

// A stored log whose operation the book refuses is inconsistent storage:
// the error names the operation and carries the refusal.
func TestOpenBookInconsistentLog(t *testing.T) {
	tooMuch := Repayment{On: day(2024, 2, 15), Paid: split("10000.01", "0")}
	_, err := OpenBook(loanID, day(2024, 1, 15), opsFundings, DefaultBookPolicy(), BookOp{Distribute: &period1}, BookOp{Distribute: &tooMuch})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInconsistentOps)
	assert.ErrorIs(t, err, ErrInsufficientHolding)
	assert.Equal(t, fault.CodeCorrupt, fault.CodeOf(err))
	assert.Contains(t, err.Error(), "ops[1] (distribution)")

	// Bad fundings are bad input, not a bad log.
	_, err = OpenBook(loanID, day(2024, 1, 15), nil, DefaultBookPolicy())
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.NotErrorIs(t, err, ErrInconsistentOps)
}

// Holders are the investors holding principal now and the payers with an
// open claim, sorted, once each.
func TestHolders(t *testing.T) {
	b := afterPeriod1(t)
	assert.Equal(t, []uuid.UUID{alice, bob, carol}, b.Holders())

	// Alice sells all she holds to dave and a part of bob's goes to alice:
	// alice holds again, once.
	_, err := b.Transfer(TransferRequest{Holding: 0, Buyer: dave, Principal: amt("4605.76"), On: day(2024, 2, 25)}, status2)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{bob, carol, dave}, b.Holders())
	_, err = b.Transfer(TransferRequest{Holding: 1, Buyer: alice, Principal: amt("100"), On: day(2024, 2, 25)}, status2)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{alice, bob, carol, dave}, b.Holders())

	// The guarantor compensates installment 2 and holds the claim until
	// the borrower repays it.
	_, err = b.Compensate(guarantor, Payout{On: day(2024, 3, 30), Installment: 2, Principal: amt("796.37"), Interest: amt("92.12")})
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{alice, bob, carol, dave, guarantor}, b.Holders())
	_, err = b.Distribute(Repayment{On: day(2024, 4, 2), Installment: 2, Paid: split("796.37", "92.12")})
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{alice, bob, carol, dave}, b.Holders(), "the claim is recovered")

	// Repaid in full, nobody holds anything.
	_, err = b.Distribute(Repayment{On: day(2024, 5, 15), Paid: split(b.Held().Number(), "0")})
	require.NoError(t, err)
	assert.Empty(t, b.Holders())
}

// A book's log and its opening round-trip through JSON unchanged, with
// snake_case names.
func TestBookOpJSONRoundTrip(t *testing.T) {
	ops := []BookOp{
		{Distribute: &period1},
		{Transfer: &TransferOp{Request: TransferRequest{Holding: 1, Buyer: dave, Principal: amt("1000"), On: day(2024, 2, 25),
			Premium: amt("-5")}, Status: LoanStatus{Period: period(2), DaysPastDue: 0}}},
		{Payout: &PayoutOp{Payer: reserveID, Payout: Payout{On: day(2024, 3, 30), Installment: 2, Principal: amt("796.37"), Interest: amt("92.12")}}},
	}
	raw, err := json.Marshal(ops)
	require.NoError(t, err)
	var back []BookOp
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, ops, back)
	assert.Contains(t, string(raw), `"transfer":{"request":{"holding":1,"buyer":"00000000-0000-0000-0000-000000000004"`)
	assert.Contains(t, string(raw), `"status":{"period":{"start":"2024-02-15","due":"2024-03-15","annual_rate":"0.12","day_count":"30/360"},"days_past_due":0}`)
	assert.Contains(t, string(raw), `"payout":{"payer":"00000000-0000-0000-0000-0000000000ee","payout":{"on":"2024-03-30","installment":2`)
	for i, want := range []struct {
		kind string
		day  string
	}{{OpDistribution, "2024-02-15"}, {OpTransfer, "2024-02-25"}, {OpPayout, "2024-03-30"}} {
		assert.Equal(t, want.kind, back[i].Kind())
		assert.Equal(t, want.day, back[i].Day().String())
		assert.NoError(t, back[i].Validate())
	}
	assert.Equal(t, "", BookOp{}.Kind())
	assert.True(t, BookOp{Distribute: &period1, Payout: &PayoutOp{}}.Day().IsZero())

	o := fundedBook(t).Opening()
	raw, err = json.Marshal(o)
	require.NoError(t, err)
	var ob Opening
	require.NoError(t, json.Unmarshal(raw, &ob))
	assert.Equal(t, o, ob)
	assert.Contains(t, string(raw), `{"on":"2024-01-15","fundings":[{"investor":"00000000-0000-0000-0000-000000000001","amount":"CNY 5000.00"}`)
	b, err := ob.Open(loanID, back...)
	require.NoError(t, err)
	assert.Len(t, b.Claims(), 1)
}

// The opening keeps the policy the book was opened under: a log written
// under a permissive transfer policy still replays after the host's policy
// for new loans tightens.
func TestOpeningKeepsPolicy(t *testing.T) {
	p := DefaultBookPolicy()
	p.Transfer.MinHoldingDays = 0
	b, err := NewBook(loanID, day(2024, 1, 15), opsFundings, p)
	require.NoError(t, err)
	op := BookOp{Transfer: &TransferOp{Request: TransferRequest{Holding: 0, Buyer: dave, Principal: amt("1000"), On: day(2024, 1, 20)},
		Status: LoanStatus{Period: period(1)}}}
	_, err = b.Apply(op)
	require.NoError(t, err)
	o := b.Opening()
	_, err = o.Open(loanID, op)
	assert.NoError(t, err)
	_, err = OpenBook(loanID, o.On, o.Fundings, DefaultBookPolicy(), op)
	assert.ErrorIs(t, err, ErrInconsistentOps, "under the 30-day default the stored transfer is refused")
	assert.ErrorIs(t, err, ErrNotEligible)
}

// FuzzOpenBook decodes a log from JSON and replays it: no input panics,
// a refusal is ErrInconsistentOps around a typed error (*fault.Fields or
// *EligibilityError), and a log that replays conserves money and replays
// the same way again after another trip through JSON.
func FuzzOpenBook(f *testing.F) {
	for seed := range uint64(6) {
		rng := rand.New(rand.NewPCG(seed, 7))
		_, _, steps := liveBook(&testing.T{}, rng, 12)
		ops := make([]BookOp, len(steps))
		for i, s := range steps {
			ops[i] = s.op
		}
		raw, _ := json.Marshal(ops)
		f.Add(raw)
	}
	f.Add([]byte(`[{}]`))
	f.Add([]byte(`[{"distribute":{"on":"2024-02-15","paid":{"principal":"CNY 99999999999.99"}}}]`))
	f.Add([]byte(`[{"payout":{"payer":"00000000-0000-0000-0000-0000000000ee","payout":{"on":"2024-03-30","principal":"CNY 1"}}},{"distribute":{"on":"2024-02-15","paid":{"penalty":"CNY 3"}}}]`))
	policy := DefaultBookPolicy()
	policy.Transfer.MinHoldingDays = 0
	f.Fuzz(func(t *testing.T, data []byte) {
		var ops []BookOp
		if json.Unmarshal(data, &ops) != nil {
			return
		}
		b, err := OpenBook(loanID, day(2024, 1, 15), opsFundings, policy, ops...)
		if err != nil {
			require.ErrorIs(t, err, ErrInconsistentOps)
			var bad *fault.Fields
			var ee *EligibilityError
			require.True(t, errors.As(err, &bad) || errors.As(err, &ee), "untyped refusal: %v", err)
			return
		}
		distributed := money.Zero(money.CNY)
		for _, op := range ops {
			if op.Distribute != nil {
				distributed = distributed.Add(op.Distribute.Paid.Principal)
			}
		}
		require.Equal(t, amt("10000").Sub(distributed), b.Outstanding())
		for _, h := range b.Holdings() {
			require.False(t, h.Principal.IsNegative())
		}
		raw, err := json.Marshal(ops)
		require.NoError(t, err)
		var again []BookOp
		require.NoError(t, json.Unmarshal(raw, &again))
		b2, err := OpenBook(loanID, day(2024, 1, 15), opsFundings, policy, again...)
		require.NoError(t, err)
		require.Equal(t, b.Holdings(), b2.Holdings())
		require.Equal(t, b.Claims(), b2.Claims())
	})
}
