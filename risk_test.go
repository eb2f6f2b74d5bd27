package lendcore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

// openBorrowerLoan opens request(id) for borrower, of kind, starting on
// start (approved two days before), on e.
func openBorrowerLoan(t testing.TB, e *lendcore.Engine, id, borrower uuid.UUID, kind loan.BorrowerKind, start date.Date) {
	t.Helper()
	ctx := context.Background()
	r := request(id)
	r.Borrower, r.BorrowerKind = borrower, kind
	r.Terms.Start = start
	r.SubmittedOn, r.Dossier.SignedOn = start.Add(-5), start.Add(-5)
	if kind == loan.LegalEntity {
		r.Purpose = "working-capital"
	}
	_, err := e.Submit(ctx, r)
	require.NoError(t, err)
	_, err = e.Approve(ctx, id, loan.Action{Officer: "approver", On: start.Add(-3)}, loan.Exposure{})
	require.NoError(t, err)
	_, err = e.Disburse(ctx, id, lendcore.Disbursement{Actor: "teller", IdempotencyKey: "disburse-" + id.String()})
	require.NoError(t, err)
}

// alerts returns the payloads of the outbox's alerts for a loan, by key.
func alerts(t *testing.T, s storage.Store, id uuid.UUID) map[string]lendcore.Alert {
	t.Helper()
	msgs, err := s.Outbox().Pending(context.Background(), 1_000_000)
	require.NoError(t, err)
	out := map[string]lendcore.Alert{}
	for _, m := range msgs {
		if m.Topic == lendcore.TopicAlert && m.LoanID == id {
			var a lendcore.Alert
			require.NoError(t, json.Unmarshal(m.Payload, &a))
			out[m.Key] = a
		}
	}
	return out
}

// A litigation against the borrower, recorded as a fact, turns the loan's
// warning red and its grade to 关注 (the default warning table: a
// high-severity litigation signal is red and at least 关注, stage 2), with
// an alert and an inspection due at once (the default inspection policy:
// immediately at a red warning); withdrawing the fact turns it back, with
// another alert.
func TestFactsSetWarningAndGrade(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id, borrower := uuid.New(), uuid.New()
	openBorrowerLoan(t, e, id, borrower, loan.Individual, d(2024, 1, 15))
	closeDays(t, e, d(2024, 1, 16), d(2024, 1, 20))
	st, err := e.State(ctx, id)
	require.NoError(t, err)
	require.Equal(t, classify.Green, st.Level)
	require.Equal(t, classify.Normal, st.Grade)

	lit := classify.Fact{Kind: classify.LitigationFiled, Day: d(2024, 1, 21), Key: "court-1", Source: "court",
		Reference: "(2024)沪0115民初1号", RecordedBy: "officer-7"}
	require.NoError(t, e.RecordFact(ctx, borrower, lit))
	require.NoError(t, e.RecordFact(ctx, borrower, lit), "recording it again adds nothing")
	closeDays(t, e, d(2024, 1, 21), d(2024, 1, 21))
	st, err = e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, classify.Red, st.Level)
	assert.Equal(t, classify.SpecialMention, st.Grade)
	assert.Equal(t, classify.Stage2, st.Stage)
	assert.Equal(t, classify.SeverityHigh, st.Signals[classify.Litigation])
	assert.Contains(t, st.Rules, "EW-litigation-high")
	assert.Equal(t, d(2024, 1, 21), st.InspectionDue, "a red warning makes an inspection due at once")
	assert.True(t, hasMessage(t, e, "inspection/"+id.String()+"/2024-01-21"))
	a := alerts(t, e.Store(), id)
	require.Contains(t, a, "alert/"+id.String()+"/2024-01-21")
	got := a["alert/"+id.String()+"/2024-01-21"]
	assert.Equal(t, classify.Red, got.Level)
	assert.Equal(t, classify.Green, got.PreviousLevel)
	assert.Equal(t, classify.SpecialMention, got.Grade)
	assert.Equal(t, classify.Normal, got.PreviousGrade)

	require.NoError(t, e.WithdrawFact(ctx, borrower, "court-1", d(2024, 1, 25), "officer-7", "suit withdrawn by the plaintiff"))
	closeDays(t, e, d(2024, 1, 22), d(2024, 1, 25))
	st, err = e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, classify.Green, st.Level)
	assert.Equal(t, classify.Normal, st.Grade, "no cure rule holds 关注")
	assert.Equal(t, classify.Signals{}, st.Signals)
	assert.Contains(t, alerts(t, e.Store(), id), "alert/"+id.String()+"/2024-01-25")
	assert.Len(t, alerts(t, e.Store(), id), 2, "one alert per change")

	facts, err := e.Facts(ctx, borrower)
	require.NoError(t, err)
	require.Len(t, facts, 2)
	assert.Equal(t, classify.Withdrawal, facts[1].Kind)
	assert.Equal(t, "court-1", facts[1].Withdraws)
}

