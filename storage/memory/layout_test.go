package memory

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"

	"github.com/lendcore/lendcore/storage"
)

// TestRecordLayout: the stored loan and journal row stay as small as the
// comment on loanRec says (a field added in the wrong place costs every
// loan a size class).
func TestRecordLayout(t *testing.T) {
	assert.Equal(t, uintptr(208), unsafe.Sizeof(loanRec{}), "loanRec")
	assert.Equal(t, uintptr(96), unsafe.Sizeof(loanCols{}), "loanCols")
	assert.Equal(t, uintptr(104), unsafe.Sizeof(entryRec{}), "entryRec")
	assert.Less(t, unsafe.Sizeof(loanRec{}), unsafe.Sizeof(storage.Loan{}))
	assert.Less(t, unsafe.Sizeof(entryRec{}), unsafe.Sizeof(storage.Entry{}))
}
