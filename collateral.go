package lendcore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// The collateral register is the Engine's: items and their valuations,
// title documents, margin calls, guarantors and guarantees are stored (see
// storage.Collateral) and changed only through the commands below. Each
// command reads the part of the register it needs — an item, the items and
// covers of the loans it secures, a guarantor — restores a
// collateral.Register from them, decides there, and saves what changed
// with the versions it read. A command on an item also saves the covers
// of the loans the item secures, so two commands on one loan's security
// conflict and retry rather than each decide on what the other changed.

// CollateralEvent is an outbox record of topic "collateral".
type CollateralEvent struct {
	Kind        string                     `json:"kind"` // "coverage", "revaluation-due", "guarantor-alert"
	Coverage    *collateral.LoanCoverage   `json:"coverage,omitempty"`
	Revaluation *collateral.DueRevaluation `json:"revaluation,omitempty"`
	Alert       *collateral.Alert          `json:"alert,omitempty"`
}

// register is a part of the collateral register read in one unit of work,
// with the versions to write it back at.
type register struct {
	reg        *collateral.Register
	items      map[uuid.UUID]int64
	covers     map[uuid.UUID]int64
	guarantors map[uuid.UUID]int64
	loans      []uuid.UUID // the loans whose security the command may change
}

// scope names what a collateral command reads: items (with every item
// and cover of the loans they secure), loans (likewise) and guarantors.
type scope struct {
	items, loans, guarantors []uuid.UUID
}

// loadRegister reads the part of the register sc names.
func (e *Engine) loadRegister(ctx context.Context, tx storage.Tx, sc scope) (*register, error) {
	g := &register{items: map[uuid.UUID]int64{}, covers: map[uuid.UUID]int64{}, guarantors: map[uuid.UUID]int64{}}
	var items []collateral.Item
	var covers []collateral.Cover
	var guarantors []collateral.Guarantor
	addItem := func(rec storage.Item) error {
		if _, seen := g.items[rec.ID]; seen {
			return nil
		}
		it, err := e.items.get(rec.ID, rec.Version, rec.Document, decodeItem(rec.ID))
		if err != nil {
			return err
		}
		g.items[rec.ID] = rec.Version
		items = append(items, it)
		for _, l := range rec.Loans {
			if !slices.Contains(g.loans, l) {
				g.loans = append(g.loans, l)
			}
		}
		return nil
	}
	for _, id := range sc.items {
		rec, err := tx.Collateral().Item(ctx, id)
		if isNotFound(err) {
			continue // a new item
		}
		if err != nil {
			return nil, err
		}
		if err := addItem(rec); err != nil {
			return nil, err
		}
	}
	for _, l := range sc.loans {
		if !slices.Contains(g.loans, l) {
			g.loans = append(g.loans, l)
		}
	}
	for i := 0; i < len(g.loans); i++ { // g.loans grows as items bring their other loans
		l := g.loans[i]
		for rec, err := range tx.Collateral().Items(ctx, storage.ItemFilter{LoanID: l}) {
			if err != nil {
				return nil, err
			}
			if err := addItem(rec); err != nil {
				return nil, err
			}
		}
		rec, err := tx.Collateral().Cover(ctx, l)
		if isNotFound(err) {
			g.covers[l] = 0
			continue
		}
		if err != nil {
			return nil, err
		}
		c, err := e.covers.get(l, rec.Version, rec.Document, decodeCover(l))
		if err != nil {
			return nil, err
		}
		g.covers[l] = rec.Version
		covers = append(covers, c)
	}
	for _, id := range sc.guarantors {
		rec, err := tx.Collateral().Guarantor(ctx, id)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		gr, err := e.guarantors.get(rec.ID, rec.Version, rec.Document, decodeGuarantorDoc(rec.ID))
		if err != nil {
			return nil, err
		}
		g.guarantors[rec.ID] = rec.Version
		guarantors = append(guarantors, gr)
	}
	r, err := collateral.Restore(e.policies.Collateral, items, covers, guarantors)
	if err != nil {
		return nil, fmt.Errorf("%w: collateral register: %w", storage.ErrCorrupt, err)
	}
	g.reg = r
	return g, nil
}

