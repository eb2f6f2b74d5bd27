package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/rickb777/date"
	"github.com/shopspring/decimal"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// scheduleFlags are the raw flag values of `lendcore schedule`; they are
// parsed into schedule.Terms only after the currency is known.
type scheduleFlags struct {
	principal, rate, method, start, frequency, dayCount, firstDue, currency, format string
	rounding, multiple, multipleRounding, basis, businessDay, holidays, workdays    string
	maxRate, totals, graceLayout, brokenPeriod, semiMonthlyDays                     string
	downShare, downAmount, tranches, disbursed                                      string
	term, principalGrace, interestGrace, anchorDay, periodDays                      int
	capitalize, followsAdjusted                                                     bool
	fees                                                                            feeFlags
}

// feeFlags collects the repeatable --fee flag.
type feeFlags []string

func (f *feeFlags) String() string { return strings.Join(*f, " ") }

func (f *feeFlags) Set(v string) error {
	*f = append(*f, v)
	return nil
}

// feeHelp describes --fee.
const feeHelp = `a fee in the terms, repeatable: KIND:BASE:VALUE[:OPTION...] with KIND upfront, installment, account or insurance;
BASE flat (VALUE an amount) or principal, installment, outstanding (VALUE a rate such as 0.5%);
OPTIONS rounding=MODE, every=N (account fees), financed (an upfront fee spread over the installments), name=TEXT.
E.g. --fee upfront:principal:2% --fee insurance:outstanding:0.05%:rounding=down --fee account:flat:30:every=12`

// parseFee reads one --fee value.
func parseFee(spec string, cur money.Currency) (schedule.Fee, error) {
	var fee schedule.Fee
	parts := strings.Split(spec, ":")
	if len(parts) < 3 {
		return fee, fmt.Errorf("%q is not KIND:BASE:VALUE[:OPTION...]", spec)
	}
	var err error
	if fee.Kind, err = schedule.ParseFeeKind(parts[0]); err != nil {
		return fee, err
	}
	if fee.Base, err = schedule.ParseFeeBase(parts[1]); err != nil {
		return fee, err
	}
	if fee.Base == schedule.FeeFlat {
		fee.Amount, err = money.Parse(parts[2], cur)
	} else {
		fee.Rate, err = money.ParseRate(parts[2])
	}
	if err != nil {
		return fee, err
	}
	for _, opt := range parts[3:] {
		key, val, _ := strings.Cut(opt, "=")
		switch key {
		case "rounding":
			fee.Rounding, err = money.ParseRoundingMode(val)
		case "every":
			fee.Every, err = strconv.Atoi(val)
		case "financed":
			fee.Financed = true
		case "name":
			fee.Name = val
		default:
			err = fmt.Errorf("unknown option %q (rounding=, every=, financed, name=)", opt)
		}
		if err != nil {
			return fee, err
		}
	}
	return fee, nil
}

