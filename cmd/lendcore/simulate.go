package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/internal/sim"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/portfolio"
	"github.com/lendcore/lendcore/report"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
	"github.com/lendcore/lendcore/storage/sqlstore"
)

// simRetentionDays is how long the simulation keeps delivered outbox
// messages, and simMemoryLimit the soft limit of its heap (above it the
// collector runs more often; it is not a cap).
const (
	simRetentionDays = 7
	simMemoryLimit   = 300 << 20
)

// cmdSimulate generates a synthetic P2P portfolio from a seed and runs the
// Engine over it day by day, printing a monthly table.
func cmdSimulate(args []string, stdout, stderr io.Writer) int {
	cfg := sim.DefaultConfig()
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	loans := fs.Int("loans", cfg.Loans, "loans originated")
	months := fs.Int("months", cfg.Months, "months simulated")
	seed := fs.Uint64("seed", cfg.Seed, "random seed; the same seed gives the same output")
	workers := fs.Int("workers", 0, "daily-close workers (0 = GOMAXPROCS)")
	store := fs.String("store", "memory", "memory, sqlite:FILE or a postgres:// URL")
	check := fs.Bool("check", false, "verify portfolio invariants after every day")
	faults := fs.Bool("faults", false, "inject duplicate commands, reversals and interrupted closes")
	progress := fs.Bool("progress", true, "show a progress bar on stderr")
	revolving := fs.Int("revolving", cfg.Revolving, "percent of loans drawn on revolving credit lines (授信额度) instead of applied for one by one")
	p2p := fs.Int("p2p", cfg.P2P, "percent of loans published as listings and funded by bids through the investors' cash accounts, who also deposit and withdraw; with --check the money is counted across accounts, listings, loans and the reserve every day")
	products := fs.Bool("products", cfg.Products, "sell the loans as three products (unsecured consumer, secured, short bullet cash), every tenth in a VIP segment, and break the figures down by product after the table")
	accrualFlag := fs.String("accrual", "due-date", "how often the postings book interest not yet due: due-date, daily or month-end (the output is unchanged; --check verifies the ledger either way)")
	replicas := fs.Int("replicas", 1, "Engines on the one store, as replicas of a host service: commands are spread over them and all close every day (output unchanged)")
	reportPath := fs.String("report", "", "also write the portfolio report to this file (see --format)")
	formatFlag := fs.String("format", "html", "the report's format: html (a page of charts), csv or json (the monthly figures)")
	if code, done := parseFlags(fs, args, "simulate", "[flags]", stdout, stderr); done {
		return code
	}
	cfg.Loans, cfg.Months, cfg.Seed, cfg.Check, cfg.Faults = *loans, *months, *seed, *check, *faults
	cfg.Revolving, cfg.P2P, cfg.Products = *revolving, *p2p, *products
	cfg.OriginationMonths = max(1, min(cfg.OriginationMonths, cfg.Months)) // derived, not a flag: only --months is reported
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "lendcore simulate: %s\n", strings.ReplaceAll(err.Error(), "\n", "; "))
		return 2
	}
	accrual, err := loan.ParseAccrualFrequency(*accrualFlag)
	if err != nil {
		fmt.Fprintf(stderr, "lendcore simulate: --accrual: %q is not due-date, daily or month-end\n", *accrualFlag)
		return 2
	}
	format, err := report.ParseFormat(*formatFlag)
	if err != nil {
		fmt.Fprintf(stderr, "lendcore simulate: --format: %q is not html, csv or json\n", *formatFlag)
		return 2
	}
	var out *outFile
	if *reportPath != "" {
		// Fail now, not after the run, on a path that cannot be written.
		if out, err = createOut(*reportPath); err != nil {
			fmt.Fprintf(stderr, "lendcore simulate: --report: %s\n", oneLine(err))
			return 2
		}
		defer out.abort()
	} else if flagSet(fs, "format") {
		fmt.Fprintln(stderr, "lendcore simulate: --format: needs --report FILE")
		return 2
	}
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		// A batch run over a large, long-lived heap: fewer collections
		// while the heap is small, and a soft ceiling that makes the
		// collector work harder rather than let a large run's peak grow
		// to three times what it holds (GOGC or GOMEMLIMIT override).
		debug.SetGCPercent(200)
		debug.SetMemoryLimit(simMemoryLimit)
	}
	if *replicas < 1 || *replicas > 64 {
		fmt.Fprintf(stderr, "lendcore simulate: --replicas: %d outside 1..64\n", *replicas)
		return 2
	}
	stores, err := openStores(*store, *replicas)
	if err != nil {
		fmt.Fprintf(stderr, "lendcore simulate: --store: %s\n", oneLine(err))
		return 2
	}
	defer func() {
		for _, st := range stores {
			st.Close()
		}
	}()
	clock := sim.NewClock(cfg.Start)
	// The run delivers every message the day it is made and never reads
	// the history back, so it keeps a week of it, not the default 90 days.
	policies := sim.Policies()
	policies.Servicing.Accrual.Frequency = accrual
	opts := []lendcore.Option{lendcore.WithLogger(slog.New(slog.DiscardHandler)), lendcore.WithPolicies(policies),
		lendcore.WithClock(clock.Now), lendcore.WithOutboxRetention(simRetentionDays)}
	if *workers != 0 {
		opts = append(opts, lendcore.WithWorkers(*workers))
	}
	if cfg.Products {
		ps, err := sim.Products()
		if err == nil {
			var c *lendcore.Catalogue
			if c, err = lendcore.NewCatalogue(ps...); err == nil {
				opts = append(opts, lendcore.WithCatalogue(c))
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "lendcore simulate: --products: %s\n", oneLine(err))
			return 1
		}
	}
	engines := make([]*lendcore.Engine, len(stores))
	for i, st := range stores {
		e, err := lendcore.New(st, append(opts, lendcore.WithReplicaID(fmt.Sprintf("simulate-%d", i)))...)
		if err != nil {
			fmt.Fprintf(stderr, "lendcore simulate: --workers: %v\n", err)
			return 2
		}
		engines[i] = e
	}
	s, err := sim.New(cfg, clock, engines[0], engines[1:]...)
	if err != nil {
		fmt.Fprintf(stderr, "lendcore simulate: %v\n", err)
		return 2
	}
	t := newTable(stdout)
	var bar func(day, days int)
	if *progress {
		bar = progressBar(stderr)
	}
	ctx := context.Background()
	began := time.Now()
	stats, err := s.Run(ctx, t.row, bar)
	elapsed := time.Since(began)
	if err != nil {
		fmt.Fprintf(stderr, "\nlendcore simulate: %v\n", err)
		return 1
	}
	t.summary(stats)
	if out != nil {
		// The report is drawn from the month ends the daily close recorded
		// in the store, as lendcore report draws it later over the same
		// store: the two are the same report.
		title := fmt.Sprintf("Simulated P2P portfolio: %d loans over %d months, seed %d", cfg.Loans, cfg.Months, cfg.Seed)
		figs, err := report.Load(ctx, report.Stored{Engine: engines[0], Title: title}, cfg.Start, cfg.Start.AddDate(0, cfg.Months, 0))
		if err == nil {
			err = report.Write(out.f, figs, format)
		}
		if err == nil {
			err = out.commit()
		}
		if err != nil {
			fmt.Fprintf(stderr, "lendcore simulate: --report: %s\n", oneLine(err))
			return 1
		}
	}
	fmt.Fprintf(stderr, "%d loan-days in %s: %.0f loan-days/s\n", stats.LoanDays, elapsed.Round(time.Millisecond),
		float64(stats.LoanDays)/elapsed.Seconds())
	return 0
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// openStores opens n stores on the one database a --store flag names (one
// memory store shared n times, n SQLite connections to one file, n
// PostgreSQL pools), migrated; the simulation needs it empty.
func openStores(spec string, n int) ([]storage.Store, error) {
	var open func() (storage.Store, error)
	switch {
	case spec == "memory":
		s := memory.New()
		open = func() (storage.Store, error) { return s, nil }
	case strings.HasPrefix(spec, "sqlite:") && len(spec) > len("sqlite:"):
		open = func() (storage.Store, error) { return sqlstore.OpenSQLite(strings.TrimPrefix(spec, "sqlite:")) }
	case strings.HasPrefix(spec, "postgres://") || strings.HasPrefix(spec, "postgresql://"):
		open = func() (storage.Store, error) { return sqlstore.OpenPostgres(spec) }
	default:
		return nil, fmt.Errorf("unknown store %q (want memory, sqlite:FILE or postgres://...)", spec)
	}
	var out []storage.Store
	fail := func(err error) ([]storage.Store, error) {
		for _, st := range out {
			st.Close()
		}
		return nil, err
	}
	for range n {
		st, err := open()
		if err != nil {
			return fail(err)
		}
		out = append(out, st)
		if m, ok := st.(interface{ Migrate(context.Context) error }); ok && len(out) == 1 {
			if err := m.Migrate(context.Background()); err != nil {
				return fail(err)
			}
		}
	}
	for _, err := range out[0].Loans().Scan(context.Background(), storage.LoanFilter{BatchSize: 1}) {
		if err != nil {
			return fail(err)
		}
		return fail(fmt.Errorf("store %q already holds loans; the simulation needs an empty one", spec))
	}
	return out, nil
}

