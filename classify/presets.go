package classify

import (
	"slices"
	"time"

	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// Sources cited by the presets: the measure or standard and the provision
// each row encodes. docs/regulations.md lists them rule by rule, in the
// project's words, with their evidence tags.
//
// The article numbers of the 2023 Measures could not be checked against
// their official text, so their provisions are cited by chapter and
// content; the rows resting on them are tagged Secondary.
const (
	srcCN23    = "《商业银行金融资产风险分类办法》(CBIRC/PBoC Order 〔2023〕 No. 1, in force 2023-07-01)"
	srcCN23D1  = srcCN23 + ", ch. 2, 关注 criteria: principal, interest or income overdue (a short overdue of up to 7 days for operational or technical reasons excepted: Policy.TechnicalGraceDays)"
	srcCN23D2  = srcCN23 + ", ch. 2, 次级 criteria: principal, interest or income overdue more than 90 days, whatever the collateral"
	srcCN23D3  = srcCN23 + ", ch. 2, 可疑 criteria: principal, interest or income overdue more than 270 days"
	srcCN23D4  = srcCN23 + ", ch. 2, 损失 criteria: principal, interest or income overdue more than 360 days"
	srcCN23I1  = srcCN23 + ", ch. 2, 次级 criteria: the financial asset is credit-impaired"
	srcCN23I2  = srcCN23 + ", ch. 2, 可疑 criteria: credit-impaired with expected credit loss at least 50 % of the book balance"
	srcCN23C1  = srcCN23 + ", art. 7 para. 2: when more than 10 % of a non-retail debtor's claims at the bank are classified non-performing, all its claims there are non-performing (credit enhancement recognised by the State Council's financial regulators excepted)"
	srcCN23C2  = srcCN23 + ", ch. 2: when more than 20 % of a non-retail debtor's debts at all banks are more than 90 days overdue, every bank classifies them non-performing"
	srcCN23Rst = srcCN23 + ", ch. 3 (restructured assets) sets minimum grades for restructured assets; the figure was not verified, so the preset's 关注 is a conservative convention"
	srcCN23Upg = srcCN23 + ", ch. 2, upgrading a non-performing asset: arrears and related fees repaid in full, then normal payment over at least the next two consecutive repayment periods or six months; 'the longer of the two' is the preset's reading (not verified; Combine)"
	srcCN23Obs = srcCN23 + ", ch. 3: a restructured asset's observation period starts at the first repayment date after the contract adjustment and covers at least two consecutive repayment periods and at least one year; a missed payment restarts it, as does a financial difficulty unresolved at its end"
	srcCard11  = "《商业银行信用卡业务监督管理办法》(CBRC, 2011) art. 92: 关注 1–90 days overdue, 次级 91–120, 可疑 121–180, 损失 more than 180"
	srcCN07    = "《贷款风险分类指引》(CBRC 银监发〔2007〕54号) arts. 10–11 (any overdue at least 关注; overdue beyond a set period at least 次级) set no day counts: 关注 up to 90 days, 次级 91–180 and 可疑 more than 180 is the banking practice under them"
	srcCN07Rst = "《贷款风险分类指引》(CBRC 银监发〔2007〕54号) art. 12: a loan needing restructuring at least 次级; a restructured loan still overdue, or whose borrower still cannot pay, at least 可疑; no upgrade within an observation period of at least 6 months"
	srcCN07Upg = "《贷款风险分类指引》(CBRC 银监发〔2007〕54号) sets no upgrade rule besides art. 12's observation of restructured loans; the 2023 reading of 2 periods and 6 months is reused (lender practice; no regulatory source found)"
	srcS2DPD   = "IFRS 9 §5.5.3 (lifetime expected credit losses on a significant increase in credit risk) and §5.5.11 (rebuttable presumption of a significant increase when contractual payments are more than 30 days past due)"
	srcS2SICR  = "IFRS 9 §5.5.3: lifetime expected credit losses when credit risk has increased significantly since initial recognition"
	srcS3DPD   = "IFRS 9 §B5.5.37 (rebuttable presumption that default occurs no later than 90 days past due) and Appendix A, credit-impaired financial asset (a breach of contract such as a default or past-due event)"
	srcS3Imp   = "IFRS 9 Appendix A, definition of a credit-impaired financial asset"
	srcEBACure = "EBA/GL/2016/07 (application of the definition of default) §71(a): 3 months without a default trigger before an exposure returns to non-defaulted status; §72: 1 year of probation after a distressed restructuring. IFRS 9 §5.5.7 sets no probation length, so applying these to stage exits is a convention"
	srcFFIEC   = "FFIEC Uniform Retail Credit Classification and Account Management Policy, 64 FR 6655 (1999) as revised 65 FR 36903 (2000)"
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
// (《商业银行金融资产风险分类办法》, CBIRC/PBoC Order 〔2023〕 No. 1), in force
// from 2023-07-01:
//   - CN23-DPD-1..4: any overdue → at least 关注; > 90 DPD → 次级 even with
//     ample collateral (collateral is deliberately not a condition); > 270 →
//     可疑; > 360 → 损失;
//   - CN23-IMP-1/2: credit-impaired → 次级; credit-impaired with ECL ≥ 50 %
//     of the balance → 可疑;
//   - CN23-CON-1: more than 10 % of a non-retail debtor's claims here
//     non-performing → all its claims at least 次级;
//   - CN23-CON-2: more than 20 % of a non-retail debtor's debts at all banks
//     over 90 DPD → at least 次级;
//   - CN23-RST-1: restructured asset under observation → at least 关注.
//
// All rest on secondary sources quoting the Measures (Secondary), except
// CN23-RST-1, whose minimum grade is a conservative convention (NotFound).
func China2023Rules() []Rule {
	r := func(id string, c []Condition, g Grade, obj Object, ev Evidence, src string) Rule {
		return Rule{ID: id, Regime: "CN2023", Object: obj, When: c, Then: Outcome{MinGrade: g},
			EffectiveFrom: cn23Effective, Evidence: ev, Source: src}
	}
	return []Rule{
		r("CN23-DPD-1", when(Over(DaysPastDue, 0)), SpecialMention, LoanObject, Secondary, srcCN23D1),
		r("CN23-DPD-2", when(Over(DaysPastDue, 90)), Substandard, LoanObject, Secondary, srcCN23D2),
		r("CN23-DPD-3", when(Over(DaysPastDue, 270)), Doubtful, LoanObject, Secondary, srcCN23D3),
		r("CN23-DPD-4", when(Over(DaysPastDue, 360)), Loss, LoanObject, Secondary, srcCN23D4),
		r("CN23-IMP-1", when(Is(CreditImpaired)), Substandard, LoanObject, Secondary, srcCN23I1),
		r("CN23-IMP-2", when(Is(CreditImpaired), RatioOver(ECLRatio, GE, half)), Doubtful, LoanObject, Secondary, srcCN23I2),
		r("CN23-CON-1", when(Is(NonRetail), RatioOver(DebtorNPLShare, GT, tenPercent)), Substandard, DebtorObject, Secondary, srcCN23C1),
		r("CN23-CON-2", when(Is(NonRetail), RatioOver(ExternalOverdueShare, GT, twentyPercent)), Substandard, LoanObject, Secondary, srcCN23C2),
		r("CN23-RST-1", when(Is(Restructured)), SpecialMention, LoanObject, NotFound, srcCN23Rst),
	}
}

// ChinaCard2011Rules returns the credit-card grading of the 2011 card
// Measures (《商业银行信用卡业务监督管理办法》) art. 92, read in a secondary
// source quoting it: 关注 1–90 DPD, 次级 91–120, 可疑 121–180, 损失 > 180.
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

// ChinaLegacyRules returns the practice under the 2007 Guideline
// (《贷款风险分类指引》, 银监发〔2007〕54号), for the legacy preset only:
// 关注 1–90 DPD, 次级 91–180, 可疑 > 180 (the Guideline's arts. 10–11 set
// no day counts; the figures are widely quoted practice); restructured
// loans at least 次级, and 可疑 when still overdue (art. 12). All are
// Secondary.
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

// IFRS9Rules returns the IFRS 9 staging rows (Known), effective
// 2018-01-01: stage 2 at more than 30 DPD (§5.5.11) or on a
// significant-increase signal (§5.5.3); stage 3 at more than 90 DPD
// (§B5.5.37) or when credit-impaired (Appendix A).
func IFRS9Rules() []Rule {
	r := func(id string, c Condition, s Stage, src string) Rule {
		return Rule{ID: id, Regime: "IFRS9", When: when(c), Then: Outcome{MinStage: s},
			EffectiveFrom: ifrs9Effective, Evidence: Known, Source: src}
	}
	return []Rule{
		r("IFRS9-S2-DPD", Over(DaysPastDue, 30), Stage2, srcS2DPD),
		r("IFRS9-S2-SICR", Is(SignificantIncrease), Stage2, srcS2SICR),
		r("IFRS9-S3-DPD", Over(DaysPastDue, 90), Stage3, srcS3DPD),
		r("IFRS9-S3-IMP", Is(CreditImpaired), Stage3, srcS3Imp),
	}
}

// FFIECRules returns the US retail classification rows of the FFIEC
// Uniform Retail Credit Classification and Account Management Policy
// (2000), read in its text (Verified): substandard at 90 cumulative DPD
// (US-R1); loss and charge-off at 120 DPD closed-end (US-R2) and 180 DPD
// open-end (US-R3); charge-off within 60 days of notice of a bankruptcy
// filing (US-R4) and within 90 days of discovering fraud (US-R5).
func FFIECRules() []Rule {
	r := func(id string, c []Condition, o Outcome, what string) Rule {
		return Rule{ID: id, Regime: "FFIEC", When: c, Then: o, Evidence: Verified, Source: srcFFIEC + ": " + what}
	}
	notOpen := Condition{Kind: OpenEnd, Not: true}
	return []Rule{
		r("US-R1", when(AtLeast(DaysPastDue, 90)), Outcome{MinGrade: Substandard},
			"open- and closed-end retail loans 90 cumulative days past due are classified substandard"),
		r("US-R2", when(notOpen, AtLeast(DaysPastDue, 120)), Outcome{MinGrade: Loss, ChargeOff: true},
			"closed-end retail loans 120 cumulative days past due are classified loss and charged off"),
		r("US-R3", when(Is(OpenEnd), AtLeast(DaysPastDue, 180)), Outcome{MinGrade: Loss, ChargeOff: true},
			"open-end retail loans 180 cumulative days past due are classified loss and charged off"),
		r("US-R4", when(Is(BankruptcyNotice)), Outcome{ChargeOff: true, ChargeOffWithinDays: 60},
			"loans of borrowers in bankruptcy are charged off within 60 days of notification of the filing"),
		r("US-R5", when(Is(Fraud)), Outcome{ChargeOff: true, ChargeOffWithinDays: 90},
			"fraudulent loans are charged off within 90 days of discovery"),
	}
}

// China2023Cure returns the 2023 upgrade rule (CN23-UPG-1, Secondary): a
// non-performing loan moves up only after its arrears are cleared and it
// then pays at least two consecutive periods normally and six months pass —
// the longer of the two by default, a reading the sources do not settle
// (configurable through Combine).
func China2023Cure() []CureRule {
	return []CureRule{{ID: "CN23-UPG-1", From: Substandard, Periods: 2, Months: 6, Combine: CombineLonger,
		Evidence: Secondary, Source: srcCN23Upg}}
}

// China2023Observation returns the 2023 restructured-asset observation
// period (Secondary): at least two consecutive repayment periods and at
// least one year.
func China2023Observation() Observation {
	return Observation{Periods: 2, Months: 12, Evidence: Secondary, Source: srcCN23Obs}
}

// EBAStageCure returns EBA-derived probation presets for stage exits: 3
// months without a trigger, 1 year after a distressed restructuring. The
// figures are the EBA's for leaving default (EBA/GL/2016/07 §71(a), §72,
// confirmed in the EBA's Q&A 2022_6527), but IFRS 9 sets no fixed
// probation length (§5.5.7), so applying them to either stage's exit is a
// configurable convention: both rows are tagged NotFound.
func EBAStageCure() []StageCureRule {
	return []StageCureRule{
		{ID: "EBA-CURE-S2", From: Stage2, Months: 3, RestructuredMonths: 12, Evidence: NotFound, Source: srcEBACure},
		{ID: "EBA-CURE-S3", From: Stage3, Months: 3, RestructuredMonths: 12, Evidence: NotFound, Source: srcEBACure},
	}
}

// RulesBefore returns copies of the rules in force before day, each ending
// on the day before it at the latest: the rules of a regime a later one
// replaced. With RulesFrom it chains presets by effective date:
// append(RulesBefore(old, d), RulesFrom(new, d)...) grades every day
// before d by old and every day from d by new.
func RulesBefore(rules []Rule, day date.Date) []Rule {
	last := day.Add(-1)
	return clampRules(rules, func(r *Rule) bool {
		if !r.EffectiveFrom.IsZero() && r.EffectiveFrom.After(last) {
			return false
		}
		if r.EffectiveTo.IsZero() || r.EffectiveTo.After(last) {
			r.EffectiveTo = last
		}
		return true
	})
}

// RulesFrom returns copies of the rules in force from day on, each
// starting on day at the earliest (see RulesBefore).
func RulesFrom(rules []Rule, day date.Date) []Rule {
	return clampRules(rules, func(r *Rule) bool {
		if !r.EffectiveTo.IsZero() && r.EffectiveTo.Before(day) {
			return false
		}
		if r.EffectiveFrom.IsZero() || r.EffectiveFrom.Before(day) {
			r.EffectiveFrom = day
		}
		return true
	})
}

// clampRules returns copies of the rules that keep keeps, as it changed
// them.
func clampRules(rules []Rule, keep func(r *Rule) bool) []Rule {
	var out []Rule
	for _, r := range rules {
		r.When = slices.Clone(r.When)
		if keep(&r) {
			out = append(out, r)
		}
	}
	return out
}

// China2023 returns the default Chinese bank policy: the 2023 Measures'
// grading (China2023Rules) from 2023-07-01, the day they took effect, and
// the practice under the 2007 Guideline (ChinaLegacyRules) before it, so
// that every date is covered — a loan 91 days overdue in April 2023 is
// 次级, not 正常 for want of a rule; IFRS 9 / CAS 22 staging (IFRS9Rules),
// the default early-warning table, the Chinese buckets, the 2023 upgrade
// and observation rules and EBA-style stage probation. Technical grace: 0
// days, the conservative choice (the Measures allow up to 7).
func China2023() Policy {
	rules := append(RulesBefore(ChinaLegacyRules(), cn23Effective), China2023Rules()...)
	return Policy{
		Name:        "CN2023",
		Rules:       append(rules, IFRS9Rules()...),
		Warnings:    DefaultWarnings(),
		Buckets:     ChinaBuckets(),
		Cure:        China2023Cure(),
		StageCure:   EBAStageCure(),
		Observation: China2023Observation(),
		FundFlow:    DefaultFundFlow(),
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
// (the 2007 Guideline art. 12, Secondary), the 2023 upgrade reading reused
// (NotFound) and IFRS 9 staging.
func ChinaLegacy() Policy {
	p := China2023()
	p.Name = "CN2007"
	p.Rules = append(ChinaLegacyRules(), IFRS9Rules()...)
	p.Cure = []CureRule{{ID: "CN07-UPG-1", From: Substandard, Periods: 2, Months: 6, Evidence: NotFound, Source: srcCN07Upg}}
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
		Observation: Observation{Evidence: NotFound, Source: srcFFIEC + " sets no observation period for restructured loans"},
	}
}
