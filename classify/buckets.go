package classify

import (
	"fmt"
	"strings"

	"github.com/lendcore/lendcore/fault"
)

// Bucket is one delinquency bucket: it covers days past due from From up to
// the next bucket's From minus one; the last bucket is open-ended.
type Bucket struct {
	Name string `json:"name"`
	From int    `json:"from"`
}

// Buckets is a delinquency bucket table, ordered by From, starting at 0.
// Defining buckets by their lower bounds only makes gaps and overlaps
// impossible.
type Buckets []Bucket

// ChinaBuckets returns the usual Chinese table: M0 current, M1 1–30,
// M2 31–60, M3 61–90, M4 91–120, M5 121–150, M6 151–180, M6+ over 180.
// Source: lender practice; no regulatory source found (the boundaries are
// configurable).
func ChinaBuckets() Buckets {
	return Buckets{{"M0", 0}, {"M1", 1}, {"M2", 31}, {"M3", 61}, {"M4", 91}, {"M5", 121}, {"M6", 151}, {"M6+", 181}}
}

// USBuckets returns the US-style 30-day table: Current 0, 1–29, 30–59,
// 60–89, 90–119, 120–149, 150–179, 180+. Source: lender practice; no
// regulatory source found (the FFIEC policy's 90/120/180-day marks fall on
// its boundaries).
func USBuckets() Buckets {
	return Buckets{{"current", 0}, {"1-29", 1}, {"30-59", 30}, {"60-89", 60}, {"90-119", 90},
		{"120-149", 120}, {"150-179", 150}, {"180+", 180}}
}

// Index returns the index of the bucket holding dpd (negative dpd counts as
// current).
func (b Buckets) Index(dpd int) int {
	i := len(b) - 1
	for i > 0 && dpd < b[i].From {
		i--
	}
	return i
}

// Validate reports every problem with the table.
func (b Buckets) Validate() error {
	e := policyErrors()
	b.validate(e, "buckets")
	return e.Err()
}

func (b Buckets) validate(e *fault.Fields, field string) {
	if len(b) == 0 {
		e.Add(field, "needs at least one bucket")
		return
	}
	if len(b) > 255 {
		e.Add(field, "at most 255 buckets")
	}
	seen := map[string]bool{}
	for i, x := range b {
		f := fmt.Sprintf("%s[%d]", field, i)
		if strings.TrimSpace(x.Name) == "" {
			e.Add(f+".name", "must not be empty")
		} else if seen[x.Name] {
			e.Add(f+".name", "duplicate name "+x.Name)
		}
		seen[x.Name] = true
		switch {
		case i == 0 && x.From != 0:
			e.Add(f+".from", "the first bucket must start at 0 days")
		case i > 0 && x.From <= b[i-1].From:
			e.Add(f+".from", "must be greater than the previous bucket's from")
		}
		if x.From > maxDays {
			e.Add(f+".from", fmt.Sprintf("must be at most %d", maxDays))
		}
	}
}

// table compiles the buckets into a lookup by DPD: entries up to the last
// bucket's From, larger DPD use the last entry.
func (b Buckets) table() []uint8 {
	t := make([]uint8, b[len(b)-1].From+1)
	for d := range t {
		t[d] = uint8(b.Index(d))
	}
	return t
}
