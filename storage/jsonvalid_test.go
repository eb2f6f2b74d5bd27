package storage

import (
	"encoding/json"
	"strings"
	"testing"
)

var jsonCases = []string{
	``, ` `, `{}`, `[]`, `""`, `0`, `-0`, `01`, `-`, `1.`, `.5`, `1.5`, `1e5`, `1E+5`, `1e-5`, `1e`, `1e+`,
	`-01`, `123abc`, `true`, `tru`, `truex`, `false`, `null`, `nul`, `NaN`, `Infinity`,
	`"a"`, `"\"`, `"\\"`, `"\u00e9"`, `"\u00g9"`, `"\u12"`, `"\x"`, `"\/"`, "\"\t\"", "\"\x7f\"", "\"\xff\xfe\"",
	`{"a":1}`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `{"a":1 "b":2}`, `{"a":{"b":[1,2,{"c":null}]}}`,
	`[1,2,3]`, `[1,,2]`, `[,]`, `[1,]`, `[`, `]`, `{`, `}`, ` [ 1 , 2 ] `, "\n{\r\n\t\"a\" : [ ] }\n",
	`{} {}`, `1 2`, `[1] x`, `"a"b`, "\x00", `{"a":1}` + "\x00",
	`{"status":"active","balance":"CNY 100.00","dpd":0,"track":{"since":"2024-01-15"}}`,
}

// TestValidJSONAgreesWithEncodingJSON: the fast check and json.Valid agree
// on hand-picked edge cases, the nesting limit included.
func TestValidJSONAgreesWithEncodingJSON(t *testing.T) {
	cases := append([]string(nil), jsonCases...)
	for _, depth := range []int{maxJSONDepth - 1, maxJSONDepth, maxJSONDepth + 1} {
		cases = append(cases, strings.Repeat("[", depth)+strings.Repeat("]", depth),
			strings.Repeat(`{"a":`, depth)+"1"+strings.Repeat("}", depth))
	}
	for _, c := range cases {
		if got, want := validJSON([]byte(c)), json.Valid([]byte(c)); got != want {
			t.Errorf("validJSON(%.60q) = %v, json.Valid says %v", c, got, want)
		}
	}
}

// FuzzValidJSON checks the fast check against json.Valid on any input.
func FuzzValidJSON(f *testing.F) {
	for _, c := range jsonCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validJSON(b), json.Valid(b); got != want {
			t.Fatalf("validJSON(%q) = %v, json.Valid says %v", b, got, want)
		}
	})
}

func BenchmarkValidJSON(b *testing.B) {
	doc := []byte(`{"status":"active","balance":"CNY 10000.00","overdue":"CNY 0.00","claim":"CNY 10000.00","dpd":0,"max_dpd":0,"bucket":"current","grade":"normal","stage":"stage-1","level":"none","track":{"grade":"normal","since":"2024-01-15","cured":0},"provision":"CNY 150.00","next_due":"2024-02-15","inspection_due":"2024-07-15","version":3}`)
	for _, c := range []struct {
		name  string
		valid func([]byte) bool
	}{{"lendcore", validJSON}, {"encoding-json", json.Valid}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				if !c.valid(doc) {
					b.Fatal("invalid")
				}
			}
		})
	}
}