func decodeGuarantor(rec *storage.Guarantor) (collateral.Guarantor, error) {
	var g collateral.Guarantor
	if err := guardedUnmarshal(rec.Document, &g); err != nil {
		return g, fmt.Errorf("%w: guarantor %s: %v", storage.ErrCorrupt, rec.ID, err)
	}
	return g, nil
}

// The parts' decoders, for the part caches.
func decodeItem(id uuid.UUID) func([]byte) (collateral.Item, error) {
	return func(raw []byte) (collateral.Item, error) {
		var it collateral.Item
		if err := guardedUnmarshal(raw, &it); err != nil {
			return it, fmt.Errorf("%w: collateral item %s: %v", storage.ErrCorrupt, id, err)
		}
		return it, nil
	}
}

func decodeCover(loan uuid.UUID) func([]byte) (collateral.Cover, error) {
	return func(raw []byte) (collateral.Cover, error) {
		var c collateral.Cover
		if err := guardedUnmarshal(raw, &c); err != nil {
			return c, fmt.Errorf("%w: collateral cover of %s: %v", storage.ErrCorrupt, loan, err)
		}
		return c, nil
	}
}

func decodeGuarantorDoc(id uuid.UUID) func([]byte) (collateral.Guarantor, error) {
	return func(raw []byte) (collateral.Guarantor, error) {
		return decodeGuarantor(&storage.Guarantor{ID: id, Document: raw})
	}
}