func (f *scheduleFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.principal, "principal", "", "loan principal, e.g. 100000 or 1,000.50 (required)")
	fs.StringVar(&f.rate, "rate", "", "nominal annual rate: 0.12 or 12% (required)")
	fs.IntVar(&f.term, "term", 0, "number of periods; for --frequency days, the loan's days (required)")
	fs.StringVar(&f.method, "method", "equal-installment", "equal-installment, equal-principal, interest-only, bullet or flat")
	fs.StringVar(&f.start, "start", "", "disbursement (value) date, YYYY-MM-DD (required)")
	fs.StringVar(&f.frequency, "frequency", "monthly", "weekly, bi-weekly, semi-monthly, monthly, quarterly, semi-annual, annual, days (one period of --term days) or every-n-days (--period-days)")
	fs.StringVar(&f.dayCount, "day-count", "act/360", "30/360, act/360, act/365f or act/act-isda")
	fs.StringVar(&f.firstDue, "first-due", "", "first due date for a broken first period, YYYY-MM-DD")
	fs.StringVar(&f.currency, "currency", "CNY", "ISO 4217 code (CNY, INR, KWD, ...); CODE/scale such as XAU/6 for a code outside ISO's table")
	fs.StringVar(&f.format, "format", "table", "table, csv or json")
	fs.StringVar(&f.rounding, "rounding", "half-up", "rounding of every amount: half-up, half-even, down, up, ceiling or floor")
	fs.StringVar(&f.multiple, "installment-multiple", "", "round the installment of an equal-installment or flat loan to a multiple of this amount, e.g. 1")
	fs.StringVar(&f.multipleRounding, "installment-rounding", "", "rounding mode for --installment-multiple (default: --rounding)")
	fs.IntVar(&f.principalGrace, "principal-grace", 0, "periods without principal before amortising (interest only; see --grace-layout)")
	fs.IntVar(&f.interestGrace, "interest-grace", 0, "periods with no payment; their interest is deferred to the first payment (see --grace-layout)")
	fs.BoolVar(&f.capitalize, "capitalize-grace", false, "capitalise the interest of --interest-grace periods instead")
	fs.StringVar(&f.graceLayout, "grace-layout", "sequential", "sequential (interest grace, then principal grace) or overlapping (both from the first period, as Fineract)")
	fs.StringVar(&f.brokenPeriod, "broken-period", "first-installment", "a broken first period's extra interest: first-installment, spread (over the installments) or upfront (due at disbursement)")
	fs.IntVar(&f.periodDays, "period-days", 0, "days in each period, with --frequency every-n-days")
	fs.StringVar(&f.semiMonthlyDays, "semi-monthly-days", "", "two fixed due days with --frequency semi-monthly, e.g. 1,16 or 15,31 (31 = month end)")
	fs.StringVar(&f.downShare, "down-payment-share", "", "down payment as a share of each disbursement, e.g. 25%")
	fs.StringVar(&f.downAmount, "down-payment-amount", "", "down payment as an amount of the first disbursement, e.g. 1000")
	fs.StringVar(&f.tranches, "tranches", "", "planned disbursements DATE:AMOUNT,..., the first on --start, adding up to --principal")
	fs.StringVar(&f.disbursed, "disbursed", "", "tranches disbursed so far DATE:AMOUNT,...: print the plan they give (default: every tranche as planned)")
	fs.StringVar(&f.basis, "interest-basis", "periodic", "periodic (annual/periods a year) or actual (days × annual / day-count basis)")
	fs.StringVar(&f.businessDay, "business-day", "none", "none, following, modified-following or preceding")
	fs.StringVar(&f.holidays, "holidays", "", "comma-separated holidays, YYYY-MM-DD (weekends are always non-business days)")
	fs.StringVar(&f.workdays, "workdays", "", "comma-separated weekend days that are worked, YYYY-MM-DD")
	fs.BoolVar(&f.followsAdjusted, "interest-follows-adjusted", false, "accrue interest to the adjusted due date")
	fs.IntVar(&f.anchorDay, "anchor-day", 0, "day of month the due dates keep to (default: the start's)")
	fs.StringVar(&f.maxRate, "max-rate", "", "reject a --rate above this cap, e.g. 24%")
	fs.StringVar(&f.totals, "totals", "row-sum", "totals: row-sum, level-payment (payment × n) or unrounded-payment")
	fs.Var(&f.fees, "fee", feeHelp)
}

// flagOf names the flag behind each Terms field (as schedule names it,
// the way Terms spells it in JSON), for error messages.
var flagOf = map[string]string{
	"principal": "principal", "annual_rate": "rate", "method": "method", "frequency": "frequency",
	"periods": "term", "term_days": "term", "start": "start", "first_due": "first-due", "day_count": "day-count",
	"basis": "interest-basis", "rounding": "rounding", "installment_multiple": "installment-multiple",
	"installment_rounding": "installment-rounding", "principal_grace": "principal-grace",
	"interest_grace": "interest-grace", "business_day": "business-day", "calendar": "holidays",
	"max_annual_rate": "max-rate", "anchor_day": "anchor-day", "totals": "totals",
	"grace_layout": "grace-layout", "broken_period": "broken-period", "period_days": "period-days",
	"semi_monthly_days": "semi-monthly-days", "down_payment": "down-payment-share",
	"down_payment.share": "down-payment-share", "down_payment.amount": "down-payment-amount",
	"tranches": "tranches", "disbursed": "disbursed", "fees": "fee",
}

