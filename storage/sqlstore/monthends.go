package sqlstore

import (
	"context"
	"fmt"
	"iter"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/storage"
)

// monthEnds is the repository of the close's month-end figures.
type monthEnds struct{ repo }

// MonthEnds returns the repository of the close's month-end figures.
func (r repo) MonthEnds() storage.MonthEnds { return monthEnds{r} }

func scanMonthEnd(r rowScanner) (storage.MonthEnd, error) {
	var m storage.MonthEnd
	err := r.Scan(dateCol{&m.Day}, jsonCol{&m.Document})
	return m, err
}

// Add stores a month end once; see storage.MonthEnds. The insert does
// nothing on a stored day; only then is the stored document read to tell
// a replay from a conflict.
func (r monthEnds) Add(ctx context.Context, m storage.MonthEnd) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return r.write(ctx, func(c conn) error {
		n, err := affected(c.exec(ctx, "INSERT INTO lendcore_month_ends (day, document) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING",
			dateArg(m.Day), string(m.Document)))
		if err != nil || n == 1 {
			return err
		}
		old, err := getRow(ctx, c, scanMonthEnd, "month end "+m.Day.String(),
			"SELECT day, document FROM lendcore_month_ends WHERE day = $1", dateArg(m.Day))
		if err != nil {
			return err
		}
		if storage.SameJSON(old.Document, m.Document) {
			return nil
		}
		return fmt.Errorf("%w: the month end %s is stored with another document", storage.ErrConflict, m.Day)
	})
}

// Get returns a month end; see storage.MonthEnds.
func (r monthEnds) Get(ctx context.Context, day date.Date) (storage.MonthEnd, error) {
	return readRow(ctx, r.repo, scanMonthEnd, "month end "+day.String(),
		"SELECT day, document FROM lendcore_month_ends WHERE day = $1", dateArg(day))
}

// Scan yields the month ends in days, oldest first; see storage.MonthEnds.
// There are twelve a year: one query reads them all.
func (r monthEnds) Scan(ctx context.Context, days storage.DateRange) iter.Seq2[storage.MonthEnd, error] {
	return func(yield func(storage.MonthEnd, error) bool) {
		var out []storage.MonthEnd
		err := r.read(ctx, func(c conn) error {
			q, args := "SELECT day, document FROM lendcore_month_ends WHERE 1 = 1", []any{}
			for _, b := range []struct {
				op string
				d  date.Date
			}{{">=", days.From}, {"<=", days.To}} {
				if !b.d.IsZero() {
					args = append(args, dateArg(b.d))
					q += fmt.Sprintf(" AND day %s $%d", b.op, len(args))
				}
			}
			var err error
			out, err = queryRows(ctx, c, scanMonthEnd, q+" ORDER BY day", args...)
			return err
		})
		if err != nil {
			yield(storage.MonthEnd{}, err)
			return
		}
		for _, m := range out {
			if !yield(m, nil) {
				return
			}
		}
	}
}