// Overdue debts at other lenders from a credit-bureau refresh: more than
// 20 % of a non-retail debtor's debts at all banks over 90 days overdue
// makes its claims 次级 (CN23-CON-2, 《商业银行金融资产风险分类办法》 ch. 2;
// see docs/regulations.md); a bankruptcy notice is red.
func TestBureauAndBankruptcyFacts(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id, borrower := uuid.New(), uuid.New()
	openBorrowerLoan(t, e, id, borrower, loan.LegalEntity, d(2024, 1, 15))
	bureau := classify.Fact{Kind: classify.ExternalOverdue, Day: d(2024, 1, 18), Key: "pboc-2024-01",
		ExternalOverdue90: cny("250000"), ExternalDebt: cny("1000000"), Source: "credit-bureau", RecordedBy: "batch"}
	require.NoError(t, e.RecordFact(ctx, borrower, bureau))
	bankrupt := classify.Fact{Kind: classify.Bankruptcy, Day: d(2024, 1, 19), Key: "bk", Loan: id.String(),
		Source: "court", RecordedBy: "officer-7"}
	require.NoError(t, e.RecordFact(ctx, borrower, bankrupt))
	closeDays(t, e, d(2024, 1, 17), d(2024, 1, 19))
	st, err := e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, classify.Substandard, st.Grade, "25 % of its debts elsewhere over 90 days: %s", st.Rules)
	assert.Contains(t, st.Rules, "CN23-CON-2")
	assert.Equal(t, classify.Red, st.Level)
	assert.Equal(t, classify.SeverityHigh, st.Signals[classify.BankruptcySignal])
	assert.Equal(t, classify.SeverityMedium, st.Signals[classify.AdverseBureauRefresh])
}

// An inspection that finds serious financial deterioration and misuse of
// funds turns the loan red and 关注 the day it is recorded, signed off or
// not; a clean inspection later clears the findings only from the day a
// supervisor signs it off (four eyes); both inspections are kept.
func TestInspectionFindingsGrade(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id, borrower := uuid.New(), uuid.New()
	openBorrowerLoan(t, e, id, borrower, loan.Individual, d(2024, 1, 15))
	closeDays(t, e, d(2024, 1, 16), d(2024, 1, 19))
	adverse := classify.InspectionRecord{Date: d(2024, 1, 20), Inspector: "officer-7", Conclusion: classify.Adverse,
		Findings: []classify.Finding{{Area: classify.Finances, Severity: classify.SeverityHigh, Note: "revenue down 60 %"},
			{Area: classify.UseOfFunds, Severity: classify.SeverityHigh, Note: "funds moved to a securities account"}}}
	require.NoError(t, e.RecordInspection(ctx, id, adverse))
	require.NoError(t, e.RecordInspection(ctx, id, adverse), "recording it again adds nothing")
	closeDays(t, e, d(2024, 1, 20), d(2024, 1, 20))
	st, err := e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, classify.Red, st.Level)
	assert.Equal(t, classify.SpecialMention, st.Grade)
	assert.Equal(t, classify.SeverityHigh, st.Signals[classify.FinancialDeterioration])
	assert.Equal(t, classify.SeverityHigh, st.Signals[classify.PurposeDeviation])
	assert.True(t, st.InspectionDue.IsZero(), "the inspection that found it is the one a red warning asks for")
	assert.Contains(t, alerts(t, e.Store(), id), "alert/"+id.String()+"/2024-01-20")

	clean := classify.InspectionRecord{Date: d(2024, 1, 27), Inspector: "officer-8", Conclusion: classify.Satisfactory}
	require.NoError(t, e.RecordInspection(ctx, id, clean))
	closeDays(t, e, d(2024, 1, 21), d(2024, 1, 27))
	st, err = e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, classify.Red, st.Level, "a clean report not yet signed off clears nothing")

	cleanID := lendcore.InspectionID(id, clean)
	var pending []uuid.UUID
	for ins, err := range e.UnsignedInspections(ctx) {
		require.NoError(t, err)
		pending = append(pending, ins.ID)
	}
	assert.Len(t, pending, 2, "both await sign-off")
	assert.Contains(t, pending, cleanID)
	require.NoError(t, e.SignOffInspection(ctx, id, cleanID, classify.SignOff{Supervisor: "head-of-risk", On: d(2024, 1, 29)}))
	closeDays(t, e, d(2024, 1, 28), d(2024, 1, 28))
	st, err = e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, classify.Red, st.Level, "signed off on the 29th, not before")
	closeDays(t, e, d(2024, 1, 29), d(2024, 1, 29))
	st, err = e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, classify.Green, st.Level)
	assert.Equal(t, classify.Normal, st.Grade)
	history, err := e.Inspections(ctx, id)
	require.NoError(t, err)
	require.Len(t, history, 2, "every inspection is kept")
	assert.Equal(t, "officer-7", history[0].Inspector)
	assert.Equal(t, classify.Recorded, history[0].Status)
	assert.Equal(t, classify.SignedOff, history[1].Status)
	assert.Equal(t, "head-of-risk", history[1].SignOff.Supervisor)
	assert.Equal(t, int64(2), history[1].Version, "recorded, then signed off")
	b, err := json.Marshal(history[1])
	require.NoError(t, err)
	var back lendcore.Inspection
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, history[1], back, "an inspection read back from its JSON: %s", b)

	// An inspection of an unknown loan names the loan; nothing is stored.
	unknown := uuid.New()
	err = e.RecordInspection(ctx, unknown, clean)
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	assert.True(t, bad.Has("loan"), "%v", err)
	assert.ErrorIs(t, err, storage.ErrNotFound)
	facts, err := e.Facts(ctx, borrower)
	require.NoError(t, err)
	assert.Len(t, facts, 3, "the two inspections' findings and the sign-off, nothing more")
}

