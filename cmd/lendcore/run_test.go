package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunPrintsTheGolden: lendcore run prints what package scenario
// produces, byte for byte (the golden files are checked in package
// scenario; one is enough to show the shell adds nothing).
func TestRunPrintsTheGolden(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, cmdRun([]string{"../../scenario/testdata/backdated-reversal.json"}, &out, &errb), errb.String())
	want, err := os.ReadFile("../../scenario/testdata/backdated-reversal.golden")
	require.NoError(t, err)
	assert.Equal(t, string(want), out.String())
}

// TestRunBadScenario: a bad scenario exits 2 with one line per bad field,
// each naming it, and prints nothing on stdout.
func TestRunBadScenario(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"currency":"XXX","utc_offset":"+8","events":[
{"type":"repay","date":"2024-2-15","amount":"1,2"}]}`), 0o644))
	var out, errb bytes.Buffer
	assert.Equal(t, 2, cmdRun([]string{path}, &out, &errb))
	assert.Empty(t, out.String())
	lines := strings.Split(strings.TrimSuffix(errb.String(), "\n"), "\n")
	want := []string{"currency", "utc_offset", "terms", "events[0].date", "events[0].amount", "events[0].type"}
	require.Len(t, lines, len(want), errb.String())
	for i, f := range want {
		assert.True(t, strings.HasPrefix(lines[i], "lendcore run: "+f+": "), "line %d: %q", i, lines[i])
	}
}

func TestRunUsageAndMissingFile(t *testing.T) {
	var out, errb bytes.Buffer
	assert.Equal(t, 2, cmdRun(nil, &out, &errb))
	assert.Contains(t, errb.String(), "usage: lendcore run")
	errb.Reset()
	assert.Equal(t, 1, cmdRun([]string{filepath.Join(t.TempDir(), "missing.json")}, &out, &errb))
	assert.Contains(t, errb.String(), "no such file")
}
