package lendcore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
)

// backOffice opens three loans of 10,000 at 12 % over 12 months (888.49
// a month, due on the 15th from 2024-02-15) and closes 2024-03-20:
// "paid" has paid both installments due, "late" only the first (5 days
// past due, M1), "missed" neither (34 days past due, 2024 being a leap year: M2).
func backOffice(t *testing.T, e *lendcore.Engine) (paid, late, missed uuid.UUID) {
	ctx := context.Background()
	ids := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	for i, id := range ids {
		openLoan(t, e, id)
		for k := range 2 - i {
			_, err := e.Post(ctx, id, loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, time.Month(2+k), 15), Actor: "bank-feed",
				IdempotencyKey: "pay-" + string(rune('1'+k)), Amount: cny("888.49")})
			require.NoError(t, err)
		}
	}
	_, err := e.CloseOfDay(ctx, d(2024, 3, 20))
	require.NoError(t, err)
	return ids[0], ids[1], ids[2]
}

// ids collects the ids a query yields, failing on an error.
func ids(t *testing.T, e *lendcore.Engine, q lendcore.LoanQuery) []uuid.UUID {
	t.Helper()
	var out []uuid.UUID
	for row, err := range e.Loans(context.Background(), q) {
		require.NoError(t, err)
		out = append(out, row.ID)
	}
	return out
}

func sorted(ids ...uuid.UUID) []uuid.UUID {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	return out
}

func TestLoansForTheBackOffice(t *testing.T) {
	for _, db := range databases(t) {
		t.Run(db.name, func(t *testing.T) {
			e, err := lendcore.New(db.stores(t, 1)[0], lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock))
			require.NoError(t, err)
			paid, late, missed := backOffice(t, e)

			all := ids(t, e, lendcore.LoanQuery{})
			assert.Equal(t, sorted(paid, late, missed), all)

			// Open-ended ranges: IntRange{Min: 1} is "1 or more".
			assert.Equal(t, sorted(late, missed), ids(t, e, lendcore.LoanQuery{DaysPastDue: &storage.IntRange{Min: 1}}))
			assert.Equal(t, []uuid.UUID{missed}, ids(t, e, lendcore.LoanQuery{DaysPastDue: new(storage.AtLeast(30))}))
			assert.Equal(t, []uuid.UUID{late}, ids(t, e, lendcore.LoanQuery{DaysPastDue: &storage.IntRange{Min: 1, Max: 29}}))
			assert.Equal(t, []uuid.UUID{late}, ids(t, e, lendcore.LoanQuery{Buckets: []string{"M1"}}))
			assert.Equal(t, []uuid.UUID{missed}, ids(t, e, lendcore.LoanQuery{Buckets: []string{"M2"}, Statuses: []loan.Status{loan.Active, loan.Accelerated}}))
			assert.Equal(t, []uuid.UUID{paid}, ids(t, e, lendcore.LoanQuery{Grades: []classify.Grade{classify.Normal}, DaysPastDue: &storage.IntRange{}}))
			assert.Equal(t, sorted(late, missed), ids(t, e, lendcore.LoanQuery{Collections: []collect.Stage{collect.M1, collect.M2}}))
			// The next due date is the next installment to fall due,
			// 2024-04-15 for all three, paid up or not; either end of the
			// range may be open.
			assert.Equal(t, all, ids(t, e, lendcore.LoanQuery{NextDue: &storage.DateRange{From: d(2024, 4, 15)}}))
			assert.Empty(t, ids(t, e, lendcore.LoanQuery{NextDue: &storage.DateRange{To: d(2024, 4, 14)}}))

			// Every row says what the query filtered on.
			for row, err := range e.Loans(context.Background(), lendcore.LoanQuery{}) {
				require.NoError(t, err)
				assert.True(t, row.Closed)
				assert.Equal(t, d(2024, 3, 20), row.State.Day)
				assert.Equal(t, d(2024, 3, 20), row.AsOf)
				assert.Equal(t, d(2024, 4, 15), row.NextDue)
				switch row.ID {
				case paid:
					assert.Equal(t, 0, row.State.DPD)
				case late:
					assert.Equal(t, 5, row.State.DPD)
					assert.Equal(t, "M1", row.State.Bucket)
				case missed:
					assert.Equal(t, 34, row.State.DPD)
					assert.Equal(t, collect.M2, row.State.Collection)
				}
			}

			// Pages of two: the second page starts after the first's last id.
			page1 := ids(t, e, lendcore.LoanQuery{Limit: 2})
			require.Len(t, page1, 2)
			page2 := ids(t, e, lendcore.LoanQuery{Limit: 2, After: page1[1]})
			assert.Equal(t, all, append(page1, page2...))
		})
	}
}

func TestLoansRefusesABadQuery(t *testing.T) {
	e := newEngine(t)
	q := lendcore.LoanQuery{Grades: []classify.Grade{classify.Grade(99)}, Buckets: []string{"M9"},
		Collections: []collect.Stage{0}, Statuses: []loan.Status{loan.Status(77)}, Limit: -1,
		DaysPastDue: &storage.IntRange{Min: -3}, NextDue: &storage.DateRange{From: d(2024, 5, 1), To: d(2024, 4, 1)}}
	n := 0
	for _, err := range e.Loans(context.Background(), q) {
		n++
		bad := fieldsOf(t, err)
		assert.ErrorIs(t, err, lendcore.ErrInvalidInput)
		for _, f := range []string{"grades[0]", "buckets[0]", "collections[0]", "statuses[0]", "limit", "days_past_due.min", "next_due"} {
			assert.True(t, bad.Has(f), "%s: %v", f, err)
		}
	}
	assert.Equal(t, 1, n, "one error, no rows")
}

func TestScheduleAfterARestructure(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	openLoan(t, e, id)
	before, err := e.Schedule(ctx, id, d(2024, 1, 15))
	require.NoError(t, err)
	require.Len(t, before, 12)
	// The original plan is schedule.Generate of the terms.
	s, err := schedule.Generate(request(id).Terms)
	require.NoError(t, err)
	for i, in := range s.Installments {
		assert.Equal(t, in.Due, before[i].Due)
		assert.Equal(t, in.Principal, before[i].Owed.Principal)
		assert.Equal(t, in.Interest, before[i].Owed.Interest)
	}

	// Extended by 6 periods (展期) from 2024-03-01: 18 installments.
	_, err = e.Post(ctx, id, loan.Entry{Kind: loan.Restructure, ValueDate: d(2024, 3, 1), Actor: "officer",
		Approver: "committee", Reason: "hardship", IdempotencyKey: "extend", Change: &loan.Change{ExtendPeriods: 6}})
	require.NoError(t, err)
	after, err := e.Schedule(ctx, id, d(2024, 3, 1))
	require.NoError(t, err)
	require.Len(t, after, 18)
	assert.Equal(t, d(2025, 7, 15), after[17].Due)
	total := cny("0")
	for _, in := range after {
		total = total.Add(in.Owed.Principal)
	}
	assert.Equal(t, cny("10000"), total, "the principal is spread over the new plan, to the fen")
}

func TestEnumsPrintTheirNames(t *testing.T) {
	// An internal collection action addresses no party: it prints as
	// "internal", not as nothing or "party(0)".
	assert.Equal(t, "internal", collect.Party(0).String())
	assert.Equal(t, "internal", fmt.Sprint(collect.ActionDue{Action: collect.ReviewLegal}.Party))
	assert.Equal(t, "borrower", collect.Borrower.String())
}
