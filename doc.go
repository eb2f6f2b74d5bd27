// Package lendcore is the Engine of the lendcore library: it wires a store
// (package storage and its adapters) and the policies of the domain
// packages (loan, classify, collect, collateral, invest) into one entry
// point for in-loan (贷中) and post-loan (贷后) management.
//
// # Commands
//
// Every command runs the same way: it reads what it needs with versions,
// decides in a domain package, and writes with the versions it read and
// the outbox records the decision makes, in one unit of work; when another
// writer got there first it runs again from the read. A command that fails
// changes nothing, and repeating a command (the same idempotency key, the
// same record) returns the first result. The commands:
//
//   - applications: Submit, Approve, Reject, Withdraw, Cancel, Disburse;
//   - loans in progress from another system: ImportLoan (terms, journal to
//     a cut-over date, the old system's collection stage, grade and
//     promises; the first close continues from the cut-over);
//   - the loan journal: Post (repayment, prepayment, fee, waiver,
//     restructure, acceleration, write-off, recovery, refund, reversal);
//   - investors: TransferClaim (the books, distributions and reserve
//     payouts are the close's);
//   - collections: RecordContact, SetContactState, RecordPromise,
//     RecordDemand, RecordLegal;
//   - post-loan inspections: RecordInspection, SignOffInspection (a
//     supervisor other than the inspector: four eyes);
//   - the risk loop's outside facts (bankruptcy, fraud, overdue debts
//     elsewhere, litigation, a significant increase in credit risk,
//     fund-flow monitoring's inflows and uses of the funds):
//     RecordFact, WithdrawFact;
//   - the collateral register: RegisterCollateral, Pledge, AddValuation,
//     Revalue, Release, Seize, Liquidate (which posts each loan's share),
//     DepositDocument, CheckOutDocument, ReturnDocument, HandBackDocument,
//     AddGuarantor, AddGuarantee, Reassess, DemandGuarantor;
//   - a P2P platform's cash accounts (package account): OpenAccount,
//     Deposit, RequestWithdrawal and AnswerWithdrawal (the host's payment
//     rail pays out through the outbox), TransferCash;
//   - listings (借款标): PublishListing, PlaceBid (which freezes the bid
//     in the investor's account; the bid that fills the listing disburses
//     the loan funded by the bids and moves the money to the borrower),
//     CancelListing, CloseListings (the listings past their closing day
//     fail and release their bids; the daily close runs it).
//   - credit lines: OpenLine, Drawdown (a loan approved by the line and
//     disbursed in the same unit of work), AdjustLimit, ApproveLimit,
//     RejectLimit, FreezeLine, UnfreezeLine, SuspendLine, ResumeLine,
//     CloseLine.
//   - products (WithCatalogue, LoadProducts): PublishProduct (a change is
//     a new version), MoveLoanProduct (an audited move of a loan to
//     another version or segment from a day on).
//
// # Products
//
// A lender's products (信用贷, 抵押贷, a short cash loan) are named,
// versioned Products: term ranges, policies and customer segments whose
// overrides are JSON merge patches over the product's policies. An
// application names its product and segment and is checked against the
// product's ranges; the loan records the version it was approved under
// and keeps it until MoveLoanProduct moves it. Every command and the daily
// close apply the loan's own policies, resolved once per product version
// and segment; an application that names no product runs under the
// Engine's own Policies.
//
// # The daily close
//
// CloseOfDay is the daily close of business. For every loan being serviced
// it folds the journal to the day and derives days past due, bucket, grade
// and IFRS 9 stage (with the cure and observation clocks), provisions, the
// collection stage with the reminders and actions due, post-loan
// inspections due and the investors' distribution of what was paid. Then,
// once for the portfolio, it settles promises to pay, compensates investors
// from the reserve (代偿) — crediting the investors' cash accounts with
// their distributions and payouts —, closes the listings past their
// closing day, monitors the collateral register, reviews the credit lines
// against their warning rules (freezing or expiring them) and purges
// delivered outbox messages past their retention. The grade and the
// warning level read the facts in force on the day and the latest
// inspection's findings, and a debtor pass grades each borrower's loans
// together once every partition is done (see risk.go). It catches up skipped
// days in order, is idempotent per day, and resumes after a crash without
// emitting anything twice. A current loan on a day when nothing can change
// keeps yesterday's state without a fold (WithQuietShortcut).
//
// # Replicas
//
// Several Engines on one database — replicas of a host service — are as
// safe as one: nothing in an Engine's memory keeps data correct. A day's
// close is split into partitions of loan ids that replicas claim through
// the store with a lease (WithPartitions, WithLease); a replica that dies
// leaves its partition to the others when its lease runs out, and the
// portfolio steps run once, after every partition is done. Commands keep
// working on every replica during a close.
//
// # Effects
//
// Effects leave as outbox records (storage.Message) under the topics
// TopicPosting, TopicReminder, TopicAction, TopicCollection,
// TopicInspection, TopicInvestor, TopicReserve, TopicCollateral, TopicCash,
// TopicListing, TopicLine, TopicAlert and TopicProduct — one
// payload type each, listed with the topics — keyed so that a re-run adds
// nothing twice; the host drains them with storage.Drain or scans them
// with Outbox.Scan (by loan, topic, day and delivery state).
//
// TopicPosting carries the loans' postings for the host's general ledger,
// emitted by the daily close: for each loan the difference between its
// ledger (Loan.Postings) folded to the day closed and what earlier closes
// emitted. So the postings the passage of time makes — interest and fees
// falling due, penalty accruing — leave with the close of their day (a
// missed day's with the close that catches it up), and the postings a
// command causes (a disbursement, a repayment's allocation, a write-off, a
// backdated entry's or a reversal's restatement) with the close of the
// first day that covers their value date. A ledger built only from the
// outbox equals the loans' ledgers as of the last closed day.
//
// # Reads
//
// Loans lists loans for a back office by status, bucket, grade, collection
// stage, days past due and next due date, paged, as an iter.Seq2; Schedule
// is a loan's plan as it stands after restructures; State is ErrNotClosed
// until a close has covered the loan. Loan, Position, State, Application,
// Book, Collection, LimitationExpiry, Inspections (a loan's history),
// UnsignedInspections and InspectionsDue (across the portfolio), Facts,
// CollateralItem, Security, Guarantor, ReserveState and PortfolioAt, the
// back office's dashboard: counts and balances by status, bucket, grade
// and stage, overdue and NPL ratios, provisions,
// roll rates since the previous month end, collection stages,
// applications awaiting approval, the reserve and the credit lines (by
// status, limit, drawn, utilisation, frozen). A P2P platform reads
// Account, AccountEntries (a member's movements), CashHistory (a member's
// statement of a span: opening and closing totals, movements, sums by
// kind), Withdrawal, Listing,
// OpenListings, Bids, HomePage (its home page: members, listings by state,
// funds, items awaiting review) and Reconcile (the books against the
// custodian bank's statement, 资金存管). The dashboard is
// single-currency: a portfolio holding loans in several currencies
// returns a *CurrencyError.
//
// # Policies and bad input
//
// Policies gathers every rule as data; LoadPolicies reads a policy file
// strictly (unknown fields, wrong types and unknown enum names are named
// by JSON path, syntax errors by line and column). A loan keeps the
// servicing policy it was disbursed under; the other parts apply to every
// loan from the next close (see Policies). Bad input to any command is a
// *fault.Fields naming every bad field at once, and changes nothing.
// PrototypeDossier and PrototypeAuthority take the ceremony out of
// prototypes and tests, and only of them.
//
// The Engine reads the clock only for booking times (WithClock), to
// refuse entries value-dated after today (Policies.Posting), and for
// the leases of the close, and logs through log/slog (WithLogger); the
// domain packages do neither.
package lendcore
