package lendcore

import (
	"errors"

	"github.com/lendcore/lendcore/invest"

	"github.com/lendcore/lendcore/storage"
)

// Outbox topics of the messages the Engine writes. Each topic carries one
// payload type, so a consumer decodes a topic's messages into one Go type;
// types that carry several kinds of event say which in a kind field.
//
//	topic              payload                  what it is
//	posting            loan.Posting             a loan posting for the host's general ledger, emitted by the close
//	reminder           collect.Reminder         a repayment reminder to deliver
//	collection-action  collect.ActionDue        a collection action the escalation ladder makes due
//	collection         CollectionEvent          what collections recorded: a contact, a promise and its outcome, a demand, a legal step
//	inspection         InspectionDue            a post-loan inspection that fell due
//	investor           InvestorEvent            a distribution to investors, a claim transfer or a compensation payout
//	reserve            ReserveMovement          a movement of the risk reserve
//	collateral         CollateralEvent          a coverage action, a revaluation due or a guarantor alert
//	cash               CashEvent                movements of members' cash accounts; a withdrawal for the payment rail
//	listing            ListingEvent             a listing published, bid on, full, failed or cancelled
//	line               LineEvent                a credit line opened, drawn on, its limit changed, frozen, reviewed or closed
//	alert              Alert                    a loan's early-warning level or risk grade changed
//	product            ProductMoved             a loan moved to another product version or segment (MoveLoanProduct)
//
// Message.Day is the business day that produced the message: the day of
// the close, or the value date of the command (the last closed day when
// that is later).
const (
	TopicPosting    = "posting"
	TopicReminder   = "reminder"
	TopicAction     = "collection-action"
	TopicCollection = "collection"
	TopicInspection = "inspection"
	TopicInvestor   = "investor"
	TopicReserve    = "reserve"
	TopicCollateral = "collateral"
	TopicCash       = "cash"
	TopicListing    = "listing"
	TopicLine       = "line"
	TopicAlert      = "alert"
	TopicProduct    = "product"
)

// InvestorEvent is the payload of an outbox record of topic "investor":
// Kind says which of the others is set — "distribution", "transfer" or
// "compensation".
type InvestorEvent struct {
	Kind         string               `json:"kind"`
	Distribution *invest.Distribution `json:"distribution,omitempty"`
	Transfer     *invest.Transfer     `json:"transfer,omitempty"`
	Compensation *invest.Compensation `json:"compensation,omitempty"`
}

func isNotFound(err error) bool { return errors.Is(err, storage.ErrNotFound) }
