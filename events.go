package lendcore

import (
	"errors"

	"github.com/lendcore/lendcore/storage"
)

// Outbox topics of the messages the Engine writes.
const (
	TopicPosting    = "posting"    // a loan.Posting a command caused, for the host's general ledger (see doc.go: not the accruals)
	TopicReminder   = "reminder"   // a repayment reminder to deliver
	TopicCollection = "collection" // a collection action due, or a record of what collections did
	TopicCollateral = "collateral" // a coverage action, a revaluation due or a guarantor alert
	TopicInspection = "inspection" // a post-loan inspection due
	TopicInvestor   = "investor"   // an investor distribution, transfer or compensation payout
	TopicAlert      = "alert"      // an early-warning alert
	TopicReserve    = "reserve"    // a movement of the risk reserve
)

func isNotFound(err error) bool { return errors.Is(err, storage.ErrNotFound) }
