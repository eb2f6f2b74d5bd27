package classify

import (
	"fmt"
	"strings"
)

// SubGrade is one step of a bank's internal scale and the regulatory
// grade it maps onto.
type SubGrade struct {
	Code  string `json:"code"`
	Grade Grade  `json:"grade"`
}

// SubGradeScale is a bank's 10- or 12-grade internal scale, ordered best
// to worst, mapped many-to-one onto the five grades. Sub-grades are bank
// practice, not regulation.
type SubGradeScale struct {
	Name   string     `json:"name"`
	Levels []SubGrade `json:"levels"`
	Source string     `json:"source"`
}

// TwelveGradeScale returns one published 12-grade scheme: 正常1–4, 关注1–2,
// 次级1–3, 可疑1–2, 损失. Sub-grades are lender practice; no regulatory
// source sets them.
func TwelveGradeScale() SubGradeScale {
	var l []SubGrade
	for _, g := range []struct {
		g Grade
		n int
	}{{Normal, 4}, {SpecialMention, 2}, {Substandard, 3}, {Doubtful, 2}, {Loss, 1}} {
		for i := 1; i <= g.n; i++ {
			code := g.g.Chinese()
			if g.n > 1 {
				code = fmt.Sprintf("%s%d", code, i)
			}
			l = append(l, SubGrade{code, g.g})
		}
	}
	return SubGradeScale{Name: "12-grade", Levels: l, Source: "one bank's published 12-grade scheme (lender practice; no regulatory source found)"}
}

// Validate reports every problem with the scale: unique codes, defined
// grades, grades never improving down the scale.
func (s SubGradeScale) Validate() error {
	e := policyErrors()
	if strings.TrimSpace(s.Name) == "" {
		e.Add("name", "must not be empty")
	}
	if len(s.Levels) == 0 {
		e.Add("levels", "needs at least one level")
	}
	seen := map[string]bool{}
	for i, l := range s.Levels {
		f := fmt.Sprintf("levels[%d]", i)
		if strings.TrimSpace(l.Code) == "" || seen[l.Code] {
			e.Add(f+".code", "must be non-empty and unique")
		}
		seen[l.Code] = true
		if l.Grade == GradeNone || !l.Grade.Valid() {
			e.Add(f+".grade", "must be a grade")
		}
		if i > 0 && l.Grade < s.Levels[i-1].Grade {
			e.Add(f+".grade", "better than the level above it")
		}
	}
	if strings.TrimSpace(s.Source) == "" {
		e.Add("source", "must cite its source")
	}
	return e.Err()
}

// Grade returns the five-category grade of a sub-grade code.
func (s SubGradeScale) Grade(code string) (Grade, error) {
	for _, l := range s.Levels {
		if l.Code == code {
			return l.Grade, nil
		}
	}
	return GradeNone, fmt.Errorf("%w: sub-grade %q not in scale %s", ErrNoMatch, code, s.Name)
}
