package schedule

import (
	"strings"

	"github.com/lendcore/lendcore/enum"
)

// The names used in JSON and on the command line, one table per
// enumeration (package enum). An empty name marks a zero value without a
// name of its own: for Frequency and DayCount it means "the default" and
// encodes as ""; for Method it means "not set" and is refused.
var (
	methodNames = enum.New[Method](ErrInvalidName, "method",
		"", "equal-installment", "equal-principal", "interest-only", "bullet", "flat")
	frequencyNames = enum.New[Frequency](ErrInvalidName, "frequency",
		"", "weekly", "bi-weekly", "semi-monthly", "monthly", "quarterly", "semi-annual", "annual", "days", "every-n-days")
	dayCountNames = enum.New[DayCount](ErrInvalidName, "day_count",
		"", "30/360", "act/360", "act/365f", "act/act-isda")
	basisNames       = enum.New[InterestBasis](ErrInvalidName, "basis", "periodic", "actual")
	businessDayNames = enum.New[BusinessDayConvention](ErrInvalidName, "business_day",
		"none", "following", "modified-following", "preceding")
	totalsNames = enum.New[TotalsConvention](ErrInvalidName, "totals",
		"row-sum", "level-payment", "unrounded-payment")
	graceLayoutNames  = enum.New[GraceLayout](ErrInvalidName, "grace_layout", "sequential", "overlapping")
	brokenPeriodNames = enum.New[BrokenPeriodInterest](ErrInvalidName, "broken_period",
		"first-installment", "spread", "upfront")
)

// display returns v's name, or "default" for a zero value without one.
func display[T ~uint8](n *enum.Names[T], v T) string {
	if v == 0 && !n.Valid(0) {
		return "default"
	}
	return n.String(v)
}

// orDefault parses s, reading "" as the zero default.
func orDefault[T ~uint8](n *enum.Names[T], s string) (T, error) {
	if s == "" {
		return 0, nil
	}
	return n.Parse(s)
}

// textOrDefault encodes v's name, and the zero default as "".
func textOrDefault[T ~uint8](n *enum.Names[T], v T) ([]byte, error) {
	if v == 0 {
		return []byte{}, nil
	}
	return n.MarshalText(v)
}

// ParseMethod parses "equal-installment", "equal-principal", "interest-only",
// "bullet" or "flat". An unknown name is a *fault.Fields (wrapping
// ErrInvalidName) that lists the names allowed.
func ParseMethod(s string) (Method, error) { return methodNames.Parse(s) }

// String returns the method's name, e.g. "equal-installment" (and
// "default" for a method not set, as messages have always shown it).
func (m Method) String() string { return display(methodNames, m) }

// Valid reports whether m is one of the defined methods.
func (m Method) Valid() bool { return methodNames.Valid(m) }

// MarshalText encodes the method's name ("" for a method not set).
func (m Method) MarshalText() ([]byte, error) { return textOrDefault(methodNames, m) }

// UnmarshalText decodes a method's name; on an error m is unchanged.
func (m *Method) UnmarshalText(b []byte) error { return methodNames.UnmarshalText(b, m) }

// ParseFrequency parses "weekly", "bi-weekly", "semi-monthly", "monthly",
// "quarterly", "semi-annual", "annual", "days" or "every-n-days" ("" is the
// default, monthly).
func ParseFrequency(s string) (Frequency, error) { return orDefault(frequencyNames, s) }

// String returns the frequency's name, e.g. "monthly" ("default" for the
// zero default).
func (f Frequency) String() string { return display(frequencyNames, f) }

// Valid reports whether f is a defined frequency or the zero default.
func (f Frequency) Valid() bool { return f == 0 || frequencyNames.Valid(f) }

// MarshalText encodes the frequency's name ("" for the zero default).
func (f Frequency) MarshalText() ([]byte, error) { return textOrDefault(frequencyNames, f) }

// UnmarshalText decodes a frequency's name; on an error f is unchanged.
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
func ParseDayCount(s string) (DayCount, error) { return orDefault(dayCountNames, strings.ToLower(s)) }

// String returns the day count's name, e.g. "act/365f" ("default" for the
// zero default).
func (dc DayCount) String() string { return display(dayCountNames, dc) }

// Valid reports whether dc is a defined day count or the zero default.
func (dc DayCount) Valid() bool { return dc == 0 || dayCountNames.Valid(dc) }

