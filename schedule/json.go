package schedule

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// termsJSON is the wire form of Terms: dates as "YYYY-MM-DD" strings
// (decoded by ParseDate, never by date.ParseISO), enums by name, amounts
// as "CNY 1234.50", rates as "0.049".
type termsJSON struct {
	Principal               money.Amount          `json:"principal"`
	AnnualRate              money.Rate            `json:"annual_rate"`
	Method                  Method                `json:"method"`
	Frequency               Frequency             `json:"frequency,omitempty"`
	Periods                 int                   `json:"periods"`
	TermDays                int                   `json:"term_days,omitempty"`
	Start                   string                `json:"start"`
	FirstDue                string                `json:"first_due,omitempty"`
	DayCount                DayCount              `json:"day_count,omitempty"`
	Basis                   InterestBasis         `json:"basis"`
	Rounding                money.RoundingMode    `json:"rounding"`
	InstallmentMultiple     *money.Amount         `json:"installment_multiple,omitempty"`
	InstallmentRounding     money.RoundingMode    `json:"installment_rounding"`
	PrincipalGrace          int                   `json:"principal_grace,omitempty"`
	InterestGrace           int                   `json:"interest_grace,omitempty"`
	CapitalizeGrace         bool                  `json:"capitalize_grace,omitempty"`
	BusinessDay             BusinessDayConvention `json:"business_day"`
	Calendar                *HolidayCalendar      `json:"calendar,omitempty"`
	InterestFollowsAdjusted bool                  `json:"interest_follows_adjusted,omitempty"`
	MaxAnnualRate           *money.Rate           `json:"max_annual_rate,omitempty"`
	AnchorDay               int                   `json:"anchor_day,omitempty"`
	Totals                  TotalsConvention      `json:"totals"`
	GraceLayout             GraceLayout           `json:"grace_layout,omitempty"`
	BrokenPeriod            BrokenPeriodInterest  `json:"broken_period,omitempty"`
	PeriodDays              int                   `json:"period_days,omitempty"`
	SemiMonthlyDays         *[2]int               `json:"semi_monthly_days,omitempty"`
	DownPayment             DownPayment           `json:"down_payment,omitzero"`
	Tranches                []Tranche             `json:"tranches,omitempty"`
	Fees                    []Fee                 `json:"fees,omitempty"`
}

