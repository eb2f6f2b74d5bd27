package classify

import "github.com/lendcore/lendcore/enum"

// Grade is one of the five regulatory risk categories (五级分类). The zero
// value GradeNone means "no minimum" in a rule outcome and "not yet graded"
// in a Track. Grades are ordered: a larger Grade is worse, so the grade a
// loan gets is the largest minimum any triggered rule imposes.
type Grade uint8

// The five categories, best to worst. Substandard, Doubtful and Loss are
// non-performing (不良).
const (
	GradeNone      Grade = iota // no minimum / not graded
	Normal                      // 正常
	SpecialMention              // 关注
	Substandard                 // 次级
	Doubtful                    // 可疑
	Loss                        // 损失
	gradeCount
)

// gradeChinese holds the regulation's names, which input also accepts.
var gradeChinese = [gradeCount]string{"", "正常", "关注", "次级", "可疑", "损失"}

var gradeNames = func() *enum.Names[Grade] {
	n := enum.New[Grade](ErrInvalidInput, "grade", "none", "normal", "special-mention", "substandard", "doubtful", "loss")
	for g := Normal; g < gradeCount; g++ {
		n.Alias(gradeChinese[g], g)
	}
	return n
}()

// String returns the grade's English name as used in JSON ("special-mention").
func (g Grade) String() string { return gradeNames.String(g) }

// Chinese returns the grade's name in the regulation ("关注"); "" for
// GradeNone and for a value that is not a grade.
func (g Grade) Chinese() string {
	if g < gradeCount {
		return gradeChinese[g]
	}
	return ""
}

// Valid reports whether g is GradeNone or one of the five grades.
func (g Grade) Valid() bool { return g < gradeCount }

// NonPerforming reports whether g is 次级, 可疑 or 损失 (不良).
func (g Grade) NonPerforming() bool { return g >= Substandard && g < gradeCount }

// MarshalText encodes the English name.
func (g Grade) MarshalText() ([]byte, error) { return gradeNames.MarshalText(g) }

// UnmarshalText accepts the English name ("substandard") or the Chinese
// name ("次级").
func (g *Grade) UnmarshalText(b []byte) error { return gradeNames.UnmarshalText(b, g) }

// Stage is the IFRS 9 / CAS 22 impairment stage. The zero value StageNone
// means "no minimum" in a rule outcome and "not yet staged" in a Track.
type Stage uint8

// IFRS 9 stages: 12-month expected loss (1), lifetime expected loss on a
// significant increase in credit risk (2), credit-impaired (3).
const (
	StageNone Stage = iota
	Stage1
	Stage2
	Stage3
	stageCount
)

var stageNames = enum.New[Stage](ErrInvalidInput, "stage", "none", "stage-1", "stage-2", "stage-3")

// String returns "stage-1" .. "stage-3" or "none".
func (s Stage) String() string { return stageNames.String(s) }

// Valid reports whether s is StageNone or a stage 1–3.
func (s Stage) Valid() bool { return s < stageCount }

// MarshalText encodes the stage name.
func (s Stage) MarshalText() ([]byte, error) { return stageNames.MarshalText(s) }

// UnmarshalText decodes "stage-1" .. "stage-3" or "none".
func (s *Stage) UnmarshalText(b []byte) error { return stageNames.UnmarshalText(b, s) }

// Level is an early-warning level (风险预警). Larger is worse. The zero
// value LevelNone means "no minimum" in a rule; a classified loan without any
// warning is Green.
type Level uint8

// Early-warning levels.
const (
	LevelNone Level = iota
	Green
	Yellow
	Orange
	Red
	levelCount
)

var levelNames = enum.New[Level](ErrInvalidInput, "level", "none", "green", "yellow", "orange", "red")

// String returns the level's name ("orange").
func (l Level) String() string { return levelNames.String(l) }

// Valid reports whether l is LevelNone or a colour.
func (l Level) Valid() bool { return l < levelCount }

// MarshalText encodes the level name.
func (l Level) MarshalText() ([]byte, error) { return levelNames.MarshalText(l) }

// UnmarshalText decodes a level name.
func (l *Level) UnmarshalText(b []byte) error { return levelNames.UnmarshalText(b, l) }

// Severity is how serious one early-warning signal is. SeverityNone means
// the signal is absent.
type Severity uint8

// Signal severities.
const (
	SeverityNone Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	severityCount
)

var severityNames = enum.New[Severity](ErrInvalidInput, "severity", "none", "low", "medium", "high")

// String returns the severity's name.
func (s Severity) String() string { return severityNames.String(s) }

// Valid reports whether s is a defined severity.
func (s Severity) Valid() bool { return s < severityCount }

// MarshalText encodes the severity name.
func (s Severity) MarshalText() ([]byte, error) { return severityNames.MarshalText(s) }

// UnmarshalText decodes a severity name.
func (s *Severity) UnmarshalText(b []byte) error { return severityNames.UnmarshalText(b, s) }
