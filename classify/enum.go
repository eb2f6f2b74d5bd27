package classify

import "fmt"

// enumName returns names[v], or a diagnostic such as "Grade(9)" for a value
// outside the table.
func enumName[T ~uint8](names []string, v T, typ string) string {
	if int(v) < len(names) {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, uint8(v))
}

// parseEnum finds s in names (and in the optional alias table, used for
// Chinese grade names); index 0 ("none") is accepted only when allowZero.
func parseEnum[T ~uint8](names []string, aliases []string, s, typ string, allowZero bool) (T, error) {
	for i, n := range names {
		if (i > 0 || allowZero) && (n == s || (i < len(aliases) && aliases[i] != "" && aliases[i] == s)) {
			return T(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown %s %q", ErrInvalidInput, typ, s)
}

// marshalEnum encodes a valid enum value as its name.
func marshalEnum[T ~uint8](names []string, v T, typ string) ([]byte, error) {
	if int(v) >= len(names) {
		return nil, fmt.Errorf("%w: %s(%d) is not defined", ErrInvalidInput, typ, uint8(v))
	}
	return []byte(names[v]), nil
}
