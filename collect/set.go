package collect

import (
	"encoding/json"
	"fmt"
	"math/bits"
)

// marshalSet encodes the members of a bit set (bit i = value i of n) as a
// JSON array of names, lowest value first.
func marshalSet(n enumNames, set uint32) ([]byte, error) {
	names := make([]string, 0, bits.OnesCount32(set))
	for v := 1; v < len(n.names); v++ {
		if set&(1<<v) != 0 {
			names = append(names, n.names[v])
		}
	}
	if set>>len(n.names) != 0 || set&1 != 0 {
		return nil, fmt.Errorf("%w: %s set %#x holds undefined values", ErrInvalidInput, n.kind, set)
	}
	return json.Marshal(names)
}

// unmarshalSet decodes a JSON array of names of n into a bit set.
func unmarshalSet(n enumNames, b []byte) (uint32, error) {
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return 0, fmt.Errorf("%w: %s set: %v", ErrInvalidInput, n.kind, err)
	}
	var set uint32
	for _, s := range names {
		var v uint8
		if err := unmarshalEnum(n, []byte(s), &v); err != nil {
			return 0, err
		}
		set |= 1 << v
	}
	return set, nil
}

// MarshalJSON encodes the set as a list of channel names.
func (s ChannelSet) MarshalJSON() ([]byte, error) { return marshalSet(channelNames, uint32(s)) }

// UnmarshalJSON decodes a list of channel names; on error s is unchanged.
func (s *ChannelSet) UnmarshalJSON(b []byte) error {
	v, err := unmarshalSet(channelNames, b)
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
func (s PartySet) MarshalJSON() ([]byte, error) { return marshalSet(partyNames, uint32(s)) }

// UnmarshalJSON decodes a list of party names; on error s is unchanged.
func (s *PartySet) UnmarshalJSON(b []byte) error {
	v, err := unmarshalSet(partyNames, b)
	if err == nil {
		*s = PartySet(v)
	}
	return err
}
