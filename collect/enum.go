package collect

import "fmt"

// enumNames is the name table of a small enumeration whose zero value means
// "not set"; index i holds the name of value i.
type enumNames struct {
	kind  string
	names []string
}

func (n enumNames) name(v uint8) string {
	if v != 0 && int(v) < len(n.names) {
		return n.names[v]
	}
	return fmt.Sprintf("%s(%d)", n.kind, v)
}

func (n enumNames) valid(v uint8) bool { return v != 0 && int(v) < len(n.names) }

func (n enumNames) marshal(v uint8) ([]byte, error) {
	if !n.valid(v) {
		return nil, fmt.Errorf("%w: %s %d", ErrInvalidInput, n.kind, v)
	}
	return []byte(n.names[v]), nil
}

// unmarshalEnum decodes a name of n into *dst; an unknown name leaves *dst
// unchanged.
func unmarshalEnum[T ~uint8](n enumNames, b []byte, dst *T) error {
	for i := 1; i < len(n.names); i++ {
		if n.names[i] == string(b) {
			*dst = T(i)
			return nil
		}
	}
	return fmt.Errorf("%w: unknown %s %q", ErrInvalidInput, n.kind, b)
}

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

var channelNames = enumNames{"channel", []string{"", "sms", "email", "phone", "app-push", "letter", "visit"}}

// String returns the channel's name.
func (c Channel) String() string { return channelNames.name(uint8(c)) }

// Valid reports whether c is a defined channel.
func (c Channel) Valid() bool { return channelNames.valid(uint8(c)) }

// MarshalText encodes the channel's name.
func (c Channel) MarshalText() ([]byte, error) { return channelNames.marshal(uint8(c)) }

// UnmarshalText decodes a channel's name.
func (c *Channel) UnmarshalText(b []byte) error {
	return unmarshalEnum(channelNames, b, c)
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

var partyNames = enumNames{"party", []string{"", "borrower", "guarantor", "emergency-contact", "dealer", "insurer", "reserve"}}

// String returns the party's name.
func (p Party) String() string { return partyNames.name(uint8(p)) }

// Valid reports whether p is a defined party.
func (p Party) Valid() bool { return partyNames.valid(uint8(p)) }

// MarshalText encodes the party's name.
func (p Party) MarshalText() ([]byte, error) { return partyNames.marshal(uint8(p)) }

// UnmarshalText decodes a party's name.
func (p *Party) UnmarshalText(b []byte) error {
	return unmarshalEnum(partyNames, b, p)
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

var gradeNames = enumNames{"grade", []string{"", "normal", "special-mention", "substandard", "doubtful", "loss"}}

// String returns the grade's name.
func (g Grade) String() string { return gradeNames.name(uint8(g)) }

// MarshalText encodes the grade's name.
func (g Grade) MarshalText() ([]byte, error) { return gradeNames.marshal(uint8(g)) }

// UnmarshalText decodes a grade's name.
func (g *Grade) UnmarshalText(b []byte) error {
	return unmarshalEnum(gradeNames, b, g)
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
