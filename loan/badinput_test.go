package loan

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// loanState builds the loan a bad-input case starts from.
type loanState func(t *testing.T) *Loan

func approvedLoan(t *testing.T) *Loan {
	l, err := New(uuid.New(), testTerms(schedule.EqualPrincipal, 3), DefaultPolicy())
	require.NoError(t, err)
	return l
}

// activeLoan: #1 paid on time; a repayment of 100.00 on 2026-03-15 is
// already journaled.
func activeLoan(t *testing.T) *Loan {
	l := threeMonthLoan(t, DefaultPolicy())
	mustPost(t, l, entry(Repayment, day(2026, 2, 15), yuan("4120"), "r1"))
	mustPost(t, l, entry(Repayment, day(2026, 3, 15), yuan("100"), "r2"))
	return l
}

func closedLoan(t *testing.T) *Loan {
	l := threeMonthLoan(t, DefaultPolicy())
	e := entry(Prepayment, day(2026, 1, 15), yuan("12000"), "payoff")
	e.Payoff = true
	mustPost(t, l, e)
	require.Equal(t, Closed, l.Status())
	return l
}

func writtenOffLoan(t *testing.T) *Loan {
	l := threeMonthLoan(t, DefaultPolicy())
	e := entry(WriteOff, day(2026, 3, 1), yuan("0"), "wo")
	e.Approver, e.Reason = "board", "insolvent"
	mustPost(t, l, e)
	return l
}

func with(k Kind, d string, a money.Amount, key string, mut func(*Entry)) Entry {
	v, _ := schedule.ParseDate(d)
	e := entry(k, v, a, key)
	if mut != nil {
		mut(&e)
	}
	return e
}

