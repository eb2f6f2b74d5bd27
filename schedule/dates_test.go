package schedule_test

import (
	"testing"
	"time"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"

	"github.com/lendcore/lendcore/schedule"
)

// TestAddMonths: the day is kept and clamped to the target month's last
// day, in both directions and across leap years.
func TestAddMonths(t *testing.T) {
	for _, c := range []struct {
		from string
		n    int
		want string
	}{
		{"2024-01-31", 1, "2024-02-29"}, // leap February
		{"2023-01-31", 1, "2023-02-28"},
		{"2024-01-31", 2, "2024-03-31"}, // anchored on the day, not on February's clamp
		{"2024-02-29", 12, "2025-02-28"},
		{"2024-02-29", 48, "2028-02-29"},
		{"2024-03-31", -1, "2024-02-29"},
		{"2024-01-15", -1, "2023-12-15"},
		{"2024-01-15", -13, "2022-12-15"},
		{"2024-05-31", 0, "2024-05-31"},
		{"1999-12-31", 2, "2000-02-29"}, // 2000 is a leap year (divisible by 400)
		{"2099-12-31", 2, "2100-02-28"}, // 2100 is not
	} {
		assert.Equal(t, c.want, schedule.AddMonths(d(c.from), c.n).String(), "%s %+d", c.from, c.n)
	}
}

// TestAddMonthsReference compares AddMonths with the same rule computed
// through time.Time over a wide range of dates, years before 1 included.
func TestAddMonthsReference(t *testing.T) {
	ref := func(tm time.Time, n int) time.Time {
		y, m, dd := tm.Date()
		first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
		last := first.AddDate(0, 1, -1).Day()
		return first.AddDate(0, 0, min(dd, last)-1)
	}
	for day := date.New(-801, time.January, 1); day.Before(date.New(2801, time.January, 1)); day = day.Add(97) {
		for _, n := range []int{-25, -12, -1, 1, 5, 12, 37} {
			want := date.NewAt(ref(day.UTC(), n))
			if got := schedule.AddMonths(day, n); got != want {
				t.Fatalf("AddMonths(%s, %d) = %s, want %s", day, n, got, want)
			}
		}
	}
}