// Four eyes: the inspector cannot sign off their own inspection; a
// sign-off before the inspection, after today or of another loan's
// inspection is refused naming the field, and nothing is stored; signing
// off again the same way adds nothing, another way is an illegal
// transition.
func TestSignOffFourEyes(t *testing.T) {
	ctx := context.Background()
	e := lateEngine(t) // today is 2025-06-30
	id, borrower := uuid.New(), uuid.New()
	openBorrowerLoan(t, e, id, borrower, loan.Individual, d(2025, 1, 15))
	other := uuid.New()
	openBorrowerLoan(t, e, other, uuid.New(), loan.Individual, d(2025, 1, 15))
	rec := classify.InspectionRecord{Date: d(2025, 6, 2), Kind: classify.FirstInspection, Inspector: "officer-7",
		Conclusion: classify.Concerns}
	require.NoError(t, e.RecordInspection(ctx, id, rec))
	ins := lendcore.InspectionID(id, rec)
	factsBefore, err := e.Facts(ctx, borrower)
	require.NoError(t, err)
	for _, tc := range []struct {
		name     string
		loan     uuid.UUID
		ins      uuid.UUID
		s        classify.SignOff
		field    string
		notFound bool
	}{
		{"by the inspector", id, ins, classify.SignOff{Supervisor: "officer-7", On: d(2025, 6, 3)}, "supervisor", false},
		{"by nobody", id, ins, classify.SignOff{On: d(2025, 6, 3)}, "supervisor", false},
		{"before the inspection", id, ins, classify.SignOff{Supervisor: "head", On: d(2025, 6, 1)}, "on", false},
		{"after today", id, ins, classify.SignOff{Supervisor: "head", On: d(2025, 7, 2)}, "on", false},
		{"another loan's", other, ins, classify.SignOff{Supervisor: "head", On: d(2025, 6, 3)}, "inspection", true},
		{"an unknown inspection", id, uuid.New(), classify.SignOff{Supervisor: "head", On: d(2025, 6, 3)}, "inspection", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := e.SignOffInspection(ctx, tc.loan, tc.ins, tc.s)
			var bad *fault.Fields
			require.ErrorAs(t, err, &bad)
			assert.True(t, bad.Has(tc.field), "%v", err)
			assert.ErrorIs(t, err, classify.ErrInvalidInput)
			assert.Equal(t, tc.notFound, errors.Is(err, storage.ErrNotFound), "%v", err)
			history, err := e.Inspections(ctx, id)
			require.NoError(t, err)
			require.Len(t, history, 1)
			assert.Equal(t, classify.Recorded, history[0].Status, "nothing stored")
			facts, err := e.Facts(ctx, borrower)
			require.NoError(t, err)
			assert.Equal(t, factsBefore, facts, "nothing stored")
		})
	}
	// A sign-off is not a fact to withdraw.
	var badWithdraw *fault.Fields
	require.NoError(t, e.SignOffInspection(ctx, id, ins, classify.SignOff{Supervisor: "head", On: d(2025, 6, 3), Note: "agreed"}))
	require.ErrorAs(t, e.WithdrawFact(ctx, borrower, "sign-off/"+ins.String(), d(2025, 6, 4), "head", "oops"), &badWithdraw)
	assert.True(t, badWithdraw.Has("withdraws"))
	// A record that carries its own sign-off is refused: sign-off is a
	// separate step.
	signed := rec
	signed.Date, signed.SignOff = d(2025, 6, 5), &classify.SignOff{Supervisor: "head", On: d(2025, 6, 5)}
	var bad *fault.Fields
	require.ErrorAs(t, e.RecordInspection(ctx, id, signed), &bad)
	assert.True(t, bad.Has("sign_off"))

	s := classify.SignOff{Supervisor: "head", On: d(2025, 6, 3), Note: "agreed"}
	require.NoError(t, e.SignOffInspection(ctx, id, ins, s))
	require.NoError(t, e.SignOffInspection(ctx, id, ins, s), "the same sign-off again adds nothing")
	err = e.SignOffInspection(ctx, id, ins, classify.SignOff{Supervisor: "deputy", On: d(2025, 6, 4)})
	var tr *fault.Transition
	require.ErrorAs(t, err, &tr)
	assert.ErrorIs(t, err, classify.ErrIllegalTransition)
	history, err := e.Inspections(ctx, id)
	require.NoError(t, err)
	require.Len(t, history, 1)
	assert.Equal(t, s, *history[0].SignOff)
	assert.Equal(t, classify.FirstInspection, history[0].Kind)
	for ins, err := range e.UnsignedInspections(ctx) {
		require.NoError(t, err)
		t.Errorf("no inspection awaits sign-off, got %s", ins.ID)
	}
}

