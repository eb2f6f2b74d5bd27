package classify

import (
	"math/bits"
	"slices"

	"github.com/lendcore/lendcore/fault"
	"github.com/rickb777/date"
)

// Result is the classification of one loan on one day.
type Result struct {
	Grade  Grade // the worst minimum grade triggered; Normal when none
	Stage  Stage // the worst minimum stage triggered; Stage1 when none
	Bucket int   // index into the policy's Buckets, from the unadjusted DPD
	Level  Level // the worst early-warning level; Green when none
	// ChargeOff says a rule requires a charge-off, due by ChargeOffBy (the
	// earliest deadline over the triggered charge-off rules). The deadline
	// runs from the event that set it — the day the days past due reached
	// the rule's threshold, the bankruptcy notice, the fraud discovery —
	// so asking on a later day gives the same date.
	ChargeOff   bool
	ChargeOffBy date.Date
	// Rules has bit i set when Policy.Rules[i] triggered; Warnings likewise
	// for Policy.Warnings. Classifier.Triggered turns them into rule ids.
	Rules    uint64
	Warnings uint64
	// Set by Classifier.Step: the loan is a restructured asset under
	// observation; the grade or stage is held above today's floor while a
	// cure rule runs.
	Restructured bool
	GradeHeld    bool
	StageHeld    bool
}

// Classifier is a compiled, immutable Policy. Compile once, then classify
// any number of loans from any number of goroutines; Classify does not
// allocate. Only Policy.Compile makes a usable Classifier: a zero or nil
// one returns a *fault.Fields wrapping ErrInvalidPolicy from Classify, Step,
// ClassifyDebtor and ApplyDebtorRules.
type Classifier struct {
	policy  Policy
	epochs  []epoch
	buckets []uint8
	warn    [SignalCount][severityCount]warnCell
}

// compiled returns an error unless c was made by Policy.Compile,
// which always gives at least one epoch and one bucket.
func (c *Classifier) compiled() error {
	if c == nil || len(c.epochs) == 0 || len(c.buckets) == 0 {
		return errNotCompiled()
	}
	return nil
}

// cell is the precomputed outcome of the DPD-only rules for one DPD.
// since is the earliest charge-off deadline in days past due: the DPD at
// which a charge-off rule's conditions began to hold plus its
// ChargeOffWithinDays, so the deadline is asOf - DPD + since whatever day
// the question is asked.
type cell struct {
	grade     Grade
	stage     Stage
	chargeOff bool
	since     int32
	mask      uint64
}

type warnCell struct {
	level Level
	grade Grade
	stage Stage
	mask  uint64
}

// compiledCond is a Condition with its ratio as plain integers.
type compiledCond struct {
	kind     ConditionKind
	op       Comparator
	not      bool
	level    Level
	days     int
	num, den int64
}

type compiledRule struct {
	conds [maxConditions]compiledCond
	n     int
	out   Outcome
	bit   uint64
}

// epoch holds the rules in force over a span of days in which no rule's
// effective dates begin or end.
type epoch struct {
	from   date.Date
	dpd    []cell         // by DPD; larger DPD use the last entry
	rules  []compiledRule // loan rules with a condition other than DPD
	debtor []compiledRule
}

// Compile validates p and precompiles it: DPD-only rules become a lookup
// table per span of effective dates, warning rules a table by signal and
// severity. It returns a *fault.Fields (ErrInvalidPolicy) for a bad
// policy.
func (p Policy) Compile() (*Classifier, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	c := &Classifier{policy: p.clone(), buckets: p.Buckets.table()}
	for _, s := range epochStarts(p.Rules) {
		c.epochs = append(c.epochs, compileEpoch(p.Rules, s))
	}
	for k := range SignalCount {
		for sev := SeverityLow; sev < severityCount; sev++ {
			var w warnCell
			for i, r := range p.Warnings {
				if r.Signal == k && r.MinSeverity <= sev {
					w.level = max(w.level, r.Level)
					w.grade = max(w.grade, r.MinGrade)
					w.stage = max(w.stage, r.MinStage)
					w.mask |= 1 << i
				}
			}
			c.warn[k][sev] = w
		}
	}
	return c, nil
}

// epochStarts returns the first day of every span over which the set of
// rules in force is constant, starting with date.Min().
func epochStarts(rules []Rule) []date.Date {
	starts := []date.Date{date.Min()}
	for _, r := range rules {
		if !r.EffectiveFrom.IsZero() {
			starts = append(starts, r.EffectiveFrom)
		}
		if !r.EffectiveTo.IsZero() && r.EffectiveTo.Before(date.Max()) {
			starts = append(starts, r.EffectiveTo.Add(1))
		}
	}
	slices.SortFunc(starts, func(a, b date.Date) int {
		// Compare, not subtract: date.Min() minus a date overflows int32.
		return cmpInt(int(a.DaysSinceEpoch()), int(b.DaysSinceEpoch()))
	})
	return slices.Compact(starts)
}

