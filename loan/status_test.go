package loan

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/schedule"
)

// TestIllegalLoanTransition: a recovery on an active loan is not in the
// loan's lifecycle table; the error is a *fault.Transition that says so,
// wraps ErrIllegalTransition, and the loan is unchanged.
func TestIllegalLoanTransition(t *testing.T) {
	l := newTestLoan(t, testTerms(schedule.EqualPrincipal, 12), DefaultPolicy())
	_, err := l.Post(entry(Recovery, day(2026, 3, 20), yuan("1"), "recover"))
	var tr *fault.Transition
	require.ErrorAs(t, err, &tr)
	assert.ErrorIs(t, err, ErrIllegalTransition)
	assert.Equal(t, fault.CodeTransition, fault.CodeOf(err))
	assert.Equal(t, "loan", tr.Machine)
	assert.Equal(t, "active", tr.From)
	assert.Equal(t, "recover", tr.Event)
	assert.EqualError(t, err, "loan: illegal transition: cannot recover a loan that is active")
	assert.Equal(t, Active, l.Status())
	assert.Equal(t, 1, l.Version())

	to, err := Closed.Next(EventAccelerate)
	assert.Equal(t, Closed, to, "an illegal move stays put")
	assert.ErrorIs(t, err, ErrIllegalTransition)
}

// TestLifecycleTables: the rows of the two tables, read as a host would
// to show the actions a loan or an application allows.
func TestLifecycleTables(t *testing.T) {
	for _, c := range []struct {
		from Status
		loan []Event
		app  []Event
	}{
		{Submitted, nil, []Event{EventApprove, EventReject, EventWithdraw}},
		{Approved, []Event{EventDisburse}, []Event{EventWithdraw, EventCancel, EventDisburse}},
		{Active, []Event{EventAccelerate, EventWriteOff, EventPayOff, EventRepay, EventPrepay, EventCharge,
			EventWaive, EventRestructure, EventRefund, EventReverse, EventPause, EventResume, EventReAge,
			EventReAmortize, EventSettle, EventSell, EventBuyBack, EventDisburseTranche, EventDownPay, EventNonaccrual}, nil},
		{Accelerated, []Event{EventWriteOff, EventPayOff, EventRepay, EventPrepay, EventCharge, EventWaive,
			EventRestructure, EventRefund, EventReverse, EventPause, EventResume, EventSettle, EventSell,
			EventBuyBack, EventNonaccrual}, nil},
		{WrittenOff, []Event{EventPayOff, EventRecover, EventWaive, EventRefund, EventReverse, EventSettle,
			EventSell, EventBuyBack}, nil},
		{Closed, []Event{EventReopen, EventRefund, EventReverse, EventBuyBack}, nil},
		{Rejected, nil, nil},
		{Withdrawn, nil, nil},
		{Cancelled, nil, nil},
	} {
		assert.Equal(t, c.loan, Lifecycle().Events(c.from), "loan from %s", c.from)
		assert.Equal(t, c.app, ApplicationLifecycle().Events(c.from), "application from %s", c.from)
		if c.from.Final() {
			assert.Empty(t, ApplicationLifecycle().Events(c.from), "%s is final", c.from)
		}
	}
	to, err := Accelerated.Next(EventRestructure)
	require.NoError(t, err)
	assert.Equal(t, Active, to, "a restructure ends the acceleration")
}

// textEnum is what every enumeration of the package implements.
type textEnum interface {
	fmt.Stringer
	MarshalText() ([]byte, error)
}

