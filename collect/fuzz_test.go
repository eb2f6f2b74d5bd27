package collect_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/money"
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

// FuzzRecordJSON decodes arbitrary bytes as a Record, as an Engine reads
// one back from storage. Whatever the input: no panic; a document that
// decodes passes Validate, encodes back to a document that decodes to the
// same record, and goes through the close's steps (Review, MarkFed, the
// borrower's claim and its limitation) without a panic, still valid.
func FuzzRecordJSON(f *testing.F) {
	full, err := buildFullRecord()
	if err != nil {
		f.Fatal(err)
	}
	seed, err := json.Marshal(full)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"loan":"00000000-0000-0000-0000-000000000001"}`))
	f.Add([]byte(`{"loan":"00000000-0000-0000-0000-000000000001","promises":[{"id":"00000000-0000-0000-0000-000000000009",` +
		`"loan":"00000000-0000-0000-0000-000000000001","collector":"c","made":"2024-05-01","due":"2024-05-02",` +
		`"amount":"USD 5.00","tolerance_days":2147483647,"shortfall":"0","status":"pending","paid":"0"}]}`))
	f.Add([]byte(`{"loan":"00000000-0000-0000-0000-000000000001","demands":[{"day":"2024-01-01","kind":"demand"}]}`))
	f.Add([]byte(`{"proceedings":[{"steps":[{"to":"concluded"}]}]}`))
	f.Add([]byte(`null`))
	lp := collect.DefaultLimitationPolicy()
	f.Fuzz(func(t *testing.T, data []byte) {
		var r collect.Record
		if err := json.Unmarshal(data, &r); err != nil {
			if !reflect.DeepEqual(r, collect.Record{}) {
				t.Fatalf("a refused document changed the record: %+v", r)
			}
			return
		}
		if reflect.DeepEqual(r, collect.Record{}) {
			return // null: nothing decoded, as JSON has it
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("decoded but invalid: %v", err)
		}
		out, err := json.Marshal(&r)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		var back collect.Record
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("re-decode %s: %v", out, err)
		}
		if !reflect.DeepEqual(r, back) {
			t.Fatalf("round trip changed the record:\n%+v\n%+v", r, back)
		}
		day := date.New(2024, 6, 1)
		if next := r.NextDeadline(); !next.IsZero() {
			day = next.Add(1)
		}
		received := func(through date.Date) (money.Amount, error) {
			return money.New(int64(through.Sub(date.New(2024, 1, 1)))*100, money.CNY), nil
		}
		_, _ = r.Review(day, received)
		r.BrokenBefore(day)
		r.MarkFed(day.Add(1))
		c := r.Claim(date.New(2024, 12, 31), nil)
		_ = lp.Status(&c, day)
		_, _ = lp.DemandNoticeDue(&c, day, true)
		for i := range r.Proceedings {
			_ = r.Proceedings[i].Outcome()
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("the close's steps left an invalid record: %v", err)
		}
	})
}
