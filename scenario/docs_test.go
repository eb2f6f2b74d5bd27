package scenario

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collateral"
)

// docTables returns the first cells of the rows of docs/scenarios.md's
// tables whose header's first cell is head, backticks removed.
func docTables(t *testing.T, doc, head string) []string {
	t.Helper()
	var out []string
	in := false
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(line, "|") {
			in = false
			continue
		}
		cells := strings.Split(line, "|")
		first := strings.TrimSpace(cells[1])
		switch {
		case first == head:
			in = true
		case in && !strings.HasPrefix(first, "---"):
			out = append(out, strings.Trim(first, "`"))
		}
	}
	require.NotEmpty(t, out, "no table headed %q", head)
	return out
}

// backticked matches a `name` in the documentation.
var backticked = regexp.MustCompile("`([^`]+)`")

// TestDocsListWhatTheCodeAccepts: docs/scenarios.md lists every event type
// and every collateral kind the code accepts, and nothing else.
func TestDocsListWhatTheCodeAccepts(t *testing.T) {
	b, err := os.ReadFile("../docs/scenarios.md")
	require.NoError(t, err)
	doc := string(b)

	documented := docTables(t, doc, "type")
	slices.Sort(documented)
	documented = slices.Compact(documented)
	assert.Equal(t, EventTypes(), documented, "event types: code (expected) and docs/scenarios.md (actual)")

	// The collateral row lists the kinds: `kind` (required: `a`, `b`, ...).
	_, rest, ok := strings.Cut(doc, "`kind` (required: ")
	require.True(t, ok, "no list of collateral kinds")
	list, _, _ := strings.Cut(rest, ")")
	var kinds []string
	for _, m := range backticked.FindAllStringSubmatch(list, -1) {
		kinds = append(kinds, m[1])
		var k collateral.Kind
		assert.NoError(t, k.UnmarshalText([]byte(m[1])), "docs/scenarios.md lists kind %q", m[1])
	}
	for k := collateral.Kind(1); k != 0; k++ {
		if name := k.String(); k.Valid() {
			assert.Contains(t, kinds, name, "kind %q is accepted but not listed in docs/scenarios.md", name)
		}
	}
}

// snake matches a snake_case JSON key.
var snake = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// TestReportKeysAreSnakeCase: every key of every document the shipped
// scenarios produce — the outbox payloads included — is snake_case, as the
// rest of lendcore's JSON is. The one map keyed by data, an alert's
// signals, is keyed by signal names, enum text (kebab-case) like every
// enum value: those keys must be signal names.
func TestReportKeysAreSnakeCase(t *testing.T) {
	files, err := filepath.Glob("testdata/*.golden")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var walk func(file string, v any)
	walk = func(file string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, sub := range x {
				assert.Regexp(t, snake, k, "%s: key %q", file, k)
				if signals, ok := sub.(map[string]any); ok && k == "signals" {
					for name := range signals {
						var s classify.Signal
						assert.NoError(t, s.UnmarshalText([]byte(name)), "%s: signal %q", file, name)
					}
					continue
				}
				walk(file, sub)
			}
		case []any:
			for _, sub := range x {
				walk(file, sub)
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		dec := json.NewDecoder(bytes.NewReader(b))
		for dec.More() {
			var doc any
			require.NoError(t, dec.Decode(&doc))
			walk(f, doc)
		}
	}
}

// TestDocsListTheFileAndProductKeys: the file skeleton under "## The file"
// shows every top-level key a scenario file takes, and the `product`
// table every key of the product part, and nothing else.
func TestDocsListTheFileAndProductKeys(t *testing.T) {
	b, err := os.ReadFile("../docs/scenarios.md")
	require.NoError(t, err)
	doc := string(b)
	keysOf := func(v any) []string {
		var out []string
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			out = append(out, name)
		}
		slices.Sort(out)
		return out
	}
	_, rest, ok := strings.Cut(doc, "## The file\n\n```json\n")
	require.True(t, ok, "no file skeleton")
	skeleton, _, _ := strings.Cut(rest, "```")
	var shown []string
	for _, m := range regexp.MustCompile(`(?m)^\s+"([a-z_]+)":`).FindAllStringSubmatch(skeleton, -1) {
		shown = append(shown, m[1])
	}
	slices.Sort(shown)
	assert.Equal(t, keysOf(file{}), shown, "top-level keys: code (expected) and the skeleton (actual)")

	documented := docTables(t, doc, "key")
	slices.Sort(documented)
	assert.Equal(t, keysOf(productSpec{}), documented, "product keys: code (expected) and docs/scenarios.md (actual)")
}