// flagError is a bad flag value.
type flagError struct {
	flag string
	err  error
}

func (e *flagError) Error() string { return "--" + e.flag + ": " + oneLine(e.err) }

// cmdSchedule is `lendcore schedule`: it prints the schedule of the terms
// given as flags.
func cmdSchedule(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lendcore schedule", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var f scheduleFlags
	f.register(fs)
	if code, done := parseFlags(fs, args, "schedule", "--principal P --rate R --term N --start YYYY-MM-DD [flags]", stdout, stderr); done {
		return code
	}
	terms, err := f.terms()
	if err == nil && f.format != "table" && f.format != "csv" && f.format != "json" {
		err = fmt.Errorf("--format: %q must be table, csv or json", f.format)
	}
	if err == nil {
		err = terms.Validate()
	}
	var s *schedule.Schedule
	var disbursed []schedule.Tranche
	if err == nil && f.disbursed != "" {
		if disbursed, err = parseTranches(f.disbursed, terms.Principal.Currency()); err != nil {
			err = &flagError{"disbursed", err}
		}
	}
	switch {
	case err != nil:
	case f.disbursed != "":
		s, err = terms.Plan(disbursed)
	default:
		s, err = schedule.Generate(terms)
	}
	if err != nil {
		fmt.Fprintf(stderr, "lendcore schedule: %s\n", describe(err))
		return 2
	}
	switch f.format {
	case "csv":
		err = s.WriteCSV(stdout)
	case "json":
		err = writeJSON(stdout, s)
	default:
		err = writeTable(stdout, s)
	}
	if err != nil {
		fmt.Fprintf(stderr, "lendcore schedule: %v\n", err)
		return 1
	}
	return 0
}

// describe renders an error on one line, naming flags instead of fields.
func describe(err error) string {
	var ve *fault.Fields
	if !errors.As(err, &ve) {
		return oneLine(err)
	}
	parts := make([]string, len(ve.List))
	for i, fe := range ve.List {
		name, ok := flagOf[fe.Name]
		switch base, rest, _ := strings.Cut(fe.Name, "["); {
		case ok:
		case flagOf[base] != "" && rest != "": // tranches[1].date: --tranches [1].date
			name = flagOf[base] + " [" + rest
		default:
			name = strings.ReplaceAll(fe.Name, "_", "-")
		}
		parts[i] = "--" + name + ": " + fe.Problem
	}
	return strings.Join(parts, "; ")
}