// Bad facts are refused naming the field, and nothing is stored.
func TestRecordFactBadInput(t *testing.T) {
	ctx := context.Background()
	e := lateEngine(t) // today is 2025-06-30
	id, borrower := uuid.New(), uuid.New()
	openBorrowerLoan(t, e, id, borrower, loan.Individual, d(2024, 1, 15))
	other, otherBorrower := uuid.New(), uuid.New()
	openBorrowerLoan(t, e, other, otherBorrower, loan.Individual, d(2024, 1, 15))
	ok := classify.Fact{Kind: classify.FraudDiscovered, Day: d(2025, 6, 1), Key: "f", Source: "host", RecordedBy: "officer-7"}
	for _, tc := range []struct {
		name     string
		borrower uuid.UUID
		f        func(f *classify.Fact)
		field    string
		notFound bool
	}{
		{"unknown borrower", uuid.New(), func(*classify.Fact) {}, "borrower", true},
		{"another's loan", borrower, func(f *classify.Fact) { f.Loan = other.String() }, "loan", true},
		{"unknown loan", borrower, func(f *classify.Fact) { f.Loan = uuid.NewString() }, "loan", true},
		{"not a loan id", borrower, func(f *classify.Fact) { f.Loan = "loan-1" }, "loan", false},
		{"future", borrower, func(f *classify.Fact) { f.Day = d(2025, 7, 2) }, "day", false},
		{"unknown kind", borrower, func(f *classify.Fact) { f.Kind = 99 }, "kind", false},
		{"the close's own kind", borrower, func(f *classify.Fact) { f.Kind = classify.DebtorRule }, "kind", false},
		{"an inspection's findings", borrower, func(f *classify.Fact) {
			f.Kind, f.Reference, f.Signals = classify.InspectionFindings, "x", classify.Signals{}.With(classify.Litigation, classify.SeverityLow)
		}, "kind", false},
		{"a sign-off", borrower, func(f *classify.Fact) { f.Kind, f.Reference = classify.InspectionSignOff, "x" }, "kind", false},
		{"no source", borrower, func(f *classify.Fact) { f.Source = "" }, "source", false},
		{"no recorder", borrower, func(f *classify.Fact) { f.RecordedBy = " " }, "recorded_by", false},
	} {
		f := ok
		tc.f(&f)
		err := e.RecordFact(ctx, tc.borrower, f)
		var bad *fault.Fields
		require.ErrorAs(t, err, &bad, tc.name)
		assert.True(t, bad.Has(tc.field), "%s: %v", tc.name, err)
		assert.ErrorIs(t, err, classify.ErrInvalidInput, tc.name)
		if tc.notFound {
			assert.ErrorIs(t, err, storage.ErrNotFound, tc.name)
		}
	}
	facts, err := e.Facts(ctx, borrower)
	require.NoError(t, err)
	assert.Empty(t, facts, "nothing stored")

	// An unknown signal kind can only come as text: decoding it is a
	// typed error naming the field, before anything reaches the Engine.
	var f classify.Fact
	err = json.Unmarshal([]byte(`{"kind":"signal","day":"2025-06-01","key":"s","signals":{"weather":"high"},"source":"host","recorded_by":"x"}`), &f)
	var badSignal *fault.Fields
	require.ErrorAs(t, err, &badSignal)
	assert.True(t, badSignal.Has("signals"), "%v", err)
	assert.ErrorIs(t, err, classify.ErrInvalidInput)

	require.NoError(t, e.RecordFact(ctx, borrower, ok))
	for name, w := range map[string]struct {
		key   string
		day   date.Date
		field string
	}{
		"unknown key":       {"nope", d(2025, 6, 2), "withdraws"},
		"before the fact":   {"f", d(2025, 5, 31), "day"},
		"after today":       {"f", d(2025, 7, 2), "day"},
		"withdrawal itself": {"withdraw/f", d(2025, 6, 2), "withdraws"},
	} {
		if name == "withdrawal itself" {
			require.NoError(t, e.WithdrawFact(ctx, borrower, "f", d(2025, 6, 2), "officer-7", "entered in error"))
		}
		err := e.WithdrawFact(ctx, borrower, w.key, w.day, "officer-7", "entered in error")
		var bad *fault.Fields
		require.ErrorAs(t, err, &bad, name)
		assert.True(t, bad.Has(w.field), "%s: %v", name, err)
	}
	err = e.WithdrawFact(ctx, borrower, "f", d(2025, 6, 2), "", "")
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	assert.True(t, bad.Has("recorded_by") && bad.Has("reason"), "%v", err)
	facts, err = e.Facts(ctx, borrower)
	require.NoError(t, err)
	assert.Len(t, facts, 2, "the fact and its one withdrawal")
}

