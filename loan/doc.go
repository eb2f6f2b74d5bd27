// Package loan is the in-loan and post-loan core of lendcore: applications
// and their approval, and the servicing of a disbursed loan through its
// journal.
//
// # A loan is its journal
//
// A Loan holds its terms (schedule.Terms), its servicing Policy and an
// append-only journal of Entry values: disbursement, repayment,
// prepayment, fee charge, waiver, restructure, acceleration, write-off,
// recovery, refund of credit balance and reversal — and the transactions
// other systems offer: delinquency pause and resume, re-age,
// re-amortisation, settlement, sale to an external owner and buyback,
// tranche disbursement and down payment. Each entry carries who
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
// # Other systems' conventions
//
// A lender migrating its book from Apache Fineract, Mambu or Frappe
// Lending replays it with the options those systems use; each is policy
// data whose zero value is lendcore's own convention, and each names the
// peer it matches:
//
//   - Arrears: the due date as day 1 (Frappe Lending) or the day after
//     (Fineract, Mambu); a grace on arrears ageing (Fineract, Mambu's
//     arrears tolerance); Pause and Resume entries that take dated
//     periods out of days past due (Fineract's delinquency actions).
//   - Penalty and accrual: penalty days counted the same two ways; a late
//     fee as a share of the overdue principal, principal and interest, or
//     installment, after a wait, booked as a fee or a penalty (Fineract's
//     overdue charges); accrued interest rounded per period (Fineract) or
//     each day (Frappe Lending).
//   - Payments: excess money held as credit, paid ahead to the next
//     installments, or applied to principal reducing the term or the
//     installment (PaymentPolicy, or the payer's choice on the entry);
//     advanced allocation rules over {past due, due, in advance} ×
//     components per transaction (Fineract's advanced payment
//     allocation) — the waterfalls are such rules (Waterfall.Rule); the
//     Refund entry is Fineract's credit balance refund; an auto-closure
//     tolerance (Frappe Lending's auto write-off amount).
//   - Restructuring: ReAge moves the arrears into new installments after
//     maturity and ReAmortize spreads them over the installments not yet
//     due (Fineract's re-age and re-amortisation); a Settlement (和解)
//     pays less than the claim with a second approver and waives the rest.
//   - Write-off and sale: the claim takes the running period's interest
//     accrued or in full; recoveries beyond the claim are refused
//     (Fineract) or income; Sale and Buyback move the loan to an external
//     owner's books and back through the asset-transfer account
//     (Fineract's external asset owner transfer), and every posting in
//     between names the owner (Posting.Owner).
//   - Disbursement: a loan disbursed in tranches (schedule.Terms.Tranches)
//     takes each later tranche as a Tranche entry that re-plans the
//     schedule (schedule.Terms.Plan); a DownPayment entry receives the
//     down payment the schedule asks on a disbursement date.
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
// Interest paid before it falls due is credited to interest receivable,
// which the interest falling due brings back to zero; interest a re-age or
// re-amortisation moves to a later installment is taken back from income
// until that installment falls due; what a settlement or the auto-closure
// tolerance waives goes against income (principal against the write-off
// account); a sale moves every balance through the asset-transfer account
// into the owner's books. The terms' scheduled fees (schedule.Fee) are owed
// with their installments and recognised as fee income when they fall due;
// a payoff or re-amortisation carries only those fallen due. With
// AccrualPolicy.NonaccrualDPD a loan that many days past due stops
// accruing income: its interest and penalty recognised and unpaid move to
// the interest-suspense account until paid or cured. PostingsAt gives the
// postings of an earlier version of the journal, which lets a ledger fed
// by differences (the Engine's close) book exactly what changed.
//
// All amounts are money.Amount (int64 minor units); nothing on a money
// path uses float64.
package loan