func progressBar(w io.Writer) func(day, days int) {
	last := -1
	return func(day, days int) {
		pct := day * 100 / days
		if pct == last {
			return
		}
		last = pct
		n := pct / 4
		fmt.Fprintf(w, "\r[%s%s] %3d%% day %d/%d", strings.Repeat("#", n), strings.Repeat(".", 25-n), pct, day, days)
		if day == days {
			fmt.Fprintln(w)
		}
	}
}

// table prints the monthly portfolio table.
type table struct {
	w    io.Writer
	last sim.Stats
	paid money.Amount // reserve payouts to the previous month end
	// lines are the credit lines at the last month end (--revolving).
	lines lendcore.LinesSummary
	// byProduct is the last month end's portfolio by product (--products).
	byProduct map[string]*portfolio.Snapshot
}

func newTable(w io.Writer) *table {
	fmt.Fprintf(w, "%-10s %7s %16s %7s %7s %7s %7s %-20s %7s %13s %-18s %4s %11s %11s\n", "month_end", "active", "balance",
		"m1", "m2", "m3+", "over90", "grades(N/SM/S/D/L)", "npl", "provisions", "coll(m1/m2/m3/L/W)",
		"wo", "recovered", "reserve_out")
	return &table{w: w}
}

func (t *table) row(p lendcore.Portfolio, st sim.Stats) {
	s := p.Snapshot
	byBucket := func(i int) portfolio.Ratio {
		if i >= len(s.ByBucket) {
			return portfolio.Ratio{}
		}
		return portfolio.Ratio{Num: s.ByBucket[i].Balance, Den: s.Total.Balance}
	}
	mix := make([]string, 0, 5)
	for g := classify.Normal; g <= classify.Loss; g++ {
		mix = append(mix, fmt.Sprint(s.ByGrade[g].Count))
	}
	c := p.Collection
	coll := fmt.Sprintf("%d/%d/%d/%d/%d", c["m1"], c["m2"], c["m3"], c["legal-review"], c["write-off-proposal"])
	recovered := st.Recoveries.Sub(t.last.Recoveries)
	payouts := p.Reserve.Payouts.Sub(t.paid)
	fmt.Fprintf(t.w, "%-10s %7d %16s %7s %7s %7s %7s %-20s %7s %13s %-18s %4d %11s %11s\n", p.Day, s.Total.Count,
		s.Amount(s.Total.Balance).Number(), byBucket(1).Percent(2), byBucket(2).Percent(2), p.M3Plus().Percent(2),
		portfolio.Ratio{Num: s.Over90.Balance, Den: s.Total.Balance}.Percent(2), strings.Join(mix, "/"),
		p.NPLRatio().Percent(2), s.Amount(s.Provisions).Number(), coll,
		st.WrittenOff-t.last.WrittenOff, money.Sum(money.Zero(money.CNY), recovered).Number(),
		money.Sum(money.Zero(money.CNY), payouts).Number())
	t.last, t.paid, t.lines, t.byProduct = st, p.Reserve.Payouts, p.Lines, p.ByProduct
}