// Debtor-level classification (《商业银行金融资产风险分类办法》, CBIRC/PBoC
// Order 〔2023〕 No. 1, art. 7 para. 2: when more than 10 % of a non-retail
// debtor's claims at a bank are non-performing, all its claims there are):
// a legal entity with two loans in different partitions of the close, one
// over 90 days past due, has the other graded 次级 from the next day, with
// two Engines closing on one database; the same two loans of a natural
// person are graded each on its own (art. 8: retail assets by the
// transaction).
func TestDebtorLevelClassificationAcrossPartitions(t *testing.T) {
	for _, db := range databases(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			stores := db.stores(t, 2)
			engines := make([]*lendcore.Engine, 2)
			// Without upgrade rules, so that a loan whose arrears are
			// cleared is graded normal at once and the floor it set ends
			// (CN23-UPG-1 would hold it 次级 for six months, and the floor
			// with it).
			p := testPolicies()
			p.Classification.Cure = nil
			for i, s := range stores {
				e, err := lendcore.New(s, lendcore.WithPolicies(p), lendcore.WithClock(fixedClock),
					lendcore.WithPartitions(16), lendcore.WithWorkers(2), lendcore.WithReplicaID(fmt.Sprintf("replica-%d", i)))
				require.NoError(t, err)
				engines[i] = e
			}
			type pair struct{ late, good uuid.UUID }
			open := func(kind loan.BorrowerKind, b byte) (uuid.UUID, pair) {
				borrower := uuid.New()
				p := pair{uuid.New(), uuid.New()}
				p.late[0], p.good[0] = 0x10+b, 0xe0+b // partitions 1 and 14 of 16
				openBorrowerLoan(t, engines[0], p.late, borrower, kind, d(2024, 1, 15))
				openBorrowerLoan(t, engines[1], p.good, borrower, kind, d(2024, 1, 15))
				for i, due := range []date.Date{d(2024, 2, 15), d(2024, 3, 15), d(2024, 4, 15), d(2024, 5, 15)} {
					_, err := engines[i%2].Post(ctx, p.good, loan.Entry{Kind: loan.Repayment, ValueDate: due, Actor: "bank",
						IdempotencyKey: fmt.Sprintf("pay-%d", i), Amount: cny("888.49")})
					require.NoError(t, err)
				}
				return borrower, p
			}
			company, corp := open(loan.LegalEntity, 0)
			person, retail := open(loan.Individual, 1)

			closeBoth := func(day date.Date) {
				var wg sync.WaitGroup
				errs := make([]error, 2)
				for i, e := range engines {
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, errs[i] = e.CloseOfDay(ctx, day)
					}()
				}
				wg.Wait()
				require.NoError(t, errs[0])
				require.NoError(t, errs[1])
			}
			grade := func(id uuid.UUID) lendcore.LoanState {
				st, err := engines[1].State(ctx, id)
				require.NoError(t, err)
				return st
			}
			// 2024-05-16: the late loans are 91 days past due (first due
			// 02-15): 次级 by CN23-DPD-2; the good ones are current.
			closeBoth(d(2024, 5, 16))
			assert.Equal(t, classify.Substandard, grade(corp.late).Grade)
			assert.Equal(t, classify.Normal, grade(corp.good).Grade, "the floor applies from the next day")
			closeBoth(d(2024, 5, 17))
			closeBoth(d(2024, 5, 18))
			good := grade(corp.good)
			assert.Equal(t, classify.Substandard, good.Grade, "dragged by the debtor's other loan")
			assert.Contains(t, good.Rules, "CN23-CON-1")
			assert.Equal(t, 0, good.DPD)
			assert.Equal(t, classify.Normal, good.Track.Grade, "its own grade, which the debtor pass weighs")
			assert.Equal(t, classify.Normal, grade(retail.good).Grade, "a natural person's loans are graded each on its own")
			assert.Equal(t, classify.Substandard, grade(retail.late).Grade)

			facts, err := engines[0].Facts(ctx, company)
			require.NoError(t, err)
			require.Len(t, facts, 1, "one floor, recorded once by whichever replica ran the pass")
			assert.Equal(t, classify.DebtorRule, facts[0].Kind)
			assert.Equal(t, d(2024, 5, 17), facts[0].Day)
			assert.Equal(t, classify.Substandard, facts[0].MinGrade)
			none, err := engines[0].Facts(ctx, person)
			require.NoError(t, err)
			assert.Empty(t, none)

			// The late loan's arrears are paid: it is normal again on its
			// own, the floor ends the day after, and the good loan is
			// graded on its own again.
			_, err = engines[0].Post(ctx, corp.late, loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, 5, 19), Actor: "bank",
				IdempotencyKey: "arrears", Amount: cny("5000")})
			require.NoError(t, err)
			closeBoth(d(2024, 5, 19))
			assert.Equal(t, classify.Normal, grade(corp.late).Track.Grade, "its own grade; the floor holds it until the pass ends it")
			closeBoth(d(2024, 5, 20))
			closeBoth(d(2024, 5, 21))
			assert.Equal(t, classify.Normal, grade(corp.good).Grade)
			facts, err = engines[0].Facts(ctx, company)
			require.NoError(t, err)
			require.Len(t, facts, 2)
			assert.Equal(t, classify.GradeNone, facts[1].MinGrade, "the floor ended")
		})
	}
}

