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
	// part collects the problems of one part, named within it; they are
	// merged into v under the part's path ("items[2]") when there are some,
	// so checking good parts formats no names.
	var part fault.Fields
	merge := func(kind string, i int) {
		if part.Len() > 0 {
			v.Merge(fmt.Sprintf("%s[%d]", kind, i), &part)
			part.List = part.List[:0]
		}
	}
	r := emptyRegister(p)
	docs := map[uuid.UUID]bool{}
	currency := make(map[uuid.UUID]money.Currency, len(items)) // each loan's, by the first item securing it
	seen := make(map[uuid.UUID]bool, len(items))
	for i := range items {
		it := &items[i]
		it.describe(&part)
		if it.ID != uuid.Nil && seen[it.ID] {
			part.Addf("id", "item %s appears twice", it.ID)
		}
		seen[it.ID] = true
		checkHistory(&part, it)
		checkValuations(&part, it)
		checkDocuments(&part, it, docs)
		checkAnnounced(&part, it)
		merge("items", i)
		for _, l := range it.Liens {
			if _, ok := currency[l.LoanID]; !ok && !it.Currency.IsZero() {
				currency[l.LoanID] = it.Currency
			}
		}
	}
	loans := make(map[uuid.UUID]bool, len(covers))
	for i := range covers {
		c := &covers[i]
		switch {
		case c.Loan == uuid.Nil:
			part.Add("loan", "must not be the nil uuid")
		case loans[c.Loan]:
			part.Addf("loan", "loan %s has two covers", c.Loan)
		}
		loans[c.Loan] = true
		checkCover(&part, c, currency[c.Loan])
		merge("covers", i)
	}
	guars := make(map[uuid.UUID]bool, len(guarantors))
	gtees := make(map[uuid.UUID]bool, len(guarantors))
	for i := range guarantors {
		g := &guarantors[i]
		g.describe(&part)
		if g.ID != uuid.Nil && guars[g.ID] {
			part.Addf("id", "guarantor %s appears twice", g.ID)
		}
		guars[g.ID] = true
		checkGuarantees(&part, g, gtees)
		merge("guarantors", i)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}

	// Sized for the usual book of one loan per item.
	r.items = make([]*Item, 0, len(items))
	r.byID = make(map[uuid.UUID]int, len(items))
	r.loanSlot = make(map[uuid.UUID]int32, len(items)+len(covers))
	r.slotCall = make([]*MarginCall, 0, len(items)+len(covers))
	r.lienSlots = make([]int32, 0, len(items))
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

// The checks below name a part's fields as its JSON does, relative to the
// part ("valuations[1].date"), and format a name only for a field found
// bad.

// checkHistory checks that an item's history is a run of the item
// lifecycle from Proposed that ends at its status, on days in order.
func checkHistory(v *fault.Fields, it *Item) {
	st, last := Proposed, date.Date{}
	for h, c := range it.History {
		name := func(f string) string { return fmt.Sprintf("history[%d].%s", h, f) }
		if c.From != st {
			v.Addf(name("from"), "%s, but the item was %s", c.From, st)
		}
		if to, err := itemLifecycle.Next(c.From, c.Event); err != nil || to != c.To {
			v.Addf(name("to"), "%s on %s does not lead to %s", c.Event, c.From, c.To)
		}
		if p := dayProblem(c.Day, last, "status change"); p != "" {
			v.Add(name("day"), p)
		}
		st, last = c.To, c.Day
	}
	if it.Status != st {
		v.Addf("status", "%s, but the history leaves the item %s", it.Status, st)
	}
}

// checkValuations checks an item's valuations: in date order, each in the
// item's currency once converted, with its validity and next due day.
func checkValuations(v *fault.Fields, it *Item) {
	for k, val := range it.Valuations {
		name := func(f string) string { return fmt.Sprintf("valuations[%d].%s", k, f) }
		switch {
		case val.Date.IsZero():
			v.Add(name("date"), "must be set")
		case k > 0 && val.Date.Before(it.Valuations[k-1].Date):
			v.Addf(name("date"), "%s is before the valuation above", val.Date)
		}
		if val.Amount.Currency().IsZero() || val.Amount.IsNegative() || val.Amount.Minor() > money.MaxMinor {
			v.Addf(name("amount"), "%s must be a non-negative amount with a currency", val.Amount)
		}
		if val.Value.Currency() != it.Currency || val.Value.IsNegative() || val.Value.Minor() > money.MaxMinor {
			v.Addf(name("value"), "%s must be a non-negative %s amount", val.Value, it.Currency)
		}
		if !val.Method.Valid() {
			v.Addf(name("method"), "unknown method %d", uint8(val.Method))
		}
		if p := textProblem(val.Source, true); p != "" {
			v.Add(name("source"), p)
		}
		if val.ValidUntil.Before(val.Date) {
			v.Addf(name("valid_until"), "%s is before the valuation date %s", val.ValidUntil, val.Date)
		}
		if !val.NextDue.After(val.Date) {
			v.Addf(name("next_due"), "%s is not after the valuation date %s", val.NextDue, val.Date)
		}
	}
}

