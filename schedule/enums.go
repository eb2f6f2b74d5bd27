package schedule

import (
	"fmt"
	"strconv"
	"strings"
)

// The names used in JSON and on the command line, indexed by value. An
// empty name marks a value that has no name of its own: the zero value of
// an enum whose zero means "the default" encodes as "".
var (
	methodNames      = []string{"", "equal-installment", "equal-principal", "interest-only", "bullet", "flat"}
	frequencyNames   = []string{"", "weekly", "bi-weekly", "semi-monthly", "monthly", "quarterly", "semi-annual", "annual", "days"}
	dayCountNames    = []string{"", "30/360", "act/360", "act/365f", "act/act-isda"}
	basisNames       = []string{"periodic", "actual"}
	businessDayNames = []string{"none", "following", "modified-following", "preceding"}
	totalsNames      = []string{"row-sum", "level-payment", "unrounded-payment"}
)

func enumString(names []string, v uint8, kind string) string {
	if int(v) < len(names) && (v != 0 || names[0] != "") {
		return names[v]
	}
	if v == 0 {
		return "default"
	}
	return kind + "(" + strconv.Itoa(int(v)) + ")"
}

func enumValid(names []string, v uint8) bool { return int(v) < len(names) }

func parseEnum(names []string, s, kind string) (uint8, error) {
	for i, n := range names {
		if n == s {
			return uint8(i), nil
		}
	}
	want := make([]string, 0, len(names))
	for _, n := range names {
		if n != "" {
			want = append(want, n)
		}
	}
	return 0, fmt.Errorf("%w: %s %q (want %s)", ErrInvalidName, kind, s, strings.Join(want, ", "))
}

func marshalEnum(names []string, v uint8, kind string) ([]byte, error) {
	if !enumValid(names, v) {
		return nil, fmt.Errorf("%w: %s %d", ErrInvalidName, kind, v)
	}
	return []byte(names[v]), nil
}

// ParseMethod parses "equal-installment", "equal-principal", "interest-only",
// "bullet" or "flat".
func ParseMethod(s string) (Method, error) {
	v, err := parseEnum(methodNames, s, "method")
	if err == nil && v == 0 {
		_, err = parseEnum(methodNames[1:], s, "method") // "" is not a method
	}
	return Method(v), err
}

// String returns the method's name, e.g. "equal-installment".
func (m Method) String() string { return enumString(methodNames, uint8(m), "Method") }

// Valid reports whether m is one of the defined methods.
func (m Method) Valid() bool { return m != 0 && enumValid(methodNames, uint8(m)) }

// MarshalText encodes the method's name.
func (m Method) MarshalText() ([]byte, error) { return marshalEnum(methodNames, uint8(m), "method") }

// UnmarshalText decodes a method's name.
func (m *Method) UnmarshalText(b []byte) error {
	v, err := ParseMethod(string(b))
	if err == nil {
		*m = v
	}
	return err
}

// ParseFrequency parses "weekly", "bi-weekly", "semi-monthly", "monthly",
// "quarterly", "semi-annual", "annual" or "days" ("" is the default, monthly).
func ParseFrequency(s string) (Frequency, error) {
	v, err := parseEnum(frequencyNames, s, "frequency")
	return Frequency(v), err
}

// String returns the frequency's name, e.g. "monthly".
func (f Frequency) String() string { return enumString(frequencyNames, uint8(f), "Frequency") }

// Valid reports whether f is a defined frequency or the zero default.
func (f Frequency) Valid() bool { return enumValid(frequencyNames, uint8(f)) }

// MarshalText encodes the frequency's name ("" for the zero default).
func (f Frequency) MarshalText() ([]byte, error) {
	return marshalEnum(frequencyNames, uint8(f), "frequency")
}

// UnmarshalText decodes a frequency's name.
func (f *Frequency) UnmarshalText(b []byte) error {
	v, err := ParseFrequency(string(b))
	if err == nil {
		*f = v
	}
	return err
}

// effective resolves the zero default.
func (f Frequency) effective() Frequency {
	if f == 0 {
		return Monthly
	}
	return f
}

