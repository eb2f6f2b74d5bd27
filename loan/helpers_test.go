package loan

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// yuan parses a yuan amount for tests.
func yuan(s string) money.Amount { return money.MustParse(s, money.CNY) }

// day builds a date for tests.
func day(y int, m time.Month, d int) date.Date { return date.New(y, m, d) }

// booked is a fixed booking time: the domain never reads the clock.
var booked = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

// testTerms: 12,000.00 CNY at 12 % a year (1 % a month) over 12 months,
// equal principal unless changed, from 2026-01-15 (due on the 15th).
func testTerms(method schedule.Method, periods int) schedule.Terms {
	return schedule.Terms{
		Principal: yuan("12000"), AnnualRate: money.MustRate("12%"), Method: method,
		Frequency: schedule.Monthly, Periods: periods, Start: day(2026, 1, 15),
		DayCount: schedule.Actual360,
	}
}

// newTestLoan returns a disbursed loan.
func newTestLoan(t testing.TB, terms schedule.Terms, p Policy) *Loan {
	t.Helper()
	l, err := New(uuid.MustParse("00000000-0000-0000-0000-000000000001"), terms, p)
	require.NoError(t, err)
	_, err = l.Post(entry(Disbursement, terms.Start, terms.Principal, "disburse"))
	require.NoError(t, err)
	return l
}

var idSeq uint64

// entry builds an entry with a deterministic id derived from the key.
func entry(k Kind, d date.Date, a money.Amount, key string) Entry {
	return Entry{ID: uuid.NewSHA1(uuid.NameSpaceOID, []byte(key)), Kind: k, ValueDate: d, BookedAt: booked,
		Actor: "teller-1", IdempotencyKey: key, Amount: a}
}

func mustPost(t testing.TB, l *Loan, e Entry) Result {
	t.Helper()
	r, err := l.Post(e)
	require.NoError(t, err)
	return r
}

func mustPos(t testing.TB, l *Loan, d date.Date) Position {
	t.Helper()
	p, err := l.PositionAt(d)
	require.NoError(t, err)
	return p
}

var _ = fmt.Sprint

func mustRate(s string) money.Rate { return money.MustRate(s) }

// uuidOf derives a deterministic id from a name.
func uuidOf(name string) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, []byte(name)) }