// checkDocuments checks an item's title documents: filed under it, ids
// not seen before (docs collects them), and a custody log that the custody
// lifecycle allows and that ends in the document's state.
func checkDocuments(v *fault.Fields, it *Item, docs map[uuid.UUID]bool) {
	for k := range it.Documents {
		d := &it.Documents[k]
		name := func(f string) string { return fmt.Sprintf("documents[%d].%s", k, f) }
		text := func(f, s string, required bool) {
			if p := textProblem(s, required); p != "" {
				v.Add(name(f), p)
			}
		}
		switch {
		case d.ID == uuid.Nil:
			v.Add(name("id"), "must not be the nil uuid")
		case docs[d.ID]:
			v.Addf(name("id"), "document %s appears twice", d.ID)
		}
		docs[d.ID] = true
		if d.ItemID != it.ID {
			v.Addf(name("item_id"), "document of item %s filed under item %s", d.ItemID, it.ID)
		}
		if !documentKindNames.Valid(d.Kind) {
			v.Addf(name("kind"), "unknown kind %d", uint8(d.Kind))
		}
		text("number", d.Number, true)
		text("vault", d.Vault, false)
		text("holder", d.Holder, false)
		text("purpose", d.Purpose, false)
		if len(d.Log) == 0 || d.Log[0].Event != CustodyDeposit {
			v.Add(name("log"), "must start with the deposit")
			continue
		}
		st, last := InVault, date.Date{}
		for n, e := range d.Log {
			entry := func(f string) string { return name(fmt.Sprintf("log[%d].%s", n, f)) }
			if n > 0 {
				to, err := custodyLifecycle.Next(st, e.Event)
				if err != nil {
					v.Addf(entry("event"), "%s a document that is %s", e.Event, st)
				}
				st = to
			}
			if p := dayProblem(e.Day, last, "custody entry"); p != "" {
				v.Add(entry("day"), p)
			}
			for _, t := range [...]struct {
				f, s     string
				required bool
			}{{"person", e.Person, true}, {"purpose", e.Purpose, false}, {"vault", e.Vault, false}} {
				if p := textProblem(t.s, t.required); p != "" {
					v.Add(entry(t.f), p)
				}
			}
			last = e.Day
		}
		if d.State != st {
			v.Addf(name("state"), "%s, but the log leaves the document %s", d.State, st)
		}
		if (d.State == CheckedOut) == d.OutSince.IsZero() {
			v.Add(name("out_since"), "must be set exactly when the document is checked out")
		}
	}
}

// checkAnnounced checks the revaluation last announced for an item.
func checkAnnounced(v *fault.Fields, it *Item) {
	a := it.Announced
	if a == nil {
		return
	}
	if a.ItemID != it.ID || a.Kind != it.Kind {
		v.Addf("announced.item_id", "a revaluation of %s item %s announced for %s item %s", a.Kind, a.ItemID, it.Kind, it.ID)
	}
	if !it.Status.live() {
		v.Addf("announced", "item %s is %s: no revaluation is due", it.ID, it.Status)
	}
	if !a.Method.Valid() {
		v.Addf("announced.method", "unknown method %d", uint8(a.Method))
	}
	if !dueReasonNames.Valid(a.Reason) {
		v.Addf("announced.reason", "unknown reason %d", uint8(a.Reason))
	}
}

// checkCover checks a loan's cover: its calls are the loan's, live or
// cured as filed, and in cur, the currency of the items securing the loan
// (zero when no item given secures it).
func checkCover(v *fault.Fields, c *Cover, cur money.Currency) {
	call := func(name func(string) string, m *MarginCall, live bool) {
		if m.LoanID != c.Loan {
			v.Addf(name("loan_id"), "a call on loan %s filed under loan %s", m.LoanID, c.Loan)
		}
		switch {
		case live && !m.Status.live():
			v.Addf(name("status"), "%s, but a live call is open or escalated", m.Status)
		case !live && m.Status != CallCured:
			v.Addf(name("status"), "%s, but a closed call is cured", m.Status)
		}
		if m.RaisedOn.IsZero() {
			v.Add(name("raised_on"), "must be set")
		}
		if m.Deadline.Before(m.RaisedOn) {
			v.Addf(name("deadline"), "%s is before the call was raised", m.Deadline)
		}
		if m.Status == CallEscalated && m.EscalatedOn.IsZero() {
			v.Add(name("escalated_on"), "must be set on an escalated call")
		}
		if !live && m.ClosedOn.IsZero() {
			v.Add(name("closed_on"), "must be set on a cured call")
		}
		checkCoverAmount(v, name, "demanded", m.Demanded, cur)
		checkCoverAmount(v, name, "shortfall", m.Shortfall, cur)
	}
	if c.Call != nil {
		call(func(f string) string { return "call." + f }, c.Call, true)
	}
	for k := range c.Cured {
		call(func(f string) string { return fmt.Sprintf("cured[%d].%s", k, f) }, &c.Cured[k], false)
	}
	if a := c.Announced; a != nil {
		name := func(f string) string { return "announced." + f }
		if !actionNames.Valid(a.Action) {
			v.Addf(name("action"), "unknown action %d", uint8(a.Action))
		}
		if a.CallStatus != 0 && !a.CallStatus.live() {
			v.Addf(name("call_status"), "%s is not a live call's status", a.CallStatus)
		}
		if a.Items < 0 || a.Stale < 0 || a.Stale > a.Items {
			v.Addf(name("stale"), "%d stale of %d items", a.Stale, a.Items)
		}
		checkCoverAmount(v, name, "outstanding", a.Outstanding, cur)
		checkCoverAmount(v, name, "market_value", a.MarketValue, cur)
		checkCoverAmount(v, name, "lending_value", a.LendingValue, cur)
		checkCoverAmount(v, name, "shortfall", a.Shortfall, cur)
	}
}

