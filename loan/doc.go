// Package loan is the in-loan and post-loan core of lendcore: applications
// and their approval, and the servicing of a disbursed loan through its
// journal.
//
// # A loan is its journal
//
// A Loan holds its terms (schedule.Terms), its servicing Policy and an
// append-only journal of Entry values: disbursement, repayment,
// prepayment, fee charge, waiver, restructure, acceleration, write-off,
// recovery, refund of credit balance and reversal. Each entry carries who
// posted it, when it was booked (passed in — the package never reads a
// clock), why, and an idempotency key. Post validates an entry completely
// (a *fault.Fields naming every bad field as JSON spells it, or a
// *fault.Transition for a move the lifecycle table forbids: see Lifecycle)
// before appending it; on error the loan is unchanged.
//
// Everything else is derived. PositionAt folds the journal up to a date in
// value-date order (ties in posting order): installments with owed, paid
// and outstanding per component (principal, interest, penalty, fee) and
// status, totals, days past due, overdue amounts, missed installments,
// the next due installment, credit balance, interest accrued but not due,
// the payoff amount, and whether and when the loan was restructured,
// accelerated or written off. A backdated entry simply takes its place in
// value-date order; a reversal removes its entry from the fold, so penalty
// and allocation are restated from that entry's value date. The result is
// identical to posting the same entries in value-date order.
//
// # Policies
//
// Policy is plain data with documented defaults (DefaultPolicy) and
// Validate: the allocation waterfall (component order, horizontal or
// vertical, separate waterfalls for non-performing and written-off
// loans), penalty interest (罚息: base, annual/daily/contract-markup rate,
// grace days, compound interest on overdue interest 复利, late fee, caps),
// prepayment (keep term or keep installment, interest to date or for the
// full period, fee) and the chart of accounts.
//
// Penalty accrues exactly: each installment keeps Σ base × days and the
// penalty owed is that sum times the daily rate, rounded once — no per-day
// loop and no drift however payments split the days. A restructure that
// changes the rate closes the sum at the old rate: days already past keep
// it, and the penalty is rounded once per rate.
//
// # Accounting
//
// Postings and Ledger derive balanced double-entry postings from the fold:
// the disbursement, interest recognised when it falls due, penalty as it
// accrues, fees when charged, payments by component, credit balance as a
// liability, write-off against the allowance and recoveries as income.
//
// All amounts are money.Amount (int64 minor units); nothing on a money
// path uses float64.
package loan
