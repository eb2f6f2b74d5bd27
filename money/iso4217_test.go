package money

import "testing"

// TestISO4217Table: the table is in code order without duplicates, each
// scale within MaxScale, and holds the 165 entries of list one
// (2026-01-01) that have a minor unit: 178 codes less the 13 without.
func TestISO4217Table(t *testing.T) {
	if len(iso4217) != 165 {
		t.Errorf("%d entries, want 165", len(iso4217))
	}
	for i, e := range iso4217 {
		if checkCode(e.code) != nil || e.minor > MaxScale {
			t.Errorf("entry %d: %q/%d", i, e.code, e.minor)
		}
		if i > 0 && iso4217[i-1].code >= e.code {
			t.Errorf("entry %d: %q follows %q", i, e.code, iso4217[i-1].code)
		}
	}
	if len(known) != len(iso4217) {
		t.Errorf("%d known currencies from %d entries", len(known), len(iso4217))
	}
}