func inForce(r Rule, day date.Date) bool {
	return (r.EffectiveFrom.IsZero() || !day.Before(r.EffectiveFrom)) &&
		(r.EffectiveTo.IsZero() || !day.After(r.EffectiveTo))
}

func compileEpoch(rules []Rule, from date.Date) epoch {
	ep := epoch{from: from}
	var table []Rule
	var bits []uint64
	maxT := 0
	for i, r := range rules {
		if !inForce(r, from) {
			continue
		}
		bit := uint64(1) << i
		dpdOnly := r.Object == LoanObject
		for _, c := range r.When {
			if c.Kind != DaysPastDue {
				dpdOnly = false
			} else {
				maxT = max(maxT, c.Days)
			}
		}
		switch {
		case r.Object == DebtorObject:
			ep.debtor = append(ep.debtor, compileRule(r, bit))
		case dpdOnly:
			table, bits = append(table, r), append(bits, bit)
		default:
			ep.rules = append(ep.rules, compileRule(r, bit))
		}
	}
	ep.dpd = make([]cell, maxT+2)
	// start[i] is the DPD from which table[i] has held without a break.
	start := make([]int, len(table))
	for d := range ep.dpd {
		var cl cell
		for i, r := range table {
			cr := compileRule(r, bits[i])
			if !cr.matchDPD(d) {
				start[i] = d + 1
				continue
			}
			cl.grade = max(cl.grade, r.Then.MinGrade)
			cl.stage = max(cl.stage, r.Then.MinStage)
			if r.Then.ChargeOff {
				since := int32(start[i] + r.Then.ChargeOffWithinDays)
				if !cl.chargeOff || since < cl.since {
					cl.since = since
				}
				cl.chargeOff = true
			}
			cl.mask |= bits[i]
		}
		ep.dpd[d] = cl
	}
	return ep
}

func compileRule(r Rule, bit uint64) compiledRule {
	cr := compiledRule{n: len(r.When), out: r.Then, bit: bit}
	for i, c := range r.When {
		cr.conds[i] = compiledCond{kind: c.Kind, op: c.Op, not: c.Not, level: c.Level, days: c.Days,
			num: c.Ratio.Num(), den: c.Ratio.Den()}
	}
	return cr
}

func (cr *compiledRule) matchDPD(dpd int) bool {
	for i := 0; i < cr.n; i++ {
		if !cr.conds[i].op.holds(cmpInt(dpd, cr.conds[i].days)) {
			return false
		}
	}
	return true
}

// match evaluates a loan rule. event is the date its charge-off deadline
// runs from: the day the last of its dated conditions began to hold — a
// days-past-due threshold reached (the day the loan's DPD first met it),
// the bankruptcy notice, the fraud discovery — so the deadline stays put
// as the days go by; asOf only for a rule none of whose conditions is
// dated (Rule validation refuses such a charge-off rule).
func (cr *compiledRule) match(f *Facts, dpd int, level Level, asOf date.Date) (ok bool, event date.Date) {
	var dated date.Date
	later := func(d date.Date) {
		if dated.IsZero() || d.After(dated) {
			dated = d
		}
	}
	for i := 0; i < cr.n; i++ {
		c := &cr.conds[i]
		var hit bool
		switch c.kind {
		case DaysPastDue:
			hit = c.op.holds(cmpInt(dpd, c.days))
			if from, ok := c.reachedAt(); hit && ok && !c.not {
				later(asOf.Add(date.PeriodOfDays(from - dpd)))
			}
		case CreditImpaired:
			hit = f.CreditImpaired
		case ECLRatio:
			hit = f.Balance.IsPositive() && c.op.holds(cmpFrac(f.ECL.Minor(), f.Balance.Minor(), c.num, c.den))
		case ExternalOverdueShare:
			hit = f.ExternalDebt.IsPositive() &&
				c.op.holds(cmpFrac(f.ExternalOverdue90.Minor(), f.ExternalDebt.Minor(), c.num, c.den))
		case Restructured:
			hit = f.Restructured
		case SignificantIncrease:
			hit = f.SignificantIncrease
		case BankruptcyNotice:
			hit = !f.BankruptcyNotice.IsZero() && !f.BankruptcyNotice.After(asOf)
			if hit && !c.not {
				later(f.BankruptcyNotice)
			}
		case Fraud:
			hit = !f.FraudFound.IsZero() && !f.FraudFound.After(asOf)
			if hit && !c.not {
				later(f.FraudFound)
			}
		case OpenEnd:
			hit = f.OpenEnd
		case NonRetail:
			hit = f.NonRetail
		case WarningLevel:
			hit = c.op.holds(cmpInt(int(level), int(c.level)))
		}
		if c.not {
			hit = !hit
		}
		if !hit {
			return false, asOf
		}
	}
	if dated.IsZero() {
		return true, asOf
	}
	return true, dated
}

