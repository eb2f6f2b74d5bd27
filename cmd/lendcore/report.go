package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/report"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/sqlstore"
)

// cmdReport writes the portfolio report over a store the daily close ran
// on, from the month-end figures the close recorded.
func cmdReport(args []string, stdout, stderr io.Writer) int {
	return reportFrom(args, stdout, stderr, storedMonthEnds)
}

// storedMonthEnds is the source of month-end figures over a store: the
// figures its daily close recorded on each month end.
func storedMonthEnds(eng *lendcore.Engine) report.Source {
	return report.Stored{Engine: eng, Title: "Portfolio report"}
}

// reportFrom is lendcore report with the source of month-end figures that
// source gives for the store.
func reportFrom(args []string, stdout, stderr io.Writer, source func(*lendcore.Engine) report.Source) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	spec := fs.String("store", "", "the store the daily close ran on: sqlite:FILE or a postgres:// URL (required)")
	fromFlag := fs.String("from", "", "first day of the range, YYYY-MM-DD (required)")
	toFlag := fs.String("to", "", "last day of the range, YYYY-MM-DD (required)")
	outFlag := fs.String("out", "", "the file to write, or - for standard output (required)")
	formatFlag := fs.String("format", "html", "html (a page of charts), csv or json (the monthly figures)")
	if code, done := parseFlags(fs, args, "report", "--store S --from YYYY-MM-DD --to YYYY-MM-DD --out FILE [flags]", stdout, stderr); done {
		return code
	}
	fail := func(code int, flagName, format string, a ...any) int {
		fmt.Fprintf(stderr, "lendcore report: --%s: %s\n", flagName, strings.ReplaceAll(fmt.Sprintf(format, a...), "\n", "; "))
		return code
	}
	var from, to date.Date
	for _, f := range []struct {
		name string
		v    string
		d    *date.Date
	}{{"store", *spec, nil}, {"from", *fromFlag, &from}, {"to", *toFlag, &to}, {"out", *outFlag, nil}} {
		if f.v == "" {
			return fail(2, f.name, "is required")
		}
		if f.d != nil {
			d, err := schedule.ParseDate(f.v)
			if err != nil {
				return fail(2, f.name, "%q is not a date (YYYY-MM-DD)", f.v)
			}
			*f.d = d
		}
	}
	if to.Before(from) {
		return fail(2, "to", "%s is before --from %s", to, from)
	}
	format, err := report.ParseFormat(*formatFlag)
	if err != nil {
		return fail(2, "format", "%q is not html, csv or json", *formatFlag)
	}
	var out *outFile
	w := stdout
	if *outFlag != "-" {
		if out, err = createOut(*outFlag); err != nil {
			return fail(2, "out", "%s", oneLine(err))
		}
		defer out.abort()
		w = out.f
	}
	ctx := context.Background()
	st, err := openStoreToRead(ctx, *spec)
	if err != nil {
		return fail(2, "store", "%s", oneLine(err))
	}
	defer st.Close()
	eng, err := lendcore.New(st)
	if err != nil {
		return fail(1, "store", "%v", err)
	}
	last, closed, err := eng.LastClosed(ctx)
	switch {
	case err != nil:
		return fail(2, "store", "cannot read the last closed day: %s", oneLine(err))
	case !closed:
		return fail(2, "store", "no day has been closed on it: a report needs the daily close's figures")
	case from.After(last):
		return fail(2, "from", "%s is after the last closed day, %s: the range holds no closed day", from, last)
	}
	figs, err := report.Load(ctx, source(eng), from, to)
	var bad *fault.Fields
	switch {
	case err == nil:
	case errors.Is(err, report.ErrInvalidRange) && errors.As(err, &bad) && len(bad.List) > 0:
		return fail(2, bad.List[0].Name, "%s", bad.List[0].Problem)
	case errors.Is(err, report.ErrNoMonthEnds):
		fmt.Fprintf(stderr, "lendcore report: --from, --to: no month end was closed in %s..%s (the last closed day is %s)\n", from, to, last)
		return 2
	case errors.Is(err, storage.ErrCorrupt):
		return fail(1, "store", "the stored month-end figures cannot be read: %s", oneLine(err))
	case errors.Is(err, report.ErrInvalidFigures):
		return fail(1, "store", "the stored month-end figures are not valid: %s", oneLine(err))
	default:
		return fail(1, "store", "%s", oneLine(err))
	}
	if err := report.Write(w, figs, format); err != nil {
		fmt.Fprintf(stderr, "lendcore report: %s\n", oneLine(err))
		return 1
	}
	if out != nil {
		if err := out.commit(); err != nil {
			return fail(1, "out", "%s", oneLine(err))
		}
	}
	return 0
}

