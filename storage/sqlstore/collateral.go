package sqlstore

import (
	"context"
	"iter"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

const (
	itemCols      = "id, version, status, revaluation_due, document_out, document"
	coverCols     = "loan_id, version, call_status, document"
	guarantorCols = "id, version, period_end, document"
)

// collateralRepo is the collateral register: three record tables, two of
// them with links to the loans they secure.
type collateralRepo struct{ repo }

var (
	itemTable = record{what: "item", table: "lendcore_items", key: "id",
		cols: []string{"status", "revaluation_due", "document_out", "document"}}
	itemLoans  = links{table: "lendcore_item_loans", owner: "item_id", target: "loan_id"}
	coverTable = record{what: "cover of loan", table: "lendcore_covers", key: "loan_id",
		cols: []string{"call_status", "document"}}
	guarantorTable = record{what: "guarantor", table: "lendcore_guarantors", key: "id",
		cols: []string{"period_end", "document"}}
	guarantorLoans = links{table: "lendcore_guarantor_loans", owner: "guarantor_id", target: "loan_id"}
)

func scanItem(r rowScanner) (storage.Item, error) {
	var it storage.Item
	err := r.Scan(&it.ID, &it.Version, &it.Status, dateCol{&it.RevaluationDue}, dateCol{&it.DocumentOut}, jsonCol{&it.Document})
	return it, err
}

func scanCover(r rowScanner) (storage.Cover, error) {
	var c storage.Cover
	err := r.Scan(&c.LoanID, &c.Version, &c.Call, jsonCol{&c.Document})
	return c, err
}

func scanGuarantor(r rowScanner) (storage.Guarantor, error) {
	var g storage.Guarantor
	err := r.Scan(&g.ID, &g.Version, dateCol{&g.PeriodEnd}, jsonCol{&g.Document})
	return g, err
}

// getLinked reads one record and its links.
func getLinked[T any](ctx context.Context, r repo, read func(rowScanner) (T, error), l links, what, query string,
	id uuid.UUID, set func(*T, []uuid.UUID)) (T, error) {
	var v T
	err := r.read(ctx, func(c conn) error {
		var err error
		if v, err = getRow(ctx, c, read, what+" "+id.String(), query, id.String()); err != nil {
			return err
		}
		m, err := l.load(ctx, c, id)
		set(&v, m[id])
		return err
	})
	return v, err
}

// saveLinked saves a record at the version read and replaces its links,
// in one write, returning the new version.
func saveLinked(ctx context.Context, r repo, t record, l links, id uuid.UUID, version int64, ids []uuid.UUID, vals ...any) (int64, error) {
	err := r.write(ctx, func(c conn) error {
		var err error
		if version, err = t.save(ctx, c, id.String(), version, vals...); err != nil {
			return err
		}
		return l.replace(ctx, c, id, ids)
	})
	return version, err
}

// Item returns a collateral item; see storage.Collateral.
func (r collateralRepo) Item(ctx context.Context, id uuid.UUID) (storage.Item, error) {
	return getLinked(ctx, r.repo, scanItem, itemLoans, "item", "SELECT "+itemCols+" FROM lendcore_items WHERE id = $1",
		id, func(it *storage.Item, ids []uuid.UUID) { it.Loans = ids })
}

// SaveItem stores an item at the version read; see storage.Collateral.
func (r collateralRepo) SaveItem(ctx context.Context, it storage.Item) (storage.Item, error) {
	if err := it.Validate(); err != nil {
		return storage.Item{}, err
	}
	v, err := saveLinked(ctx, r.repo, itemTable, itemLoans, it.ID, it.Version, it.Loans,
		it.Status, dateArg(it.RevaluationDue), dateArg(it.DocumentOut), string(it.Document))
	if err != nil {
		return storage.Item{}, err
	}
	it = it.Clone()
	it.Version = v
	return it, nil
}

// Items yields matching items in id order; see storage.Collateral.
func (r collateralRepo) Items(ctx context.Context, f storage.ItemFilter) iter.Seq2[storage.Item, error] {
	q := scan[storage.Item]{sel: "SELECT " + itemCols + " FROM lendcore_items", keys: []string{"id"},
		cursor: func(it *storage.Item) []any { return []any{it.ID.String()} }, batch: f.Batch(), read: scanItem,
		enrich: func(ctx context.Context, c conn, batch []storage.Item) error {
			return fill(ctx, c, itemLoans, batch, func(it *storage.Item) uuid.UUID { return it.ID },
				func(it *storage.Item, ids []uuid.UUID) { it.Loans = ids })
		}}
	q.w.linked("id", itemLoans, f.LoanID)
	q.w.in("status", f.Statuses)
	q.w.dates("revaluation_due", f.RevaluationDue)
	q.w.dates("document_out", f.DocumentOut)
	return q.run(ctx, r.repo)
}

// Cover returns a loan's cover; see storage.Collateral.
func (r collateralRepo) Cover(ctx context.Context, loanID uuid.UUID) (storage.Cover, error) {
	var v storage.Cover
	err := r.read(ctx, func(c conn) error {
		var err error
		v, err = getRow(ctx, c, scanCover, "cover of loan "+loanID.String(),
			"SELECT "+coverCols+" FROM lendcore_covers WHERE loan_id = $1", loanID.String())
		return err
	})
	return v, err
}

// SaveCover stores a cover at the version read; see storage.Collateral.
func (r collateralRepo) SaveCover(ctx context.Context, v storage.Cover) (storage.Cover, error) {
	if err := v.Validate(); err != nil {
		return storage.Cover{}, err
	}
	err := r.write(ctx, func(c conn) error {
		var err error
		v.Version, err = coverTable.save(ctx, c, v.LoanID.String(), v.Version, v.Call, string(v.Document))
		return err
	})
	if err != nil {
		return storage.Cover{}, err
	}
	return v.Clone(), nil
}

// Covers yields matching covers in loan id order; see storage.Collateral.
func (r collateralRepo) Covers(ctx context.Context, f storage.CoverFilter) iter.Seq2[storage.Cover, error] {
	q := scan[storage.Cover]{sel: "SELECT " + coverCols + " FROM lendcore_covers", keys: []string{"loan_id"},
		cursor: func(v *storage.Cover) []any { return []any{v.LoanID.String()} }, batch: f.Batch(), read: scanCover}
	q.w.in("call_status", f.Calls)
	return q.run(ctx, r.repo)
}

// Guarantor returns a guarantor; see storage.Collateral.
func (r collateralRepo) Guarantor(ctx context.Context, id uuid.UUID) (storage.Guarantor, error) {
	return getLinked(ctx, r.repo, scanGuarantor, guarantorLoans, "guarantor",
		"SELECT "+guarantorCols+" FROM lendcore_guarantors WHERE id = $1",
		id, func(g *storage.Guarantor, ids []uuid.UUID) { g.Loans = ids })
}

// SaveGuarantor stores a guarantor at the version read; see
// storage.Collateral.
func (r collateralRepo) SaveGuarantor(ctx context.Context, g storage.Guarantor) (storage.Guarantor, error) {
	if err := g.Validate(); err != nil {
		return storage.Guarantor{}, err
	}
	v, err := saveLinked(ctx, r.repo, guarantorTable, guarantorLoans, g.ID, g.Version, g.Loans,
		dateArg(g.PeriodEnd), string(g.Document))
	if err != nil {
		return storage.Guarantor{}, err
	}
	g = g.Clone()
	g.Version = v
	return g, nil
}

// Guarantors yields matching guarantors in id order; see
// storage.Collateral.
func (r collateralRepo) Guarantors(ctx context.Context, f storage.GuarantorFilter) iter.Seq2[storage.Guarantor, error] {
	q := scan[storage.Guarantor]{sel: "SELECT " + guarantorCols + " FROM lendcore_guarantors", keys: []string{"id"},
		cursor: func(g *storage.Guarantor) []any { return []any{g.ID.String()} }, batch: f.Batch(), read: scanGuarantor,
		enrich: func(ctx context.Context, c conn, batch []storage.Guarantor) error {
			return fill(ctx, c, guarantorLoans, batch, func(g *storage.Guarantor) uuid.UUID { return g.ID },
				func(g *storage.Guarantor, ids []uuid.UUID) { g.Loans = ids })
		}}
	q.w.linked("id", guarantorLoans, f.LoanID)
	q.w.dates("period_end", f.PeriodEnd)
	return q.run(ctx, r.repo)
}
