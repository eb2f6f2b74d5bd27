package enum

import (
	"encoding/json"
	"math/bits"
)

// MarshalSet writes a set of values, held as a bit set (bit v set for
// value v), as a JSON array of their names in value order.
func (n *Names[T]) MarshalSet(set uint64) ([]byte, error) {
	names := make([]string, 0, bits.OnesCount64(set))
	for set != 0 {
		v := T(bits.TrailingZeros64(set))
		set &= set - 1
		b, err := n.MarshalText(v)
		if err != nil {
			return nil, err
		}
		names = append(names, string(b))
	}
	return json.Marshal(names)
}

// UnmarshalSet reads a JSON array of names (or null) into a bit set.
func (n *Names[T]) UnmarshalSet(b []byte) (uint64, error) {
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return 0, err
	}
	var set uint64
	for _, s := range names {
		v, err := n.Parse(s)
		if err != nil {
			return 0, err
		}
		set |= 1 << v
	}
	return set, nil
}
