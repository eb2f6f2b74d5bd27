package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strconv"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

const movementCols = "seq, mv_key, kind, loan_id, day, currency, amount_minor, payload"

type reserve struct{ repo }

var movements = keyed[storage.Movement]{
	sel: "SELECT " + movementCols + " FROM lendcore_reserve_movements", key: "mv_key", read: scanMovement,
	keyOf: func(m *storage.Movement) string { return m.Key },
	same:  func(s, m *storage.Movement) bool { return s.SameRequest(*m) },
}

func scanMovement(r rowScanner) (storage.Movement, error) {
	var m storage.Movement
	var cur string
	var minor int64
	if err := r.Scan(&m.Seq, &m.Key, &m.Kind, nullID{&m.LoanID}, dateCol{&m.Day}, &cur, &minor, jsonCol{&m.Payload}); err != nil {
		return m, err
	}
	c, err := parseCurrency(cur)
	m.Amount = money.New(minor, c)
	return m, err
}

// Totals sums the movements by kind in one query; see storage.Reserve.
// Amounts are stored as integer minor units, so the sums are exact on
// every database.
func (r reserve) Totals(ctx context.Context) (storage.ReserveTotals, error) {
	var t storage.ReserveTotals
	err := r.read(ctx, func(c conn) error {
		type sum struct {
			version   int64
			cur, kind sql.NullString
			total     sql.NullString
			n         sql.NullInt64
		}
		sums, err := queryRows(ctx, c, func(r rowScanner) (sum, error) {
			var s sum
			return s, r.Scan(&s.version, &s.cur, &s.kind, &s.total, &s.n)
		}, "SELECT r.version, r.currency, g.kind, g.total, g.n FROM lendcore_reserve r LEFT JOIN "+
			"(SELECT kind, CAST(SUM(amount_minor) AS TEXT) AS total, COUNT(*) AS n FROM lendcore_reserve_movements GROUP BY kind) g "+
			"ON 1 = 1 WHERE r.id = 1")
		if err != nil {
			return err
		}
		t = storage.ReserveTotals{}
		for i, s := range sums {
			if i == 0 {
				t.Version = s.version
				if s.cur.Valid {
					if t.Currency, err = parseCurrency(s.cur.String); err != nil {
						return err
					}
				}
				z := money.Zero(t.Currency)
				t.Balance, t.Contributions, t.Payouts, t.Recoveries = z, z, z, z
			}
			if !s.kind.Valid {
				continue
			}
			minor, err := strconv.ParseInt(s.total.String, 10, 64)
			if err != nil {
				return fmt.Errorf("%w: reserve total of %s movements %q: %v", storage.ErrCorrupt, s.kind.String, s.total.String, err)
			}
			a := money.New(minor, t.Currency)
			t.Movements += s.n.Int64
			t.Balance = t.Balance.Add(a)
			switch s.kind.String {
			case "contribution":
				t.Contributions = a
			case "payout":
				t.Payouts = a.Neg()
			case "recovery":
				t.Recoveries = a
			}
		}
		if len(sums) == 0 {
			return fmt.Errorf("%w: the reserve's row is missing", storage.ErrNotMigrated)
		}
		return nil
	})
	return t, err
}

// Add stores new movements; see storage.Reserve. A contribution is one
// insert: only an add that takes money out compares-and-sets the
// reserve's version.
func (r reserve) Add(ctx context.Context, a storage.ReserveAdd) (int, error) {
	if err := a.Validate(); err != nil {
		return 0, err
	}
	added := 0
	err := r.write(ctx, func(c conn) error {
		cur := a.Movements[0].Amount.Currency()
		if err := reserveCurrency(ctx, c, cur, len(a.Movements)); err != nil {
			return err
		}
		inserted, err := movements.add(ctx, c, "INSERT INTO lendcore_reserve_movements (mv_key, kind, loan_id, day, currency, amount_minor, payload)",
			a.Movements, func(m *storage.Movement) []any {
				return []any{m.Key, m.Kind, uuidArg(m.LoanID), dateArg(m.Day), currencyArg(m.Amount.Currency()),
					m.Amount.Minor(), jsonArg(m.Payload)}
			})
		if err != nil {
			return err
		}
		added = count(inserted)
		out := false
		for i, ok := range inserted {
			out = out || ok && a.Movements[i].Amount.IsNegative()
		}
		if !out {
			return nil
		}
		ok, err := (&setter{}).cas(ctx, c, "lendcore_reserve", "id", 1, a.ExpectedVersion)
		if err == nil && !ok {
			err = fmt.Errorf("%w: the reserve is past version %d", storage.ErrConflict, a.ExpectedVersion)
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// reserveCurrency checks that cur is the reserve's currency, making it so
// on the first add. Errors: ErrInvalid naming the n movements.
func reserveCurrency(ctx context.Context, c conn, cur money.Currency, n int) error {
	var stored sql.NullString
	err := c.row(ctx, "SELECT currency FROM lendcore_reserve WHERE id = 1").Scan(&stored)
	if err == sql.ErrNoRows {
		return fmt.Errorf("%w: the reserve's row is missing", storage.ErrNotMigrated)
	}
	if err != nil {
		return err
	}
	if !stored.Valid {
		// The first add: another may be setting it at the same time, so
		// set it only if still unset and read what won.
		if _, err := c.exec(ctx, "UPDATE lendcore_reserve SET currency = $1 WHERE id = 1 AND currency IS NULL", currencyArg(cur)); err != nil {
			return err
		}
		if err := c.row(ctx, "SELECT currency FROM lendcore_reserve WHERE id = 1").Scan(&stored); err != nil {
			return err
		}
	}
	if stored.String == currencyArg(cur) {
		return nil
	}
	bad := &fault.Fields{Kind: storage.ErrInvalid}
	for i := range n {
		bad.Addf(fmt.Sprintf("movements[%d].amount", i), "currency %s is not the reserve's %s", cur, stored.String)
	}
	return bad
}

// Scan yields matching movements in Seq order; see storage.Reserve.
func (r reserve) Scan(ctx context.Context, f storage.MovementFilter) iter.Seq2[storage.Movement, error] {
	q := scan[storage.Movement]{sel: movements.sel, keys: []string{"seq"},
		cursor: func(m *storage.Movement) []any { return []any{m.Seq} }, batch: f.Batch(), read: scanMovement}
	q.w.id("loan_id", f.LoanID)
	q.w.in("kind", f.Kinds)
	q.w.dates("day", f.Days)
	return q.run(ctx, r.repo)
}
