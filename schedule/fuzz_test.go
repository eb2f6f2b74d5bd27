package schedule_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// FuzzGenerate builds terms from random inputs and checks the invariants
// issue 2 asks of every schedule: the principal parts sum exactly to the
// principal (plus capitalised interest); balances never increase outside
// capitalised grace and end at zero; no amount is negative; every amount is
// in the loan's currency (so has its scale); payment = principal +
// interest; due dates strictly increase; and a plain equal-installment
// schedule has equal payments except the last.
func FuzzGenerate(f *testing.F) {
	f.Add(int64(1_000_000_00), uint32(490), uint8(1), uint8(4), uint16(360), int32(20468), int16(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), false, uint8(0), uint8(2))
	f.Add(int64(10_000_00), uint32(1200), uint8(5), uint8(4), uint16(12), int32(20468), int16(0), uint8(2), uint8(0), uint8(1), uint8(0), uint8(0), false, uint8(0), uint8(0))
	f.Add(int64(10_000_00), uint32(1200), uint8(2), uint8(3), uint16(24), int32(20484), int16(40), uint8(3), uint8(1), uint8(2), uint8(1), uint8(2), true, uint8(1), uint8(1))
	f.Add(int64(500_00), uint32(3650), uint8(4), uint8(8), uint16(1), int32(20468), int16(0), uint8(4), uint8(1), uint8(3), uint8(0), uint8(0), false, uint8(3), uint8(0))
	f.Add(int64(7), uint32(0), uint8(1), uint8(1), uint16(52), int32(19000), int16(3), uint8(1), uint8(1), uint8(4), uint8(3), uint8(3), false, uint8(2), uint8(1))
	f.Fuzz(func(t *testing.T, principal int64, rateBP uint32, method, freq uint8, periods uint16, startDay int32,
		firstDueOffset int16, dayCount, basis, rounding, pGrace, iGrace uint8, capitalize bool, bizDay, currency uint8) {
		cur := []money.Currency{money.CNY, money.JPY, money.KWD}[currency%3]
		rate, err := money.NewRate(int64(rateBP%200_000), 10_000) // up to 2000 % a year
		if err != nil {
			t.Skip()
		}
		start := date.Date{}.Add(date.PeriodOfDays(startDay % 100_000))
		terms := schedule.Terms{
			Principal: money.New(principal%money.MaxMinor, cur), AnnualRate: rate,
			Method: schedule.Method(method % 7), Frequency: schedule.Frequency(freq % 10),
			Periods: int(periods % 800), TermDays: int(periods % 800), Start: start,
			DayCount: schedule.DayCount(dayCount % 6), Basis: schedule.InterestBasis(basis % 3),
			Rounding: money.RoundingMode(rounding % 7), PrincipalGrace: int(pGrace % 8), InterestGrace: int(iGrace % 8),
			CapitalizeGrace: capitalize, BusinessDay: schedule.BusinessDayConvention(bizDay % 5),
		}
		if terms.Frequency == schedule.Days {
			terms.Periods = 1
		} else {
			terms.TermDays = 0
		}
		if firstDueOffset != 0 {
			terms.FirstDue = start.Add(date.PeriodOfDays(firstDueOffset % 200))
		}
		s, err := schedule.Generate(terms)
		if err != nil {
			if !errors.Is(err, schedule.ErrInvalidTerms) {
				t.Fatalf("error %v does not wrap ErrInvalidTerms", err)
			}
			return
		}
		checkInvariants(t, s)
	})
}

