// Package portfolio measures a loan book as a back office, a board and a
// regulator read it: what is outstanding and how much of it is overdue,
// how loans move between delinquency buckets from one month to the next,
// how each month's new loans perform as they age, and how well collections
// keep up.
//
// It works on plain lines, not on loans: a Position per loan (principal,
// overdue amount, days past due, grade, stage, provision) for the figures
// of one day, and a VintageRecord per loan and month-end for vintage
// curves. Grades, stages and delinquency buckets are package classify's,
// so the figures line up with the grading the same loans got.
//
// # Figures of one day
//
// Measure builds a Snapshot: counts and balances by bucket, grade and
// stage; overdue and more-than-90-days figures; non-performing loans
// (次级 + 可疑 + 损失); provisions; guarantee compensation (代偿); related
// parties; and the share of the ten largest borrowers. Its methods give
// the usual ratios — overdue rate by count and by balance, M1+ / M3+
// (AtLeastBucket), the NPL ratio, the provision ratio (贷款拨备率) and NPL
// coverage (拨备覆盖率) — and Disclosure the monthly figure set a lending
// platform publishes.
//
// The balance-based overdue rate counts the whole remaining principal of a
// loan with any overdue installment, not just the overdue installment:
// that is the convention a regulator reads, and it is several times the
// naive figure on an installment book.
//
// # Figures over time
//
// RollRates counts how loans moved between buckets from one report to the
// next (a loan absent from the second report left the book); FlowRates
// gives the share of each bucket's balance that rolled one bucket further
// in a month. Vintage groups loans by origination month and gives, for
// each month on book, the share in a delinquency state — now, or ever —
// by amount or by count. CEI is the collection effectiveness index, with
// its averaging convention spelt out because the two in use give very
// different figures on the same data; WriteOffRate and RecoveryRate close
// the cycle.
//
// # Exact ratios
//
// Every ratio is a Ratio: a numerator and a denominator in counts or minor
// units, never a float, rounded only when displayed (Percent, Decimal) and
// undefined, not zero, when the denominator is empty. Sums are checked, so
// a book too large for int64 minor units is an ErrOutOfRange rather than a
// wrong figure.
//
// Bad input is a *fault.Fields wrapping ErrInvalidInput that names every
// bad line ("positions[3].principal"). The package never reads the clock:
// every reporting day is in the data.
package portfolio
