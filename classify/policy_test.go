package classify

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func presets() map[string]Policy {
	return map[string]Policy{"cn2023": China2023(), "card": ChinaCard2011(), "legacy": ChinaLegacy(),
		"ifrs9": IFRS9(), "ffiec": USFFIEC()}
}

// TestPresetsValidateAndRoundTrip: every preset validates and survives a
// JSON round trip unchanged (policies are data).
func TestPresetsValidateAndRoundTrip(t *testing.T) {
	for name, p := range presets() {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, p.Validate())
			b, err := json.Marshal(p)
			require.NoError(t, err)
			var back Policy
			require.NoError(t, json.Unmarshal(b, &back))
			assert.Equal(t, p, back)
		})
	}
	for name, v := range map[string]any{"inspection": DefaultInspection(), "provision": LegacyChinaProvision(),
		"scorecard": DefaultScorecard(), "subgrades": TwelveGradeScale()} {
		b, err := json.Marshal(v)
		require.NoError(t, err, name)
		back := newLike(v)
		require.NoError(t, json.Unmarshal(b, back), name)
		assert.Equal(t, v, derefAny(back), name)
	}
}

func newLike(v any) any {
	switch v.(type) {
	case InspectionPolicy:
		return new(InspectionPolicy)
	case GradeProvision:
		return new(GradeProvision)
	case Scorecard:
		return new(Scorecard)
	case SubGradeScale:
		return new(SubGradeScale)
	}
	return nil
}

func derefAny(p any) any {
	switch x := p.(type) {
	case *InspectionPolicy:
		return *x
	case *GradeProvision:
		return *x
	case *Scorecard:
		return *x
	case *SubGradeScale:
		return *x
	}
	return nil
}

// TestPolicyValidateReportsEveryField: one error lists all bad fields.
func TestPolicyValidateReportsEveryField(t *testing.T) {
	p := China2023()
	p.Rules = append(China2023Rules(), IFRS9Rules()...) // the rows the indexes below name
	p.Name = ""
	p.Rules[0].When[0].Op = OpUnset                                                    // dpd needs a comparator
	p.Rules[1].Then = Outcome{}                                                        // no effect
	p.Rules[2].ID = p.Rules[3].ID                                                      // duplicate
	p.Rules[4].Source = ""                                                             // uncited
	p.Rules[5].When = append(p.Rules[5].When, Condition{Kind: DebtorNPLShare, Op: GT}) // debtor kind in a loan rule
	p.Rules[6].EffectiveTo = date.New(2020, time.January, 1)                           // before effective_from
	p.Buckets = nil
	p.TechnicalGraceDays = -1
	err := p.Validate()
	var v *fault.Fields
	require.ErrorAs(t, err, &v)
	assert.ErrorIs(t, err, ErrInvalidPolicy)
	assert.Equal(t, fault.CodeInvalid, fault.CodeOf(err))
	fields := map[string]bool{}
	for _, f := range v.List {
		fields[f.Name] = true
	}
	for _, want := range []string{"name", "rules[0].when[0].op", "rules[1].then", "rules[3].id", "rules[4].source",
		"rules[5].when[2].kind", "rules[6].effective_to", "buckets", "technical_grace_days"} {
		assert.True(t, fields[want], "missing %s in %v", want, err)
	}
	_, err = p.Compile()
	assert.ErrorIs(t, err, ErrInvalidPolicy)
}

// TestCompiledPolicyIsIsolated: editing the policy after Compile does not
// change the classifier.
func TestCompiledPolicyIsIsolated(t *testing.T) {
	p := China2023()
	c := compile(t, p)
	p.Rules[0].When[0].Days = 500
	f := Facts{DPD: 1}
	r, err := c.Classify(&f, asOf2024)
	require.NoError(t, err)
	assert.Equal(t, SpecialMention, r.Grade)
}

