package classify

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

func fact(kind FactKind, key string, d int) Fact {
	return Fact{Kind: kind, Key: key, Day: day(2024, time.March, d), Source: "court", RecordedBy: "officer-1"}
}

// TestFactValidate: every bad field of a fact is named at once.
func TestFactValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		f      Fact
		fields []string
	}{
		{"empty", Fact{}, []string{"kind", "day", "key", "source", "recorded_by"}},
		{"unknown kind and severity", Fact{Kind: 99, Severity: 9, Key: "k", Day: day(2024, 3, 1), Source: "s", RecordedBy: "r"},
			[]string{"kind", "severity"}},
		{"signal without signals", fact(WarningSignals, "k", 1), []string{"signals"}},
		{"signals on a bankruptcy", func() Fact { f := fact(Bankruptcy, "k", 1); f.Signals[Litigation] = SeverityLow; return f }(),
			[]string{"signals"}},
		{"bureau without debt", fact(ExternalOverdue, "k", 1), []string{"external_debt"}},
		{"bureau overdue above debt", func() Fact {
			f := fact(ExternalOverdue, "k", 1)
			f.ExternalOverdue90, f.ExternalDebt = money.MustParse("200.00", money.CNY), money.MustParse("100.00", money.CNY)
			return f
		}(), []string{"external_overdue_90"}},
		{"debts on litigation", func() Fact {
			f := fact(LitigationFiled, "k", 1)
			f.ExternalDebt = money.MustParse("1.00", money.CNY)
			return f
		}(),
			[]string{"external_debt"}},
		{"withdrawal of nothing", fact(Withdrawal, "k", 1), []string{"withdraws"}},
		{"withdrawal of itself", func() Fact { f := fact(Withdrawal, "k", 1); f.Withdraws = "k"; return f }(), []string{"withdraws"}},
		{"withdraws on a fraud", func() Fact { f := fact(FraudDiscovered, "k", 1); f.Withdraws = "x"; return f }(), []string{"withdraws"}},
	} {
		err := tc.f.Validate()
		require.ErrorIs(t, err, ErrInvalidInput, tc.name)
		var v *fault.Fields
		require.True(t, errors.As(err, &v), tc.name)
		var got []string
		for _, f := range v.List {
			got = append(got, f.Name)
		}
		assert.ElementsMatch(t, tc.fields, got, "%s: %v", tc.name, err)
	}
	assert.NoError(t, fact(Bankruptcy, "k", 1).Validate())

	var k FactKind
	assert.Error(t, json.Unmarshal([]byte(`"bankrupcy"`), &k), "an unknown kind name")
	var f Fact
	assert.Error(t, json.Unmarshal([]byte(`{"kind":"fraud","day":"2024-1x-"}`), &f), "a malformed date is an error, not a panic")
}

// TestApplyFacts: facts count from their day until withdrawn; the latest
// bureau refresh and inspection replace earlier ones; the grade follows.
func TestApplyFacts(t *testing.T) {
	litigation := fact(LitigationFiled, "lit", 5)
	bureau1 := fact(ExternalOverdue, "b1", 2)
	bureau1.ExternalOverdue90, bureau1.ExternalDebt = money.MustParse("30.00", money.CNY), money.MustParse("100.00", money.CNY)
	bureau2 := fact(ExternalOverdue, "b2", 10)
	bureau2.ExternalOverdue90, bureau2.ExternalDebt = money.MustParse("0.00", money.CNY), money.MustParse("100.00", money.CNY)
	insp1 := fact(InspectionFindings, "i1", 3)
	insp1.Signals = Signals{}.With(PurposeDeviation, SeverityHigh)
	insp1.Reference = "i1"
	insp2 := fact(InspectionFindings, "i2", 12)
	insp2.Reference = "i2"
	signOff2 := fact(InspectionSignOff, "s2", 14)
	signOff2.Reference = "i2"
	withdraw := fact(Withdrawal, "w", 8)
	withdraw.Withdraws = "lit"
	bankrupt := fact(Bankruptcy, "bk", 6)
	journal := []Fact{litigation, bureau1, insp1, bankrupt, withdraw, bureau2, insp2, fact(CreditRiskIncrease, "sicr", 4), signOff2}
	for _, f := range journal {
		require.NoError(t, f.Validate(), f.Key)
	}

	on := func(d int) Facts {
		var f Facts
		ApplyFacts(&f, journal, day(2024, time.March, d))
		return f
	}
	f := on(1)
	assert.Equal(t, Facts{}, f, "nothing in force before the first fact")

	f = on(7)
	assert.Equal(t, SeverityHigh, f.Signals[Litigation])
	assert.Equal(t, SeverityHigh, f.Signals[PurposeDeviation], "the first inspection's findings")
	assert.Equal(t, SeverityMedium, f.Signals[AdverseBureauRefresh])
	assert.Equal(t, SeverityHigh, f.Signals[BankruptcySignal])
	assert.Equal(t, day(2024, time.March, 6), f.BankruptcyNotice)
	assert.Equal(t, money.MustParse("30.00", money.CNY), f.ExternalOverdue90)
	assert.True(t, f.SignificantIncrease)

	f = on(12)
	assert.Equal(t, SeverityNone, f.Signals[Litigation], "withdrawn on the 8th")
	assert.Equal(t, SeverityHigh, f.Signals[PurposeDeviation], "a clean re-inspection not signed off clears nothing")
	assert.Equal(t, SeverityNone, f.Signals[AdverseBureauRefresh], "the latest refresh shows nothing overdue")
	assert.True(t, f.ExternalOverdue90.IsZero())
	assert.Equal(t, day(2024, time.March, 6), f.BankruptcyNotice, "a bankruptcy stays")
	f = on(14)
	assert.Equal(t, SeverityNone, f.Signals[PurposeDeviation], "signed off on the 14th, the clean re-inspection clears the findings")

	// An adverse inspection counts from its day, signed off or not, on top
	// of the last signed-off one; one dated before the last signed-off one
	// is superseded.
	insp3 := fact(InspectionFindings, "i3", 16)
	insp3.Reference, insp3.Signals = "i3", Signals{}.With(FinancialDeterioration, SeverityMedium)
	old := fact(InspectionFindings, "i0", 1)
	old.Reference, old.Signals = "i0", Signals{}.With(GuarantorDeterioration, SeverityHigh)
	journal = append(journal, insp3, old)
	f = on(16)
	assert.Equal(t, SeverityMedium, f.Signals[FinancialDeterioration])
	assert.Equal(t, SeverityNone, f.Signals[GuarantorDeterioration], "before the signed-off inspection of the 12th")
	assert.Equal(t, SeverityNone, f.Signals[PurposeDeviation])

	// The grade: high-severity purpose deviation sets at least 关注 and a
	// red level (DefaultWarnings); the legacy and 2023 rules agree here.
	c := compile(t, China2023())
	f7 := on(7)
	r, err := c.Classify(&f7, day(2024, time.March, 7))
	require.NoError(t, err)
	assert.Equal(t, Red, r.Level)
	assert.Equal(t, SpecialMention, r.Grade)
	assert.Equal(t, Stage2, r.Stage)
}
