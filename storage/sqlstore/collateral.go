package sqlstore

import (
	"context"
	"iter"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

const coverCols = "loan_id, version, call_status, document"

// collateralRepo is the collateral register: items and guarantors, each
// linked to the loans they secure, and each loan's cover.
type collateralRepo struct{ repo }

var (
	items = linked[storage.Item]{
		rec: record{what: "item", table: "lendcore_items", key: "id",
			cols: []string{"status", "revaluation_due", "document_out", "document"}},
		links: links{table: "lendcore_item_loans", owner: "item_id", target: "loan_id"},
		sel:   "SELECT id, version, status, revaluation_due, document_out, document FROM lendcore_items",
		read: func(r rowScanner) (storage.Item, error) {
			var it storage.Item
			err := r.Scan(&it.ID, &it.Version, &it.Status, dateCol{&it.RevaluationDue}, dateCol{&it.DocumentOut}, jsonCol{&it.Document})
			return it, err
		},
		id:    func(it *storage.Item) uuid.UUID { return it.ID },
		loans: func(it *storage.Item) *[]uuid.UUID { return &it.Loans },
	}
	guarantors = linked[storage.Guarantor]{
		rec: record{what: "guarantor", table: "lendcore_guarantors", key: "id",
			cols: []string{"period_end", "document"}},
		links: links{table: "lendcore_guarantor_loans", owner: "guarantor_id", target: "loan_id"},
		sel:   "SELECT id, version, period_end, document FROM lendcore_guarantors",
		read: func(r rowScanner) (storage.Guarantor, error) {
			var g storage.Guarantor
			err := r.Scan(&g.ID, &g.Version, dateCol{&g.PeriodEnd}, jsonCol{&g.Document})
			return g, err
		},
		id:    func(g *storage.Guarantor) uuid.UUID { return g.ID },
		loans: func(g *storage.Guarantor) *[]uuid.UUID { return &g.Loans },
	}
	coverTable = record{what: "cover of loan", table: "lendcore_covers", key: "loan_id",
		cols: []string{"call_status", "document"}}
)

func scanCover(r rowScanner) (storage.Cover, error) {
	var c storage.Cover
	err := r.Scan(&c.LoanID, &c.Version, &c.Call, jsonCol{&c.Document})
	return c, err
}

// Item returns a collateral item; see storage.Collateral.
func (r collateralRepo) Item(ctx context.Context, id uuid.UUID) (storage.Item, error) {
	return items.get(ctx, r.repo, id)
}

// SaveItem stores an item at the version read; see storage.Collateral.
func (r collateralRepo) SaveItem(ctx context.Context, it storage.Item) (storage.Item, error) {
	if err := it.Validate(); err != nil {
		return storage.Item{}, err
	}
	it = it.Clone()
	var err error
	it.Version, err = items.save(ctx, r.repo, &it, it.Version,
		it.Status, dateArg(it.RevaluationDue), dateArg(it.DocumentOut), string(it.Document))
	if err != nil {
		return storage.Item{}, err
	}
	return it, nil
}

// Items yields matching items in id order; see storage.Collateral.
func (r collateralRepo) Items(ctx context.Context, f storage.ItemFilter) iter.Seq2[storage.Item, error] {
	q := items.scan(f.Batch())
	q.w.linked("id", items.links, f.LoanID)
	q.w.in("status", f.Statuses)
	q.w.dates("revaluation_due", f.RevaluationDue)
	q.w.dates("document_out", f.DocumentOut)
	return q.run(ctx, r.repo)
}

// Cover returns a loan's cover; see storage.Collateral.
func (r collateralRepo) Cover(ctx context.Context, loanID uuid.UUID) (storage.Cover, error) {
	return readRow(ctx, r.repo, scanCover, "cover of loan "+loanID.String(),
		"SELECT "+coverCols+" FROM lendcore_covers WHERE loan_id = $1", loanID.String())
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
	q := idScan("SELECT "+coverCols+" FROM lendcore_covers", "loan_id",
		func(v *storage.Cover) uuid.UUID { return v.LoanID }, f.Batch(), scanCover)
	q.w.in("call_status", f.Calls)
	return q.run(ctx, r.repo)
}

// Guarantor returns a guarantor; see storage.Collateral.
func (r collateralRepo) Guarantor(ctx context.Context, id uuid.UUID) (storage.Guarantor, error) {
	return guarantors.get(ctx, r.repo, id)
}

// SaveGuarantor stores a guarantor at the version read; see
// storage.Collateral.
func (r collateralRepo) SaveGuarantor(ctx context.Context, g storage.Guarantor) (storage.Guarantor, error) {
	if err := g.Validate(); err != nil {
		return storage.Guarantor{}, err
	}
	g = g.Clone()
	var err error
	g.Version, err = guarantors.save(ctx, r.repo, &g, g.Version, dateArg(g.PeriodEnd), string(g.Document))
	if err != nil {
		return storage.Guarantor{}, err
	}
	return g, nil
}

// Guarantors yields matching guarantors in id order; see
// storage.Collateral.
func (r collateralRepo) Guarantors(ctx context.Context, f storage.GuarantorFilter) iter.Seq2[storage.Guarantor, error] {
	q := guarantors.scan(f.Batch())
	q.w.linked("id", guarantors.links, f.LoanID)
	q.w.dates("period_end", f.PeriodEnd)
	return q.run(ctx, r.repo)
}