// openStoreToRead opens the store a report reads, changing nothing in it:
// no migration, and a SQLite file opened read-only (a missing file is not
// created). It refuses a store that is not lendcore's or holds no loans.
func openStoreToRead(ctx context.Context, spec string) (storage.Store, error) {
	var st *sqlstore.Store
	switch {
	case spec == "memory":
		return nil, errors.New("memory starts empty: a report needs a store the daily close ran on (sqlite:FILE or a postgres:// URL)")
	case strings.HasPrefix(spec, "sqlite:") && len(spec) > len("sqlite:"):
		path := strings.TrimPrefix(spec, "sqlite:")
		if strings.ContainsAny(path, "?#") {
			return nil, fmt.Errorf("SQLite path %q must not contain ? or #", path)
		}
		fi, err := os.Stat(path)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %v", path, errors.Unwrap(err))
		}
		if fi.IsDir() {
			return nil, fmt.Errorf("%s is a directory, not a SQLite file", path)
		}
		q := url.Values{}
		q.Set("mode", "ro")
		q.Add("_pragma", "busy_timeout(30000)")
		q.Add("_pragma", "query_only(1)")
		db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
		if err != nil {
			return nil, err
		}
		st = sqlstore.New(db, sqlstore.SQLite)
	case strings.HasPrefix(spec, "postgres://") || strings.HasPrefix(spec, "postgresql://"):
		s, err := sqlstore.OpenPostgres(spec)
		if err != nil {
			return nil, err
		}
		st = s
	default:
		return nil, fmt.Errorf("unknown store %q (want sqlite:FILE or postgres://...)", spec)
	}
	if err := st.DB().PingContext(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("cannot open it: %s", oneLine(err))
	}
	for _, err := range st.Loans().Scan(ctx, storage.LoanFilter{BatchSize: 1, NoDocument: true, NoState: true}) {
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("not a lendcore store (%s)", oneLine(err))
		}
		// A store last migrated before the close recorded month ends
		// has no table for them: say so rather than fail on the query.
		day := date.New(2000, 1, 31)
		for _, err := range st.MonthEnds().Scan(ctx, storage.DateRange{From: day, To: day}) {
			if err != nil {
				st.Close()
				return nil, fmt.Errorf("keeps no month-end figures: it predates them (migrate it and close a month end) (%s)", oneLine(err))
			}
		}
		return st, nil
	}
	st.Close()
	return nil, errors.New("holds no loans: a report needs a store the daily close ran on")
}

// outFile is a file written whole or not at all: the bytes go to a
// temporary file in the same directory, renamed over the path once
// complete, and removed if anything fails first.
type outFile struct {
	f    *os.File
	path string
	done bool
}

// createOut checks that path can be written by creating the temporary
// file beside it.
func createOut(path string) (*outFile, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot write %s: %v", path, err)
	}
	return &outFile{f: f, path: path}, nil
}

// commit puts the complete file in place.
func (o *outFile) commit() error {
	if err := o.f.Sync(); err != nil {
		return err
	}
	if err := o.f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(o.f.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(o.f.Name(), o.path); err != nil {
		return err
	}
	o.done = true
	return nil
}

// abort removes the temporary file unless commit put it in place.
func (o *outFile) abort() {
	if o.done {
		return
	}
	o.f.Close()
	os.Remove(o.f.Name())
	o.done = true
}
