package collect

import (
	"errors"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
)

// unmarshalSet decodes a JSON array of names of n into a bit set (a set
// called what). An
// unknown name is the *fault.Fields enum.Names reports; a document that is
// not an array of strings is one too, of kind ErrInvalidInput, so every
// bad policy reads the same way.
func unmarshalSet[T ~uint8](n *enum.Names[T], what string, b []byte) (uint64, error) {
	set, err := n.UnmarshalSet(b)
	var bad *fault.Fields
	if err != nil && !errors.As(err, &bad) {
		return 0, fault.Invalid(ErrInvalidInput, what, "must be a list of names: "+err.Error())
	}
	return set, err
}

// MarshalJSON encodes the set as a list of channel names.
func (s ChannelSet) MarshalJSON() ([]byte, error) { return channelNames.MarshalSet(uint64(s)) }

// UnmarshalJSON decodes a list of channel names; on error s is unchanged.
func (s *ChannelSet) UnmarshalJSON(b []byte) error {
	v, err := unmarshalSet(channelNames, "channel set", b)
	if err == nil {
		*s = ChannelSet(v)
	}
	return err
}

// valid reports whether s holds only defined channels.
func (s ChannelSet) valid() bool { return s&1 == 0 && s>>channelEnd == 0 }

// PartySet is a set of parties.
type PartySet uint8

// Parties returns the set holding ps.
func Parties(ps ...Party) PartySet {
	var s PartySet
	for _, p := range ps {
		s |= 1 << p
	}
	return s
}

// Has reports whether p is in the set.
func (s PartySet) Has(p Party) bool { return s&(1<<p) != 0 }

// valid reports whether s holds only defined parties.
func (s PartySet) valid() bool { return s&1 == 0 && s>>partyEnd == 0 }

// MarshalJSON encodes the set as a list of party names.
func (s PartySet) MarshalJSON() ([]byte, error) { return partyNames.MarshalSet(uint64(s)) }

// UnmarshalJSON decodes a list of party names; on error s is unchanged.
func (s *PartySet) UnmarshalJSON(b []byte) error {
	v, err := unmarshalSet(partyNames, "party set", b)
	if err == nil {
		*s = PartySet(v)
	}
	return err
}
