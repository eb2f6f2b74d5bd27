package schedule

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/rickb777/date"
)

// HolidayCalendar is a Calendar of Saturday–Sunday weekends plus a list of
// holidays, with a list of weekend days that are working days (China's
// 调休 make-up days, when a weekend day is worked in exchange for a longer
// holiday). Build it with NewHolidayCalendar; it is immutable and safe for
// concurrent use.
type HolidayCalendar struct {
	holidays []date.Date // sorted, unique
	workdays []date.Date // sorted, unique
}

// weekendsOnly is the calendar used when Terms.BusinessDay is set without a
// Calendar.
var weekendsOnly = NewHolidayCalendar(nil, nil)

// NewHolidayCalendar returns a calendar whose business days are Monday to
// Friday except holidays, plus the listed workdays (which win over both
// weekends and holidays). The lists need not be sorted; they are copied.
func NewHolidayCalendar(holidays, workdays []date.Date) *HolidayCalendar {
	norm := func(ds []date.Date) []date.Date {
		out := slices.Clone(ds)
		slices.SortFunc(out, func(a, b date.Date) int { return int(a.Sub(b)) })
		return slices.Compact(out)
	}
	return &HolidayCalendar{holidays: norm(holidays), workdays: norm(workdays)}
}

func contains(sorted []date.Date, d date.Date) bool {
	_, ok := slices.BinarySearchFunc(sorted, d, func(a, b date.Date) int { return int(a.Sub(b)) })
	return ok
}

// IsBusinessDay reports whether d is a working day. A nil *HolidayCalendar
// is weekends only (no holidays, no make-up workdays).
func (c *HolidayCalendar) IsBusinessDay(d date.Date) bool {
	if c == nil {
		return !isWeekend(d)
	}
	if contains(c.workdays, d) {
		return true
	}
	return !isWeekend(d) && !contains(c.holidays, d)
}

// Holidays returns a copy of the holidays, sorted.
func (c *HolidayCalendar) Holidays() []date.Date {
	if c == nil {
		return nil
	}
	return slices.Clone(c.holidays)
}

// Workdays returns a copy of the weekend working days, sorted.
func (c *HolidayCalendar) Workdays() []date.Date {
	if c == nil {
		return nil
	}
	return slices.Clone(c.workdays)
}

type calendarJSON struct {
	Holidays []string `json:"holidays"`
	Workdays []string `json:"workdays,omitempty"`
}

func dateStrings(ds []date.Date) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}

func parseDates(field string, ss []string) ([]date.Date, error) {
	out := make([]date.Date, len(ss))
	for i, s := range ss {
		d, err := ParseDate(s)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", field, i, err)
		}
		out[i] = d
	}
	return out, nil
}

// MarshalJSON encodes {"holidays": ["2026-10-01", ...], "workdays": [...]}.
func (c *HolidayCalendar) MarshalJSON() ([]byte, error) {
	if c == nil {
		return []byte("null"), nil
	}
	return json.Marshal(calendarJSON{dateStrings(c.holidays), dateStrings(c.workdays)})
}

// UnmarshalJSON decodes the form MarshalJSON writes; a malformed date is an
// error wrapping ErrInvalidDate.
func (c *HolidayCalendar) UnmarshalJSON(b []byte) error {
	var w calendarJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return fmt.Errorf("schedule: calendar: %w", err)
	}
	h, err := parseDates("holidays", w.Holidays)
	if err != nil {
		return err
	}
	wd, err := parseDates("workdays", w.Workdays)
	if err != nil {
		return err
	}
	*c = *NewHolidayCalendar(h, wd)
	return nil
}
