package loan

import (
	"fmt"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
)

// Area is one subject of the pre-loan investigation (贷前调查).
type Area uint8

// Investigation areas; a dossier holds one finding for each.
const (
	BasicEligibility Area = iota + 1 // identity, legal capacity, licences (主体资格)
	Operations                       // business or employment situation (经营情况)
	Finances                         // income, balance sheet, cash flow (财务状况)
	CreditRecord                     // credit bureau record and past loans (信用记录)
	Management                       // management and ownership (管理情况)
	Guarantees                       // guarantors and collateral (担保情况)
	areaEnd
)

var areaNames = enum.New[Area](ErrInvalidInput, "area",
	"", "basic-eligibility", "operations", "finances", "credit-record", "management", "guarantees")

// String returns the area's name used in JSON.
func (a Area) String() string { return areaNames.String(a) }

// MarshalText encodes the area's name.
func (a Area) MarshalText() ([]byte, error) { return areaNames.MarshalText(a) }

// UnmarshalText decodes an area's name; on an error a is unchanged.
func (a *Area) UnmarshalText(b []byte) error { return areaNames.UnmarshalText(b, a) }

func (a Area) valid() bool { return areaNames.Valid(a) }

// Finding is the investigators' conclusion on one area.
type Finding struct {
	Area Area `json:"area"`
	// Summary is the investigators' written finding; it may not be empty,
	// even for an area that does not apply ("unsecured: no guarantees").
	Summary string `json:"summary"`
	// Adverse marks a finding that speaks against lending. A compliance
	// policy with RequireCleanDossier refuses applications with one.
	Adverse bool `json:"adverse,omitempty"`
}

// Dossier is the pre-loan investigation: one finding per Area, signed off
// by two distinct investigators (双人调查, the two-person investigation
// rule). Neither investigator may approve the application.
type Dossier struct {
	Findings      []Finding `json:"findings"`
	Investigators [2]string `json:"investigators"`
	SignedOn      date.Date `json:"signed_on"`
}

func (d *Dossier) validate(field string, v *fault.Fields) {
	var seen [areaEnd]bool
	for i, f := range d.Findings {
		name := fmt.Sprintf("%s.findings[%d]", field, i)
		switch {
		case !f.Area.valid():
			v.Add(name+".area", "is not a known investigation area")
		case seen[f.Area]:
			v.Add(name+".area", "repeats "+f.Area.String())
		default:
			seen[f.Area] = true
		}
		if f.Summary == "" {
			v.Add(name+".summary", "is empty")
		}
	}
	for a := BasicEligibility; a < areaEnd; a++ {
		if !seen[a] {
			v.Add(field+".findings", "has no finding on "+a.String())
		}
	}
	for i, inv := range d.Investigators {
		if inv == "" {
			v.Add(fmt.Sprintf("%s.investigators[%d]", field, i), "is missing")
		}
	}
	if d.Investigators[0] != "" && d.Investigators[0] == d.Investigators[1] {
		v.Add(field+".investigators", "must be two different people (双人调查)")
	}
	if d.SignedOn.IsZero() {
		v.Add(field+".signed_on", "is missing")
	}
}

// investigated reports whether officer signed the dossier.
func (d *Dossier) investigated(officer string) bool {
	return d.Investigators[0] == officer || d.Investigators[1] == officer
}

// adverse returns the areas with an adverse finding.
func (d *Dossier) adverse() []Area {
	var out []Area
	for _, f := range d.Findings {
		if f.Adverse {
			out = append(out, f.Area)
		}
	}
	return out
}
