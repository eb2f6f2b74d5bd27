package collateral

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// Restore rebuilds a register under policy p from stored parts: items (with
// their title documents), loans' covers (with their margin calls and last
// announced coverage) and guarantors (with their guarantees), as Parts,
// Item, Cover and Guarantor hand them out. The register keeps the order
// given for items and guarantors (it is the order of DueRevaluations,
// OverdueDocuments and GuarantorAlerts), so a store should load them in a
// stable order, by id for instance; covers are looked up by loan.
//
// A command needs only the parts it touches: the item, and the items and
// covers of the loans it secures. The daily Monitor needs every live item,
// the cover of every loan those items secure and every other Live cover,
// and every guarantor (a re-assessment falls due whatever the guarantor's
// loans). A cover left out is taken as empty: if the command then changes
// it, the store must not overwrite the stored one blindly (a versioned
// write refuses it).
//
// Every part is checked before anything is built: a bad policy is an error
// wrapping ErrInvalidPolicy; parts that contradict themselves or each other
// (a document filed under another item, a guarantee of another guarantor,
// a margin call of another loan, a cover in another currency than the
// items securing its loan, a history that the item lifecycle does not
// allow, the same id twice) are one *fault.Fields wrapping
// ErrInconsistentParts, naming each bad field by its path
// ("items[2].documents[0].item_id"). Restore never panics, whatever it is
// given.
//
// The restored register starts with no Changes.
func Restore(p Policy, items []Item, covers []Cover, guarantors []Guarantor) (*Register, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	v := invalid(ErrInconsistentParts)
	r := emptyRegister(p)
	docs := map[uuid.UUID]bool{}
	currency := map[uuid.UUID]money.Currency{} // each loan's currency, by the first item securing it
	seen := make(map[uuid.UUID]bool, len(items))
	for i := range items {
		it := &items[i]
		path := fmt.Sprintf("items[%d]", i)
		it.describe(v, path)
		if it.ID != uuid.Nil && seen[it.ID] {
			v.Addf(path+".id", "item %s appears twice", it.ID)
		}
		seen[it.ID] = true
		r.checkHistory(v, path, it)
		r.checkValuations(v, path, it)
		checkDocuments(v, path, it, docs)
		checkAnnounced(v, path, it)
		for _, l := range it.Liens {
			if _, ok := currency[l.LoanID]; !ok && !it.Currency.IsZero() {
				currency[l.LoanID] = it.Currency
			}
		}
	}
	loans := make(map[uuid.UUID]bool, len(covers))
	for i := range covers {
		c := &covers[i]
		path := fmt.Sprintf("covers[%d]", i)
		switch {
		case c.Loan == uuid.Nil:
			v.Add(path+".loan", "must not be the nil uuid")
		case loans[c.Loan]:
			v.Addf(path+".loan", "loan %s has two covers", c.Loan)
		}
		loans[c.Loan] = true
		checkCover(v, path, c, currency[c.Loan])
	}
	guars := make(map[uuid.UUID]bool, len(guarantors))
	gtees := map[uuid.UUID]bool{}
	for i := range guarantors {
		g := &guarantors[i]
		path := fmt.Sprintf("guarantors[%d]", i)
		g.describe(v, path)
		if g.ID != uuid.Nil && guars[g.ID] {
			v.Addf(path+".id", "guarantor %s appears twice", g.ID)
		}
		guars[g.ID] = true
		checkGuarantees(v, path, g, gtees)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}

	for i := range items {
		c := items[i].clone()
		for k := range c.Documents {
			r.docs[c.Documents[k].ID] = docRef{item: len(r.items), k: k}
		}
		r.file(&c)
	}
	for i := range covers {
		c := covers[i].clone()
		if c.empty() {
			continue
		}
		r.covers[c.Loan] = &c
		s := r.slot(c.Loan)
		r.slotCall[s] = c.Call
	}
	for i := range guarantors {
		g := guarantors[i].clone()
		for k := range g.Guarantees {
			r.gtees[g.Guarantees[k].ID] = gteeRef{guar: len(r.guars), k: k}
		}
		r.guarByID[g.ID] = len(r.guars)
		r.guars = append(r.guars, &g)
	}
	return r, nil
}

