package fault_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
)

var (
	errConflict = fault.New(fault.CodeConflict, "storage: version conflict")
	errIllegal  = fault.New(fault.CodeTransition, "loan: illegal transition")
)

func TestEmptyFieldsIsNoError(t *testing.T) {
	bad := &fault.Fields{Kind: ErrInvalidEntry}
	assert.NoError(t, bad.Err())
	assert.Zero(t, bad.Len())
	var none *fault.Fields
	assert.Zero(t, none.Len())
	assert.False(t, none.Has("x"))
}

func TestMergeNestsPaths(t *testing.T) {
	inner := &fault.Fields{Kind: ErrInvalidEntry}
	inner.Add("annual_rate", "must not be negative")
	inner.Add("[2].amount", "must be positive")
	outer := &fault.Fields{Kind: ErrInvalidEntry}
	require.True(t, outer.Merge("terms", fmt.Errorf("wrapped: %w", inner)))
	assert.False(t, outer.Merge("terms", errors.New("not a field error")))
	assert.True(t, outer.Has("terms.annual_rate"))
	assert.True(t, outer.Has("terms[2].amount"))
	assert.False(t, outer.Has("annual_rate"))
	assert.Equal(t, "terms", fault.Join("terms", ""))
	assert.Equal(t, "x", fault.Join("", "x"))
}

func TestCodeOf(t *testing.T) {
	for _, c := range []struct {
		err  error
		want fault.Code
	}{
		{nil, ""},
		{errors.New("driver: broken pipe"), fault.CodeInternal},
		{context.Canceled, fault.CodeInternal},
		{fmt.Errorf("loan %s: %w", "x", errConflict), fault.CodeConflict},
		{fault.Invalid(ErrInvalidEntry, "amount", "must be positive"), fault.CodeInvalid},
		{&fault.Transition{Kind: errIllegal, Machine: "loan", From: "closed", Event: "disburse"}, fault.CodeTransition},
	} {
		assert.Equal(t, c.want, fault.CodeOf(c.err), "%v", c.err)
	}
}

func TestTransition(t *testing.T) {
	err := error(&fault.Transition{Kind: errIllegal, Machine: "loan", From: "closed", Event: "disburse"})
	assert.EqualError(t, err, "loan: illegal transition: cannot disburse a loan that is closed")
	assert.ErrorIs(t, err, errIllegal)
	var tr *fault.Transition
	require.ErrorAs(t, fmt.Errorf("post: %w", err), &tr)
	assert.Equal(t, "closed", tr.From)
}

func TestFieldsJSON(t *testing.T) {
	bad := fault.Invalid(ErrInvalidEntry, "amount", "must be positive")
	b, err := json.Marshal(bad)
	require.NoError(t, err)
	assert.JSONEq(t, `{"error":"loan: invalid entry: amount: must be positive","code":"invalid",
		"fields":[{"field":"amount","problem":"must be positive"}]}`, string(b))
	assert.EqualError(t, &fault.Fields{List: []fault.Field{{Name: "a", Problem: "b"}}}, "invalid input: a: b")
}