// MarshalText encodes the day count's name ("" for the zero default).
func (dc DayCount) MarshalText() ([]byte, error) { return textOrDefault(dayCountNames, dc) }

// UnmarshalText decodes a day count's name; on an error dc is unchanged.
func (dc *DayCount) UnmarshalText(b []byte) error {
	v, err := ParseDayCount(string(b))
	if err == nil {
		*dc = v
	}
	return err
}

// ParseInterestBasis parses "periodic" or "actual".
func ParseInterestBasis(s string) (InterestBasis, error) { return basisNames.Parse(s) }

// String returns "periodic" or "actual".
func (b InterestBasis) String() string { return basisNames.String(b) }

// Valid reports whether b is a defined basis.
func (b InterestBasis) Valid() bool { return basisNames.Valid(b) }

// MarshalText encodes the basis's name.
func (b InterestBasis) MarshalText() ([]byte, error) { return basisNames.MarshalText(b) }

// UnmarshalText decodes a basis's name; on an error b is unchanged.
func (b *InterestBasis) UnmarshalText(text []byte) error { return basisNames.UnmarshalText(text, b) }

// ParseBusinessDayConvention parses "none", "following",
// "modified-following" or "preceding".
func ParseBusinessDayConvention(s string) (BusinessDayConvention, error) {
	return businessDayNames.Parse(s)
}

// String returns the convention's name, e.g. "modified-following".
func (c BusinessDayConvention) String() string { return businessDayNames.String(c) }

// Valid reports whether c is a defined convention.
func (c BusinessDayConvention) Valid() bool { return businessDayNames.Valid(c) }

// MarshalText encodes the convention's name.
func (c BusinessDayConvention) MarshalText() ([]byte, error) { return businessDayNames.MarshalText(c) }

// UnmarshalText decodes a convention's name; on an error c is unchanged.
func (c *BusinessDayConvention) UnmarshalText(b []byte) error {
	return businessDayNames.UnmarshalText(b, c)
}

// ParseTotalsConvention parses "row-sum", "level-payment" or "unrounded-payment".
func ParseTotalsConvention(s string) (TotalsConvention, error) { return totalsNames.Parse(s) }

// String returns the convention's name, e.g. "row-sum".
func (c TotalsConvention) String() string { return totalsNames.String(c) }

// Valid reports whether c is a defined convention.
func (c TotalsConvention) Valid() bool { return totalsNames.Valid(c) }

// MarshalText encodes the convention's name.
func (c TotalsConvention) MarshalText() ([]byte, error) { return totalsNames.MarshalText(c) }

// UnmarshalText decodes a convention's name; on an error c is unchanged.
func (c *TotalsConvention) UnmarshalText(b []byte) error { return totalsNames.UnmarshalText(b, c) }

// ParseGraceLayout parses "sequential" or "overlapping".
func ParseGraceLayout(s string) (GraceLayout, error) { return graceLayoutNames.Parse(s) }

// String returns "sequential" or "overlapping".
func (l GraceLayout) String() string { return graceLayoutNames.String(l) }

// Valid reports whether l is a defined layout.
func (l GraceLayout) Valid() bool { return graceLayoutNames.Valid(l) }

// MarshalText encodes the layout's name.
func (l GraceLayout) MarshalText() ([]byte, error) { return graceLayoutNames.MarshalText(l) }

// UnmarshalText decodes a layout's name; on an error l is unchanged.
func (l *GraceLayout) UnmarshalText(b []byte) error { return graceLayoutNames.UnmarshalText(b, l) }

// ParseBrokenPeriodInterest parses "first-installment", "spread" or "upfront".
func ParseBrokenPeriodInterest(s string) (BrokenPeriodInterest, error) {
	return brokenPeriodNames.Parse(s)
}

// String returns the convention's name, e.g. "spread".
func (b BrokenPeriodInterest) String() string { return brokenPeriodNames.String(b) }

// Valid reports whether b is a defined convention.
func (b BrokenPeriodInterest) Valid() bool { return brokenPeriodNames.Valid(b) }

// MarshalText encodes the convention's name.
func (b BrokenPeriodInterest) MarshalText() ([]byte, error) { return brokenPeriodNames.MarshalText(b) }

// UnmarshalText decodes a convention's name; on an error b is unchanged.
func (b *BrokenPeriodInterest) UnmarshalText(text []byte) error {
	return brokenPeriodNames.UnmarshalText(text, b)
}