// Parts returns every part of the register, as Restore takes them: the
// items and guarantors in the register's order, and the covers of the
// loans that have one, by loan id. A host that kept a Register itself
// hands these to a store once, to move it there.
func (r *Register) Parts() (items []Item, covers []Cover, guarantors []Guarantor) {
	items = make([]Item, len(r.items))
	for i, it := range r.items {
		items[i] = it.public()
	}
	for _, loan := range r.coverLoans() {
		covers = append(covers, r.covers[loan].clone())
	}
	guarantors = make([]Guarantor, len(r.guars))
	for i, g := range r.guars {
		guarantors[i] = g.clone()
	}
	return items, covers, guarantors
}

// checkHistory checks that an item's history is a run of the item
// lifecycle from Proposed that ends at its status, on days in order.
func (r *Register) checkHistory(v *fault.Fields, path string, it *Item) {
	st, last := Proposed, date.Date{}
	for h, c := range it.History {
		f := fmt.Sprintf("%s.history[%d]", path, h)
		if c.From != st {
			v.Addf(f+".from", "%s, but the item was %s", c.From, st)
		}
		if to, err := itemLifecycle.Next(c.From, c.Event); err != nil || to != c.To {
			v.Addf(f+".to", "%s on %s does not lead to %s", c.Event, c.From, c.To)
		}
		checkDay(v, f+".day", c.Day, last, "status change")
		st, last = c.To, c.Day
	}
	if it.Status != st {
		v.Addf(path+".status", "%s, but the history leaves the item %s", it.Status, st)
	}
}

// checkValuations checks an item's valuations: in date order, each in the
// item's currency once converted, with its validity and next due day.
func (r *Register) checkValuations(v *fault.Fields, path string, it *Item) {
	for k, val := range it.Valuations {
		f := fmt.Sprintf("%s.valuations[%d]", path, k)
		switch {
		case val.Date.IsZero():
			v.Add(f+".date", "must be set")
		case k > 0 && val.Date.Before(it.Valuations[k-1].Date):
			v.Addf(f+".date", "%s is before the valuation above", val.Date)
		}
		if val.Amount.Currency().IsZero() || val.Amount.IsNegative() || val.Amount.Minor() > money.MaxMinor {
			v.Addf(f+".amount", "%s must be a non-negative amount with a currency", val.Amount)
		}
		if val.Value.Currency() != it.Currency || val.Value.IsNegative() || val.Value.Minor() > money.MaxMinor {
			v.Addf(f+".value", "%s must be a non-negative %s amount", val.Value, it.Currency)
		}
		if !val.Method.Valid() {
			v.Addf(f+".method", "unknown method %d", uint8(val.Method))
		}
		checkText(v, f+".source", val.Source, true)
		if val.ValidUntil.Before(val.Date) {
			v.Addf(f+".valid_until", "%s is before the valuation date %s", val.ValidUntil, val.Date)
		}
		if !val.NextDue.After(val.Date) {
			v.Addf(f+".next_due", "%s is not after the valuation date %s", val.NextDue, val.Date)
		}
	}
}

