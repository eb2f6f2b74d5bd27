package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/storage"
)

const partCols = "day, part, parts, version, owner, lease_until, done, report"

type closes struct{ repo }

func scanPart(r rowScanner) (storage.ClosePart, error) {
	var p storage.ClosePart
	err := r.Scan(dateCol{&p.Day}, &p.Part, &p.Parts, &p.Version, &p.Owner, timeCol{&p.LeaseUntil}, &p.Done, jsonCol{&p.Report})
	return p, err
}

// Last returns the last day closed; see storage.Closes.
func (r closes) Last(ctx context.Context) (date.Date, error) {
	var d date.Date
	err := r.read(ctx, func(c conn) error {
		err := c.row(ctx, "SELECT day FROM lendcore_close_last WHERE id = 1").Scan(dateCol{&d})
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return d, err
}

// Plan creates a day's partitions unless planned; see storage.Closes. The
// day's row decides the number of partitions: of two replicas planning
// at once, the second waits for the first's row and then reads its plan.
func (r closes) Plan(ctx context.Context, day date.Date, parts int) ([]storage.ClosePart, error) {
	if err := storage.ValidatePlan(day, parts); err != nil {
		return nil, err
	}
	// A day is planned once and its plan never changes: most calls (every
	// replica asks for the plan each time it claims a partition) find it
	// with one read, and only the first writes.
	var out []storage.ClosePart
	err := r.read(ctx, func(c conn) error {
		var err error
		out, err = queryRows(ctx, c, scanPart, "SELECT "+partCols+" FROM lendcore_close_parts WHERE day = $1 ORDER BY part",
			dateArg(day))
		return err
	})
	if err != nil || len(out) > 0 {
		return out, err
	}
	err = r.write(ctx, func(c conn) error {
		n, err := affected(c.exec(ctx, "INSERT INTO lendcore_close_days (day, parts) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING",
			dateArg(day), parts))
		if err != nil {
			return err
		}
		if n == 1 {
			rows := make([][]any, parts+1)
			for i := range rows {
				rows[i] = []any{dateArg(day), i, parts, 1, "", false}
			}
			if err := insertRows(ctx, c, "INSERT INTO lendcore_close_parts (day, part, parts, version, owner, done)", rows); err != nil {
				return err
			}
		}
		out, err = queryRows(ctx, c, scanPart, "SELECT "+partCols+" FROM lendcore_close_parts WHERE day = $1 ORDER BY part",
			dateArg(day))
		return err
	})
	return out, err
}

// Save stores a partition at the version read; see storage.Closes. The
// update's condition holds the checks (version, number of partitions, no
// undoing of a partition done), so the usual save is one statement; only
// one that updates nothing reads the partition to say why.
func (r closes) Save(ctx context.Context, p storage.ClosePart) (storage.ClosePart, error) {
	if err := p.Validate(); err != nil {
		return storage.ClosePart{}, err
	}
	err := r.writeOne(ctx, func(c conn) error {
		var s setter
		s.set("owner", p.Owner)
		s.set("lease_until", timeArg(p.LeaseUntil))
		s.set("done", p.Done)
		s.set("report", jsonArg(p.Report))
		s.conds = append(s.conds, "day = "+s.a.add(dateArg(p.Day)), "parts = "+s.a.add(p.Parts))
		if !p.Done {
			s.conds = append(s.conds, "done = "+s.a.add(false))
		}
		ok, err := s.cas(ctx, c, "lendcore_close_parts", "part", p.Part, p.Version)
		if err != nil || ok {
			return err
		}
		stored, err := getRow(ctx, c, scanPart, fmt.Sprintf("partition %d of the close of %s", p.Part, p.Day),
			"SELECT "+partCols+" FROM lendcore_close_parts WHERE day = $1 AND part = $2", dateArg(p.Day), p.Part)
		switch {
		case err != nil:
			return err
		case stored.Parts != p.Parts:
			return fault.Invalid(storage.ErrInvalid, "parts", fmt.Sprintf("the close of %s was planned with %d partitions", p.Day, stored.Parts))
		case stored.Done && !p.Done:
			return fault.Invalid(storage.ErrInvalid, "done", "the partition is done: its work is written once")
		}
		return fmt.Errorf("%w: partition %d of the close of %s is at version %d, not %d", storage.ErrConflict, p.Part, p.Day,
			stored.Version, p.Version)
	})
	if err != nil {
		return storage.ClosePart{}, err
	}
	p = p.Clone()
	p.Version++
	p.LeaseUntil = storage.StoredTime(p.LeaseUntil)
	return p, nil
}

// Finish records the last day closed; see storage.Closes. The update's
// condition on the stored day is the compare-and-set.
func (r closes) Finish(ctx context.Context, day date.Date) error {
	if err := storage.ValidateDay(day); err != nil {
		return err
	}
	return r.writeOne(ctx, func(c conn) error {
		n, err := affected(c.exec(ctx, "UPDATE lendcore_close_last SET day = $1 WHERE id = 1 AND (day IS NULL OR day = $2)",
			dateArg(day), dateArg(day.Add(-1))))
		if err != nil || n == 1 {
			return err
		}
		return fmt.Errorf("%w: %s does not follow the last day closed", storage.ErrConflict, day)
	})
}