// reachedAt returns the DPD at which a days-past-due condition that holds
// began to hold as the days past due grew one a day, and whether it has
// one: "over n" from n+1, "at least n" and "exactly n" from n; "under"
// and "at most" hold from the first day and date nothing.
func (c *compiledCond) reachedAt() (int, bool) {
	switch c.op {
	case GT:
		return c.days + 1, true
	case GE, EQ:
		return c.days, true
	}
	return 0, false
}

// Classify grades one loan on asOf by the rules in force that day: the
// grade and stage are the worst minimums any triggered rule or warning
// imposes (Normal and Stage1 when none). It applies no cure rules and no
// debtor contagion; see Step and ApplyDebtorRules. It does not allocate
// unless the facts are invalid, in which case it returns a
// *fault.Fields (ErrInvalidInput). A Classifier not made by Compile
// returns an error wrapping ErrInvalidPolicy.
func (c *Classifier) Classify(f *Facts, asOf date.Date) (Result, error) {
	if err := c.compiled(); err != nil {
		return Result{}, err
	}
	if f == nil {
		return Result{}, fault.Invalid(ErrInvalidInput, "facts", "must not be nil")
	}
	if err := f.validate(); err != nil {
		return Result{}, err
	}
	dpd := f.DPD
	if f.TechnicalDelay && dpd <= c.policy.TechnicalGraceDays {
		dpd = 0
	}
	r := Result{Grade: Normal, Stage: Stage1, Level: Green}
	if f.DPD < len(c.buckets) {
		r.Bucket = int(c.buckets[f.DPD])
	} else {
		r.Bucket = int(c.buckets[len(c.buckets)-1])
	}
	for k, sev := range f.Signals {
		if sev != SeverityNone {
			w := &c.warn[k][sev]
			r.Level = max(r.Level, w.level)
			r.Grade = max(r.Grade, w.grade)
			r.Stage = max(r.Stage, w.stage)
			r.Warnings |= w.mask
		}
	}
	ep := c.epochAt(asOf)
	cl := &ep.dpd[min(dpd, len(ep.dpd)-1)]
	r.Grade = max(r.Grade, cl.grade)
	r.Stage = max(r.Stage, cl.stage)
	r.Rules |= cl.mask
	if cl.chargeOff {
		r.ChargeOff, r.ChargeOffBy = true, asOf.Add(date.PeriodOfDays(int(cl.since)-dpd))
	}
	for i := range ep.rules {
		cr := &ep.rules[i]
		ok, event := cr.match(f, dpd, r.Level, asOf)
		if !ok {
			continue
		}
		r.Grade = max(r.Grade, cr.out.MinGrade)
		r.Stage = max(r.Stage, cr.out.MinStage)
		r.Rules |= cr.bit
		if cr.out.ChargeOff {
			by := event.Add(date.PeriodOfDays(cr.out.ChargeOffWithinDays))
			if !r.ChargeOff || by.Before(r.ChargeOffBy) {
				r.ChargeOffBy = by
			}
			r.ChargeOff = true
		}
	}
	return r, nil
}

func (c *Classifier) epochAt(day date.Date) *epoch {
	i := len(c.epochs) - 1
	for i > 0 && day.Before(c.epochs[i].from) {
		i--
	}
	return &c.epochs[i]
}

// Triggered returns the ids of the rules and warning rules a result
// records, in policy order, for the audit trail.
func (c *Classifier) Triggered(r Result) []string {
	var ids []string
	for i, rule := range c.policy.Rules {
		if r.Rules&(1<<i) != 0 {
			ids = append(ids, rule.ID)
		}
	}
	for i, w := range c.policy.Warnings {
		if r.Warnings&(1<<i) != 0 {
			ids = append(ids, w.ID)
		}
	}
	return ids
}

// Policy returns a copy of the compiled policy.
func (c *Classifier) Policy() Policy { return c.policy.clone() }

// Buckets returns a copy of the policy's bucket table.
func (c *Classifier) Buckets() Buckets { return slices.Clone(c.policy.Buckets) }

func (p Policy) clone() Policy {
	q := p
	q.Rules = make([]Rule, len(p.Rules))
	for i, r := range p.Rules {
		r.When = slices.Clone(r.When)
		q.Rules[i] = r
	}
	q.Warnings = slices.Clone(p.Warnings)
	q.Buckets = slices.Clone(p.Buckets)
	q.Cure = slices.Clone(p.Cure)
	q.StageCure = slices.Clone(p.StageCure)
	q.FundFlow.CashFlow = slices.Clone(p.FundFlow.CashFlow)
	q.FundFlow.Purpose = slices.Clone(p.FundFlow.Purpose)
	return q
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmpFrac compares a/b with n/d exactly for a, n ≥ 0 and b, d > 0.
func cmpFrac(a, b, n, d int64) int {
	h1, l1 := bits.Mul64(uint64(a), uint64(d))
	h2, l2 := bits.Mul64(uint64(n), uint64(b))
	switch {
	case h1 < h2 || h1 == h2 && l1 < l2:
		return -1
	case h1 > h2 || h1 == h2 && l1 > l2:
		return 1
	}
	return 0
}
