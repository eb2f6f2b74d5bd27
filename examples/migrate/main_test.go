package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMigrate runs the migration and checks what a reader can work out by
// hand.
func TestMigrate(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	got := out.String()
	for _, want := range []string{
		// A-1001 brings its disbursement (written by the import) and three
		// payments of 1,066.19: the annuity of 12,000 at 1 % a month over
		// 12 months, 12,000 × 0.01 / (1 − 1.01^−12) = 1,066.185.
		"A-1001 imported: active, 4 journal entries",
		"A-1002 imported: active, 2 journal entries",
		// A-1003 is refused whole, every bad field named by its path: the
		// fee has no idempotency key and a negative amount, the payment is
		// value-dated after the cut-over.
		"journal[0].idempotency_key: missing",
		"journal[0].amount: must be positive",
		"journal[1].value_date: after the cut-over 2026-04-30",
		// Paid up to its April installment, A-1001 is current.
		"A-1001 dpd 0, bucket M0, grade normal, collection pre-due",
		// A-1002 paid only January: February 20 to May 5 is 74 days (M3,
		// 61–90). The old system graded it substandard, and the grade is
		// held. It was in M3 since 2026-04-21; the ladder moves on from
		// there, and with three installments missed in a row (February,
		// March, April: the legal-review trigger) it enters legal review on
		// the first day lendcore derives, 2026-05-01. Overdue: three
		// installments of 888.49 = 2,665.47, plus penalty at the default
		// 18 % a year on a 360-day year, 888.49 × 0.18 / 360 = 0.444245 a
		// day on each installment, for 74, 46 and 15 days: 32.87 + 20.44 +
		// 6.66 = 59.97.
		"A-1002 dpd 74, bucket M3, grade substandard, collection legal-review since 2026-05-01, overdue CNY 2725.44",
		"A-1002 74 days past due",
	} {
		assert.Contains(t, got, want)
	}
	// The second run imports nothing new and refuses the same record.
	runs := strings.Split(got, "migration run 2")
	require.Len(t, runs, 2)
	assert.Equal(t, strings.Count(runs[0], "imported"), strings.Count(runs[1], "imported"))
	assert.NotContains(t, got, "A-1003 dpd", "a refused loan is not stored")
}