func TestMalformedDateJSONIsAnError(t *testing.T) {
	for _, s := range []string{`{"effective_from":"2024-1"}`, `{"effective_from":"x"}`, `{"effective_from":"+"}`, `{"effective_from":"-0"}`} {
		var r Rule
		assert.Error(t, json.Unmarshal([]byte(s), &r), s)
	}
	var tr Track
	assert.Error(t, json.Unmarshal([]byte(`{"last":"20"}`), &tr))
}

// TestWarnings: signals map to levels and optional minimum grade/stage
// (DefaultWarnings, a house convention tagged not-found).
func TestWarnings(t *testing.T) {
	c := compile(t, China2023())
	for _, tt := range []struct {
		s     Signals
		level Level
		grade Grade
		stage Stage
	}{
		{Signals{}, Green, Normal, Stage1},
		{Signals{}.With(BrokenPromise, SeverityLow), Yellow, Normal, Stage1},
		{Signals{}.With(CollateralShortfall, SeverityHigh), Red, Normal, Stage1},
		{Signals{}.With(PurposeDeviation, SeverityHigh).With(MissedInspection, SeverityMedium), Red, SpecialMention, Stage2},
	} {
		f := Facts{Signals: tt.s}
		r, err := c.Classify(&f, asOf2024)
		require.NoError(t, err)
		assert.Equal(t, [3]any{tt.level, tt.grade, tt.stage}, [3]any{r.Level, r.Grade, r.Stage})
	}
}

// TestInspectionsDue covers the cadence policy: good every 3 months,
// ordinary monthly, poor weekly, any overdue or red warning at once.
func TestInspectionsDue(t *testing.T) {
	p := DefaultInspection()
	require.NoError(t, p.Validate())
	today := day(2024, time.June, 30)
	subjects := []InspectionSubject{
		{Loan: "good-not-due", Grade: Normal, LastInspection: day(2024, time.April, 1)},    // next 2024-07-01
		{Loan: "good-due", Grade: Normal, LastInspection: day(2024, time.March, 30)},       // next 2024-06-30
		{Loan: "ordinary", Standing: Ordinary, LastInspection: day(2024, time.May, 29)},    // next 2024-06-29
		{Loan: "poor", Grade: Doubtful, LastInspection: day(2024, time.June, 24)},          // next 2024-07-01
		{Loan: "overdue", Grade: Normal, LastInspection: day(2024, time.June, 20), DPD: 3}, // overdue since 06-28
		{Loan: "red", Grade: Normal, LastInspection: day(2024, time.June, 1), Level: Red, LevelSince: day(2024, time.June, 10)},
		{Loan: "red-seen", Grade: Normal, LastInspection: day(2024, time.June, 11), Level: Red, LevelSince: day(2024, time.June, 10)},
		{Loan: "never", Grade: Normal, Disbursed: day(2024, time.January, 5)}, // next 2024-04-05
	}
	due, err := p.InspectionsDue(today, subjects)
	require.NoError(t, err)
	// Kinds: never inspected is the first; an overdue or a warning asks
	// for a special one; the cadence a routine one. Overdue: due more than
	// the ten days the default policy gives (06-10 is 20 days before
	// 06-30, 04-05 86 days; 06-28 only 2).
	assert.Equal(t, []InspectionDue{
		{"good-due", today, ByCadence, RoutineInspection, false},
		{"ordinary", day(2024, time.June, 29), ByCadence, RoutineInspection, false},
		{"overdue", day(2024, time.June, 28), ByOverdue, SpecialInspection, false},
		{"red", day(2024, time.June, 10), ByWarning, SpecialInspection, true},
		{"never", day(2024, time.April, 5), ByCadence, FirstInspection, true},
	}, due)
	_, err = p.InspectionsDue(today, []InspectionSubject{{Loan: "x"}, {Loan: "y", Grade: Normal, DPD: -1}})
	var v *fault.Fields
	require.ErrorAs(t, err, &v)
	assert.Len(t, v.List, 2)
}

