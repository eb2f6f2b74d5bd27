package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the scenario golden files")

// runFile runs a scenario file and returns stdout, stderr and the exit status.
func runFile(t *testing.T, path string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cmdRun([]string{path}, &out, &errb)
	return out.String(), errb.String(), code
}

// reports decodes the report stream of a run into generic JSON values.
func reports(t *testing.T, out string) []map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	var rs []map[string]any
	for dec.More() {
		var r map[string]any
		require.NoError(t, dec.Decode(&r))
		rs = append(rs, r)
	}
	return rs
}

// get walks a decoded report: get(r, "position", "installments", 0, "status").
func get(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			require.True(t, ok, "%v is not an object at %q", v, k)
			v = m[k]
		case int:
			s, ok := v.([]any)
			require.True(t, ok && k < len(s), "%v has no index %d", v, k)
			v = s[k]
		}
	}
	return v
}

// TestScenarioGolden runs every scenario under testdata and compares the
// output with its .golden file (go test -update rewrites them). The values
// the golden files hold were checked by hand; TestScenarioHandChecks
// asserts the key figures with the arithmetic spelled out.
func TestScenarioGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			out, errs, code := runFile(t, f)
			require.Equal(t, 0, code, errs)
			golden := strings.TrimSuffix(f, ".json") + ".golden"
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			assert.Equal(t, string(want), out)
		})
	}
}
