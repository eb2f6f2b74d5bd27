package collect

import "github.com/lendcore/lendcore/enum"

// Channel is a way of reaching a party.
type Channel uint8

// Channels.
const (
	SMS     Channel = iota + 1 // text message
	Email                      // e-mail
	Phone                      // voice call (a connected call counts against COL-1)
	AppPush                    // push notification in the lender's app
	Letter                     // paper letter
	Visit                      // field visit in person
	channelEnd
)

var channelNames = enum.New[Channel](ErrInvalidInput, "channel", "", "sms", "email", "phone", "app-push", "letter", "visit")

// String returns the channel's name.
func (c Channel) String() string { return channelNames.String(c) }

// Valid reports whether c is a defined channel.
func (c Channel) Valid() bool { return channelNames.Valid(c) }

// MarshalText encodes the channel's name.
func (c Channel) MarshalText() ([]byte, error) { return channelNames.MarshalText(c) }

// UnmarshalText decodes a channel's name.
func (c *Channel) UnmarshalText(b []byte) error {
	return channelNames.UnmarshalText(b, c)
}

// ChannelSet is a set of channels, e.g. a borrower's preferred ones. The
// zero set is empty ("no preference" where a preference is asked).
type ChannelSet uint16

// Channels returns the set holding cs.
func Channels(cs ...Channel) ChannelSet {
	var s ChannelSet
	for _, c := range cs {
		s |= 1 << c
	}
	return s
}

// Has reports whether c is in the set.
func (s ChannelSet) Has(c Channel) bool { return s&(1<<c) != 0 }

// Party is someone a collector may contact or act against.
type Party uint8

// Parties.
const (
	Borrower         Party = iota + 1 // the debtor
	Guarantor                         // a guarantor (保证人), liable under the guarantee
	EmergencyContact                  // a contact the borrower named; a third party (COL-3)
	Dealer                            // the dealer that sold the financed goods, where the product has one
	Insurer                           // the credit insurer, where the product has one
	Reserve                           // the platform's risk reserve (风险准备金)
	partyEnd
)

var partyNames = enum.New[Party](ErrInvalidInput, "party", "", "borrower", "guarantor", "emergency-contact", "dealer", "insurer", "reserve")

// String returns the party's name; the zero Party, which an internal
// action (a legal review, a write-off proposal) addresses, prints as
// "internal" rather than as nothing.
func (p Party) String() string {
	if p == 0 {
		return "internal"
	}
	return partyNames.String(p)
}

// Valid reports whether p is a defined party.
func (p Party) Valid() bool { return partyNames.Valid(p) }

// MarshalText encodes the party's name.
func (p Party) MarshalText() ([]byte, error) { return partyNames.MarshalText(p) }

// UnmarshalText decodes a party's name.
func (p *Party) UnmarshalText(b []byte) error {
	return partyNames.UnmarshalText(b, p)
}

// ThirdParty reports whether p is not liable for the debt, so the debt must
// not be disclosed to it (COL-3, COL-5).
func (p Party) ThirdParty() bool { return p == EmergencyContact }

// Grade is the loan's five-category grade as the caller's risk grading
// reports it (this package does not import classify). The zero Grade is
// "not graded".
type Grade uint8

// Five-category grades (五级分类), in order of worsening credit.
const (
	Normal         Grade = iota + 1 // 正常
	SpecialMention                  // 关注
	Substandard                     // 次级
	Doubtful                        // 可疑
	Loss                            // 损失
	gradeEnd
)

var gradeNames = enum.New[Grade](ErrInvalidInput, "grade", "", "normal", "special-mention", "substandard", "doubtful", "loss")

// String returns the grade's name.
func (g Grade) String() string { return gradeNames.String(g) }

// Valid reports whether g is a defined grade.
func (g Grade) Valid() bool { return gradeNames.Valid(g) }

// MarshalText encodes the grade's name.
func (g Grade) MarshalText() ([]byte, error) { return gradeNames.MarshalText(g) }

// UnmarshalText decodes a grade's name.
func (g *Grade) UnmarshalText(b []byte) error {
	return gradeNames.UnmarshalText(b, g)
}

// NonPerforming reports whether g is Substandard, Doubtful or Loss (不良).
func (g Grade) NonPerforming() bool { return g >= Substandard && g < gradeEnd }

// Features are facts about a loan's product that decide whether an action
// applies: a demand on the dealer needs a dealer.
type Features uint8

// Product features.
const (
	HasDealer  Features = 1 << iota // a dealer or merchant shares the risk (buy-back, guarantee)
	HasInsurer                      // the loan carries credit insurance
	HasReserve                      // a risk reserve covers the loan
)
