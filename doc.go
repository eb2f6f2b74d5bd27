// Package lendcore is the Engine of the lendcore library: it wires a store
// (package storage and its adapters) and the policies of the domain
// packages (loan, classify, collect, collateral, invest) into one entry
// point for in-loan (贷中) and post-loan (贷后) management.
//
// Commands — Submit, Approve, Reject, Withdraw, Cancel, Disburse, Post (any
// journal entry: repayment, prepayment, fee, waiver, restructure,
// acceleration, write-off, recovery, refund, reversal), TransferClaim,
// RecordInspection — each load, apply and save in one unit of work with
// optimistic-concurrency retry; a command that fails changes nothing.
// Posting the same idempotency key twice returns the first result. Each
// command writes the ledger postings it causes to the outbox.
//
// CloseOfDay is the daily close of business. For every loan being serviced
// it folds the journal to the day and derives days past due, bucket, grade
// and IFRS 9 stage (with the cure and observation clocks), provisions, the
// collection stage with the reminders and actions due, post-loan
// inspections due and the investors' distribution of what was paid. After
// the loans it runs the reserve's compensation (代偿) and evaluates the
// host's collateral register. Results are written per batch atomically; the
// close is idempotent per day, resumes after a crash without emitting
// anything twice, and catches up skipped days in order. A current loan on
// a day when nothing can change keeps yesterday's state without a fold
// (WithQuietShortcut).
//
// Only the daily close writes a loan's derived state (LoanState) and its
// investor book, so a command racing a close never overwrites them. Run one
// close at a time per store: within an Engine closes are serialised; across
// processes the host must ensure it.
//
// Effects leave as outbox records (storage.Message) under the topics
// TopicPosting, TopicReminder, TopicCollection, TopicInspection,
// TopicInvestor, TopicReserve and TopicCollateral, keyed so that a re-run
// adds nothing twice; the host drains them with storage.Drain.
//
// TopicPosting carries the postings a command causes (a disbursement, a
// repayment's allocation, a write-off, a restatement by a backdated entry
// or a reversal). The postings the passage of time makes — interest
// falling due, penalty accruing — are not emitted yet: a host keeping its
// general ledger from the outbox must take them from Loan.Postings or
// Loan.Ledger (for instance at month end), or its interest and penalty
// receivables will not balance.
//
// PortfolioAt is the back office's dashboard: counts and balances by
// status, bucket, grade and stage, overdue and NPL ratios, provisions, roll
// rates since the previous month end, collection stages, applications
// awaiting approval and the reserve. It is single-currency: a portfolio
// holding loans in several currencies returns a *CurrencyError.
//
// The Engine reads the clock only for booking times (WithClock) and logs
// through log/slog (WithLogger); the domain packages do neither.
package lendcore