// ParseDayCount parses "30/360", "act/360", "act/365f" or "act/act-isda"
// ("" is the default, act/360). Upper case is accepted.
func ParseDayCount(s string) (DayCount, error) {
	v, err := parseEnum(dayCountNames, strings.ToLower(s), "day count")
	return DayCount(v), err
}

// String returns the day count's name, e.g. "act/365f".
func (dc DayCount) String() string { return enumString(dayCountNames, uint8(dc), "DayCount") }

// Valid reports whether dc is a defined day count or the zero default.
func (dc DayCount) Valid() bool { return enumValid(dayCountNames, uint8(dc)) }

// MarshalText encodes the day count's name ("" for the zero default).
func (dc DayCount) MarshalText() ([]byte, error) {
	return marshalEnum(dayCountNames, uint8(dc), "day count")
}

// UnmarshalText decodes a day count's name.
func (dc *DayCount) UnmarshalText(b []byte) error {
	v, err := ParseDayCount(string(b))
	if err == nil {
		*dc = v
	}
	return err
}

// ParseInterestBasis parses "periodic" or "actual".
func ParseInterestBasis(s string) (InterestBasis, error) {
	v, err := parseEnum(basisNames, s, "interest basis")
	return InterestBasis(v), err
}

// String returns "periodic" or "actual".
func (b InterestBasis) String() string { return enumString(basisNames, uint8(b), "InterestBasis") }

// Valid reports whether b is a defined basis.
func (b InterestBasis) Valid() bool { return enumValid(basisNames, uint8(b)) }

// MarshalText encodes the basis's name.
func (b InterestBasis) MarshalText() ([]byte, error) {
	return marshalEnum(basisNames, uint8(b), "interest basis")
}

// UnmarshalText decodes a basis's name.
func (b *InterestBasis) UnmarshalText(text []byte) error {
	v, err := ParseInterestBasis(string(text))
	if err == nil {
		*b = v
	}
	return err
}

// ParseBusinessDayConvention parses "none", "following",
// "modified-following" or "preceding".
func ParseBusinessDayConvention(s string) (BusinessDayConvention, error) {
	v, err := parseEnum(businessDayNames, s, "business-day convention")
	return BusinessDayConvention(v), err
}

// String returns the convention's name, e.g. "modified-following".
func (c BusinessDayConvention) String() string {
	return enumString(businessDayNames, uint8(c), "BusinessDayConvention")
}

// Valid reports whether c is a defined convention.
func (c BusinessDayConvention) Valid() bool { return enumValid(businessDayNames, uint8(c)) }

// MarshalText encodes the convention's name.
func (c BusinessDayConvention) MarshalText() ([]byte, error) {
	return marshalEnum(businessDayNames, uint8(c), "business-day convention")
}

// UnmarshalText decodes a convention's name.
func (c *BusinessDayConvention) UnmarshalText(b []byte) error {
	v, err := ParseBusinessDayConvention(string(b))
	if err == nil {
		*c = v
	}
	return err
}

// ParseTotalsConvention parses "row-sum", "level-payment" or "unrounded-payment".
func ParseTotalsConvention(s string) (TotalsConvention, error) {
	v, err := parseEnum(totalsNames, s, "totals convention")
	return TotalsConvention(v), err
}

// String returns the convention's name, e.g. "row-sum".
func (c TotalsConvention) String() string {
	return enumString(totalsNames, uint8(c), "TotalsConvention")
}

// Valid reports whether c is a defined convention.
func (c TotalsConvention) Valid() bool { return enumValid(totalsNames, uint8(c)) }

// MarshalText encodes the convention's name.
func (c TotalsConvention) MarshalText() ([]byte, error) {
	return marshalEnum(totalsNames, uint8(c), "totals convention")
}

// UnmarshalText decodes a convention's name.
func (c *TotalsConvention) UnmarshalText(b []byte) error {
	v, err := ParseTotalsConvention(string(b))
	if err == nil {
		*c = v
	}
	return err
}