func checkInvariants(t *testing.T, s *schedule.Schedule) {
	t.Helper()
	terms := s.Terms
	cur := terms.Principal.Currency()
	principal, capitalized := money.Zero(cur), money.Zero(cur)
	prevBal, prevDue := terms.Principal, terms.Start
	for i, in := range s.Installments {
		for _, a := range []money.Amount{in.Principal, in.Interest, in.Payment, in.Balance, in.Capitalized} {
			if a.IsNegative() || a.Currency() != cur {
				t.Fatalf("installment %d: amount %s is negative or not in %s", in.Number, a, cur)
			}
		}
		if in.Payment != in.Principal.Add(in.Interest) {
			t.Fatalf("installment %d: payment %s ≠ principal + interest", in.Number, in.Payment)
		}
		if in.Balance.Cmp(prevBal) > 0 && in.Capitalized.IsZero() && len(terms.Tranches) == 0 {
			t.Fatalf("installment %d: balance rose from %s to %s", in.Number, prevBal, in.Balance)
		}
		// A row paid at a disbursement (a down payment, upfront interest)
		// falls due on the day its period starts; every other after it.
		ordered := in.Due.After(prevDue) || in.AtDisbursement() && !in.Due.Before(prevDue)
		if !ordered || in.Number != i+1 {
			t.Fatalf("installment %d: due %s not after %s", in.Number, in.Due, prevDue)
		}
		principal, capitalized = principal.Add(in.Principal), capitalized.Add(in.Capitalized)
		prevBal, prevDue = in.Balance, in.Due
	}
	if !prevBal.IsZero() {
		t.Fatalf("final balance %s", prevBal)
	}
	if principal != terms.Principal.Add(capitalized) {
		t.Fatalf("principal parts %s ≠ principal %s + capitalised %s", principal, terms.Principal, capitalized)
	}
	plain := terms.Method == schedule.EqualInstallment && terms.PrincipalGrace == 0 && terms.InterestGrace == 0 &&
		terms.FirstDue.IsZero() && terms.Basis == schedule.Periodic && terms.Frequency != schedule.Days &&
		terms.DownPayment.IsZero() && len(terms.Tranches) == 0 && terms.SemiMonthlyDays == [2]int{}
	if plain {
		rows := s.Installments
		for _, in := range rows[:len(rows)-1] {
			// Rows after the balance ran out early (extreme rounding modes on
			// tiny loans) are zero; all others carry the level payment.
			if in.Payment != rows[0].Payment && !in.Payment.IsZero() && in.Balance.IsPositive() {
				t.Fatalf("installment %d pays %s, the first %s", in.Number, in.Payment, rows[0].Payment)
			}
		}
	}
}