func (t *table) summary(st sim.Stats) {
	fmt.Fprintf(t.w, "\nloans originated %d, payments %d (%s), prepaid %d, written off %d, recovered %s, faults injected %d, loans failed %d, loan-days %d\n",
		st.Originated, st.Payments, st.Paid.Number(), st.Prepaid, st.WrittenOff, st.Recoveries.Number(),
		st.Faults, st.FailedLoans, st.LoanDays)
	if st.Listings > 0 { // --p2p
		fmt.Fprintf(t.w, "listings filled %d by %d bids; deposits %d, withdrawals %d\n", st.Listings, st.Bids, st.Deposits, st.Withdrawals)
	}
	if st.Drawdowns > 0 { // --revolving: the last month end's credit lines
		l := &t.lines
		lines := 0
		for _, n := range l.ByStatus {
			lines += n.Count
		}
		fmt.Fprintf(t.w, "loans drawn on credit lines %d; lines %d (frozen %d), open limit %s, used %s (%s), undrawn %s converting to %s, its provision %s\n",
			st.Drawdowns, lines, l.Frozen, l.Limit.Number(), l.Used.Number(),
			portfolio.Ratio{Num: l.UtilisationBP, Den: 10000}.Percent(2), l.Undrawn.Number(), l.Converted.Number(),
			l.Provision.Number())
	}
	for _, name := range slices.Sorted(maps.Keys(t.byProduct)) { // --products: the last month end by product
		p := t.byProduct[name]
		fmt.Fprintf(t.w, "product %-20s active %6d, balance %16s, m3+ %7s, npl %7s, provisions %13s\n", name,
			p.Total.Count, p.Amount(p.Total.Balance).Number(), p.AtLeastBucket(3).Percent(2), p.NPLRatio().Percent(2),
			p.Amount(p.Provisions).Number())
	}
}