// terms parses the flags into terms; the first bad flag is the error.
func (f *scheduleFlags) terms() (schedule.Terms, error) {
	var t schedule.Terms
	var cur money.Currency
	for _, step := range []struct {
		flag string
		do   func() error
	}{
		{"currency", func() error { return cur.UnmarshalText([]byte(strings.ToUpper(f.currency))) }},
		{"principal", func() (err error) {
			if f.principal == "" {
				return errMissing
			}
			t.Principal, err = money.Parse(f.principal, cur)
			return
		}},
		{"rate", func() (err error) {
			if f.rate == "" {
				return errMissing
			}
			t.AnnualRate, err = money.ParseRate(f.rate)
			return
		}},
		{"term", func() error {
			if f.term <= 0 {
				return errors.New("must be a positive number of periods")
			}
			return nil
		}},
		{"start", func() (err error) {
			if f.start == "" {
				return errMissing
			}
			t.Start, err = schedule.ParseDate(f.start)
			return
		}},
		{"method", func() (err error) { t.Method, err = schedule.ParseMethod(f.method); return }},
		{"frequency", func() (err error) { t.Frequency, err = schedule.ParseFrequency(f.frequency); return }},
		{"day-count", func() (err error) { t.DayCount, err = schedule.ParseDayCount(f.dayCount); return }},
		{"first-due", func() (err error) { t.FirstDue, err = optionalDate(f.firstDue); return }},
		{"rounding", func() (err error) { t.Rounding, err = money.ParseRoundingMode(f.rounding); return }},
		{"installment-rounding", func() (err error) {
			t.InstallmentRounding = t.Rounding
			if f.multipleRounding != "" {
				t.InstallmentRounding, err = money.ParseRoundingMode(f.multipleRounding)
			}
			return
		}},
		{"installment-multiple", func() (err error) {
			if f.multiple != "" {
				t.InstallmentMultiple, err = money.Parse(f.multiple, cur)
			}
			return
		}},
		{"interest-basis", func() (err error) { t.Basis, err = schedule.ParseInterestBasis(f.basis); return }},
		{"business-day", func() (err error) { t.BusinessDay, err = schedule.ParseBusinessDayConvention(f.businessDay); return }},
		{"holidays", func() error { return f.calendar(&t) }},
		{"max-rate", func() (err error) {
			if f.maxRate != "" {
				t.MaxAnnualRate, err = money.ParseRate(f.maxRate)
			}
			return
		}},
		{"totals", func() (err error) { t.Totals, err = schedule.ParseTotalsConvention(f.totals); return }},
		{"grace-layout", func() (err error) { t.GraceLayout, err = schedule.ParseGraceLayout(f.graceLayout); return }},
		{"broken-period", func() (err error) {
			t.BrokenPeriod, err = schedule.ParseBrokenPeriodInterest(f.brokenPeriod)
			return
		}},
		{"semi-monthly-days", func() (err error) { t.SemiMonthlyDays, err = parseDayPair(f.semiMonthlyDays); return }},
		{"down-payment-share", func() (err error) {
			if f.downShare != "" {
				t.DownPayment.Share, err = money.ParseRate(f.downShare)
			}
			return
		}},
		{"down-payment-amount", func() (err error) {
			if f.downAmount != "" {
				t.DownPayment.Amount, err = money.Parse(f.downAmount, cur)
			}
			return
		}},
		{"tranches", func() (err error) {
			if f.tranches != "" {
				t.Tranches, err = parseTranches(f.tranches, cur)
			}
			return
		}},
		{"fee", func() error {
			for _, spec := range f.fees {
				fee, err := parseFee(spec, cur)
				if err != nil {
					return err
				}
				t.Fees = append(t.Fees, fee)
			}
			return nil
		}},
	} {
		if err := step.do(); err != nil {
			if fe := (*flagError)(nil); errors.As(err, &fe) {
				return t, fe
			}
			return t, &flagError{step.flag, err}
		}
	}
	t.Periods = f.term
	if t.Frequency == schedule.Days {
		t.Periods, t.TermDays = 1, f.term
	}
	t.PrincipalGrace, t.InterestGrace, t.CapitalizeGrace = f.principalGrace, f.interestGrace, f.capitalize
	t.InterestFollowsAdjusted, t.AnchorDay, t.PeriodDays = f.followsAdjusted, f.anchorDay, f.periodDays
	return t, nil
}

// parseDayPair reads "1,16" (or "" for none).
func parseDayPair(s string) ([2]int, error) {
	var d [2]int
	if s == "" {
		return d, nil
	}
	a, b, ok := strings.Cut(s, ",")
	x, err1 := strconv.Atoi(strings.TrimSpace(a))
	y, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil {
		return d, fmt.Errorf("%q is not two days of the month such as 1,16", s)
	}
	return [2]int{x, y}, nil
}

