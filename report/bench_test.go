package report_test

import (
	"io"
	"testing"

	"github.com/lendcore/lendcore/report"
)

// BenchmarkWriteHTML measures the page of the two-month sample: what a
// report costs beyond its figures (the library is inlined, not built).
func BenchmarkWriteHTML(b *testing.B) {
	f := sample()
	for b.Loop() {
		if err := report.Write(io.Discard, f, report.HTML); err != nil {
			b.Fatal(err)
		}
	}
}
