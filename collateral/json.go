package collateral

import (
	"encoding/json"
	"fmt"
)

// The parts decode through decodePart: the date library's text decoder
// (rickb777/date ParseISO) indexes malformed input unchecked and panics on
// some of it ("00000-00"), and a stored part must give an error, never a
// panic, whatever bytes it holds.

// UnmarshalJSON decodes an item; malformed input is an error wrapping
// ErrInconsistentParts. Restore checks the item's consistency.
func (it *Item) UnmarshalJSON(b []byte) error {
	type plain Item
	return decodePart(b, (*plain)(it))
}

// UnmarshalJSON decodes a cover; malformed input is an error wrapping
// ErrInconsistentParts. Restore checks the cover's consistency.
func (c *Cover) UnmarshalJSON(b []byte) error {
	type plain Cover
	return decodePart(b, (*plain)(c))
}

// UnmarshalJSON decodes a guarantor; malformed input is an error wrapping
// ErrInconsistentParts. Restore checks the guarantor's consistency.
func (g *Guarantor) UnmarshalJSON(b []byte) error {
	type plain Guarantor
	return decodePart(b, (*plain)(g))
}

// decodePart decodes b into v, turning a panic in a field's decoder into
// an error.
func decodePart(b []byte, v any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: malformed JSON: %v", ErrInconsistentParts, p)
		}
	}()
	return json.Unmarshal(b, v)
}
