package memory

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"

	"github.com/lendcore/lendcore/storage"
)

// TestRecordLayout: a journal row stores less than a storage.Entry (it
// drops the loan id and the seq, which the loan implies).
func TestRecordLayout(t *testing.T) {
	assert.Less(t, unsafe.Sizeof(entryRec{}), unsafe.Sizeof(storage.Entry{}))
}
