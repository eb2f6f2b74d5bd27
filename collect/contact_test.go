package collect_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/collect"
)

// cst is China Standard Time as a fixed zone, so tests need no tzdata.
var cst = time.FixedZone("CST", 8*3600)

func call(h, m int, outcome collect.Outcome) collect.ContactRecord {
	return collect.ContactRecord{Loan: loanID, At: time.Date(2024, 6, 3, h, m, 0, 0, cst), Collector: "c-1",
		Channel: collect.Phone, Party: collect.Borrower, Outcome: outcome, MentionsDebt: true}
}

var now = time.Date(2024, 6, 3, 23, 59, 0, 0, cst)

func TestContactRules(t *testing.T) {
	p := collect.DefaultContactPolicy()
	require.NoError(t, p.Validate())
	threeConnected := []collect.ContactRecord{call(9, 0, collect.Reached), call(11, 0, collect.Refused), call(15, 0, collect.PromisedPay)}

	cases := []struct {
		name    string
		history []collect.ContactRecord
		st      collect.ContactState
		rec     collect.ContactRecord
		rule    collect.RuleID // "" = allowed
	}{
		// COL-1 (GB/T 45251—2025): ≤ 3 connected calls a day, lender and agencies combined.
		{"4th connected call refused", threeConnected, collect.ContactState{}, call(17, 0, collect.NoAnswer), "COL-1"},
		{"4th call by an agency refused too", threeConnected, collect.ContactState{OutsourceNotified: true},
			func() collect.ContactRecord { r := call(17, 0, collect.Reached); r.Agency = "ag-1"; return r }(), "COL-1"},
		{"unanswered calls do not count", []collect.ContactRecord{call(9, 0, collect.NoAnswer), call(10, 0, collect.NoAnswer),
			call(11, 0, collect.NoAnswer), call(12, 0, collect.Reached)}, collect.ContactState{}, call(17, 0, collect.Reached), ""},
		{"calls of yesterday do not count", func() []collect.ContactRecord {
			h := append([]collect.ContactRecord(nil), threeConnected...)
			for i := range h {
				h[i].At = h[i].At.Add(-24 * time.Hour)
			}
			return h
		}(), collect.ContactState{}, call(9, 0, collect.Reached), ""},
		{"an SMS is not a call", threeConnected, collect.ContactState{},
			func() collect.ContactRecord { r := call(17, 0, collect.Delivered); r.Channel = collect.SMS; return r }(), ""},
		// COL-2 (GB/T 45251—2025): no collection 22:00–08:00 unless agreed.
		{"call at 22:30 refused", nil, collect.ContactState{}, call(22, 30, collect.NoAnswer), "COL-2"},
		{"call at 07:59 refused", nil, collect.ContactState{}, call(7, 59, collect.NoAnswer), "COL-2"},
		{"call at 08:00 allowed", nil, collect.ContactState{}, call(8, 0, collect.Reached), ""},
		{"call at 22:30 with consent allowed", nil, collect.ContactState{OutOfHoursConsent: true}, call(22, 30, collect.Reached), ""},
		{"22:30 judged in the debtor's zone: 14:30 UTC is 22:30 CST", nil, collect.ContactState{},
			func() collect.ContactRecord {
				r := call(0, 0, collect.Reached)
				r.At, r.Location = time.Date(2024, 6, 3, 14, 30, 0, 0, time.UTC), cst
				return r
			}(), "COL-2"},
		{"a letter at night is not covered", nil, collect.ContactState{},
			func() collect.ContactRecord {
				r := call(23, 0, collect.Delivered)
				r.Channel = collect.Letter
				return r
			}(), ""},
		// COL-3 (GB/T 45251—2025): no disclosure to third parties.
		{"SMS to emergency contact mentioning the debt refused", nil, collect.ContactState{},
			func() collect.ContactRecord {
				r := call(10, 0, collect.Delivered)
				r.Channel, r.Party = collect.SMS, collect.EmergencyContact
				return r
			}(), "COL-3"},
		{"asking an emergency contact for whereabouts allowed", nil, collect.ContactState{},
			func() collect.ContactRecord {
				r := call(10, 0, collect.Reached)
				r.Party, r.MentionsDebt = collect.EmergencyContact, false
				return r
			}(), ""},
		{"a guarantor may be told of the debt", nil, collect.ContactState{},
			func() collect.ContactRecord { r := call(10, 0, collect.Reached); r.Party = collect.Guarantor; return r }(), ""},
		// COL-5 (《银行保险机构消费者权益保护管理办法》 art. 41): outsourcing only after notice.
		{"agency before notice refused", nil, collect.ContactState{},
			func() collect.ContactRecord { r := call(10, 0, collect.Reached); r.Agency = "ag-1"; return r }(), "COL-5"},
		// COL-PAUSE (NF, configurable): no contact while a dispute or hardship review is open.
		{"dispute open", nil, collect.ContactState{DisputeOpen: true}, call(10, 0, collect.Reached), "COL-PAUSE"},
		{"hardship review open", nil, collect.ContactState{HardshipOpen: true}, call(10, 0, collect.Reached), "COL-PAUSE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			log := collect.ContactLog{Records: append([]collect.ContactRecord(nil), tc.history...)}
			err := log.Record(&p, tc.st, tc.rec, now)
			if tc.rule == "" {
				require.NoError(t, err)
				assert.Len(t, log.Records, len(tc.history)+1)
				return
			}
			var re *collect.RuleError
			require.ErrorAs(t, err, &re)
			assert.ErrorIs(t, err, collect.ErrContactRefused)
			assert.Equal(t, tc.rule, re.Rule)
			assert.NotEmpty(t, re.Source)
			assert.Len(t, log.Records, len(tc.history), "a refused attempt is not recorded")
		})
	}
}

// Each rule can be switched off per jurisdiction, or tuned.
func TestContactRulesConfigurable(t *testing.T) {
	p := collect.DefaultContactPolicy()
	p.QuietHours.Enabled = false
	p.CallLimit.Max = 5
	log := collect.ContactLog{}
	for h := 0; h < 5; h++ {
		require.NoError(t, log.Record(&p, collect.ContactState{}, call(20+h%4, 0, collect.Reached), now))
	}
	err := log.Record(&p, collect.ContactState{}, call(23, 30, collect.Reached), now)
	var re *collect.RuleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, collect.RuleID("COL-1"), re.Rule)
}

// TestContactSourcesAreInTheRepository: every rule of the default contact
// policy cites its source by measure (and article where one was checked),
// never a file or a web address, and docs/regulations.md lists the rule
// with that source.
func TestContactSourcesAreInTheRepository(t *testing.T) {
	doc, err := os.ReadFile("../docs/regulations.md")
	require.NoError(t, err)
	p := collect.DefaultContactPolicy()
	for _, r := range []collect.Rule{p.QuietHours.Rule, p.CallLimit.Rule, p.Disclosure, p.Pause.Rule, p.Outsourcing} {
		assert.Contains(t, string(doc), "| `"+string(r.ID)+"` |", "rule %s is not in docs/regulations.md", r.ID)
		assert.NotEmpty(t, strings.TrimSpace(r.Source), r.ID)
		for _, bad := range []string{".md", "/work", "http", "www.", ".com", ".cn"} {
			assert.NotContains(t, r.Source, bad, "%s cites %q", r.ID, bad)
		}
	}
}
