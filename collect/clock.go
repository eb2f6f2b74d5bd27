package collect

import (
	"fmt"
	"time"

	"github.com/lendcore/lendcore/fault"
)

// TimeOfDay is a local wall-clock time, in minutes after midnight (0–1439).
// It encodes as "HH:MM".
type TimeOfDay uint16

// Clock returns the time of day h:m.
func Clock(h, m int) TimeOfDay { return TimeOfDay(h*60 + m) }

// TimeOfDayOf returns the wall-clock time of t in its own location.
func TimeOfDayOf(t time.Time) TimeOfDay {
	h, m, _ := t.Clock()
	return Clock(h, m)
}

// Valid reports whether t is before 24:00.
func (t TimeOfDay) Valid() bool { return t < 24*60 }

// String returns "HH:MM".
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t/60, t%60) }

// MarshalText encodes "HH:MM".
func (t TimeOfDay) MarshalText() ([]byte, error) {
	if !t.Valid() {
		return nil, fault.Invalid(ErrInvalidInput, "time of day", fmt.Sprintf("%d minutes is not a time of day", uint16(t)))
	}
	return []byte(t.String()), nil
}

// UnmarshalText decodes "HH:MM" (24-hour clock); anything else is an error
// and leaves t unchanged.
func (t *TimeOfDay) UnmarshalText(b []byte) error {
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	if len(b) != 5 || b[2] != ':' || !digit(b[0]) || !digit(b[1]) || !digit(b[3]) || !digit(b[4]) {
		return badClock(b, "is not HH:MM")
	}
	h, m := int(b[0]-'0')*10+int(b[1]-'0'), int(b[3]-'0')*10+int(b[4]-'0')
	if h > 23 || m > 59 {
		return badClock(b, "is not a time of day on the 24-hour clock")
	}
	*t = Clock(h, m)
	return nil
}

// badClock is the error for text b that is not a time of day.
func badClock(b []byte, problem string) error {
	bad := invalid()
	bad.AddValue("time of day", string(b), fmt.Sprintf("%q %s", b, problem))
	return bad
}

// Window is a span of local wall-clock time [From, To). A window with From
// after To wraps past midnight (22:00–08:00); From == To is empty.
type Window struct {
	From TimeOfDay `json:"from"`
	To   TimeOfDay `json:"to"`
}

// Contains reports whether t falls in the window.
func (w Window) Contains(t TimeOfDay) bool {
	if w.From <= w.To {
		return t >= w.From && t < w.To
	}
	return t >= w.From || t < w.To
}

// IsZero reports whether w is the zero (empty, unset) window.
func (w Window) IsZero() bool { return w == Window{} }

func (w Window) validate(field string, e *fault.Fields) {
	if !w.From.Valid() {
		e.Addf(field+".from", "%d minutes is not a time of day", uint16(w.From))
	}
	if !w.To.Valid() {
		e.Addf(field+".to", "%d minutes is not a time of day", uint16(w.To))
	}
}

// narrow returns the part of w (a non-wrapping delivery window) that also
// lies in pref, when pref is set, does not wrap and overlaps w; otherwise
// w itself: the lender's hours are the binding limit and a preference that
// falls wholly outside them cannot widen them.
func (w Window) narrow(pref Window) Window {
	if pref.IsZero() || pref.From > pref.To || w.From > w.To {
		return w
	}
	n := Window{max(w.From, pref.From), min(w.To, pref.To)}
	if n.From >= n.To {
		return w
	}
	return n
}
