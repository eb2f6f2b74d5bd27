package collateral

import "fmt"

// enumNames maps the values 1..n of a small enumeration to their names;
// index 0 (the zero value, "unset") has no name.
type enumNames struct {
	typ   string
	names []string
}

func (e enumNames) valid(v uint8) bool { return v > 0 && int(v) < len(e.names) }

func (e enumNames) String(v uint8) string {
	if e.valid(v) {
		return e.names[v]
	}
	return fmt.Sprintf("%s(%d)", e.typ, v)
}

func (e enumNames) marshal(v uint8) ([]byte, error) {
	if !e.valid(v) {
		return nil, fmt.Errorf("%w: %s %d", ErrInvalidInput, e.typ, v)
	}
	return []byte(e.names[v]), nil
}

func (e enumNames) parse(b []byte) (uint8, error) {
	for i := 1; i < len(e.names); i++ {
		if e.names[i] == string(b) {
			return uint8(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown %s %q", ErrInvalidInput, e.typ, b)
}
