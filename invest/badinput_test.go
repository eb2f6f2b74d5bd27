package invest

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// bookSnapshot copies everything observable of a book and a reserve, so a
// test can compare them before and after a refused operation.
func bookSnapshot(b *Book, r *Reserve) []any {
	return []any{b.Holdings(), b.Claims(), b.seq, r.Balance(), r.Ledger()}
}

// Issue 8's bad inputs: each returns a typed error wrapping its sentinel
// and leaves every object exactly as it was.
func TestBadInputsChangeNothing(t *testing.T) {
	type world struct {
		l *Listing // open, 1,000 of 10,000 committed
		s *Listing // settled
		b *Book
		r *Reserve
	}
	snapshot := func(w world) any {
		return append([]any{w.l.State(), w.l.Commitments(), w.s.State(), w.s.Commitments()}, bookSnapshot(w.b, w.r)...)
	}
	full := TransferRequest{Holding: 0, Buyer: dave, Principal: amt("4605.76"), On: day(2024, 2, 25)}
	cases := []struct {
		name     string
		op       func(w world) error
		sentinel error
		typed    any // pointer to the expected error type
	}{
		{"over-subscription", func(w world) error { return w.l.Commit(dave, amt("9000.01"), day(2024, 1, 10)) },
			ErrOversubscribed, new(*fault.Fields)},
		{"commit to a settled listing", func(w world) error { return w.s.Commit(dave, amt("100"), day(2024, 1, 10)) },
			ErrIllegalTransition, new(*fault.Transition)},
		{"transfer more than held", func(w world) error {
			r := full
			r.Principal = amt("4605.77")
			_, err := w.b.Transfer(r, status2)
			return err
		}, ErrInsufficientHolding, new(*fault.Fields)},
		{"transfer to oneself", func(w world) error {
			r := full
			r.Buyer = alice
			_, err := w.b.Transfer(r, status2)
			return err
		}, ErrSelfTransfer, new(*fault.Fields)},
		{"transfer in the blackout window", func(w world) error {
			r := full
			r.On = day(2024, 3, 14)
			_, err := w.b.Transfer(r, status2)
			return err
		}, ErrNotEligible, new(*EligibilityError)},
		{"transfer while overdue", func(w world) error {
			_, err := w.b.Transfer(full, LoanStatus{Period: period(2), DaysPastDue: 5})
			return err
		}, ErrNotEligible, new(*EligibilityError)},
		{"transfer of an unknown holding", func(w world) error {
			r := full
			r.Holding = 99
			_, err := w.b.Transfer(r, status2)
			return err
		}, ErrInvalidInput, new(*fault.Fields)},
		{"transfer outside the period", func(w world) error {
			r := full
			r.On = day(2024, 4, 1)
			_, err := w.b.Transfer(r, status2)
			return err
		}, ErrInvalidInput, new(*fault.Fields)},
		{"reserve payout beyond the balance", func(w world) error {
			_, err := w.r.Pay(w.b, Payout{On: day(2024, 3, 30), Installment: 2, Principal: amt("796.37"), Interest: amt("92.12")})
			return err
		}, ErrInsufficientReserve, new(*fault.Fields)},
		{"payout of more principal than investors hold", func(w world) error {
			_, err := w.r.Pay(w.b, Payout{On: day(2024, 3, 30), Principal: amt("9211.52")})
			return err
		}, ErrInsufficientHolding, new(*fault.Fields)},
		{"distribute more principal than held", func(w world) error {
			_, err := w.b.Distribute(Repayment{On: day(2024, 3, 15), Installment: 2, Paid: split("9211.52", "0")})
			return err
		}, ErrInsufficientHolding, new(*fault.Fields)},
		{"distribute a negative amount", func(w world) error {
			_, err := w.b.Distribute(Repayment{On: day(2024, 3, 15), Installment: 2, Paid: split("-1", "92.12")})
			return err
		}, ErrInvalidInput, new(*fault.Fields)},
		{"distribute another currency", func(w world) error {
			p := split("1", "1")
			p.Interest = money.New(100, money.USD)
			_, err := w.b.Distribute(Repayment{On: day(2024, 3, 15), Installment: 2, Paid: p})
			return err
		}, ErrInvalidInput, new(*fault.Fields)},
		{"compensate with a malformed arrears", func(w world) error {
			_, err := w.r.Compensate(day(2024, 3, 30), []Default{{w.b, Arrears{DaysPastDue: 15, Overdue: []OverdueInstallment{inst2, inst2}}}})
			return err
		}, ErrInvalidInput, new(*fault.Fields)},
		{"compensate past due with no overdue installment", func(w world) error {
			_, err := w.r.Compensate(day(2024, 3, 30), []Default{{w.b, Arrears{DaysPastDue: 15}}})
			return err
		}, ErrInvalidInput, new(*fault.Fields)},
		{"compensate with arrears due later", func(w world) error {
			_, err := w.r.Compensate(day(2024, 3, 30), []Default{{w.b, Arrears{DaysPastDue: 15, Overdue: []OverdueInstallment{inst3}}}})
			return err
		}, ErrInvalidInput, new(*fault.Fields)},
		{"payout to a nil book", func(w world) error {
			_, err := w.r.Pay(nil, Payout{On: day(2024, 3, 30), Principal: amt("1")})
			return err
		}, ErrInvalidInput, new(*fault.Fields)},
		{"recover a nil distribution", func(w world) error {
			_, err := w.r.Recover(nil)
			return err
		}, ErrInvalidInput, new(*fault.Fields)},
		{"recover a distribution in another currency", func(w world) error {
			usd := func(minor int64) money.Amount { return money.New(minor, money.USD) }
			_, err := w.r.Recover(&Distribution{Loan: loanID, Seq: 2, Fees: usd(0), Receipts: []Receipt{{Holder: reserveID,
				Gross: loan.Split{Principal: usd(100), Interest: usd(0), Penalty: usd(0), Fee: usd(0)}, Fee: usd(0)}}})
			return err
		}, ErrInvalidInput, new(*fault.Fields)},
		{"reserve credited twice", func(w world) error {
			_, err := w.r.Recover(&Distribution{Loan: loanID, Seq: 1, Fees: amt("0")})
			return err
		}, ErrDuplicate, new(*fault.Fields)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newListing(t)
			require.NoError(t, l.Commit(alice, amt("1000"), day(2024, 1, 10)))
			s := newListing(t)
			require.NoError(t, s.Commit(alice, amt("10000"), day(2024, 1, 10)))
			_, err := s.Settle(day(2024, 1, 15), DefaultBookPolicy())
			require.NoError(t, err)
			w := world{l: l, s: s, b: afterPeriod1(t), r: newReserve(t, "500")}
			w.r.credited[creditKey{loanID, 1}] = true
			before := snapshot(w)
			err = c.op(w)
			require.Error(t, err)
			assert.ErrorIs(t, err, c.sentinel)
			assert.True(t, errors.As(err, c.typed), "typed error %T", c.typed)
			assert.Equal(t, before, snapshot(w), "nothing changed")
		})
	}
}

