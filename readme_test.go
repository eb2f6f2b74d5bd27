package lendcore_test

import (
	"encoding/json"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeTour returns the Go code block of the README's tour.
func readmeTour(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, after, ok := strings.Cut(string(b), "## A 30-second tour")
	require.True(t, ok, "the README has its tour")
	_, code, ok := strings.Cut(after, "```go\n")
	require.True(t, ok, "the tour has a Go code block")
	code, _, ok = strings.Cut(code, "```")
	require.True(t, ok)
	return code
}

// TestReadmeTourRunsAsWritten builds the README's tour as it is written,
// runs it, and checks that it prints what its comments say: each
// fmt.Println line's trailing comment is the line it prints.
func TestReadmeTourRunsAsWritten(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	code := readmeTour(t)
	formatted, err := format.Source([]byte(code))
	require.NoError(t, err)
	assert.Equal(t, string(formatted), code, "the tour is gofmt-clean")
	var want []string
	printed := regexp.MustCompile(`^\s*fmt\.Println\(.*\) // (.+)$`)
	for line := range strings.SplitSeq(code, "\n") {
		if m := printed.FindStringSubmatch(line); m != nil {
			want = append(want, m[1])
		}
	}
	require.NotEmpty(t, want)

	// The program is laid over a directory of this module that does not
	// exist on disk (go build -overlay), so it builds against this
	// module's packages without writing into the tree.
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	require.NoError(t, os.WriteFile(src, []byte(code), 0o600))
	root, err := os.Getwd()
	require.NoError(t, err)
	overlay, err := json.Marshal(map[string]map[string]string{
		"Replace": {filepath.Join(root, "internal", "readmetour", "main.go"): src}})
	require.NoError(t, err)
	overlayFile := filepath.Join(dir, "overlay.json")
	require.NoError(t, os.WriteFile(overlayFile, overlay, 0o600))
	bin := filepath.Join(dir, "tour")
	build := exec.Command("go", "build", "-overlay", overlayFile, "-o", bin, "./internal/readmetour")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "the tour compiles as written:\n%s", out)
	out, err = exec.Command(bin).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, want, strings.Split(strings.TrimSpace(string(out)), "\n"))
}