// TestEnumNames: every value's name, as JSON and reports spell it (the
// golden files depend on them), and an unknown name is a *fault.Fields that
// names the enumeration and lists the names allowed.
func TestEnumNames(t *testing.T) {
	for _, c := range []struct {
		what   string
		values []textEnum
		names  []string
		decode func([]byte) error
	}{
		{"status", []textEnum{Submitted, Approved, Rejected, Withdrawn, Cancelled, Active, Accelerated, WrittenOff, Closed},
			[]string{"submitted", "approved", "rejected", "withdrawn", "cancelled", "active", "accelerated", "written-off", "closed"},
			func(b []byte) error { var v Status; return v.UnmarshalText(b) }},
		{"event", []textEnum{EventApprove, EventReject, EventWithdraw, EventCancel, EventDisburse, EventAccelerate,
			EventWriteOff, EventPayOff, EventReopen, EventRepay, EventPrepay, EventCharge, EventWaive, EventRestructure,
			EventRecover, EventRefund, EventReverse, EventPause, EventResume, EventReAge, EventReAmortize, EventSettle,
			EventSell, EventBuyBack, EventDisburseTranche, EventDownPay, EventNonaccrual},
			[]string{"approve", "reject", "withdraw", "cancel", "disburse", "accelerate", "write-off", "pay-off", "reopen",
				"repay", "prepay", "charge", "waive", "restructure", "recover", "refund", "reverse",
				"pause", "resume", "re-age", "re-amortize", "settle", "sell", "buy-back", "disburse-tranche", "down-pay",
				"nonaccrual"},
			func(b []byte) error { var v Event; return v.UnmarshalText(b) }},
		{"kind", []textEnum{Disbursement, Repayment, Prepayment, FeeCharge, Waiver, Restructure, Acceleration,
			WriteOff, Recovery, Refund, Reversal, Pause, Resume, ReAge, ReAmortize, Settlement, Sale, Buyback,
			Tranche, DownPayment, Nonaccrual, AccrualRestored},
			[]string{"disbursement", "repayment", "prepayment", "fee", "waiver", "restructure", "acceleration",
				"write-off", "recovery", "refund", "reversal", "delinquency-pause", "delinquency-resume", "re-age",
				"re-amortize", "settlement", "sale", "buyback", "tranche", "down-payment", "nonaccrual",
				"accrual-restored"},
			func(b []byte) error { var v Kind; return v.UnmarshalText(b) }},
		{"component", []textEnum{Principal, Interest, Penalty, Fee}, []string{"principal", "interest", "penalty", "fee"},
			func(b []byte) error { var v Component; return v.UnmarshalText(b) }},
		{"borrower_kind", []textEnum{Individual, LegalEntity}, []string{"individual", "legal-entity"},
			func(b []byte) error { var v BorrowerKind; return v.UnmarshalText(b) }},
		{"area", []textEnum{BasicEligibility, Operations, Finances, CreditRecord, Management, Guarantees},
			[]string{"basic-eligibility", "operations", "finances", "credit-record", "management", "guarantees"},
			func(b []byte) error { var v Area; return v.UnmarshalText(b) }},
		{"reamortize", []textEnum{KeepTerm, KeepInstallment}, []string{"keep-term", "keep-installment"},
			func(b []byte) error { var v ReamortizeMode; return v.UnmarshalText(b) }},
		{"interest", []textEnum{AccruedInterest, FullPeriodInterest}, []string{"accrued", "full-period"},
			func(b []byte) error { var v PayoffInterest; return v.UnmarshalText(b) }},
		{"base", []textEnum{OverduePrincipal, OverdueInstallment}, []string{"overdue-principal", "overdue-installment"},
			func(b []byte) error { var v PenaltyBase; return v.UnmarshalText(b) }},
		{"rate_kind", []textEnum{ContractMarkup, AnnualRate, DailyRate}, []string{"contract-markup", "annual", "daily"},
			func(b []byte) error { var v PenaltyRateKind; return v.UnmarshalText(b) }},
		{"direction", []textEnum{Horizontal, Vertical}, []string{"horizontal", "vertical"},
			func(b []byte) error { var v Direction; return v.UnmarshalText(b) }},
		{"status", []textEnum{NotDue, Due, PartlyPaid, Paid, Overdue, PaidLate, Capitalized, WrittenOffInstallment,
			ReAgedInstallment},
			[]string{"not-due", "due", "partly-paid", "paid", "overdue", "paid-late", "capitalized", "written-off", "re-aged"},
			func(b []byte) error { var v InstallmentStatus; return v.UnmarshalText(b) }},
		{"day_one", []textEnum{AfterDue, DueDate}, []string{"after-due", "due-date"},
			func(b []byte) error { var v DayOne; return v.UnmarshalText(b) }},
		{"rounding", []textEnum{PerPeriod, Daily}, []string{"per-period", "daily"},
			func(b []byte) error { var v AccrualRounding; return v.UnmarshalText(b) }},
		{"excess", []textEnum{HoldAsCredit, NextInstallments, ReduceTerm, ReduceInstallment},
			[]string{"hold-as-credit", "next-installments", "reduce-term", "reduce-installment"},
			func(b []byte) error { var v ExcessMode; return v.UnmarshalText(b) }},
		{"recovery_excess", []textEnum{RefuseExcess, ExcessAsIncome}, []string{"refuse", "income"},
			func(b []byte) error { var v RecoveryExcess; return v.UnmarshalText(b) }},
		{"late_fee_base", []textEnum{LateOnPrincipal, LateOnPrincipalInterest, LateOnInstallment},
			[]string{"overdue-principal", "overdue-principal-interest", "installment"},
			func(b []byte) error { var v LateFeeBase; return v.UnmarshalText(b) }},
		{"late_fee_as", []textEnum{AsFee, AsPenalty}, []string{"fee", "penalty"},
			func(b []byte) error { var v ChargeKind; return v.UnmarshalText(b) }},
		{"bucket", []textEnum{PastDuePenalty, PastDueFee, PastDueInterest, PastDuePrincipal, DuePenalty, DueFee,
			DueInterest, DuePrincipal, InAdvancePenalty, InAdvanceFee, InAdvanceInterest, InAdvancePrincipal},
			[]string{"past-due-penalty", "past-due-fee", "past-due-interest", "past-due-principal", "due-penalty",
				"due-fee", "due-interest", "due-principal", "in-advance-penalty", "in-advance-fee",
				"in-advance-interest", "in-advance-principal"},
			func(b []byte) error { var v Bucket; return v.UnmarshalText(b) }},
		{"transaction", []textEnum{AnyTransaction, RepaymentTransaction, PrepaymentTransaction, CreditTransaction,
			SettlementTransaction, DownPaymentTransaction},
			[]string{"default", "repayment", "prepayment", "credit", "settlement", "down-payment"},
			func(b []byte) error { var v Transaction; return v.UnmarshalText(b) }},
		{"past_due", []textEnum{OldestFirst, NewestFirst}, []string{"oldest-first", "newest-first"},
			func(b []byte) error { var v Seniority; return v.UnmarshalText(b) }},
		{"in_advance", []textEnum{NextInstallment, LastInstallment}, []string{"next-installment", "last-installment"},
			func(b []byte) error { var v FutureOrder; return v.UnmarshalText(b) }},
		{"unit", []textEnum{Days, Weeks, Months, Years}, []string{"days", "weeks", "months", "years"},
			func(b []byte) error { var v TermUnit; return v.UnmarshalText(b) }},
	} {
		t.Run(fmt.Sprintf("%T", c.values[0]), func(t *testing.T) {
			require.Len(t, c.values, len(c.names))
			for i, v := range c.values {
				b, err := v.MarshalText()
				require.NoError(t, err)
				assert.Equal(t, c.names[i], string(b))
				assert.Equal(t, c.names[i], v.String())
				assert.NoError(t, c.decode(b))
			}
			err := c.decode([]byte("no-such-name"))
			assert.ErrorIs(t, err, ErrInvalidInput)
			var bad *fault.Fields
			require.True(t, errors.As(err, &bad), "%v", err)
			f, ok := bad.Get(c.what)
			require.True(t, ok, "%v", err)
			assert.Equal(t, "no-such-name", f.Value)
			assert.Equal(t, fmt.Sprintf("unknown %s %q; want one of: %s", c.what, "no-such-name", strings.Join(c.names, ", ")), f.Problem)
		})
	}
}

// TestUnknownNameInJSON: an unknown kind in a stored loan's journal comes
// back as the enumeration's own error, not buried in a decoding message.
func TestUnknownNameInJSON(t *testing.T) {
	l := newTestLoan(t, testTerms(schedule.EqualPrincipal, 12), DefaultPolicy())
	b, err := json.Marshal(l)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	m["journal"].([]any)[0].(map[string]any)["kind"] = "disbursal"
	b, err = json.Marshal(m)
	require.NoError(t, err)
	err = new(Loan).UnmarshalJSON(b)
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	f, ok := bad.Get("kind")
	require.True(t, ok, "%v", err)
	assert.Contains(t, f.Problem, "want one of: disbursement, repayment")
	assert.ErrorIs(t, err, ErrInvalidInput)
}