// TestInspectionRecordSignals: adverse findings feed early-warning signals back.
func TestInspectionRecordSignals(t *testing.T) {
	r := InspectionRecord{Loan: "L1", Date: asOf2024, Inspector: "wang", Conclusion: Concerns, Findings: []Finding{
		{Area: UseOfFunds, Severity: SeverityHigh, Note: "funds moved to a property account"},
		{Area: Finances}, {Area: CollateralArea, Severity: SeverityLow},
	}}
	require.NoError(t, r.Validate())
	want := Signals{}.With(PurposeDeviation, SeverityHigh).With(CollateralShortfall, SeverityLow)
	assert.Equal(t, want, r.Signals())
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var back InspectionRecord
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, r, back)
	assert.ErrorIs(t, InspectionRecord{}.Validate(), ErrInvalidInput)
}

// TestInspectionSignOff: four eyes — the inspector cannot sign their own
// inspection off, nor can it be signed before it was done or twice; a
// refused sign-off leaves the record as it was.
func TestInspectionSignOff(t *testing.T) {
	r := InspectionRecord{Loan: "L1", Date: asOf2024, Kind: SpecialInspection, Inspector: "wang", Conclusion: Adverse}
	require.NoError(t, r.Validate())
	assert.Equal(t, Recorded, r.Status())
	for _, tc := range []struct {
		name  string
		s     SignOff
		field string
	}{
		{"the inspector", SignOff{Supervisor: " Wang", On: asOf2024}, "supervisor"},
		{"nobody", SignOff{On: asOf2024}, "supervisor"},
		{"before the inspection", SignOff{Supervisor: "li", On: asOf2024.Add(-1)}, "on"},
		{"no day", SignOff{Supervisor: "li"}, "on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := r.Sign(tc.s)
			var bad *fault.Fields
			require.ErrorAs(t, err, &bad)
			assert.True(t, bad.Has(tc.field), "%v", err)
			assert.ErrorIs(t, err, ErrInvalidInput)
			assert.Nil(t, r.SignOff, "unchanged")
		})
	}
	require.NoError(t, r.Sign(SignOff{Supervisor: "li", On: asOf2024.Add(2), Note: "agreed"}))
	assert.Equal(t, SignedOff, r.Status())
	require.NoError(t, r.Validate())
	err := r.Sign(SignOff{Supervisor: "zhao", On: asOf2024.Add(3)})
	var tr *fault.Transition
	require.ErrorAs(t, err, &tr)
	assert.ErrorIs(t, err, ErrIllegalTransition)
	assert.Equal(t, "li", r.SignOff.Supervisor)

	self := r
	self.SignOff = &SignOff{Supervisor: "wang", On: asOf2024}
	var bad *fault.Fields
	require.ErrorAs(t, self.Validate(), &bad)
	assert.True(t, bad.Has("sign_off.supervisor"))
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var back InspectionRecord
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, r, back)
}

func TestGradeText(t *testing.T) {
	assert.Equal(t, "次级", Substandard.Chinese())
	var g Grade
	require.NoError(t, g.UnmarshalText([]byte("可疑")))
	assert.Equal(t, Doubtful, g)
	require.NoError(t, g.UnmarshalText([]byte("special-mention")))
	assert.Equal(t, SpecialMention, g)
	assert.Error(t, g.UnmarshalText([]byte("bad")))
	_, err := Grade(9).MarshalText()
	assert.Error(t, err)
}

