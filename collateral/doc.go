// Package collateral monitors the security behind loans: collateral items
// and their valuations, scheduled revaluation, haircuts and coverage,
// margin calls, liquidation proceeds, custody of title documents, and
// guarantors.
//
// It links to loans only by id (uuid.UUID) and takes their outstanding
// amounts as inputs (Exposure), so it works without package loan; the
// lendcore Engine feeds it the ledger's figures and posts the recoveries
// it reports.
//
// # Items and valuations
//
// A Register holds Items of typed Kinds (real estate, vehicle, securities,
// …), each with its registration (certificate, registry, rank and the claims
// of creditors ranking ahead) and the Liens linking it to the loans it
// secures. An item moves through a transition table: proposed → pledged →
// released, or pledged → seized → liquidated (package lifecycle); an
// illegal move returns a *fault.Transition and changes nothing. Bad input
// is a *fault.Fields naming every bad field.
//
// Valuations are kept in date order. The value as of a day is the latest
// valuation dated on or before it; past its ValidUntil it is expired —
// flagged, and by default counted as nothing, so a stale figure never hides
// a shortfall. The Policy says per kind how often to revalue and by which
// method: a depreciation schedule by age (vehicles, equipment), a regional
// price index applied to the last appraisal (real estate), the market price
// (listed securities), or a valuer. DueRevaluations lists what is due;
// Revalue makes the automatic ones.
//
// # Coverage and margin calls
//
// Lending value is value × (1 − haircut) less prior claims. An item securing
// several loans is split by the loans' rank on it and then pro rata to
// outstanding (largest remainder), the junior rank taking any excess
// (AllocateValue). Evaluate compares each loan's outstanding with its
// lending value under the policy's thresholds — warning, margin-call and
// liquidation LTV — and returns the shortfall (outstanding − lending value ×
// allowed LTV) and the action due. A call carries a deadline; it is closed
// when a top-up or extra collateral cures the shortfall, and escalates to
// liquidation if still short after the deadline. Release refuses to free an
// item when that would leave a loan above the allowed LTV; Liquidate splits
// a sale's net proceeds across the secured loans (DistributeProceeds).
//
// # Title documents and guarantors
//
// Original title documents (他项权证 and others) are tracked in custody with
// a complete log; a document already out cannot be checked out again, and
// OverdueDocuments reports those out longer than the policy allows.
//
// Guarantors (persons, companies, guarantee companies) give general or
// joint-and-several guarantees with a cap and a guarantee period — by
// default six months after the debt's maturity (Civil Code art. 692; the
// period is configurable). GuaranteeCoverage and GuarantorAlerts report
// coverage, capacity below the guaranteed amount, re-assessments due, and
// periods about to lapse with no demand made.
//
// # Stored parts and the daily monitor
//
// A Register is stored as three kinds of parts, each a versioned record
// that round-trips through JSON: an Item with its title documents, a
// loan's Cover (its live and cured margin calls and the coverage last
// announced) and a Guarantor with its guarantees. Restore rebuilds a
// register from the parts a command needs and refuses inconsistent ones;
// after a command, Changes names the parts to write back. Monitor is the
// daily job: it evaluates coverage, lists revaluations due and guarantor
// alerts, and returns only what is news, recording what it announced in
// the parts so that a restart or another replica does not announce it
// twice. RevaluationDue, Item.DocumentOut, Item.SecuredLoans,
// Guarantor.PeriodEnd, Guarantor.Loans and Cover.Live are the values a
// store indexes.
//
// Percentages are exact fractions (money.Rate) and amounts money.Amount;
// nothing here reads the clock: every as-of day is an argument.
package collateral
