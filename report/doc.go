// Package report turns a portfolio's month-end figures into what a risk
// manager opens: one self-contained HTML page of charts, each with a table
// of its numbers beside it, or the monthly figures as CSV or JSON.
//
// The page shows the outstanding balance and the loans on the books over
// time; the delinquency buckets (M0…M6+) stacked; the five-category mix
// with the NPL ratio; non-performing loans against provisions; last
// month's roll-rate matrix as a heat map; vintage curves (the cumulative
// share of each origination month's loans gone bad, and written off, by
// months on book); collection stages with recoveries; the risk reserve's
// movements; and, once loans are made under more than one product, a
// breakdown by product. It opens with no network: the charting library
// (Apache ECharts), its styles and the figures are inlined, and it uses
// the system's fonts.
//
// # Where the figures come from
//
// Figures holds one Month per month end. The daily close records each
// month end in the store (lendcore.MonthEndFigures); Stored, a Source,
// reads them back (lendcore report, and lendcore simulate --report, which
// therefore write the same report), and Load checks the range and the
// answer. A Collector builds them instead while an Engine runs, for a host
// that wants the figures of other days than month ends closed: at each
// month end, Observe every loan, then Add the Engine's PortfolioAt and the
// running totals.
//
// The two count a vintage's bad loans alike when the Collector is given
// each loan's worst days past due to date (LoanState.MaxDPD) as
// LoanAt.DPD: Stored counts a loan bad once it has been in the vintage
// bucket or worse at any close, not only at a month end. Stored files a
// loan under the month of its disbursement; a Collector under the month
// end it first observes the loan at, the same month when every month end
// is collected. Write
// renders them as HTML, CSV or JSON; it writes to an io.Writer and never
// touches the disk, so the caller decides how a file is replaced.
//
// Nothing here reads the clock: the same figures give the same bytes.
package report
