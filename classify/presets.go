package classify

import (
	"time"

	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// Sources cited by the presets (see /work/shared/reference/rules.md).
const (
	srcCN23      = "《商业银行金融资产风险分类办法》(CBIRC & PBoC Order 〔2023〕 No.1), effective 2023-07-01; article numbers NF; rules.md §1.1"
	srcCN23DPD   = srcCN23 + "; DPD floors per chinabankingnews 2023-02-14 and China Daily mirror"
	srcCN23Imp   = srcCN23 + "; credit-impaired triggers per youhuohao.com/kepu/371753"
	srcCN23Con   = srcCN23 + "; non-retail contagion per chinabankingnews 2023-02-14"
	srcCN23Cure  = srcCN23 + "; upgrade: arrears cleared and 2 consecutive periods or 6 months (233.com exam item); 'the longer of the two' is a conservative reading (NF), configurable"
	srcCN23Obs   = srcCN23 + "; restructured observation ≥ 2 consecutive periods and ≥ 1 year from the first new due date (每日经济新闻 via qingtuankeji.com; bactf.com)"
	srcCN23Rst   = srcCN23 + "; minimum grade of restructured assets NF: conservative house default 关注, configurable"
	srcCard11    = "《商业银行信用卡业务监督管理办法》(CBRC 2011) art. 92 (S: halei720.com quote); rules.md §1.3"
	srcCN07      = "pre-2023 practice under 《贷款风险分类指引》(银监发〔2007〕54号): 关注 ≤ 90 DPD, 次级 91–180, 可疑 > 180 (S: cnymjyw.cn); rules.md §1.2"
	srcCN07Rst   = "《贷款风险分类指引》(银监发〔2007〕54号): restructured loans ≥ 次级, still overdue ≥ 可疑, ≥ 6 months observation (S: lnmlw.com); rules.md §1.2"
	srcIFRS9     = "IFRS 9 §5.5.3, §5.5.11 (30 DPD rebuttable presumption), B5.5.37 (90 DPD default presumption), Appendix A credit-impaired (K)"
	srcEBACure   = "EBA/GL/2016/07 §71(a) 3-month default exit; §72–73 1-year probation after distressed restructuring (V: EBA Q&A 2022_6527); applied to stage exits as a configurable preset"
	srcFFIEC     = "FFIEC Uniform Retail Credit Classification and Account Management Policy, 65 FR 36903 (2000) (V: FDIC FIL-40-2000 / fil9917)"
	srcLegacyCur = "no separate legacy upgrade rule found (NF): the 2023 cure reading is reused, configurable"
)

var (
	cn23Effective  = date.New(2023, time.July, 1)
	ifrs9Effective = date.New(2018, time.January, 1)
	half           = mustRate(1, 2)
	tenPercent     = mustRate(1, 10)
	twentyPercent  = mustRate(1, 5)
)

func mustRate(n, d int64) money.Rate {
	r, err := money.NewRate(n, d)
	if err != nil {
		panic(err) // constant arguments
	}
	return r
}

func when(c ...Condition) []Condition { return c }

// China2023Rules returns the grading rows of the 2023 Measures
// (《商业银行金融资产风险分类办法》), effective 2023-07-01:
//   - CN23-DPD-1..4: any overdue → at least 关注; > 90 DPD → 次级 even with
//     ample collateral (collateral is deliberately not a condition); > 270 →
//     可疑; > 360 → 损失 (S);
//   - CN23-IMP-1/2: credit-impaired → 次级; credit-impaired with ECL ≥ 50 %
//     of the balance → 可疑 (S);
//   - CN23-CON-1: more than 10 % of a non-retail debtor's claims here
//     non-performing → all its claims at least 次级 (S);
//   - CN23-CON-2: more than 20 % of a non-retail debtor's debts at all banks
//     over 90 DPD → at least 次级 (S);
//   - CN23-RST-1: restructured asset under observation → at least 关注
//     (minimum grade NF: conservative default, configurable).
func China2023Rules() []Rule {
	r := func(id string, c []Condition, g Grade, obj Object, ev Evidence, src string) Rule {
		return Rule{ID: id, Regime: "CN2023", Object: obj, When: c, Then: Outcome{MinGrade: g},
			EffectiveFrom: cn23Effective, Evidence: ev, Source: src}
	}
	return []Rule{
		r("CN23-DPD-1", when(Over(DaysPastDue, 0)), SpecialMention, LoanObject, Secondary, srcCN23DPD),
		r("CN23-DPD-2", when(Over(DaysPastDue, 90)), Substandard, LoanObject, Secondary, srcCN23DPD),
		r("CN23-DPD-3", when(Over(DaysPastDue, 270)), Doubtful, LoanObject, Secondary, srcCN23DPD),
		r("CN23-DPD-4", when(Over(DaysPastDue, 360)), Loss, LoanObject, Secondary, srcCN23DPD),
		r("CN23-IMP-1", when(Is(CreditImpaired)), Substandard, LoanObject, Secondary, srcCN23Imp),
		r("CN23-IMP-2", when(Is(CreditImpaired), RatioOver(ECLRatio, GE, half)), Doubtful, LoanObject, Secondary, srcCN23Imp),
		r("CN23-CON-1", when(Is(NonRetail), RatioOver(DebtorNPLShare, GT, tenPercent)), Substandard, DebtorObject, Secondary, srcCN23Con),
		r("CN23-CON-2", when(Is(NonRetail), RatioOver(ExternalOverdueShare, GT, twentyPercent)), Substandard, LoanObject, Secondary, srcCN23Con),
		r("CN23-RST-1", when(Is(Restructured)), SpecialMention, LoanObject, NotFound, srcCN23Rst),
	}
}

// ChinaCard2011Rules returns the credit-card grading of the 2011 card
// Measures, art. 92 (S): 关注 1–90 DPD, 次级 91–120, 可疑 121–180, 损失 > 180.
func ChinaCard2011Rules() []Rule {
	r := func(id string, days int, g Grade) Rule {
		return Rule{ID: id, Regime: "CN_CARD2011", When: when(Over(DaysPastDue, days)), Then: Outcome{MinGrade: g},
			Evidence: Secondary, Source: srcCard11}
	}
	return []Rule{
		r("CARD11-1", 0, SpecialMention),
		r("CARD11-2", 90, Substandard),
		r("CARD11-3", 120, Doubtful),
		r("CARD11-4", 180, Loss),
	}
}

// ChinaLegacyRules returns widely quoted pre-2023 practice (S, legacy
// preset only): 关注 1–90 DPD, 次级 91–180, 可疑 > 180; restructured loans
// at least 次级, and 可疑 when still overdue.
func ChinaLegacyRules() []Rule {
	r := func(id string, c []Condition, g Grade, src string) Rule {
		return Rule{ID: id, Regime: "CN2007", When: c, Then: Outcome{MinGrade: g}, Evidence: Secondary, Source: src}
	}
	return []Rule{
		r("CN07-DPD-1", when(Over(DaysPastDue, 0)), SpecialMention, srcCN07),
		r("CN07-DPD-2", when(Over(DaysPastDue, 90)), Substandard, srcCN07),
		r("CN07-DPD-3", when(Over(DaysPastDue, 180)), Doubtful, srcCN07),
		r("CN07-RST-1", when(Is(Restructured)), Substandard, srcCN07Rst),
		r("CN07-RST-2", when(Is(Restructured), Over(DaysPastDue, 0)), Doubtful, srcCN07Rst),
	}
}

// IFRS9Rules returns the IFRS 9 staging rows (K), effective 2018-01-01:
// stage 2 at more than 30 DPD or on a significant-increase signal; stage 3
// at more than 90 DPD or when credit-impaired.
func IFRS9Rules() []Rule {
	r := func(id string, c Condition, s Stage) Rule {
		return Rule{ID: id, Regime: "IFRS9", When: when(c), Then: Outcome{MinStage: s},
			EffectiveFrom: ifrs9Effective, Evidence: Known, Source: srcIFRS9}
	}
	return []Rule{
		r("IFRS9-S2-DPD", Over(DaysPastDue, 30), Stage2),
		r("IFRS9-S2-SICR", Is(SignificantIncrease), Stage2),
		r("IFRS9-S3-DPD", Over(DaysPastDue, 90), Stage3),
		r("IFRS9-S3-IMP", Is(CreditImpaired), Stage3),
	}
}

// FFIECRules returns the US retail classification rows (V): substandard at
// 90 cumulative DPD (US-R1); loss and charge-off at 120 DPD closed-end
// (US-R2) and 180 DPD open-end (US-R3); charge-off within 60 days of a
// bankruptcy notice (US-R4) and within 90 days of discovering fraud (US-R5).
func FFIECRules() []Rule {
	r := func(id string, c []Condition, o Outcome) Rule {
		return Rule{ID: id, Regime: "FFIEC", When: c, Then: o, Evidence: Verified, Source: srcFFIEC}
	}
	notOpen := Condition{Kind: OpenEnd, Not: true}
	return []Rule{
		r("US-R1", when(AtLeast(DaysPastDue, 90)), Outcome{MinGrade: Substandard}),
		r("US-R2", when(notOpen, AtLeast(DaysPastDue, 120)), Outcome{MinGrade: Loss, ChargeOff: true}),
		r("US-R3", when(Is(OpenEnd), AtLeast(DaysPastDue, 180)), Outcome{MinGrade: Loss, ChargeOff: true}),
		r("US-R4", when(Is(BankruptcyNotice)), Outcome{ChargeOff: true, ChargeOffWithinDays: 60}),
		r("US-R5", when(Is(Fraud)), Outcome{ChargeOff: true, ChargeOffWithinDays: 90}),
	}
}

// China2023Cure returns the 2023 upgrade rule: a non-performing loan moves
// up only after its arrears are cleared and it then pays at least two
// consecutive periods normally and six months pass — the longer of the two
// by default (S; the reading is NF, configurable through Combine).
func China2023Cure() []CureRule {
	return []CureRule{{ID: "CN23-UPG-1", From: Substandard, Periods: 2, Months: 6, Combine: CombineLonger,
		Evidence: Secondary, Source: srcCN23Cure}}
}

// China2023Observation returns the 2023 restructured-asset observation
// period: at least two consecutive repayment periods and at least one year
// (S).
func China2023Observation() Observation {
	return Observation{Periods: 2, Months: 12, Evidence: Secondary, Source: srcCN23Obs}
}

// EBAStageCure returns EBA-derived probation presets for stage exits: 3
// months without a trigger, 1 year after a distressed restructuring. The
// figures are V for the EBA default exit (rules.md §2.2), but IFRS 9 sets
// no fixed probation length (rules.md §2.1, K), so applying them to either
// stage's exit is a configurable convention: both rows are tagged NF.
func EBAStageCure() []StageCureRule {
	return []StageCureRule{
		{ID: "EBA-CURE-S2", From: Stage2, Months: 3, RestructuredMonths: 12, Evidence: NotFound, Source: srcEBACure},
		{ID: "EBA-CURE-S3", From: Stage3, Months: 3, RestructuredMonths: 12, Evidence: NotFound, Source: srcEBACure},
	}
}

// China2023 returns the default Chinese bank policy: the 2023 Measures'
// grading (China2023Rules), IFRS 9 / CAS 22 staging (IFRS9Rules), the
// default early-warning table, the Chinese buckets, the 2023 upgrade and
// observation rules and EBA-style stage probation. Technical grace: 0 days
// (NF).
func China2023() Policy {
	return Policy{
		Name:        "CN2023",
		Rules:       append(China2023Rules(), IFRS9Rules()...),
		Warnings:    DefaultWarnings(),
		Buckets:     ChinaBuckets(),
		Cure:        China2023Cure(),
		StageCure:   EBAStageCure(),
		Observation: China2023Observation(),
	}
}

// ChinaCard2011 returns China2023 with the card grading of 2011 in place
// of the 2023 DPD floors (the card table is stricter than those floors);
// the other 2023 triggers stay.
func ChinaCard2011() Policy {
	p := China2023()
	p.Name = "CN_CARD2011"
	rules := ChinaCard2011Rules()
	for _, r := range China2023Rules() {
		switch r.ID {
		case "CN23-DPD-1", "CN23-DPD-2", "CN23-DPD-3", "CN23-DPD-4":
		default:
			rules = append(rules, r)
		}
	}
	p.Rules = append(rules, IFRS9Rules()...)
	return p
}

// ChinaLegacy returns pre-2023 practice as an optional preset: the legacy
// DPD table, restructured loans at least 次级 with a 6-month observation
// (S), the 2023 upgrade reading reused (NF) and IFRS 9 staging.
func ChinaLegacy() Policy {
	p := China2023()
	p.Name = "CN2007"
	p.Rules = append(ChinaLegacyRules(), IFRS9Rules()...)
	p.Cure = []CureRule{{ID: "CN07-UPG-1", From: Substandard, Periods: 2, Months: 6, Evidence: NotFound, Source: srcLegacyCur}}
	p.Observation = Observation{Periods: 0, Months: 6, Evidence: Secondary, Source: srcCN07Rst}
	return p
}

// IFRS9 returns a staging-only policy: IFRS9Rules with EBA-style
// probation; every loan is graded Normal.
func IFRS9() Policy {
	return Policy{
		Name: "IFRS9", Rules: IFRS9Rules(), Buckets: USBuckets(), StageCure: EBAStageCure(),
		Observation: Observation{Periods: 0, Months: 12, Evidence: Verified, Source: srcEBACure},
	}
}

// USFFIEC returns the US retail policy: FFIECRules, the US 30-day buckets
// and no staging (US lenders provision under CECL, lifetime losses from
// origination). Re-aging (US-R8) is not modelled as a cure rule.
func USFFIEC() Policy {
	return Policy{
		Name: "FFIEC", Rules: FFIECRules(), Buckets: USBuckets(),
		Observation: Observation{Evidence: NotFound, Source: "FFIEC sets no restructured observation period (NF)"},
	}
}