func optionalDate(d date.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// MarshalJSON encodes the terms with snake_case names. A Calendar must be a
// *HolidayCalendar (or nil): other implementations cannot be encoded.
func (t Terms) MarshalJSON() ([]byte, error) {
	w := termsJSON{
		Principal: t.Principal, AnnualRate: t.AnnualRate, Method: t.Method, Frequency: t.Frequency,
		Periods: t.Periods, TermDays: t.TermDays, Start: optionalDate(t.Start), FirstDue: optionalDate(t.FirstDue),
		DayCount: t.DayCount, Basis: t.Basis, Rounding: t.Rounding, InstallmentRounding: t.InstallmentRounding,
		PrincipalGrace: t.PrincipalGrace, InterestGrace: t.InterestGrace, CapitalizeGrace: t.CapitalizeGrace,
		BusinessDay: t.BusinessDay, InterestFollowsAdjusted: t.InterestFollowsAdjusted,
		AnchorDay: t.AnchorDay, Totals: t.Totals,
		GraceLayout: t.GraceLayout, BrokenPeriod: t.BrokenPeriod, PeriodDays: t.PeriodDays,
		DownPayment: t.DownPayment, Tranches: t.Tranches, Fees: t.Fees,
	}
	if t.SemiMonthlyDays != [2]int{} {
		w.SemiMonthlyDays = &t.SemiMonthlyDays
	}
	if !t.InstallmentMultiple.IsZero() {
		w.InstallmentMultiple = &t.InstallmentMultiple
	}
	if !t.MaxAnnualRate.IsZero() {
		w.MaxAnnualRate = &t.MaxAnnualRate
	}
	switch c := t.Calendar.(type) {
	case nil:
	case *HolidayCalendar:
		w.Calendar = c
	default:
		return nil, fault.Invalid(ErrInvalidTerms, "calendar", fmt.Sprintf("a %T cannot be encoded as JSON", c))
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes the form MarshalJSON writes. Unknown fields and
// malformed values are errors; it never panics. It does not validate the
// terms as a whole: call Validate (Generate does).
func (t *Terms) UnmarshalJSON(b []byte) error {
	var w termsJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return fmt.Errorf("schedule: terms: %w", err)
	}
	v := Terms{
		Principal: w.Principal, AnnualRate: w.AnnualRate, Method: w.Method, Frequency: w.Frequency,
		Periods: w.Periods, TermDays: w.TermDays, DayCount: w.DayCount, Basis: w.Basis, Rounding: w.Rounding,
		InstallmentRounding: w.InstallmentRounding, PrincipalGrace: w.PrincipalGrace, InterestGrace: w.InterestGrace,
		CapitalizeGrace: w.CapitalizeGrace, BusinessDay: w.BusinessDay, InterestFollowsAdjusted: w.InterestFollowsAdjusted,
		AnchorDay: w.AnchorDay, Totals: w.Totals,
		GraceLayout: w.GraceLayout, BrokenPeriod: w.BrokenPeriod, PeriodDays: w.PeriodDays,
		DownPayment: w.DownPayment, Tranches: w.Tranches, Fees: w.Fees,
	}
	if w.SemiMonthlyDays != nil {
		v.SemiMonthlyDays = *w.SemiMonthlyDays
	}
	var err error
	if v.Start, err = ParseDate(w.Start); err != nil {
		return fmt.Errorf("schedule: terms: start: %w", err)
	}
	if w.FirstDue != "" {
		if v.FirstDue, err = ParseDate(w.FirstDue); err != nil {
			return fmt.Errorf("schedule: terms: first_due: %w", err)
		}
	}
	if w.InstallmentMultiple != nil {
		v.InstallmentMultiple = *w.InstallmentMultiple
	}
	if w.MaxAnnualRate != nil {
		v.MaxAnnualRate = *w.MaxAnnualRate
	}
	if w.Calendar != nil {
		v.Calendar = w.Calendar
	}
	*t = v
	return nil
}

// installmentJSON is the wire form of an Installment, with string dates so
// decoding never reaches date.ParseISO.
type installmentJSON struct {
	Number      int          `json:"number"`
	From        string       `json:"from"`
	Due         string       `json:"due"`
	Principal   money.Amount `json:"principal"`
	Interest    money.Amount `json:"interest"`
	Payment     money.Amount `json:"payment"`
	Balance     money.Amount `json:"balance"`
	Capitalized money.Amount `json:"capitalized"`
	Fee         money.Amount `json:"fee,omitzero"`
}

// MarshalJSON encodes the installment with dates as "YYYY-MM-DD".
func (in Installment) MarshalJSON() ([]byte, error) {
	return json.Marshal(installmentJSON{in.Number, in.From.String(), in.Due.String(),
		in.Principal, in.Interest, in.Payment, in.Balance, in.Capitalized, in.Fee})
}

// UnmarshalJSON decodes the form MarshalJSON writes; it never panics.
func (in *Installment) UnmarshalJSON(b []byte) error {
	var w installmentJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("schedule: installment: %w", err)
	}
	from, err := ParseDate(w.From)
	if err != nil {
		return fmt.Errorf("schedule: installment %d: from: %w", w.Number, err)
	}
	due, err := ParseDate(w.Due)
	if err != nil {
		return fmt.Errorf("schedule: installment %d: due: %w", w.Number, err)
	}
	*in = Installment{w.Number, from, due, w.Principal, w.Interest, w.Payment, w.Balance, w.Capitalized, w.Fee}
	return nil
}
