package enum_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
)

var errInvalid = fault.New(fault.CodeInvalid, "classify: invalid input")

type Grade uint8

const (
	GradeNone Grade = iota
	Normal
	SpecialMention
)

var gradeNames = enum.New[Grade](errInvalid, "grade", "", "normal", "special-mention").Alias("正常", Normal)

func (g Grade) String() string                { return gradeNames.String(g) }
func (g Grade) MarshalText() ([]byte, error)  { return gradeNames.MarshalText(g) }
func (g *Grade) UnmarshalText(b []byte) error { return gradeNames.UnmarshalText(b, g) }

func TestRoundTrip(t *testing.T) {
	for _, g := range []Grade{Normal, SpecialMention} {
		b, err := json.Marshal(g)
		require.NoError(t, err)
		var back Grade
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, g, back)
	}
	assert.Equal(t, "", GradeNone.String())
	assert.Equal(t, "grade(9)", Grade(9).String())
	assert.False(t, gradeNames.Valid(GradeNone))
	_, err := json.Marshal(GradeNone)
	assert.Error(t, err, "an unnamed value does not marshal")
}

func TestAlias(t *testing.T) {
	g, err := gradeNames.Parse("正常")
	require.NoError(t, err)
	assert.Equal(t, Normal, g)
	assert.Equal(t, "normal", g.String())
}

func TestUnknownNameListsTheAllowed(t *testing.T) {
	g := SpecialMention
	err := g.UnmarshalText([]byte("norml"))
	assert.Equal(t, SpecialMention, g, "unchanged on error")
	assert.ErrorIs(t, err, errInvalid)
	var bad *fault.Fields
	require.True(t, errors.As(err, &bad))
	f, ok := bad.Get("grade")
	require.True(t, ok)
	assert.Equal(t, "norml", f.Value)
	assert.Equal(t, `unknown grade "norml"; want one of: normal, special-mention`, f.Problem)
	_, err = gradeNames.Parse("")
	assert.Error(t, err, "the empty name of the zero value is not a choice")
}

func TestSet(t *testing.T) {
	b, err := gradeNames.MarshalSet(1<<Normal | 1<<SpecialMention)
	require.NoError(t, err)
	assert.JSONEq(t, `["normal","special-mention"]`, string(b))
	set, err := gradeNames.UnmarshalSet(b)
	require.NoError(t, err)
	assert.Equal(t, uint64(1<<Normal|1<<SpecialMention), set)
	_, err = gradeNames.UnmarshalSet([]byte(`["loss"]`))
	assert.ErrorIs(t, err, errInvalid)
}

func TestTablesMustBeKebabCase(t *testing.T) {
	assert.Panics(t, func() { enum.New[Grade](errInvalid, "grade", "", "Normal") })
	assert.Panics(t, func() { enum.New[Grade](errInvalid, "grade", "", "snake_case") })
	assert.Panics(t, func() { enum.New[Grade](errInvalid, "grade", "", "a", "a") })
	assert.True(t, enum.Kebab("act/365f"))
	assert.True(t, enum.Kebab("30/360"))
	assert.False(t, enum.Kebab("-x"))
}

func TestUnmarshalTextDoesNotAllocate(t *testing.T) {
	var g Grade
	b := []byte("special-mention")
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = g.UnmarshalText(b) }))
	assert.Equal(t, SpecialMention, g)
}
