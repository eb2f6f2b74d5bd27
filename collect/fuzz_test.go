package collect_test

import (
	"testing"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/collect"
)

// FuzzLadderPath drives the default ladder along a random path of facts:
// each input byte advances the day by 1–4 days and either lets arrears
// grow (DPD rises with the days, a new installment may be missed, a
// promise may break, the grade may worsen) or — for bytes ≥ 0xF0 —
// clears the arrears. Invariants (the ladder's design, DefaultLadder doc):
//   - while arrears grow the stage never regresses;
//   - a move never passes over a mandatory stage (M1, M2, legal review);
//   - clearing the arrears returns the loan to pre-due.
func FuzzLadderPath(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{0xFF, 0x7F, 0x13, 0x80, 0x22, 0xF5, 0x01})
	f.Add([]byte{0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F})
	f.Add([]byte("a long path of growing arrears and a broken promise, then cured: \xf0 again"))
	l := collect.DefaultLadder()
	index := map[collect.Stage]int{}
	for i, r := range l.Stages {
		index[r.Stage] = i
	}
	f.Fuzz(func(t *testing.T, path []byte) {
		d := day(2024, 1, 1)
		fa := collect.Facts{Loan: loanID}
		for _, b := range path {
			step := date.PeriodOfDays(b%4 + 1)
			d = d.Add(step)
			before := fa.Stage
			if b >= 0xF0 {
				fa.DPD, fa.ConsecutiveMissed, fa.Arrears, fa.BrokenPromise = 0, 0, cny("0"), false
			} else {
				if fa.DPD == 0 {
					fa.DPD = int(b%64) + 1 // arrears start, possibly deep (a path sampled on sparse days)
				} else {
					fa.DPD += int(step) * int(b%8)
				}
				if b&0x20 != 0 {
					fa.ConsecutiveMissed++
					fa.CumulativeMissed++
				}
				fa.BrokenPromise = b&0x40 != 0
				if b&0x0F == 0x0F {
					fa.Grade = collect.Loss
				}
				fa.Arrears = fa.Arrears.Add(cny("100"))
			}
			dec, _, err := l.Decide(d, &fa, nil)
			if err != nil {
				t.Fatal(err)
			}
			from, to := index[before], index[dec.Stage]
			if before == 0 {
				from = 0
			}
			switch {
			case b >= 0xF0:
				if dec.Stage != collect.PreDue {
					t.Fatalf("cleared arrears left the loan in %s", dec.Stage)
				}
			case to < from:
				t.Fatalf("stage regressed from %s to %s while arrears grew", before, dec.Stage)
			}
			for i := from + 1; i < to; i++ {
				if l.Stages[i].Mandatory {
					t.Fatalf("moved from %s to %s over mandatory %s", before, dec.Stage, l.Stages[i].Stage)
				}
			}
			fa.Stage, fa.StageSince = dec.Stage, dec.Since
		}
	})
}
