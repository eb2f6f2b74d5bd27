package scenario

import (
	"context"
	"strings"
	"testing"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/storage/memory"
)

// TestParseReportsEveryBadField: Parse names every bad field of the header
// and of every event at once, by JSON path, in file order — the fields
// each event's own values show, and those the order of the events shows
// (an item registered twice, an unknown label, a second disbursement off
// the start date, a close before the start).
func TestParseReportsEveryBadField(t *testing.T) {
	_, err := Parse(strings.NewReader(`{"currency":"CNY","utc_offset":"8h",
"terms":{"principal":"CNY 3000.00","annual_rate":"12%","method":"equal-principal","periods":0,"start":"2024-01-15"},
"policies":{"ladder":{"stages":[]}},
"events":[
 {"type":"disburse","date":"2024-01-15","funding":[{"amount":"0"}]},
 {"type":"repay","date":"2024-02-15","amount":"ten","item":"flat"},
 {"type":"contact","date":"2024-02-16","outcome":"shrug","time":"25:00"},
 {"type":"legal","date":"2024-06-01","step":"judgment","forum":"court"},
 {"type":"inspection","date":"2024-03-01","conclusion":"fine"},
 {"type":"gift","date":"2024-13-01"},
 {"type":"collateral","date":"2024-01-15","item":"flat","kind":"deposit"},
 {"type":"collateral","date":"2024-01-15","item":"flat","kind":"deposit"},
 {"type":"reverse","date":"2024-02-01","reverses":"nope"},
 {"type":"disburse","date":"2024-01-16"},
 {"type":"close","date":"2023-12-31"}]}`))
	assert.Equal(t, []string{
		"utc_offset",
		"terms.periods",
		"policies.ladder.stages",
		"events[0].funding[0].investor",
		"events[0].funding[0].amount",
		"events[1].item",
		"events[1].amount",
		"events[2].channel",
		"events[2].time",
		"events[2].outcome",
		"events[3].forum",
		"events[4].inspector",
		"events[4].conclusion",
		"events[5].date",
		"events[5].type",
		"events[7].item",
		"events[8].reverses",
		"events[9].type",
		"events[9].date",
		"events[10].date",
	}, badFields(t, err), "%v", err)
}

// TestEventsGoThroughTheEngine: what a scenario records is the Engine's
// record — another Engine on the run's store reads the contacts, the
// promise the close settled, the demand, the proceeding and the
// inspection, and works out the limitation from them.
func TestEventsGoThroughTheEngine(t *testing.T) {
	sc, err := Load("testdata/collections-legal-writeoff.json")
	require.NoError(t, err)
	sc.Events = append(sc.Events, Event{Type: "inspection", Date: "2025-03-03", Inspector: "inspector-wu",
		Conclusion: "adverse", Findings: []classify.Finding{{Area: classify.Finances, Severity: classify.SeverityHigh}}})
	store := memory.New()
	_, err = sc.Run(context.Background(), Options{Store: store})
	require.NoError(t, err)

	e, err := lendcore.New(store, lendcore.WithPolicies(sc.Policies))
	require.NoError(t, err)
	ctx := context.Background()
	rec, err := e.Collection(ctx, LoanID)
	require.NoError(t, err)
	// The 10:30 and 11:00 calls; the 22:30 one was refused (COL-2).
	require.Len(t, rec.Contacts, 2)
	assert.Equal(t, "zhao", rec.Contacts[0].Collector)
	require.Len(t, rec.Promises, 1)
	assert.Equal(t, collect.Broken, rec.Promises[0].Status)
	assert.Equal(t, "2024-03-01", rec.Promises[0].Settled.String())
	// The demand letter of 03-18 and the suit of 06-01.
	require.NotEmpty(t, rec.Demands)
	assert.Equal(t, "2024-03-18", rec.Demands[0].Day.String())
	require.Len(t, rec.Proceedings, 1)
	assert.Equal(t, "CNY 800.00", rec.Proceedings[0].Recovered.String())

	ins, err := e.Inspections(ctx, LoanID)
	require.NoError(t, err)
	require.Len(t, ins, 1)
	assert.Equal(t, classify.Adverse, ins[0].Conclusion)

	// The suit of 06-01 restarted the period: 3 years (Civil Code art. 188).
	lim, err := e.Limitation(ctx, LoanID, date.New(2025, 3, 3))
	require.NoError(t, err)
	assert.Equal(t, "2027-06-01", lim.Status.Expiry.String())
	assert.Equal(t, "2024-04-15", lim.Start.String())
}

// TestRunWithABadEngineOption: a bad option of the caller's is the
// caller's error, not the file's.
func TestRunWithABadEngineOption(t *testing.T) {
	sc, err := Load("testdata/ontime.json")
	require.NoError(t, err)
	_, err = sc.Run(context.Background(), Options{Engine: []lendcore.Option{lendcore.WithWorkers(0)}})
	assert.ErrorIs(t, err, lendcore.ErrInvalidOption)
	assert.NotErrorIs(t, err, ErrInvalid)
}