func TestBadInputLeavesLoanUnchanged(t *testing.T) {
	// names reports a *fault.Fields that names field: the type alone
	// would not catch a check reporting the wrong field.
	names := func(field string) func(error) bool {
		return func(err error) bool {
			var v *fault.Fields
			return errors.As(err, &v) && v.Has(field) && errors.Is(err, ErrInvalidInput)
		}
	}
	isTransition := func(err error) bool {
		var v *fault.Transition
		return errors.As(err, &v) && errors.Is(err, ErrIllegalTransition)
	}
	isDuplicate := func(err error) bool { return errors.Is(err, ErrDuplicateKey) }
	reverse := func(target string) func(*Entry) {
		return func(e *Entry) {
			e.Reverses, e.Reason = uuid.NewSHA1(uuid.NameSpaceOID, []byte(target)), "mistake"
		}
	}
	restructure := func(c *Change) func(*Entry) {
		return func(e *Entry) { e.Change, e.Approver, e.Reason = c, "committee", "hardship" }
	}
	usd := money.MustParse("100", money.USD)
	cases := []struct {
		name  string
		state loanState
		entry Entry
		is    func(error) bool
	}{
		{"zero amount", activeLoan, with(Repayment, "2026-03-20", yuan("0"), "x", nil), names("amount")},
		{"negative amount", activeLoan, with(Repayment, "2026-03-20", yuan("-5"), "x", nil), names("amount")},
		{"wrong currency", activeLoan, with(Repayment, "2026-03-20", usd, "x", nil), names("amount")},
		{"amount beyond range", activeLoan, with(Repayment, "2026-03-20", money.New(money.MaxMinor, money.CNY), "x", nil), names("amount")},
		{"missing id", activeLoan, with(Repayment, "2026-03-20", yuan("1"), "x", func(e *Entry) { e.ID = uuid.Nil }), names("id")},
		{"missing idempotency key", activeLoan, with(Repayment, "2026-03-20", yuan("1"), "", nil), names("idempotency_key")},
		{"missing actor", activeLoan, with(Repayment, "2026-03-20", yuan("1"), "x", func(e *Entry) { e.Actor = "" }), names("actor")},
		{"missing booking time", activeLoan, with(Repayment, "2026-03-20", yuan("1"), "x", func(e *Entry) { e.BookedAt = time.Time{} }), names("booked_at")},
		{"unknown kind", activeLoan, with(Kind(99), "2026-03-20", yuan("1"), "x", nil), names("kind")},
		{"seq set by the caller", activeLoan, with(Repayment, "2026-03-20", yuan("1"), "x", func(e *Entry) { e.Seq = 7 }), names("seq")},
		{"missing value date", activeLoan, with(Repayment, "2026-03-20", yuan("1"), "x", func(e *Entry) { e.ValueDate = (Entry{}).ValueDate }), func(err error) bool {
			var v *fault.Fields
			got, has := v.Get("value_date")
			if errors.As(err, &v) {
				got, has = v.Get("value_date")
			}
			return has && got.Problem == "required" && v.Len() == 1 // not also "before the disbursement"
		}},
		{"date before disbursement", activeLoan, with(Repayment, "2026-01-14", yuan("1"), "x", nil), names("value_date")},
		{"paying a closed loan", closedLoan, with(Repayment, "2026-03-20", yuan("1"), "x", nil), isTransition},
		{"prepaying a closed loan", closedLoan, with(Prepayment, "2026-03-20", yuan("1"), "x", nil), isTransition},
		{"repaying before disbursement", approvedLoan, with(Repayment, "2026-03-20", yuan("1"), "x", nil), isTransition},
		{"second disbursement", activeLoan, with(Disbursement, "2026-01-15", yuan("12000"), "x", nil), isTransition},
		{"disbursement of another amount", approvedLoan, with(Disbursement, "2026-01-15", yuan("11000"), "x", nil), names("amount")},
		{"disbursement on another day", approvedLoan, with(Disbursement, "2026-01-16", yuan("12000"), "x", nil), names("value_date")},
		{"reversing a reversal", func(t *testing.T) *Loan {
			l := activeLoan(t)
			mustPost(t, l, with(Reversal, "2026-03-16", yuan("0"), "rev", reverse("r2")))
			return l
		}, with(Reversal, "2026-03-17", yuan("0"), "x", reverse("rev")), names("reverses")},
		{"reversing twice", func(t *testing.T) *Loan {
			l := activeLoan(t)
			mustPost(t, l, with(Reversal, "2026-03-16", yuan("0"), "rev", reverse("r2")))
			return l
		}, with(Reversal, "2026-03-17", yuan("0"), "x", reverse("r2")), names("reverses")},
		{"reversing an unknown entry", activeLoan, with(Reversal, "2026-03-20", yuan("0"), "x", reverse("nope")), names("reverses")},
		{"reversing the disbursement", activeLoan, with(Reversal, "2026-03-20", yuan("0"), "x", reverse("disburse")), names("reverses")},
		{"reversal dated before its entry", activeLoan, with(Reversal, "2026-03-01", yuan("0"), "x", reverse("r2")), names("value_date")},
		{"reversal without reason", activeLoan, with(Reversal, "2026-03-20", yuan("0"), "x", func(e *Entry) { reverse("r2")(e); e.Reason = "" }), names("reason")},
		{"reversal with an amount", activeLoan, with(Reversal, "2026-03-20", yuan("5"), "x", reverse("r2")), names("amount")},
		{"restructure without approver", activeLoan, with(Restructure, "2026-03-20", yuan("0"), "x", func(e *Entry) {
			restructure(&Change{ExtendPeriods: 1})(e)
			e.Approver = ""
		}), names("approver")},
		{"restructure approved by its maker", activeLoan, with(Restructure, "2026-03-20", yuan("0"), "x", func(e *Entry) {
			restructure(&Change{ExtendPeriods: 1})(e)
			e.Approver = e.Actor
		}), names("approver")},
		{"restructure shortening below the paid periods", activeLoan, with(Restructure, "2026-03-20", yuan("0"), "x", restructure(&Change{ExtendPeriods: -5})), names("change.extend_periods")},
		{"restructure changing nothing", activeLoan, with(Restructure, "2026-03-20", yuan("0"), "x", restructure(&Change{})), names("change")},
		{"restructure without change", activeLoan, with(Restructure, "2026-03-20", yuan("0"), "x", restructure(nil)), names("change")},
		{"restructure to a negative rate", activeLoan, with(Restructure, "2026-03-20", yuan("0"), "x", restructure(&Change{Rate: ptr(money.MustRate("-1%"))})), names("change.rate")},
		{"holiday as long as the loan", activeLoan, with(Restructure, "2026-03-20", yuan("0"), "x", restructure(&Change{HolidayPeriods: 1})), names("change.holiday_periods")},
		{"write-off without reason", activeLoan, with(WriteOff, "2026-03-20", yuan("0"), "x", func(e *Entry) { e.Approver = "board" }), names("reason")},
		{"write-off of the wrong amount", activeLoan, with(WriteOff, "2026-03-20", yuan("1"), "x", func(e *Entry) { e.Approver, e.Reason = "board", "insolvent" }), names("amount")},
		{"recovery on an active loan", activeLoan, with(Recovery, "2026-03-20", yuan("1"), "x", nil), isTransition},
		{"recovery above the claim", writtenOffLoan, with(Recovery, "2026-04-01", yuan("99999"), "x", nil), names("amount")},
		{"repayment on a written-off loan", writtenOffLoan, with(Repayment, "2026-04-01", yuan("1"), "x", nil), isTransition},
		{"refund above the credit", activeLoan, with(Refund, "2026-03-20", yuan("1"), "x", nil), names("amount")},
		{"waiving principal of an active loan", activeLoan, with(Waiver, "2026-03-20", yuan("1"), "x", func(e *Entry) { e.Component, e.Reason = Principal, "goodwill" }), names("component")},
		{"waiving more penalty than due", activeLoan, with(Waiver, "2026-03-20", yuan("500"), "x", func(e *Entry) { e.Component, e.Reason = Penalty, "goodwill" }), names("amount")},
		{"waiver of an unknown component", activeLoan, with(Waiver, "2026-03-20", yuan("1"), "x", func(e *Entry) { e.Component, e.Reason = Component(9), "goodwill" }), names("component")},
		{"fee on an unknown installment", activeLoan, with(FeeCharge, "2026-03-20", yuan("1"), "x", func(e *Entry) { e.Installment = 42 }), names("installment")},
		{"payoff below the payoff amount", activeLoan, with(Prepayment, "2026-03-20", yuan("1000"), "x", func(e *Entry) { e.Payoff = true }), names("amount")},
		{"prepayment leaving nothing for principal", activeLoan, with(Prepayment, "2026-03-16", yuan("3980"), "x", nil), names("amount")},
		{"re-amortise on a repayment", activeLoan, with(Repayment, "2026-03-20", yuan("1"), "x", func(e *Entry) { e.Reamortize = KeepTerm }), names("reamortize")},
		{"unknown re-amortisation mode", activeLoan, with(Prepayment, "2026-03-20", yuan("100"), "x", func(e *Entry) { e.Reamortize = 9 }), names("reamortize")},
		{"component on a repayment", activeLoan, with(Repayment, "2026-03-20", yuan("1"), "x", func(e *Entry) { e.Component = Fee }), names("component")},
		{"same key, other payload", activeLoan, with(Repayment, "2026-03-20", yuan("1"), "r2", nil), isDuplicate},
		{"entry id reused", activeLoan, with(Repayment, "2026-03-20", yuan("1"), "x", func(e *Entry) { e.ID = uuid.NewSHA1(uuid.NameSpaceOID, []byte("r1")) }), names("id")},
		{"backdated write-off before a repayment", activeLoan, with(WriteOff, "2026-03-01", yuan("0"), "x", func(e *Entry) { e.Approver, e.Reason = "board", "insolvent" }), isTransition},
	}
	require.GreaterOrEqual(t, len(cases), 30)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := c.state(t)
			before, err := json.Marshal(l)
			require.NoError(t, err)
			posBefore, err := l.PositionAt(day(2026, 6, 1))
			require.NoError(t, err)
			_, err = l.Post(c.entry)
			require.Error(t, err)
			assert.True(t, c.is(err), "unexpected error type: %v", err)
			after, _ := json.Marshal(l)
			assert.JSONEq(t, string(before), string(after))
			assert.Equal(t, posBefore, mustPos(t, l, day(2026, 6, 1)))
		})
	}
}

func ptr[T any](v T) *T { return &v }