// TestEnumText: every enumeration writes the kebab-case name JSON has
// always used, reads it back, reads the older spellings (Chinese grade
// names, comparator symbols, one-letter evidence tags) and refuses an
// unknown name with a *fault.Fields wrapping ErrInvalidInput.
func TestEnumText(t *testing.T) {
	type text interface {
		MarshalText() ([]byte, error)
	}
	for _, tt := range []struct {
		v    text
		want string
		back func(string) (any, error)
	}{
		{GradeNone, "none", parse[Grade]},
		{SpecialMention, "special-mention", parse[Grade]},
		{Stage2, "stage-2", parse[Stage]},
		{Orange, "orange", parse[Level]},
		{SeverityHigh, "high", parse[Severity]},
		{CashFlowBehindPlan, "cash-flow-behind-plan", parse[Signal]},
		{DueMissed, "missed", parse[DueEvent]},
		{GE, "ge", parse[Comparator]},
		{ExternalOverdueShare, "external-overdue-share", parse[ConditionKind]},
		{DebtorObject, "debtor", parse[Object]},
		{NotFound, "not-found", parse[Evidence]},
		{CombineShorter, "shorter", parse[Combine]},
		{Ordinary, "ordinary", parse[Standing]},
		{UseOfFunds, "use-of-funds", parse[Area]},
		{Adverse, "adverse", parse[Conclusion]},
		{MaxDPD6M, "max-dpd-6m", parse[Feature]},
	} {
		b, err := tt.v.MarshalText()
		require.NoError(t, err, tt.want)
		assert.Equal(t, tt.want, string(b))
		assert.Equal(t, tt.want, fmt.Sprint(tt.v))
		back, err := tt.back(tt.want)
		require.NoError(t, err, tt.want)
		assert.Equal(t, tt.v, back, tt.want)
		_, err = tt.back("no-such-name")
		assert.ErrorIs(t, err, ErrInvalidInput, tt.want)
		var bad *fault.Fields
		assert.ErrorAs(t, err, &bad, tt.want)
	}
	for in, want := range map[string]any{
		"次级": Substandard, "正常": Normal, ">": GT, ">=": GE, "<": LT, "<=": LE, "==": EQ,
		"V": Verified, "S": Secondary, "K": Known, "NF": NotFound, "H": House,
	} {
		var got any
		var err error
		switch want.(type) {
		case Grade:
			got, err = parse[Grade](in)
		case Comparator:
			got, err = parse[Comparator](in)
		case Evidence:
			got, err = parse[Evidence](in)
		}
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	assert.Equal(t, "dpd > 90", Over(DaysPastDue, 90).String(), "reports keep the regulation's symbols")
	for _, unnamed := range []text{Comparator(0), ConditionKind(0), Evidence(0), StandingUnset, Conclusion(0), Grade(9)} {
		_, err := unnamed.MarshalText()
		assert.ErrorIs(t, err, ErrInvalidInput, "%v has no name", unnamed)
	}
}

// parse decodes s as a T through its UnmarshalText.
func parse[T any, P interface {
	*T
	UnmarshalText([]byte) error
}](s string) (any, error) {
	var v T
	err := P(&v).UnmarshalText([]byte(s))
	return v, err
}

// TestPresetEvidenceTags: the tags say how far each figure was checked.
// The legacy provision grid was read only second-hand (Secondary), without
// the guideline's document number or its floating band, so the source
// claims neither; IFRS 9 sets no fixed probation length (§5.5.7), so both
// EBA-derived stage exits are a convention (NotFound).
func TestPresetEvidenceTags(t *testing.T) {
	g := LegacyChinaProvision()
	assert.Equal(t, Secondary, g.Evidence)
	assert.NotContains(t, g.Source, "98号")
	assert.NotContains(t, g.Source, "±20")
	for _, r := range EBAStageCure() {
		assert.Equal(t, NotFound, r.Evidence, r.ID)
	}
}

// TestPresetSourcesAreInTheRepository: every preset cites a source, none
// cites a file outside the repository, a machine path or a web page (the
// citations are the measure and article; docs/regulations.md collects
// them), and every rule id a preset encodes is listed there.
func TestPresetSourcesAreInTheRepository(t *testing.T) {
	doc, err := os.ReadFile("../docs/regulations.md")
	require.NoError(t, err)
	sources := map[string]string{
		"provision":  LegacyChinaProvision().Source,
		"inspection": DefaultInspection().Source,
		"scorecard":  DefaultScorecard().Source,
		"subgrades":  TwelveGradeScale().Source,
	}
	for name, p := range presets() {
		for _, r := range p.Rules {
			sources[r.ID] = r.Source
			assert.Contains(t, string(doc), "`"+r.ID+"`", "%s: rule %s is not in docs/regulations.md", name, r.ID)
		}
		for _, w := range p.Warnings {
			sources[w.ID] = w.Source
		}
		for _, c := range p.Cure {
			sources[c.ID] = c.Source
			assert.Contains(t, string(doc), "`"+c.ID+"`", "%s: cure %s is not in docs/regulations.md", name, c.ID)
		}
		for _, c := range p.StageCure {
			sources[c.ID] = c.Source
			assert.Contains(t, string(doc), "`"+c.ID+"`", "%s: stage cure %s is not in docs/regulations.md", name, c.ID)
		}
		sources[name+" observation"] = p.Observation.Source
	}
	for id, src := range sources {
		assert.NotEmpty(t, strings.TrimSpace(src), id)
		for _, bad := range []string{".md", "/work", "http", "www.", ".com", ".cn"} {
			assert.NotContains(t, src, bad, "%s cites %q", id, bad)
		}
	}
}

// TestFundFlowPolicy: the default table round-trips as JSON inside the
// 2023 preset and validates; bad rows are named; the zero table is off.
// Bands: 1,000 due, 999.99 in is under 100 % (low), 799.99 under 80 %
// (medium), 499.99 under 50 % (high), 1,000 none; off purpose 0.01 of
// 10,000 is medium, 2,000 (20 %) high.
func TestFundFlowPolicy(t *testing.T) {
	p := China2023()
	require.NoError(t, p.Validate())
	b, err := json.Marshal(p)
	require.NoError(t, err)
	var back Policy
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, p.FundFlow, back.FundFlow)

	bad := p
	bad.FundFlow.CashFlow = []FlowBand{{Ratio: money.MustRate("-1%"), Severity: SeverityLow}}
	bad.FundFlow.Purpose = []FlowBand{{Ratio: money.MustRate("150%")}}
	var f *fault.Fields
	require.ErrorAs(t, bad.Validate(), &f)
	assert.True(t, f.Has("fund_flow.cash_flow[0].ratio"))
	assert.True(t, f.Has("fund_flow.purpose[0].ratio"))
	assert.True(t, f.Has("fund_flow.purpose[0].severity"))

	cny := func(s string) money.Amount { return money.MustParse(s, money.CNY) }
	ff := DefaultFundFlow()
	for _, tt := range []struct {
		in   string
		want Severity
	}{{"999.99", SeverityLow}, {"799.99", SeverityMedium}, {"499.99", SeverityHigh}, {"1000.00", SeverityNone}, {"0.00", SeverityHigh}} {
		s := ff.Signals(FundFlow{Reported: true, Inflow: cny(tt.in), PlanDue: cny("1000")})
		assert.Equal(t, tt.want, s[CashFlowBehindPlan], tt.in)
	}
	assert.Equal(t, SeverityNone, ff.Signals(FundFlow{Reported: true, Inflow: cny("0"), PlanDue: cny("0")})[CashFlowBehindPlan],
		"nothing due in the window")
	assert.Equal(t, SeverityMedium, ff.Signals(FundFlow{OffPurpose: cny("0.01"), Principal: cny("10000")})[PurposeDeviation])
	assert.Equal(t, SeverityHigh, ff.Signals(FundFlow{OffPurpose: cny("2000"), Principal: cny("10000")})[PurposeDeviation])
	assert.Equal(t, Signals{}, FundFlowPolicy{}.Signals(FundFlow{Reported: true, Inflow: cny("0"), PlanDue: cny("1000")}), "off")
}
