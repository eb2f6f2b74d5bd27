// Package classify grades loans: delinquency buckets, the Chinese
// five-category classification (五级分类), IFRS 9 staging, early warning
// (风险预警), post-loan inspection cadence (贷后检查), provisioning and
// behaviour scorecards. Reporting on a whole portfolio (snapshots, roll
// and flow rates, vintages, CEI) is package portfolio's.
//
// It takes plain facts — days past due, balances as money.Amount, dates,
// flags and signals — so it does not depend on the loan package; the Engine
// derives Facts from each loan's position.
//
// # Rules as data
//
// A Policy is a table of Rule rows (regime, object, conditions, outcome,
// effective dates, evidence tag and source). A loan's grade is the worst
// minimum any triggered row imposes; "超过" (exceeds) is the strict
// comparator GT, so 90 DPD is not "over 90 days". Presets: China2023 (the
// 2023 Measures plus IFRS 9 staging), ChinaCard2011, ChinaLegacy, IFRS9 and
// USFFIEC. Every preset row cites its primary source (measure and article)
// and an evidence tag saying how that source was checked; the repository's
// docs/regulations.md lists them. Values the sources do not fix (tagged
// not-found) are ordinary policy fields.
//
// Compile turns a Policy into a Classifier: rows that test only days past
// due become a lookup table, so Classify is allocation-free. Result.Rules
// records which rows fired; Classifier.Triggered names them for the audit
// trail.
//
// # Cures and observation as explicit state
//
// Grades and stages improve only through cure rules. The state those rules
// need — the grade last reported, the day arrears were cleared, periods paid
// on time, a restructured asset's observation clock — is a small Track
// value the Engine keeps per loan and passes to Classifier.Step each day.
// Debtor contagion (a non-retail debtor with more than 10 % of its claims
// non-performing) is applied over a debtor's claims by ApplyDebtorRules.
//
// # Facts, inspections and fund flow
//
// Outside facts — a bankruptcy notice, a fraud, a credit-bureau refresh,
// litigation, an inspection's findings, fund-flow reports — are dated
// entries of a facts journal (Fact), never edited: a correction is a dated
// withdrawal. ApplyFacts folds those in force on a day into Facts;
// FundFlowOf and the policy's FundFlow table turn inflows against the
// repayment plan and uses off purpose into signals. An inspection
// (InspectionRecord) is signed off by another person than the inspector
// (Sign, four eyes): until then its findings add signals and clear none.
// A charge-off deadline (Result.ChargeOffBy) runs from the event that set
// it, so it does not move with the day it is asked about.
//
// # Errors and names
//
// Bad input is a *fault.Fields wrapping ErrInvalidPolicy or
// ErrInvalidInput that names every bad field by its JSON path
// ("rules[2].when[0].days"). Every enumeration writes one kebab-case name
// ("special-mention", "stage-2", "not-found"); Grade also reads the
// regulation's Chinese names ("次级").
//
// The package never reads the clock: every as-of date is an argument.
package classify
