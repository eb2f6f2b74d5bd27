// Package line is the credit line (授信额度): a limit granted once to a
// borrower, drawn on many times, each drawdown a loan with its own terms.
//
// A Line holds its terms (borrower, product, currency, limit, revolving or
// not, validity, what a drawdown may look like), its status in a
// transition table (Lifecycle: active, frozen, suspended, expired,
// closed), its drawdowns, a temporary limit with an end date, the limit
// change awaiting a second officer's approval, and its history.
//
// What may be drawn is the limit in force less what is used: on a
// revolving line the outstanding principal of its loans, which repayments
// lower, and on a non-revolving one what was ever drawn. The package
// never reads loans: the caller passes the outstanding it derived, so the
// rules stay deterministic and the Engine decides how to read it safely.
//
// Limit changes follow four-eyes (maker ≠ checker) under the approval
// authority of package loan: a change is requested by one officer and
// approved by another whose authority covers the new limit when it is an
// increase. A decrease below the outstanding blocks new drawdowns and,
// only when the policy says so, calls the excess due.
//
// In-loan monitoring acts on the line: Review checks the worst
// delinquency and warning level of its loans and its utilisation against
// the policy's warning table (Policy.Warnings), whose actions — freeze or
// suspend — the caller applies through Apply so that they are recorded
// like any other move. Review.Facts and Review.Behaviour feed the line's
// figures to package classify, and Exposure converts the undrawn limit to
// exposure at default by the policy's credit-conversion table
// (Policy.Conversion: cancellable or committed lines, by length).
//
// Every bad input is a *fault.Fields naming each bad field as JSON spells
// it; an illegal move is a *fault.Transition; a line is left unchanged by
// any method that fails.
package line
