package classify

import (
	"time"

	"github.com/rickb777/date"
)

// addMonths returns d plus n calendar months, clamped to the last day of
// the target month (2024-01-31 + 1 month = 2024-02-29), unlike
// date.AddDate, which would roll over into March.
func addMonths(d date.Date, n int) date.Date {
	y, m, day := d.Date()
	total := y*12 + int(m) - 1 + n
	y, mm := total/12, time.Month(total%12+1)
	if total < 0 && total%12 != 0 {
		y, mm = total/12-1, time.Month(total%12+13)
	}
	if last := date.DaysIn(y, mm); day > last {
		day = last
	}
	return date.New(y, mm, day)
}