// checkDocuments checks an item's title documents: filed under it, ids
// not seen before (docs collects them), and a custody log that the custody
// lifecycle allows and that ends in the document's state.
func checkDocuments(v *fault.Fields, path string, it *Item, docs map[uuid.UUID]bool) {
	for k := range it.Documents {
		d := &it.Documents[k]
		f := fmt.Sprintf("%s.documents[%d]", path, k)
		switch {
		case d.ID == uuid.Nil:
			v.Add(f+".id", "must not be the nil uuid")
		case docs[d.ID]:
			v.Addf(f+".id", "document %s appears twice", d.ID)
		}
		docs[d.ID] = true
		if d.ItemID != it.ID {
			v.Addf(f+".item_id", "document of item %s filed under item %s", d.ItemID, it.ID)
		}
		if !documentKindNames.Valid(d.Kind) {
			v.Addf(f+".kind", "unknown kind %d", uint8(d.Kind))
		}
		checkText(v, f+".number", d.Number, true)
		checkText(v, f+".vault", d.Vault, false)
		checkText(v, f+".holder", d.Holder, false)
		checkText(v, f+".purpose", d.Purpose, false)
		if len(d.Log) == 0 || d.Log[0].Event != CustodyDeposit {
			v.Add(f+".log", "must start with the deposit")
			continue
		}
		st, last := InVault, date.Date{}
		for n, e := range d.Log {
			lf := fmt.Sprintf("%s.log[%d]", f, n)
			if n > 0 {
				to, err := custodyLifecycle.Next(st, e.Event)
				if err != nil {
					v.Addf(lf+".event", "%s a document that is %s", e.Event, st)
				}
				st = to
			}
			checkDay(v, lf+".day", e.Day, last, "custody entry")
			checkText(v, lf+".person", e.Person, true)
			checkText(v, lf+".purpose", e.Purpose, false)
			checkText(v, lf+".vault", e.Vault, false)
			last = e.Day
		}
		if d.State != st {
			v.Addf(f+".state", "%s, but the log leaves the document %s", d.State, st)
		}
		if (d.State == CheckedOut) == d.OutSince.IsZero() {
			v.Add(f+".out_since", "must be set exactly when the document is checked out")
		}
	}
}

// checkAnnounced checks the revaluation last announced for an item.
func checkAnnounced(v *fault.Fields, path string, it *Item) {
	a := it.Announced
	if a == nil {
		return
	}
	f := path + ".announced"
	if a.ItemID != it.ID || a.Kind != it.Kind {
		v.Addf(f+".item_id", "a revaluation of %s item %s announced for %s item %s", a.Kind, a.ItemID, it.Kind, it.ID)
	}
	if !it.Status.live() {
		v.Addf(f, "item %s is %s: no revaluation is due", it.ID, it.Status)
	}
	if !a.Method.Valid() {
		v.Addf(f+".method", "unknown method %d", uint8(a.Method))
	}
	if !dueReasonNames.Valid(a.Reason) {
		v.Addf(f+".reason", "unknown reason %d", uint8(a.Reason))
	}
}

// checkCover checks a loan's cover: its calls are the loan's, live or
// cured as filed, and in cur, the currency of the items securing the loan
// (zero when no item given secures it).
func checkCover(v *fault.Fields, path string, c *Cover, cur money.Currency) {
	call := func(f string, m *MarginCall, live bool) {
		if m.LoanID != c.Loan {
			v.Addf(f+".loan_id", "a call on loan %s filed under loan %s", m.LoanID, c.Loan)
		}
		switch {
		case live && !m.Status.live():
			v.Addf(f+".status", "%s, but a live call is open or escalated", m.Status)
		case !live && m.Status != CallCured:
			v.Addf(f+".status", "%s, but a closed call is cured", m.Status)
		}
		if m.RaisedOn.IsZero() {
			v.Add(f+".raised_on", "must be set")
		}
		if m.Deadline.Before(m.RaisedOn) {
			v.Addf(f+".deadline", "%s is before the call was raised", m.Deadline)
		}
		if m.Status == CallEscalated && m.EscalatedOn.IsZero() {
			v.Add(f+".escalated_on", "must be set on an escalated call")
		}
		if !live && m.ClosedOn.IsZero() {
			v.Add(f+".closed_on", "must be set on a cured call")
		}
		checkCoverAmount(v, f+".demanded", m.Demanded, cur)
		checkCoverAmount(v, f+".shortfall", m.Shortfall, cur)
	}
	if c.Call != nil {
		call(path+".call", c.Call, true)
	}
	for k := range c.Cured {
		call(fmt.Sprintf("%s.cured[%d]", path, k), &c.Cured[k], false)
	}
	if a := c.Announced; a != nil {
		f := path + ".announced"
		if !actionNames.Valid(a.Action) {
			v.Addf(f+".action", "unknown action %d", uint8(a.Action))
		}
		if a.CallStatus != 0 && !a.CallStatus.live() {
			v.Addf(f+".call_status", "%s is not a live call's status", a.CallStatus)
		}
		if a.Items < 0 || a.Stale < 0 || a.Stale > a.Items {
			v.Addf(f+".stale", "%d stale of %d items", a.Stale, a.Items)
		}
		checkCoverAmount(v, f+".outstanding", a.Outstanding, cur)
		checkCoverAmount(v, f+".market_value", a.MarketValue, cur)
		checkCoverAmount(v, f+".lending_value", a.LendingValue, cur)
		checkCoverAmount(v, f+".shortfall", a.Shortfall, cur)
	}
}

