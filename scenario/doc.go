// Package scenario parses, validates and runs scenario files: a loan's
// terms, its policies and a list of dated events (disbursement, repayments,
// restructures, the servicing conventions of other systems — delinquency
// pauses, re-ageing, re-amortisation, settlement, sale and buyback,
// tranches and down payments — collateral, contacts, promises, demands,
// legal steps, inspections, investors' claim transfers, a credit line with
// its drawdown, limit changes and freezes, daily closes), replayed through
// a lendcore Engine with the Engine's own commands, with a typed Document
// at every report event. A host prototypes a product — a penalty rule, a
// waterfall, a collection ladder, a P2P scheme — or tests its own policies
// without writing Go; `lendcore run` is a thin shell over this package.
// The file format is described in docs/scenarios.md.
//
//	sc, err := scenario.Load("late-penalty.json") // every bad field at once
//	rep, err := sc.Run(ctx, scenario.Options{})   // the Engine on a memory store
//	rep.WriteJSON(os.Stdout)                      // what lendcore run prints
//
// Parse reports every bad field it can tell from the file alone (unknown
// fields, values that do not parse, fields an event type does not take,
// missing ones) in one *fault.Fields wrapping ErrInvalid, each named by its
// JSON path ("events[3].amount", "policies.ladder.stages"). Run stops at
// the first event the Engine refuses and names that event's field the same
// way.
//
// The runner plays the host and nothing more: it files and approves the
// application as its own officer, then calls Engine.Disburse, Post,
// CloseOfDay, TransferClaim, RegisterCollateral, Pledge, AddValuation,
// Release, AddGuarantor, AddGuarantee, Reassess, DemandGuarantor,
// RecordContact, SetContactState, RecordPromise, RecordDemand, RecordLegal,
// RecordInspection and the credit-line commands (OpenLine, Drawdown,
// AdjustLimit, ApproveLimit, RejectLimit, FreezeLine, UnfreezeLine);
// reports read Engine.State, Collection, Coverage, Limitation, Book,
// LineReview and the outbox. It keeps no records of its own beyond
// the scenario's labels for things.
//
// A run is deterministic: the Engine's clock follows the events (noon UTC
// of an entry's value date, a contact's own time), the loan's id is LoanID,
// and entries, investors, items and guarantors get name-based ids, so the
// same file always gives the same bytes.
package scenario
