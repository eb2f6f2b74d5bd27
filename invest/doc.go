// Package invest keeps the investor side of loans funded by many investors
// (P2P lending): the funding phase, holdings, the split of every repayment
// to the minor unit, claim transfers and guarantee compensation.
//
// A Listing (借款标) collects commitments up to a target before a deadline;
// a full listing settles into a Book, a failed one releases its
// commitments. Its lifecycle is one transition table; an illegal move
// returns a *fault.Transition that changes nothing.
//
// A Book holds a loan's holdings: the principal each investor holds sums to
// the loan's outstanding principal. Book.Distribute splits each repayment,
// component by component (principal, interest, penalty, fee — loan.Split),
// pro rata to principal held, with the largest-remainder method of
// money.AllocateInto: parts sum exactly to what the borrower paid; leftover
// minor units go to the largest remainders, ties to the larger holding and
// then the older one. A ServicingFee (a rate of the interest or of each
// receipt) is deducted per holding and reported; nothing is charged when
// nothing is paid.
//
// Book.Transfer sells all or part of a holding (债权转让) at principal +
// interest accrued to the transfer date under the loan's day count ±
// premium or discount, less a seller fee, subject to TransferPolicy
// (minimum holding days, blackout before due dates, not while overdue,
// maximum discount, minimum amount, maximum transfers); every broken rule is
// listed in *EligibilityError (code fault.CodeRefused). The buyer's holding
// carries the transfer history, and the next distribution pays it the whole
// period's interest.
//
// A Reserve (风险准备金, or a guarantor) is funded by a share of each loan
// or repayment and pays compensation (代偿) when a loan reaches a trigger of
// days past due: the overdue installments, or the whole outstanding
// principal. Payouts go to investors pro rata, oldest claims first, and stop
// when the balance reaches zero. The payer then holds the paid claim
// (subrogation): later payments on it are routed to the payer, and
// Reserve.Recover credits them back.
//
// Stored form. A book is stored as a loan is: its Opening (funding date,
// fundings, policy) and an append-only log of BookOp — distributions,
// transfers, compensation payouts. OpenBook replays the log through
// Book.Apply, the same methods that made it, so the stored form never
// disagrees with the rules; Book.Holders is what a store indexes a book by.
// A reserve is stored as its movements, whose sum is its balance:
// RestoreReserve rebuilds it from that balance, and after a command its
// Ledger holds the movements the command decided.
//
// The package takes plain facts — repayment allocations, the current
// interest Period, days past due, overdue installments — and never reads the
// clock. Amounts are money.Amount; no float64 touches a money path. Every
// method that returns an error leaves its receiver unchanged.
package invest