// FuzzGenerateOptions builds terms with the options of issue 17 (grace
// layout, broken-period convention, periods of N days, fixed semi-monthly
// days, installment multiples, a down payment, tranches) from random
// inputs: every schedule keeps FuzzGenerate's invariants, and every
// refusal is a typed error.
func FuzzGenerateOptions(f *testing.F) {
	f.Add(int64(10_000_00), uint32(1200), uint8(1), uint8(4), uint16(12), int32(20468), int16(45), uint8(2), uint8(3), true, uint8(1), uint8(0), uint16(0), uint8(0), uint8(25), uint16(0), uint16(0))
	f.Add(int64(10_000_00), uint32(1200), uint8(5), uint8(3), uint16(24), int32(20484), int16(0), uint8(0), uint8(0), false, uint8(0), uint8(1), uint16(0), uint8(225), uint8(0), uint16(100), uint16(45))
	f.Add(int64(500_00), uint32(0), uint8(1), uint8(9), uint16(3), int32(19358), int16(0), uint8(0), uint8(0), false, uint8(0), uint8(0), uint16(15), uint8(0), uint8(25), uint16(0), uint16(0))
	f.Add(int64(2_000_00), uint32(900), uint8(2), uint8(4), uint16(6), int32(20000), int16(45), uint8(0), uint8(1), false, uint8(2), uint8(0), uint16(0), uint8(0), uint8(10), uint16(300), uint16(70))
	f.Fuzz(func(t *testing.T, principal int64, rateBP uint32, method, freq uint8, periods uint16, startDay int32,
		firstDueOffset int16, iGrace, pGrace uint8, overlapping bool, broken, multiple uint8, periodDays uint16,
		semiDay, downPct uint8, trancheShare, trancheDay uint16) {
		rate, err := money.NewRate(int64(rateBP%100_000), 10_000)
		if err != nil {
			t.Skip()
		}
		start := date.Date{}.Add(date.PeriodOfDays(startDay % 100_000))
		terms := schedule.Terms{
			Principal: money.New(principal%money.MaxMinor, money.CNY), AnnualRate: rate,
			Method: schedule.Method(method % 6), Frequency: schedule.Frequency(freq % 10), Periods: int(periods % 400),
			Start: start, InterestGrace: int(iGrace % 6), PrincipalGrace: int(pGrace % 6),
			BrokenPeriod: schedule.BrokenPeriodInterest(broken % 4), PeriodDays: int(periodDays % 400),
		}
		if overlapping {
			terms.GraceLayout = schedule.GraceOverlapping
		}
		if multiple%3 > 0 {
			terms.InstallmentMultiple = money.New([]int64{100, 1000}[multiple%3-1], money.CNY)
		}
		if semiDay > 0 {
			terms.SemiMonthlyDays = [2]int{int(semiDay % 32), int(semiDay%32) + 1 + int(semiDay>>5)*2}
		}
		if downPct > 0 {
			terms.DownPayment.Share, _ = money.NewRate(int64(downPct), 100)
		}
		if firstDueOffset != 0 {
			terms.FirstDue = start.Add(date.PeriodOfDays(firstDueOffset % 200))
		}
		if trancheShare > 0 && terms.Principal.IsPositive() {
			second := money.New(terms.Principal.Minor()*int64(trancheShare%1000)/1000, money.CNY)
			terms.Tranches = []schedule.Tranche{
				{Date: start, Amount: terms.Principal.Sub(second)},
				{Date: start.Add(date.PeriodOfDays(trancheDay % 2000)), Amount: second},
			}
		}
		s, err := schedule.Generate(terms)
		if err != nil {
			if !errors.Is(err, schedule.ErrInvalidTerms) {
				t.Fatalf("error %v does not wrap ErrInvalidTerms", err)
			}
			return
		}
		checkInvariants(t, s)
		if len(terms.Tranches) > 1 {
			first, err := terms.Plan(terms.Tranches[:1])
			if err != nil {
				t.Fatalf("the first tranche of a valid plan: %v", err)
			}
			if got := first.Totals().Principal; got != terms.Tranches[0].Amount {
				t.Fatalf("the first tranche's plan repays %s of %s", got, terms.Tranches[0].Amount)
			}
		}
	})
}

// FuzzParsers feeds arbitrary text to every parser a host may expose to
// outside input: they return errors, never panic.
func FuzzParsers(f *testing.F) {
	for _, s := range []string{"2026-01-15", "2026-02-30", "+", "9999-99-99", "", "equal-installment", "act/365f",
		`{"start":"2026-01-15","principal":"CNY 1","method":"flat","periods":1}`, `{"start":"x"}`, "12%", "1/0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = schedule.ParseDate(s)
		_, _ = schedule.ParseMethod(s)
		_, _ = schedule.ParseFrequency(s)
		_, _ = schedule.ParseDayCount(s)
		_, _ = schedule.ParseInterestBasis(s)
		_, _ = schedule.ParseBusinessDayConvention(s)
		_, _ = schedule.ParseTotalsConvention(s)
		var terms schedule.Terms
		if json.Unmarshal([]byte(s), &terms) == nil {
			if s, err := schedule.Generate(terms); err == nil {
				checkInvariants(t, s)
			}
		}
		var in schedule.Installment
		_ = json.Unmarshal([]byte(s), &in)
		var cal schedule.HolidayCalendar
		_ = json.Unmarshal([]byte(s), &cal)
	})
}