// checkCoverAmount checks an amount of a cover: not negative, in range,
// and in cur when that is known.
func checkCoverAmount(v *fault.Fields, name func(string) string, field string, a money.Amount, cur money.Currency) {
	switch {
	case a.IsNegative() || a.Minor() > money.MaxMinor:
		v.Addf(name(field), "%s must be between 0 and the largest amount", a)
	case !cur.IsZero() && !a.Currency().IsZero() && a.Currency() != cur:
		v.Addf(name(field), "%s, but the items securing the loan are in %s", a, cur)
	}
}

// checkGuarantees checks a guarantor's guarantees (filed under it, ids not
// seen before: gtees collects them) and its announced alerts.
func checkGuarantees(v *fault.Fields, g *Guarantor, gtees map[uuid.UUID]bool) {
	for k := range g.Guarantees {
		gt := &g.Guarantees[k]
		name := func(f string) string { return fmt.Sprintf("guarantees[%d].%s", k, f) }
		switch {
		case gt.ID == uuid.Nil:
			v.Add(name("id"), "must not be the nil uuid")
		case gtees[gt.ID]:
			v.Addf(name("id"), "guarantee %s appears twice", gt.ID)
		}
		gtees[gt.ID] = true
		if gt.GuarantorID != g.ID {
			v.Addf(name("guarantor_id"), "a guarantee by guarantor %s filed under guarantor %s", gt.GuarantorID, g.ID)
		}
		if gt.LoanID == uuid.Nil {
			v.Add(name("loan_id"), "must not be the nil uuid")
		}
		if !guaranteeKindNames.Valid(gt.Kind) {
			v.Addf(name("kind"), "unknown kind %d", uint8(gt.Kind))
		}
		if p := amountProblem(gt.Cap, gt.Cap.Currency(), false); p != "" {
			v.Add(name("cap"), p)
		}
		switch {
		case gt.DebtMaturity.IsZero():
			v.Add(name("debt_maturity"), "must be set")
		case !gt.PeriodEnd.After(gt.DebtMaturity):
			v.Addf(name("period_end"), "%s is not after the debt's maturity %s", gt.PeriodEnd, gt.DebtMaturity)
		}
		if gt.DemandedOn.After(gt.PeriodEnd) {
			v.Addf(name("demanded_on"), "%s is after the guarantee period ended (%s)", gt.DemandedOn, gt.PeriodEnd)
		}
	}
	// The guarantees' loans and the alerts' keys, for lookups: a guarantee
	// company may guarantee thousands of loans.
	var loans map[uuid.UUID]uuid.UUID
	if len(g.Announced) > 0 {
		loans = make(map[uuid.UUID]uuid.UUID, len(g.Guarantees))
		for i := range g.Guarantees {
			loans[g.Guarantees[i].ID] = g.Guarantees[i].LoanID
		}
	}
	type key struct {
		guarantee uuid.UUID
		kind      AlertKind
	}
	seen := make(map[key]bool, len(g.Announced))
	for k, a := range g.Announced {
		name := func(f string) string { return fmt.Sprintf("announced[%d].%s", k, f) }
		if a.GuarantorID != g.ID {
			v.Addf(name("guarantor_id"), "an alert about guarantor %s filed under guarantor %s", a.GuarantorID, g.ID)
		}
		if !alertKindNames.Valid(a.Kind) {
			v.Addf(name("kind"), "unknown kind %d", uint8(a.Kind))
		}
		if loan, ok := loans[a.GuaranteeID]; a.GuaranteeID != uuid.Nil && (!ok || loan != a.LoanID) {
			v.Addf(name("guarantee_id"), "guarantee %s of loan %s is not one of the guarantor's", a.GuaranteeID, a.LoanID)
		}
		if seen[key{a.GuaranteeID, a.Kind}] {
			v.Addf(fmt.Sprintf("announced[%d]", k), "%s alert announced twice", a.Kind)
		}
		seen[key{a.GuaranteeID, a.Kind}] = true
	}
}