// parseTranches reads "2026-01-15:6000,2026-03-01:4000".
func parseTranches(s string, cur money.Currency) ([]schedule.Tranche, error) {
	var out []schedule.Tranche
	for i, part := range strings.Split(s, ",") {
		day, amount, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			return nil, fmt.Errorf("tranche %d: %q is not DATE:AMOUNT", i+1, part)
		}
		d, err := schedule.ParseDate(day)
		if err != nil {
			return nil, fmt.Errorf("tranche %d: %w", i+1, err)
		}
		a, err := money.Parse(amount, cur)
		if err != nil {
			return nil, fmt.Errorf("tranche %d: %w", i+1, err)
		}
		out = append(out, schedule.Tranche{Date: d, Amount: a})
	}
	return out, nil
}

// errMissing reports a required flag left out.
var errMissing = errors.New("is required")

func optionalDate(s string) (date.Date, error) {
	if s == "" {
		return date.Date{}, nil
	}
	return schedule.ParseDate(s)
}

func (f *scheduleFlags) calendar(t *schedule.Terms) error {
	if f.holidays == "" && f.workdays == "" {
		return nil
	}
	list := func(s string) ([]date.Date, error) {
		var out []date.Date
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			d, err := schedule.ParseDate(p)
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
		return out, nil
	}
	h, err := list(f.holidays)
	if err != nil {
		return err
	}
	w, err := list(f.workdays)
	if err != nil {
		return &flagError{"workdays", err}
	}
	t.Calendar = schedule.NewHolidayCalendar(h, w)
	return nil
}

func writeJSON(w io.Writer, s *schedule.Schedule) error {
	out := struct {
		*schedule.Schedule
		Totals schedule.Totals `json:"totals"`
		APR    *string         `json:"apr"`
	}{Schedule: s, Totals: s.Totals()}
	if apr, err := s.APR(); err == nil {
		v := apr.String()
		out.APR = &v
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeTable(w io.Writer, s *schedule.Schedule) error {
	t := s.Terms
	fmt.Fprintf(w, "%s %s at %s a year, %s, %s\n\n", t.Method, t.Principal, t.AnnualRate.Percent(6), termText(t), t.Frequency)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	tot := s.Totals()
	if len(t.Fees) == 0 {
		fmt.Fprintln(tw, "period\tdue date\tprincipal\tinterest\tpayment\tbalance\t")
		for _, in := range s.Installments {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t\n", in.Number, in.Due, in.Principal.Number(),
				in.Interest.Number(), in.Payment.Number(), in.Balance.Number())
		}
		fmt.Fprintf(tw, "total\t\t%s\t%s\t%s\t\t\n", tot.Principal.Number(), tot.Interest.Number(), tot.Payment.Number())
	} else {
		fmt.Fprintln(tw, "period\tdue date\tprincipal\tinterest\tfee\tpayment\tbalance\t")
		for _, in := range s.Installments {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", in.Number, in.Due, in.Principal.Number(),
				in.Interest.Number(), in.Fee.Number(), in.Payment.Number(), in.Balance.Number())
		}
		fmt.Fprintf(tw, "total\t\t%s\t%s\t%s\t%s\t\t\n", tot.Principal.Number(), tot.Interest.Number(), tot.Fee.Number(), tot.Payment.Number())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	label := "APR (IRR method)"
	if len(t.Fees) > 0 {
		label = "APR (IRR method, all-in: interest and fees)"
	}
	apr, err := s.APR()
	if err != nil {
		_, err = fmt.Fprintf(w, "\n%s: n/a (%v)\n", label, err)
		return err
	}
	_, err = fmt.Fprintf(w, "\n%s: %s%%\n", label, apr.Mul(decimal.New(100, 0)).StringFixed(4))
	return err
}

func termText(t schedule.Terms) string {
	switch t.Frequency {
	case schedule.Days:
		return fmt.Sprintf("%d days", t.TermDays)
	case schedule.EveryNDays:
		return fmt.Sprintf("%d periods of %d days", t.Periods, t.PeriodDays)
	}
	return fmt.Sprintf("%d periods", t.Periods)
}