// The default policy covers the days before the 2023 Measures took effect
// (2023-07-01) with the practice under the 2007 Guideline (银监发〔2007〕54号
// art. 10: overdue at least 关注; art. 11(1): overdue beyond a set
// period at least 次级): a loan 88 days overdue in April 2023 is 关注, not
// 正常, and 次级 from day 91.
func TestGradesBeforeTheMeasures(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	openBorrowerLoan(t, e, id, uuid.New(), loan.Individual, d(2022, 12, 15)) // first due 2023-01-15
	closeDays(t, e, d(2023, 4, 13), d(2023, 4, 13))
	st, err := e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, 88, st.DPD)
	assert.Equal(t, classify.SpecialMention, st.Grade)
	assert.Equal(t, "CN07-DPD-1,IFRS9-S2-DPD", st.Rules)
	closeDays(t, e, d(2023, 4, 14), d(2023, 4, 16))
	st, err = e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, 91, st.DPD)
	assert.Equal(t, classify.Substandard, st.Grade)
	assert.Contains(t, st.Rules, "CN07-DPD-2")
}

// A written-off claim keeps ageing from the due date of its oldest unpaid
// installment, as before the write-off: the position, the derived state and
// the index agree on its days past due on every day, through a recovery,
// whether the close runs daily or catches the days up at once.
func TestWrittenOffDaysPastDueAgree(t *testing.T) {
	ctx := context.Background()
	for _, catchUp := range []bool{false, true} {
		e := newEngine(t)
		id := uuid.New()
		openLoan(t, e, id)
		for _, en := range []loan.Entry{
			{Kind: loan.Acceleration, ValueDate: d(2024, 6, 1), IdempotencyKey: "acc"},
			{Kind: loan.WriteOff, ValueDate: d(2024, 12, 31), Approver: "committee", IdempotencyKey: "wo"},
			{Kind: loan.Recovery, ValueDate: d(2025, 3, 3), Amount: cny("800"), IdempotencyKey: "rec"},
		} {
			en.Actor, en.Reason = "officer", "collections"
			_, err := e.Post(ctx, id, en)
			require.NoError(t, err)
		}
		if catchUp {
			_, err := e.CloseOfDay(ctx, d(2025, 3, 4))
			require.NoError(t, err)
		}
		for _, day := range []date.Date{d(2024, 12, 31), d(2025, 1, 1), d(2025, 3, 3), d(2025, 3, 4)} {
			if !catchUp {
				_, err := e.CloseOfDay(ctx, day)
				require.NoError(t, err)
			} else if day != d(2025, 3, 4) {
				continue
			}
			pos, err := e.Position(ctx, id, day)
			require.NoError(t, err)
			st, err := e.State(ctx, id)
			require.NoError(t, err)
			rec, err := e.Store().Loans().Get(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, loan.WrittenOff, pos.Status)
			// First due 2024-02-15 unpaid: 2024-12-31 is 320 days after it.
			assert.Equal(t, int(day.Sub(d(2024, 2, 15))), pos.DaysPastDue, "%s", day)
			assert.Equal(t, pos.DaysPastDue, st.DPD, "state, %s", day)
			assert.Equal(t, pos.DaysPastDue, rec.Index.DaysPastDue, "index, %s", day)
		}
	}
}

