package classify

import (
	"testing"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProvisioning covers the legacy China grid (1/2/25/50/100 %): a
// 10,000 次级 loan needs 2,500; and ECL = PD × LGD × EAD (a common measure
// of IFRS 9 §5.5.17's expected losses, undiscounted):
// EAD 10,000, 12-month PD 2 %, LGD 45 % → 90; stage 2 lifetime PD 10 % →
// 450; stage 3 PD 100 % → 4,500.
func TestProvisioning(t *testing.T) {
	g := LegacyChinaProvision()
	require.NoError(t, g.Validate())
	p, err := g.Provision(cny(10000), Substandard)
	require.NoError(t, err)
	assert.Equal(t, cny(2500), p)

	tbl := ECLTable{Rows: []ECLRow{
		{"retail", Stage1, money.MustRate("2%"), money.MustRate("45%")},
		{"retail", Stage2, money.MustRate("10%"), money.MustRate("45%")},
		{"retail", Stage3, money.MustRate("100%"), money.MustRate("45%")},
	}, Source: "test table"}
	require.NoError(t, tbl.Validate())
	for _, tt := range []struct {
		stage Stage
		want  money.Amount
	}{{Stage1, cny(90)}, {Stage2, cny(450)}, {Stage3, cny(4500)}} {
		ecl, err := tbl.ECL("retail", tt.stage, cny(10000))
		require.NoError(t, err)
		assert.Equal(t, tt.want, ecl, tt.stage.String())
	}
	_, err = tbl.ECL("sme", Stage1, cny(1))
	assert.ErrorIs(t, err, ErrNoMatch)
	// EAD with an undrawn line: 8,000 + 2,000 × 50 % = 9,000.
	ead, err := EAD(cny(8000), cny(2000), money.MustRate("50%"))
	require.NoError(t, err)
	assert.Equal(t, cny(9000), ead)
}

// TestScorecard: base 600 plus bin points, mapped to bands.
func TestScorecard(t *testing.T) {
	sc := DefaultScorecard()
	require.NoError(t, sc.Validate())
	var m Model = sc
	var b Behaviour
	b[MaxDPD6M], b[LatePayments], b[MonthsOnBook], b[UtilisationBP], b[BrokenPromises] = 0, 0, 30, 2000, 0
	s, err := m.Score(b)
	require.NoError(t, err)
	// 600 + 40 + 20 + 20 + 20 + 0 = 700 → A (≥ 660).
	assert.Equal(t, Score{700, "A"}, s)
	b[MaxDPD6M], b[BrokenPromises] = 95, 2
	s, err = m.Score(b)
	require.NoError(t, err)
	// 600 − 200 + 20 + 20 + 20 − 100 = 360 → E (below 450).
	assert.Equal(t, Score{360, "E"}, s)
	b[LatePayments] = -1
	_, err = m.Score(b)
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, []string{"late-payments"}, fieldsOf(t, err), "the bad feature is named as JSON spells it")
}

func TestSubGrades(t *testing.T) {
	s := TwelveGradeScale()
	require.NoError(t, s.Validate())
	require.Len(t, s.Levels, 12)
	for code, want := range map[string]Grade{"正常1": Normal, "正常4": Normal, "关注2": SpecialMention, "次级3": Substandard, "可疑1": Doubtful, "损失": Loss} {
		g, err := s.Grade(code)
		require.NoError(t, err)
		assert.Equal(t, want, g, code)
	}
	_, err := s.Grade("关注3")
	assert.ErrorIs(t, err, ErrNoMatch)
	assert.Equal(t, fault.CodeNotFound, fault.CodeOf(err), "a key missing from a table is not-found")
}

// TestBuckets: DPD 30 is M1 in the China table but in
// the 30–59 bucket in the US table.
func TestBuckets(t *testing.T) {
	cn, us := ChinaBuckets(), USBuckets()
	require.NoError(t, cn.Validate())
	require.NoError(t, us.Validate())
	assert.Equal(t, "M1", cn[cn.Index(30)].Name)
	assert.Equal(t, "30-59", us[us.Index(30)].Name)
	assert.Equal(t, "M6+", cn[cn.Index(181)].Name)
	assert.Equal(t, "M6", cn[cn.Index(180)].Name)
	err := Buckets{{"a", 1}, {"a", 1}}.Validate()
	var v *fault.Fields
	require.ErrorAs(t, err, &v)
	assert.Len(t, v.List, 3, "start not 0, duplicate name, not increasing: %v", err)
}

// fieldsOf returns the field names of a *fault.Fields.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	var got []string
	for _, f := range bad.List {
		got = append(got, f.Name)
	}
	return got
}

// TestProvisioningRejectsNegativeInput: a negative balance or exposure
// would give a negative provision; each is a *fault.Fields naming the
// field. Figures as in TestProvisioning (the legacy grid; ECL = PD × LGD ×
// EAD).
func TestProvisioningRejectsNegativeInput(t *testing.T) {
	_, err := LegacyChinaProvision().Provision(cny(-10000), Substandard)
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, []string{"balance"}, fieldsOf(t, err))

	tbl := ECLTable{Rows: []ECLRow{{"retail", Stage1, money.MustRate("2%"), money.MustRate("45%")}}, Source: "test table"}
	_, err = tbl.ECL("retail", Stage1, cny(-10000))
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, []string{"ead"}, fieldsOf(t, err))

	_, err = EAD(cny(-1), cny(-1), money.MustRate("150%"))
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, []string{"drawn", "undrawn", "ccf"}, fieldsOf(t, err))
	_, err = EAD(cny(8000), money.New(200000, money.USD), money.MustRate("50%"))
	assert.Equal(t, []string{"undrawn"}, fieldsOf(t, err))
	_, err = EAD(cny(8000), cny(2000), money.MustRate("-1%"))
	assert.Equal(t, []string{"ccf"}, fieldsOf(t, err))
}
