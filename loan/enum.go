package loan

import "fmt"

// names is the text form of a small enum; index 0 may be "" when the zero
// value is not a valid member.
type names []string

func (n names) text(v uint8, what string) ([]byte, error) {
	if int(v) >= len(n) || n[v] == "" {
		return nil, fmt.Errorf("%w: %s %d", ErrInvalidInput, what, v)
	}
	return []byte(n[v]), nil
}

func (n names) parse(b []byte, what string) (uint8, error) {
	for i, s := range n {
		if s != "" && s == string(b) {
			return uint8(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown %s %q", ErrInvalidInput, what, b)
}

func (n names) str(v uint8, what string) string {
	if int(v) < len(n) && n[v] != "" {
		return n[v]
	}
	return fmt.Sprintf("%s(%d)", what, v)
}