// Fund-flow monitoring (资金流向监控). The loan: 10,000 at 12 % a year
// over 12 months, equal installments from 2024-01-15: 10,000 × 0.01 /
// (1 − 1.01^−12) = 888.49 a month (the annuity formula). An inflow report
// for 2024-02-01..04-20 covers the installments due 02-15, 03-15 and
// 04-15: 3 × 888.49 = 2,665.47 due. 1,300.00 came in: 48.8 % of the plan,
// under the default table's 50 % — cash flow behind plan, high. A later
// report of 2,700.00 for 02-01..04-25 (101 %) clears it. Uses off purpose
// of 500.00 (5 % of the principal) are medium; with 2,000.00 more (25 %,
// at least 20 %) high.
func TestFundFlowSignals(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id, borrower := uuid.New(), uuid.New()
	openBorrowerLoan(t, e, id, borrower, loan.Individual, d(2024, 1, 15))
	for _, day := range []date.Date{d(2024, 2, 15), d(2024, 3, 15), d(2024, 4, 15)} {
		_, err := e.Post(ctx, id, loan.Entry{Kind: loan.Repayment, ValueDate: day, Actor: "host", Amount: cny("888.49"),
			IdempotencyKey: "repay-" + day.String()})
		require.NoError(t, err)
	}
	sched, err := e.Schedule(ctx, id, d(2024, 1, 15))
	require.NoError(t, err)
	require.Equal(t, "CNY 888.49", sched[0].Owed.Principal.Add(sched[0].Owed.Interest).String(), "the annuity formula's installment")
	flow := func(key string, from, day date.Date, amount string) classify.Fact {
		return classify.Fact{Kind: classify.Inflow, Key: key, Loan: id.String(), From: from, Day: day, Amount: cny(amount),
			Source: "collection-account", RecordedBy: "monitor"}
	}
	use := func(key string, day date.Date, amount string) classify.Fact {
		return classify.Fact{Kind: classify.FundUse, Key: key, Loan: id.String(), Day: day, Amount: cny(amount),
			Purpose: "securities-account", OffPurpose: true, Source: "payment-trace", RecordedBy: "monitor"}
	}
	require.NoError(t, e.RecordFact(ctx, borrower, flow("in-1", d(2024, 2, 1), d(2024, 4, 20), "1300.00")))
	closeDays(t, e, d(2024, 1, 16), d(2024, 4, 20))
	st, err := e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, 0, st.DPD, "paid on time")
	assert.Equal(t, classify.SeverityHigh, st.Signals[classify.CashFlowBehindPlan], "48.8 %% of the plan: %s", st.Rules)

	require.NoError(t, e.RecordFact(ctx, borrower, flow("in-2", d(2024, 2, 1), d(2024, 4, 25), "2700.00")))
	require.NoError(t, e.RecordFact(ctx, borrower, use("use-1", d(2024, 4, 25), "500.00")))
	closeDays(t, e, d(2024, 4, 21), d(2024, 4, 25))
	st, err = e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, classify.SeverityNone, st.Signals[classify.CashFlowBehindPlan], "101 %% of the plan")
	assert.Equal(t, classify.SeverityMedium, st.Signals[classify.PurposeDeviation], "5 %% off purpose")

	require.NoError(t, e.RecordFact(ctx, borrower, use("use-2", d(2024, 4, 26), "2000.00")))
	closeDays(t, e, d(2024, 4, 26), d(2024, 4, 26))
	st, err = e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, classify.SeverityHigh, st.Signals[classify.PurposeDeviation], "25 %% off purpose")
	assert.Equal(t, classify.Red, st.Level, "a high purpose deviation is red (the default warnings)")

	// A fund-flow fact names its loan, and a window that starts after its
	// day, a negative inflow or a use without a purpose is refused;
	// nothing is stored.
	before, err := e.Facts(ctx, borrower)
	require.NoError(t, err)
	noLoan := flow("bad-1", d(2024, 2, 1), d(2024, 4, 26), "1.00")
	noLoan.Loan = ""
	for _, tc := range []struct {
		f     classify.Fact
		field string
	}{
		{noLoan, "loan"},
		{flow("bad-2", d(2024, 4, 27), d(2024, 4, 26), "1.00"), "from"},
		{flow("bad-3", d(2024, 2, 1), d(2024, 4, 26), "-1.00"), "amount"},
		{func() classify.Fact { f := use("bad-4", d(2024, 4, 26), "1.00"); f.Purpose = ""; return f }(), "purpose"},
	} {
		err := e.RecordFact(ctx, borrower, tc.f)
		var bad *fault.Fields
		require.ErrorAs(t, err, &bad, tc.f.Key)
		assert.True(t, bad.Has(tc.field), "%s: %v", tc.f.Key, err)
	}
	after, err := e.Facts(ctx, borrower)
	require.NoError(t, err)
	assert.Equal(t, before, after, "nothing stored")
}

