// Package schedule turns loan terms into a repayment schedule: pure,
// deterministic and exact to the cent.
//
// Generate takes Terms (principal, nominal annual rate, method, frequency,
// number of periods, start date and options) and returns a Schedule of
// Installments. Terms.Validate reports every bad field at once in a
// *fault.Fields (package fault), each named as Terms spells it in JSON
// ("annual_rate", "interest_grace"). Terms.Fees charge fees besides
// interest (upfront, per installment, account, insurance; flat or a share
// of the principal, the installment or the outstanding), shown per
// installment in Installment.Fee. Schedule.Totals, Schedule.APR (the
// all-in annual rate: the IRR of the borrower's cash flows, fees included,
// as PBoC Announcement [2021] No. 3 defines the annualised rate; IRROf for
// any flows) and Schedule.Reamortize (new principal from a
// date, keeping the term or the installment; Terms.KeepInstallmentPeriods
// is its rule for how many periods keep the installment) work on the
// result. Terms.Plan gives the plan of a loan disbursed in tranches once
// some have been paid out. Accrue and DayCount.YearFraction give the
// interest on any amount for any dates, and AddMonths the month arithmetic
// of due dates, for the packages that service loans. ParseDate reads
// YYYY-MM-DD input safely.
//
// # Methods
//
//   - EqualInstallment (等额本息): level payments (an annuity).
//   - EqualPrincipal (等额本金): equal principal parts, interest on the balance.
//   - InterestOnly (先息后本): interest every period, principal at maturity.
//   - Bullet (一次性还本付息): one payment of principal and interest at maturity.
//   - Flat (等本等息): equal principal parts, interest on the original
//     principal every period.
//
// # Default conventions
//
// These reproduce Chinese banks' published calculators to the cent (the
// tests check them against published figures):
//
//   - the periodic rate is r = annual / periods per year (annual/12 monthly);
//   - every amount is rounded half-up (half away from zero) to the
//     currency's minor unit, once, from the exact value;
//   - equal installment: payment = round(P·r·(1+r)ⁿ / ((1+r)ⁿ − 1)), computed
//     exactly; interestₖ = round(balance·r); principalₖ = payment − interestₖ;
//     the last period's principal is the remaining balance, so its payment
//     may differ by a few cents;
//   - equal principal: principalₖ = round(P/n) for k < n, the last takes the
//     remainder; interestₖ = round(balance·r);
//   - interest-only: interestₖ = round(P·r), all principal in the last period;
//   - bullet: one installment at maturity, interest = round(P·r·n), or by
//     actual days on the Actual basis and for loans of days;
//   - flat: interestₖ = round(P·r), principal as for equal principal.
//
// The zero Frequency is Monthly and the zero DayCount is ACT/360 (the
// daily rate 年利率/360 of Chinese banks); the zero RoundingMode is half-up.
//
// # Options
//
// The conventions other lenders use are options, so each can be reproduced
// exactly: Rounding (half-even, down, up, ...) applies to every amount;
// InstallmentMultiple rounds the installment of an equal-installment or
// flat loan to a multiple (whole yuan, say) with InstallmentRounding;
// Basis Actual counts every period's interest by actual days with the
// DayCount (30/360, ACT/360, ACT/365F, ACT/ACT ISDA) instead of the periodic
// rate; Totals chooses whether totals are the sum of the rows, the rounded
// payment × n, or the unrounded payment × n.
//
// Those of Apache Fineract, Frappe Lending and Mambu (each option's doc
// comment names the peer it matches and the tests cite the worked
// example): GraceLayout counts interest and principal grace from the
// first period; BrokenPeriod charges a broken first period's extra
// interest in the first installment, spread over the installments, or
// upfront; EveryNDays with PeriodDays, and SemiMonthlyDays for two fixed
// due days a month; DownPayment, due at each disbursement as an
// installment of its own (Installment.AtDisbursement); Tranches, a
// principal disbursed in parts, each re-amortising the rest (Terms.Plan,
// Terms.Undisbursed). Every option's zero value is today's behaviour, and
// Validate names each one that conflicts with another.
//
// # Dates
//
// Due date k is the start advanced by k periods, anchored on the start's day
// of month and clamped to the month's last day: a loan starting on 31
// January is due 28/29 February, 31 March, 30 April, never drifting.
// Semi-monthly loans fall due on two days fifteen days apart (the 10th and
// 25th, or the 16th and the month end), or on two fixed days
// (SemiMonthlyDays: the 1st and 16th, the 15th and the month end). Loans of
// EveryNDays fall due every PeriodDays days. FirstDue gives a broken first period,
// short or long (up to two periods), whose interest is counted by its actual
// days; later due dates keep to FirstDue's day. For an equal-installment
// loan the broken period keeps the regular principal part, so only its
// payment differs.
//
// BusinessDay moves a due date off weekends and holidays (Following,
// ModifiedFollowing, Preceding) by a Calendar such as HolidayCalendar;
// interest still runs to the unadjusted date unless InterestFollowsAdjusted.
//
// # Grace
//
// InterestGrace periods come first and have no payment: their interest is
// capitalised (CapitalizeGrace; the balance grows, see
// Installment.Capitalized) or deferred to the first payment after them.
// PrincipalGrace periods follow, paying interest only. The method then
// amortises the balance over the remaining periods. With GraceLayout
// GraceOverlapping both count from the first period instead: the
// interest-grace periods are the first of the principal-grace ones.
//
// # Arithmetic
//
// Amounts are money.Amount (int64 minor units); rates are exact fractions
// (money.Rate). The level payment is rounded once from its exact value: a
// float64 estimate settles the rounding when it lies clearly away from a
// rounding boundary (its error bound is stated in annuity.go and a test
// checks it against the exact path), and otherwise the payment is computed
// as an exact rational in big integers. The per-period loop runs in int64,
// which keeps a 360-period schedule to a few tens of microseconds. The IRR
// search uses shopspring decimals with stated precision.
package schedule