// checkCoverAmount checks an amount of a cover: not negative, in range,
// and in cur when that is known.
func checkCoverAmount(v *fault.Fields, field string, a money.Amount, cur money.Currency) {
	switch {
	case a.IsNegative() || a.Minor() > money.MaxMinor:
		v.Addf(field, "%s must be between 0 and the largest amount", a)
	case !cur.IsZero() && !a.Currency().IsZero() && a.Currency() != cur:
		v.Addf(field, "%s, but the items securing the loan are in %s", a, cur)
	}
}

// checkGuarantees checks a guarantor's guarantees (filed under it, ids not
// seen before: gtees collects them) and its announced alerts.
func checkGuarantees(v *fault.Fields, path string, g *Guarantor, gtees map[uuid.UUID]bool) {
	loans := make(map[uuid.UUID]uuid.UUID, len(g.Guarantees)) // guarantee → loan
	for k := range g.Guarantees {
		gt := &g.Guarantees[k]
		f := fmt.Sprintf("%s.guarantees[%d]", path, k)
		switch {
		case gt.ID == uuid.Nil:
			v.Add(f+".id", "must not be the nil uuid")
		case gtees[gt.ID]:
			v.Addf(f+".id", "guarantee %s appears twice", gt.ID)
		}
		gtees[gt.ID] = true
		loans[gt.ID] = gt.LoanID
		if gt.GuarantorID != g.ID {
			v.Addf(f+".guarantor_id", "a guarantee by guarantor %s filed under guarantor %s", gt.GuarantorID, g.ID)
		}
		if gt.LoanID == uuid.Nil {
			v.Add(f+".loan_id", "must not be the nil uuid")
		}
		if !guaranteeKindNames.Valid(gt.Kind) {
			v.Addf(f+".kind", "unknown kind %d", uint8(gt.Kind))
		}
		checkAmount(v, f+".cap", gt.Cap, gt.Cap.Currency(), false)
		switch {
		case gt.DebtMaturity.IsZero():
			v.Add(f+".debt_maturity", "must be set")
		case !gt.PeriodEnd.After(gt.DebtMaturity):
			v.Addf(f+".period_end", "%s is not after the debt's maturity %s", gt.PeriodEnd, gt.DebtMaturity)
		}
		if gt.DemandedOn.After(gt.PeriodEnd) {
			v.Addf(f+".demanded_on", "%s is after the guarantee period ended (%s)", gt.DemandedOn, gt.PeriodEnd)
		}
	}
	type key struct {
		guarantee uuid.UUID
		kind      AlertKind
	}
	seen := make(map[key]bool, len(g.Announced))
	for k, a := range g.Announced {
		f := fmt.Sprintf("%s.announced[%d]", path, k)
		if a.GuarantorID != g.ID {
			v.Addf(f+".guarantor_id", "an alert about guarantor %s filed under guarantor %s", a.GuarantorID, g.ID)
		}
		if !alertKindNames.Valid(a.Kind) {
			v.Addf(f+".kind", "unknown kind %d", uint8(a.Kind))
		}
		if a.GuaranteeID != uuid.Nil {
			if loan, ok := loans[a.GuaranteeID]; !ok || loan != a.LoanID {
				v.Addf(f+".guarantee_id", "guarantee %s of loan %s is not one of the guarantor's", a.GuaranteeID, a.LoanID)
			}
		}
		if seen[key{a.GuaranteeID, a.Kind}] {
			v.Addf(f, "%s alert announced twice", a.Kind)
		}
		seen[key{a.GuaranteeID, a.Kind}] = true
	}
}