// Two replicas sign off one inspection at once, each by another
// supervisor, on every database: exactly one sign-off is stored (the
// other replica retries on the conflict, reads it signed and is refused
// with an illegal transition), and the facts journal holds one sign-off.
func TestSignOffTwoReplicas(t *testing.T) {
	ctx := context.Background()
	for _, db := range databases(t) {
		t.Run(db.name, func(t *testing.T) {
			stores := db.stores(t, 2)
			var engines []*lendcore.Engine
			for i, s := range stores {
				e, err := lendcore.New(s, lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock),
					lendcore.WithReplicaID(fmt.Sprintf("replica-%d", i)))
				require.NoError(t, err)
				engines = append(engines, e)
			}
			id, borrower := uuid.New(), uuid.New()
			openBorrowerLoan(t, engines[0], id, borrower, loan.Individual, d(2024, 1, 15))
			rec := classify.InspectionRecord{Date: d(2024, 2, 1), Inspector: "officer-7", Conclusion: classify.Satisfactory}
			require.NoError(t, engines[0].RecordInspection(ctx, id, rec))
			ins := lendcore.InspectionID(id, rec)
			unsigned := func() []uuid.UUID {
				var out []uuid.UUID
				for x, err := range engines[1].UnsignedInspections(ctx) {
					require.NoError(t, err)
					out = append(out, x.ID)
				}
				return out
			}
			assert.Equal(t, []uuid.UUID{ins}, unsigned(), "the other replica sees it await sign-off")
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i, e := range engines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = e.SignOffInspection(ctx, id, ins, classify.SignOff{Supervisor: fmt.Sprintf("head-%d", i), On: d(2024, 2, 2)})
				}()
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
					continue
				}
				assert.ErrorIs(t, err, classify.ErrIllegalTransition)
			}
			assert.Equal(t, 1, ok, "%v", errs)
			history, err := engines[1].Inspections(ctx, id)
			require.NoError(t, err)
			require.Len(t, history, 1)
			require.NotNil(t, history[0].SignOff)
			facts, err := engines[1].Facts(ctx, borrower)
			require.NoError(t, err)
			var signOffs []string
			for _, f := range facts {
				if f.Kind == classify.InspectionSignOff {
					signOffs = append(signOffs, f.RecordedBy)
				}
			}
			assert.Equal(t, []string{history[0].SignOff.Supervisor}, signOffs)
			assert.Empty(t, unsigned())
		})
	}
}

// countingStore counts the loans its Loans().Scan yields outside units of
// work (the daily close's partitions and the debtor pass read there).
type countingStore struct {
	storage.Store
	rows *atomic.Int64
}

func (s countingStore) Loans() storage.Loans { return countingLoans{s.Store.Loans(), s.rows} }

type countingLoans struct {
	storage.Loans
	rows *atomic.Int64
}

func (l countingLoans) Scan(ctx context.Context, f storage.LoanFilter) iter.Seq2[storage.Loan, error] {
	return func(yield func(storage.Loan, error) bool) {
		for rec, err := range l.Loans.Scan(ctx, f) {
			l.rows.Add(1)
			if !yield(rec, err) {
				return
			}
		}
	}
}

// The debtor pass reads the books once a day, not once per borrower: a
// day's close of n loans — two per borrower, one borrower in ten with a
// credit-impaired loan — reads each loan once for the close, once for the
// pass, and the non-performing loans (the impaired ones and, held by the
// debtor floor, their partners) once more: 2n + 2·n/20, whether n is 100
// or 400 (a scan per borrower would add n for each of the n/20 borrowers).
func TestDebtorPassReadsTheBooksOnce(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{100, 400} {
		var rows atomic.Int64
		store := countingStore{memory.New(), &rows}
		e, err := lendcore.New(store, lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock))
		require.NoError(t, err)
		borrowers := make([]uuid.UUID, n/2)
		for i := range borrowers {
			borrowers[i] = uuid.New()
		}
		npl := 0
		ids := make([]uuid.UUID, n)
		for i := range ids {
			ids[i] = uuid.New()
			openBorrowerLoan(t, e, ids[i], borrowers[i/2], loan.LegalEntity, d(2024, 1, 15))
			if i%20 == 0 {
				npl++
				require.NoError(t, e.RecordFact(ctx, borrowers[i/2], classify.Fact{Kind: classify.Impaired, Day: d(2024, 1, 16),
					Key: "impaired", Loan: ids[i].String(), Source: "host", RecordedBy: "officer"}))
			}
		}
		closeDays(t, e, d(2024, 1, 16), d(2024, 1, 17))
		rows.Store(0)
		closeDays(t, e, d(2024, 1, 18), d(2024, 1, 18))
		assert.LessOrEqual(t, rows.Load(), int64(2*n+2*npl), "n = %d", n)
		// The pass did its work: the impaired loan's partner, current, is
		// 次级 by CN23-CON-1 (half of its borrower's claims non-performing).
		st, err := e.State(ctx, ids[1])
		require.NoError(t, err)
		assert.Equal(t, classify.Substandard, st.Grade, st.Rules)
		assert.Contains(t, st.Rules, "CN23-CON-1")
	}
}