func TestPolicyJSONRoundTrip(t *testing.T) {
	bp := DefaultBookPolicy()
	bp.Transfer.MinAmount = amt("100")
	b, err := json.Marshal(bp)
	require.NoError(t, err)
	var bp2 BookPolicy
	require.NoError(t, json.Unmarshal(b, &bp2))
	assert.Equal(t, bp, bp2)
	assert.Contains(t, string(b), `"basis":"receipt"`)

	rp := DefaultReservePolicy()
	b, err = json.Marshal(rp)
	require.NoError(t, err)
	var rp2 ReservePolicy
	require.NoError(t, json.Unmarshal(b, &rp2))
	assert.Equal(t, rp, rp2)
	assert.Contains(t, string(b), `"cover":"outstanding"`)

	assert.Error(t, json.Unmarshal([]byte(`{"servicing":{"basis":"bogus"}}`), &bp2))
	assert.Error(t, json.Unmarshal([]byte(`{"triggers":[{"cover":"bogus"}]}`), &rp2))
}

// Validate reports every bad field at once.
func TestPolicyValidate(t *testing.T) {
	require.NoError(t, DefaultBookPolicy().Validate())
	require.NoError(t, DefaultReservePolicy().Validate())

	bp := BookPolicy{
		Servicing: ServicingFee{Basis: 9, Rate: money.MustRate("101%"), Rounding: 42},
		Transfer: TransferPolicy{MinHoldingDays: -1, BlackoutDays: -1, MaxDiscount: money.MustRate("-1%"),
			MinAmount: amt("-1"), MaxTransfers: -1, SellerFee: money.MustRate("2"), SellerFeeRounding: 42},
	}
	var ve *fault.Fields
	require.ErrorAs(t, bp.Validate(), &ve)
	assert.ErrorIs(t, ve, ErrInvalidPolicy)
	assert.Len(t, ve.List, 10)

	rp := ReservePolicy{LoanShare: money.MustRate("-1%"), RepaymentShare: money.MustRate("200%"), Rounding: 9,
		Triggers: []Trigger{{DaysPastDue: 90, Cover: CoverOutstanding}, {DaysPastDue: 15, Cover: 7}}}
	require.ErrorAs(t, rp.Validate(), &ve)
	assert.Len(t, ve.List, 5)

	// The constructors report the policy's own fields under "policy.",
	// wrapping ErrInvalidPolicy as well as ErrInvalidInput.
	fieldsOf := func(err error) []string {
		var ve *fault.Fields
		require.ErrorAs(t, err, &ve)
		var fs []string
		for _, f := range ve.List {
			fs = append(fs, f.Name)
		}
		return fs
	}
	_, err := NewBook(loanID, day(2024, 1, 15), []Funding{{alice, amt("1")}}, bp)
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.ErrorIs(t, err, ErrInvalidPolicy)
	assert.Len(t, fieldsOf(err), 10)
	assert.Contains(t, fieldsOf(err), "policy.servicing.rate")
	_, err = NewReserve(reserveID, money.CNY, rp)
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.ErrorIs(t, err, ErrInvalidPolicy)
	assert.Len(t, fieldsOf(err), 5)
	assert.Contains(t, fieldsOf(err), "policy.loan_share")
	// A bad input alone does not claim a bad policy.
	_, err = NewReserve(reserveID, money.CNY, DefaultReservePolicy())
	require.NoError(t, err)
	_, err = NewReserve(uuid.Nil, money.CNY, DefaultReservePolicy())
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.NotErrorIs(t, err, ErrInvalidPolicy)
}

func TestNewBookValidation(t *testing.T) {
	_, err := NewBook(loanID, day(2024, 1, 15), []Funding{{alice, amt("1")}, {bob, money.New(1, money.USD)}, {carol, amt("0")}}, DefaultBookPolicy())
	var ve *fault.Fields
	require.ErrorAs(t, err, &ve)
	assert.Len(t, ve.List, 2)
	_, err = NewBook(loanID, day(2024, 1, 15), nil, DefaultBookPolicy())
	assert.ErrorIs(t, err, ErrInvalidInput)
}
