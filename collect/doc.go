// Package collect is post-loan collections (催收): reminders before money
// falls due, the escalation ladder, collection cases, contact records and
// the conduct rules checked before each attempt, promises to pay,
// limitation periods, legal proceedings, write-off proposals, recoveries
// and collector performance.
//
// It takes plain facts about a loan — due dates, days past due,
// consecutive and cumulative missed installments, the five-category grade,
// the arrears as a money.Amount — in a Facts value, so it does not import
// the loan package; the root Engine connects them. Nothing here reads the
// clock: days and times are arguments, and effects (reminders to send,
// actions to take) are returned as values for the host to deliver.
//
// # Policies are data
//
// ReminderPolicy, Ladder, ContactPolicy, LimitationPolicy and
// WriteOffPolicy are plain structs, round-trippable as JSON, each with a
// Default… preset that cites its source and a Validate method that lists
// every bad field. The conduct rules (COL-1 to COL-5, after GB/T
// 45251—2025 and 《银行保险机构消费者权益保护管理办法》 art. 41) can each be
// switched off or tuned for another jurisdiction.
//
// # The daily run
//
// For each loan the host builds Facts and calls
// ReminderPolicy.RemindersDue and Ladder.Decide (or Case.Review, which
// keeps the ladder state on a Case). Both append to a caller-owned slice
// and allocate nothing, so a portfolio of millions is one loop. The
// Decision's Stage and Since go back into the next day's Facts.
//
// # Stored records
//
// A host keeps two aggregates, each stored with a version: a Record per
// loan (promises to pay and their outcome, demands and other
// interruptions of the limitation period, legal proceedings) and a Debtor
// per borrower (the contact state and the contact log the conduct rules
// count across all the borrower's loans). Their methods make the
// decisions: Record.AddPromise (idempotent), Record.Review (settles
// promises by value date), Record.BrokenBefore and Record.MarkFed (feed a
// broken promise to the ladder once), Record.AddDemand and Record.File
// (interruptions), Record.Claim (the borrower's limitation claim),
// Debtor.Record (checks an attempt and records it). Decoding either from
// JSON validates it, so a record from a store is as sound as one built
// here. The log needs only a recent window: ContactPolicy.Horizon.
//
// # Lifecycles
//
// A Case moves by one transition table (open → in progress ↔ promise to
// pay / broken promise → restructuring → legal → settled / cured / written
// off → closed), a Proceeding by another; an illegal move returns a
// *fault.Transition and changes nothing. A case cures and closes by itself
// when a review finds the arrears cleared.
//
// # Errors
//
// Errors wrap the package sentinels (ErrInvalidInput, ErrIllegalTransition,
// ErrContactRefused, ...): a *fault.Fields lists every bad field, a
// *RuleError names the conduct rule that refused a contact attempt.
package collect
