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
// Figures holds one Month per month end. A Collector builds them while an
// Engine runs (lendcore simulate --report does): at each month end, Observe
// every loan, then Add the Engine's PortfolioAt and the running totals. A
// Source reads them back from a store the daily close recorded them in
// (lendcore report), and Load checks the range and the answer. Write
// renders them as HTML, CSV or JSON; it writes to an io.Writer and never
// touches the disk, so the caller decides how a file is replaced.
//
// Nothing here reads the clock: the same figures give the same bytes.
package report