// save writes back what the register says changed; with touch, the covers
// of every loan read too, changed or not (see the file's comment).
func (g *register) save(ctx context.Context, tx storage.Tx, touch bool) error {
	ch := g.reg.Changes()
	for _, id := range ch.Items {
		it, err := g.reg.Item(id)
		if err != nil {
			return err
		}
		doc, err := json.Marshal(it)
		if err != nil {
			return err
		}
		if _, err := tx.Collateral().SaveItem(ctx, storage.Item{ID: id, Version: g.items[id], Status: it.Status.String(),
			Loans: it.SecuredLoans(), RevaluationDue: g.reg.RevaluationDue(id), DocumentOut: it.DocumentOut(), Document: doc}); err != nil {
			return err
		}
	}
	covers := ch.Covers
	if touch {
		covers = append(slices.Clone(covers), g.loans...)
		slices.SortFunc(covers, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
		covers = slices.Compact(covers)
	}
	for _, l := range covers {
		c := g.reg.Cover(l)
		doc, err := json.Marshal(c)
		if err != nil {
			return err
		}
		rec := storage.Cover{LoanID: l, Version: g.covers[l], Document: doc}
		if c.Call != nil {
			rec.Call = c.Call.Status.String()
		}
		if _, err := tx.Collateral().SaveCover(ctx, rec); err != nil {
			return err
		}
	}
	for _, id := range ch.Guarantors {
		gr, err := g.reg.Guarantor(id)
		if err != nil {
			return err
		}
		doc, err := json.Marshal(gr)
		if err != nil {
			return err
		}
		if _, err := tx.Collateral().SaveGuarantor(ctx, storage.Guarantor{ID: id, Version: g.guarantors[id],
			Loans: gr.Loans(), PeriodEnd: gr.PeriodEnd(), Document: doc}); err != nil {
			return err
		}
	}
	return nil
}

// onRegister runs one collateral command: read the part of the register sc
// names, let fn decide, save what changed.
func (e *Engine) onRegister(ctx context.Context, name string, sc scope, fn func(tx storage.Tx, g *register) error) error {
	return e.command(ctx, name, func(tx storage.Tx) error {
		g, err := e.loadRegister(ctx, tx, sc)
		if err != nil {
			return err
		}
		if err := fn(tx, g); err != nil {
			return err
		}
		return g.save(ctx, tx, len(sc.items) > 0 || len(sc.loans) > 0)
	})
}

// exposures returns the exposure of each loan of the register part on day,
// folded from the loans' journals: the principal on the books plus what is
// overdue of interest, penalty and fees; for a written-off loan, the claim
// still pursued.
func (e *Engine) exposures(ctx context.Context, tx storage.Tx, loans []uuid.UUID, day date.Date) ([]collateral.Exposure, error) {
	out := make([]collateral.Exposure, 0, len(loans))
	for _, id := range loans {
		rec, err := tx.Loans().Get(ctx, id)
		if err != nil {
			return nil, err
		}
		l, err := e.decode(&rec)
		if err != nil {
			return nil, err
		}
		pos, err := l.PositionAt(day)
		if err != nil {
			return nil, err
		}
		out = append(out, collateral.Exposure{LoanID: id, Outstanding: exposureOf(&pos)})
	}
	slices.SortFunc(out, func(a, b collateral.Exposure) int { return slices.Compare(a.LoanID[:], b.LoanID[:]) })
	return out, nil
}

// exposureOf is a loan's exposure for its security (see exposures).
func exposureOf(pos *loan.Position) money.Amount {
	if pos.Status == loan.WrittenOff {
		return pos.Claim.Total()
	}
	return pos.PrincipalBalance.Add(pos.Overdue.Interest).Add(pos.Overdue.Penalty).Add(pos.Overdue.Fee)
}

// RegisterCollateral adds an item of collateral, in status proposed,
// securing the loans its liens name. Errors: a *fault.Fields for a bad
// item or one already registered (ErrDuplicate wrapped).
func (e *Engine) RegisterCollateral(ctx context.Context, it collateral.Item) error {
	return e.onRegister(ctx, "register collateral", scope{items: []uuid.UUID{it.ID}, loans: liensOf(&it)},
		func(_ storage.Tx, g *register) error { return g.reg.Add(it) })
}

func liensOf(it *collateral.Item) []uuid.UUID {
	var out []uuid.UUID
	for _, l := range it.Liens {
		out = append(out, l.LoanID)
	}
	return out
}

// Pledge records that the security interest in a proposed item was
// perfected (pledge delivered, mortgage registered) on day.
func (e *Engine) Pledge(ctx context.Context, item uuid.UUID, day date.Date) error {
	return e.onItem(ctx, "pledge", item, func(_ storage.Tx, g *register) error { return g.reg.Pledge(item, day) })
}

// Seize records that enforcement against a pledged item began on day.
func (e *Engine) Seize(ctx context.Context, item uuid.UUID, day date.Date) error {
	return e.onItem(ctx, "seize", item, func(_ storage.Tx, g *register) error { return g.reg.Seize(item, day) })
}

// AddValuation records a valuation of an item (an appraisal, a desktop
// review, a market price) known on asOf.
func (e *Engine) AddValuation(ctx context.Context, item uuid.UUID, v collateral.Valuation, asOf date.Date) error {
	return e.onItem(ctx, "add valuation", item, func(_ storage.Tx, g *register) error {
		return g.reg.AddValuation(item, v, asOf)
	})
}

// Revalue makes an automatic revaluation of an item on day — by its
// depreciation schedule, price index or market price under the collateral
// policy — and returns it.
func (e *Engine) Revalue(ctx context.Context, item uuid.UUID, day date.Date, m collateral.MarketData) (collateral.Valuation, error) {
	var out collateral.Valuation
	err := e.onItem(ctx, "revalue", item, func(_ storage.Tx, g *register) error {
		var err error
		out, err = g.reg.Revalue(item, day, m)
		return err
	})
	return out, err
}

// Release frees an item on day; it is refused while a loan it secures
// would be left above the allowed loan-to-value.
func (e *Engine) Release(ctx context.Context, item uuid.UUID, day date.Date) error {
	return e.onItem(ctx, "release", item, func(tx storage.Tx, g *register) error {
		exp, err := e.exposures(ctx, tx, g.loans, day)
		if err != nil {
			return err
		}
		return g.reg.Release(item, day, exp)
	})
}

// Liquidate records the sale of a seized item, splits the net proceeds
// across the loans it secured (by rank, then pro rata), and posts each
// loan's share to it — a recovery on a written-off loan, a repayment
// otherwise — all in one unit of work.
func (e *Engine) Liquidate(ctx context.Context, item uuid.UUID, sale collateral.Sale) (collateral.Liquidation, error) {
	var out collateral.Liquidation
	err := e.onItem(ctx, "liquidate", item, func(tx storage.Tx, g *register) error {
		exp, err := e.exposures(ctx, tx, g.loans, sale.Day)
		if err != nil {
			return err
		}
		if out, err = g.reg.Liquidate(item, sale, exp); err != nil {
			return err
		}
		for _, r := range out.Recoveries {
			if !r.Amount.IsPositive() {
				continue
			}
			if err := e.postLiquidation(ctx, tx, item, r, sale.Day); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// liquidationKey prefixes the idempotency key of the entry that posts a
// loan's share of a sale of collateral; the limitation period tells such a
// repayment from the debtor's own by it.
const liquidationKey = "liquidation/"

// postLiquidation posts one loan's share of a sale.
func (e *Engine) postLiquidation(ctx context.Context, tx storage.Tx, item uuid.UUID, r collateral.Recovery, day date.Date) error {
	rec, err := tx.Loans().Get(ctx, r.LoanID)
	if err != nil {
		return err
	}
	kind := loan.Repayment
	if rec.Status == loan.WrittenOff.String() {
		kind = loan.Recovery
	}
	key := liquidationKey + item.String()
	en := loan.Entry{ID: uuid.NewSHA1(r.LoanID, []byte(key)), Kind: kind, ValueDate: day, BookedAt: e.clock(),
		Actor: "collateral", Reason: "sale of collateral " + item.String(), IdempotencyKey: key, Amount: r.Amount}
	_, _, _, err = e.postIn(ctx, tx, &rec, en)
	return err
}

// onItem runs a command on one item (and the loans it secures).
func (e *Engine) onItem(ctx context.Context, name string, item uuid.UUID, fn func(tx storage.Tx, g *register) error) error {
	return e.onRegister(ctx, name, scope{items: []uuid.UUID{item}}, func(tx storage.Tx, g *register) error {
		if _, ok := g.items[item]; !ok {
			return fmt.Errorf("%w: collateral item %s", storage.ErrNotFound, item)
		}
		return fn(tx, g)
	})
}

// DepositDocument lodges the original of a title document (他项权证 and
// others) of a registered item in the vault on day.
func (e *Engine) DepositDocument(ctx context.Context, doc collateral.Document, day date.Date, person, vault string) error {
	return e.onItem(ctx, "deposit document", doc.ItemID, func(_ storage.Tx, g *register) error {
		return g.reg.Deposit(doc, day, person, vault)
	})
}

// CheckOutDocument takes an original out of the vault (to a registry, a
// court) on day; one already out cannot be checked out again.
func (e *Engine) CheckOutDocument(ctx context.Context, item, doc uuid.UUID, day date.Date, person, purpose string) error {
	return e.onItem(ctx, "check out document", item, func(_ storage.Tx, g *register) error {
		return g.reg.CheckOut(doc, day, person, purpose)
	})
}

// ReturnDocument puts an original back in the vault on day.
func (e *Engine) ReturnDocument(ctx context.Context, item, doc uuid.UUID, day date.Date, person, vault string) error {
	return e.onItem(ctx, "return document", item, func(_ storage.Tx, g *register) error {
		return g.reg.Return(doc, day, person, vault)
	})
}

// HandBackDocument hands an original back to the owner on day (after the
// item's release).
func (e *Engine) HandBackDocument(ctx context.Context, item, doc uuid.UUID, day date.Date, person string) error {
	return e.onItem(ctx, "hand back document", item, func(_ storage.Tx, g *register) error {
		return g.reg.HandBack(doc, day, person)
	})
}

// AddGuarantor registers a guarantor (with any assessments already made).
func (e *Engine) AddGuarantor(ctx context.Context, gr collateral.Guarantor) error {
	return e.onRegister(ctx, "add guarantor", scope{guarantors: []uuid.UUID{gr.ID}}, func(_ storage.Tx, g *register) error {
		return g.reg.AddGuarantor(gr)
	})
}

// AddGuarantee records a guarantor's guarantee of a loan; the guarantee
// period ends as the collateral policy says unless the contract agrees a
// later end (Civil Code art. 692).
func (e *Engine) AddGuarantee(ctx context.Context, gt collateral.Guarantee) error {
	return e.onRegister(ctx, "add guarantee", scope{guarantors: []uuid.UUID{gt.GuarantorID}}, func(_ storage.Tx, g *register) error {
		if _, ok := g.guarantors[gt.GuarantorID]; !ok {
			return fault.Invalid(collateral.ErrInvalidInput, "guarantor_id", "no guarantor "+gt.GuarantorID.String())
		}
		return g.reg.AddGuarantee(gt)
	})
}

// Reassess records a new assessment of a guarantor's capacity known on
// asOf.
func (e *Engine) Reassess(ctx context.Context, guarantor uuid.UUID, a collateral.Assessment, asOf date.Date) error {
	return e.onGuarantor(ctx, "reassess guarantor", guarantor, func(g *register) error {
		return g.reg.Reassess(guarantor, a, asOf)
	})
}

// DemandGuarantor records the demand that preserves a guarantee (Civil
// Code art. 693: suit or arbitration against the debtor for a general
// guarantee, a demand on the guarantor for a joint-and-several one) made
// on day; it is refused after the guarantee period.
func (e *Engine) DemandGuarantor(ctx context.Context, guarantor, guarantee uuid.UUID, day date.Date) error {
	return e.onGuarantor(ctx, "demand guarantor", guarantor, func(g *register) error {
		return g.reg.RecordDemand(guarantee, day)
	})
}

func (e *Engine) onGuarantor(ctx context.Context, name string, id uuid.UUID, fn func(g *register) error) error {
	return e.onRegister(ctx, name, scope{guarantors: []uuid.UUID{id}}, func(_ storage.Tx, g *register) error {
		if _, ok := g.guarantors[id]; !ok {
			return fmt.Errorf("%w: guarantor %s", storage.ErrNotFound, id)
		}
		return fn(g)
	})
}

// CollateralItem returns an item of collateral with its valuations,
// history and title documents. Errors: storage.ErrNotFound.
func (e *Engine) CollateralItem(ctx context.Context, id uuid.UUID) (collateral.Item, error) {
	rec, err := e.store.Collateral().Item(ctx, id)
	if err != nil {
		return collateral.Item{}, err
	}
	var it collateral.Item
	if err := guardedUnmarshal(rec.Document, &it); err != nil {
		return it, fmt.Errorf("%w: collateral item %s: %v", storage.ErrCorrupt, id, err)
	}
	return it, nil
}

// Security returns what secures a loan: the items with liens on it, its
// cover (margin calls), and its guarantors with their guarantees.
func (e *Engine) Security(ctx context.Context, loanID uuid.UUID) (Security, error) {
	var out Security
	err := e.store.WithTx(ctx, func(tx storage.Tx) error {
		g, err := e.loadRegister(ctx, tx, scope{loans: []uuid.UUID{loanID}})
		if err != nil {
			return err
		}
		for id := range g.items {
			it, err := g.reg.Item(id)
			if err != nil {
				return err
			}
			out.Items = append(out.Items, it)
		}
		slices.SortFunc(out.Items, func(a, b collateral.Item) int { return slices.Compare(a.ID[:], b.ID[:]) })
		out.Cover = g.reg.Cover(loanID)
		for rec, err := range tx.Collateral().Guarantors(ctx, storage.GuarantorFilter{LoanID: loanID}) {
			if err != nil {
				return err
			}
			gr, err := decodeGuarantor(&rec)
			if err != nil {
				return err
			}
			out.Guarantors = append(out.Guarantors, gr)
		}
		return nil
	})
	return out, err
}

// Security is what secures one loan.
type Security struct {
	Items      []collateral.Item      `json:"items"`
	Cover      collateral.Cover       `json:"cover"`
	Guarantors []collateral.Guarantor `json:"guarantors"`
}

// Guarantor returns a guarantor with its guarantees. Errors:
// storage.ErrNotFound.
func (e *Engine) Guarantor(ctx context.Context, id uuid.UUID) (collateral.Guarantor, error) {
	rec, err := e.store.Collateral().Guarantor(ctx, id)
	if err != nil {
		return collateral.Guarantor{}, err
	}
	return decodeGuarantor(&rec)
}

// monitorCollateral is the portfolio step that evaluates the register for
// the day over the exposures of the loans on the books (raising,
// escalating and curing margin calls), lists the revaluations due and the
// guarantor alerts, and writes to the outbox what is news — a condition
// that arose or changed since it was last announced (collateral.Monitor;
// the announcements are stored with the register, so a restart or another
// replica announces nothing twice). Keys are derived from the day and
// subject, so a re-run adds nothing twice.
func (e *Engine) monitorCollateral(ctx context.Context, day date.Date) (int, error) {
	// The register says which loans it needs the exposure of; their
	// states were just derived by the day's partitions, so this replica
	// remembers most of them and reads the rest.
	secured, err := e.securedLoans(ctx)
	if err != nil || len(secured) == 0 {
		return 0, err
	}
	exposures, err := e.securedExposures(ctx, day, secured)
	if err != nil {
		return 0, err
	}
	added := 0
	err = e.command(ctx, "monitor collateral", func(tx storage.Tx) error {
		added = 0
		g, empty, err := e.loadWholeRegister(ctx, tx)
		if err != nil || empty {
			return err
		}
		mon, err := g.reg.Monitor(day, exposures)
		if err != nil {
			return err
		}
		var msgs []storage.Message
		for i := range mon.Coverage {
			c := &mon.Coverage[i]
			m, err := message(TopicCollateral, fmt.Sprintf("collateral/%s/%s/coverage", c.LoanID, day), c.LoanID, day,
				CollateralEvent{Kind: "coverage", Coverage: c})
			if err != nil {
				return err
			}
			msgs = append(msgs, m)
		}
		for i := range mon.Revaluations {
			due := &mon.Revaluations[i]
			m, err := message(TopicCollateral, fmt.Sprintf("collateral/item/%s/%s/revaluation", due.ItemID, day), uuid.Nil, day,
				CollateralEvent{Kind: "revaluation-due", Revaluation: due})
			if err != nil {
				return err
			}
			msgs = append(msgs, m)
		}
		for i := range mon.Alerts {
			a := &mon.Alerts[i]
			key := fmt.Sprintf("collateral/guarantor/%s/%s/%s/%s", a.GuarantorID, a.GuaranteeID, a.Kind, day)
			m, err := message(TopicCollateral, key, a.LoanID, day, CollateralEvent{Kind: "guarantor-alert", Alert: a})
			if err != nil {
				return err
			}
			msgs = append(msgs, m)
		}
		if err := g.save(ctx, tx, false); err != nil {
			return err
		}
		if len(msgs) > 0 {
			added, err = tx.Outbox().Add(ctx, msgs...)
		}
		return err
	})
	return added, err
}

// securedExposures returns the exposures of the secured loans on the books
// (active or accelerated), in loan-id order, from the states the day's
// partitions just derived: this replica remembers most of them, and reads
// the others, so the monitor costs the secured loans, not the portfolio.
func (e *Engine) securedExposures(ctx context.Context, day date.Date, secured map[uuid.UUID]bool) ([]collateral.Exposure, error) {
	ids := slices.SortedFunc(maps.Keys(secured), func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	out := make([]collateral.Exposure, 0, len(ids))
	for _, id := range ids {
		st, ok := e.loans.state(id, day)
		if !ok {
			rec, err := e.store.Loans().Get(ctx, id)
			if errors.Is(err, storage.ErrNotFound) {
				continue // registered against a loan not disbursed yet
			}
			if err != nil {
				return nil, err
			}
			if rec.Status != loan.Active.String() && rec.Status != loan.Accelerated.String() {
				continue
			}
			if st, _, err = e.prevState(ctx, &rec); err != nil {
				return nil, err
			}
		} else if st.Status != loan.Active && st.Status != loan.Accelerated {
			continue
		}
		out = append(out, collateral.Exposure{LoanID: id, Outstanding: st.Exposure})
	}
	return out, nil
}

// securedLoans returns the loans the live register secures — by an item's
// lien, a cover or a guarantee — from the stored records' loan columns,
// without restoring the register: the monitor needs only their exposures
// before it restores it.
func (e *Engine) securedLoans(ctx context.Context) (map[uuid.UUID]bool, error) {
	out := map[uuid.UUID]bool{}
	c := e.store.Collateral()
	live := []string{collateral.Proposed.String(), collateral.Pledged.String(), collateral.Seized.String()}
	for rec, err := range c.Items(ctx, storage.ItemFilter{Statuses: live}) {
		if err != nil {
			return nil, err
		}
		for _, l := range rec.Loans {
			out[l] = true
		}
	}
	for rec, err := range c.Covers(ctx, storage.CoverFilter{}) {
		if err != nil {
			return nil, err
		}
		out[rec.LoanID] = true
	}
	for rec, err := range c.Guarantors(ctx, storage.GuarantorFilter{}) {
		if err != nil {
			return nil, err
		}
		for _, l := range rec.Loans {
			out[l] = true
		}
	}
	return out, nil
}

// loadWholeRegister reads the live part of the register: every item not
// released or liquidated, every cover and every guarantor. empty reports
// a register with nothing in it (the close then skips the step).
func (e *Engine) loadWholeRegister(ctx context.Context, tx storage.Tx) (*register, bool, error) {
	g := &register{items: map[uuid.UUID]int64{}, covers: map[uuid.UUID]int64{}, guarantors: map[uuid.UUID]int64{}}
	var items []collateral.Item
	var covers []collateral.Cover
	var guarantors []collateral.Guarantor
	live := []string{collateral.Proposed.String(), collateral.Pledged.String(), collateral.Seized.String()}
	for rec, err := range tx.Collateral().Items(ctx, storage.ItemFilter{Statuses: live}) {
		if err != nil {
			return nil, false, err
		}
		it, err := e.items.get(rec.ID, rec.Version, rec.Document, decodeItem(rec.ID))
		if err != nil {
			return nil, false, err
		}
		g.items[rec.ID] = rec.Version
		items = append(items, it)
	}
	for rec, err := range tx.Collateral().Covers(ctx, storage.CoverFilter{}) {
		if err != nil {
			return nil, false, err
		}
		c, err := e.covers.get(rec.LoanID, rec.Version, rec.Document, decodeCover(rec.LoanID))
		if err != nil {
			return nil, false, err
		}
		g.covers[rec.LoanID] = rec.Version
		covers = append(covers, c)
	}
	for rec, err := range tx.Collateral().Guarantors(ctx, storage.GuarantorFilter{}) {
		if err != nil {
			return nil, false, err
		}
		gr, err := e.guarantors.get(rec.ID, rec.Version, rec.Document, decodeGuarantorDoc(rec.ID))
		if err != nil {
			return nil, false, err
		}
		g.guarantors[rec.ID] = rec.Version
		guarantors = append(guarantors, gr)
	}
	// The whole live register was read: what the caches hold beyond it
	// (released items, say) will not be asked for again by the close.
	e.items.keep(g.items)
	e.covers.keep(g.covers)
	e.guarantors.keep(g.guarantors)
	if len(items) == 0 && len(covers) == 0 && len(guarantors) == 0 {
		return g, true, nil
	}
	r, err := collateral.Restore(e.policies.Collateral, items, covers, guarantors)
	if err != nil {
		return nil, false, fmt.Errorf("%w: collateral register: %w", storage.ErrCorrupt, err)
	}
	g.reg = r
	return g, false, nil
}
