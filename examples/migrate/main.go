// Command migrate brings loans in progress from another system into
// lendcore: each loan with its terms, its journal up to the cut-over date,
// and what the old system had decided about it (collection stage, grade,
// open promises). A record the import refuses is reported with every bad
// field, by JSON path, and the migration goes on with the others; running
// the migration again changes nothing. The first daily close after the
// cut-over continues each loan from there.
//
//	go run ./examples/migrate
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "migrate:", err)
		os.Exit(1)
	}
}

// export is the old system's export, one loan a line, as the migration
// job reads it from a file. Its fields are lendcore.LoanImport's JSON,
// with "ref" for the old system's loan number. The journal's idempotency
// keys are the old system's transaction numbers.
const export = `{"ref": "A-1001", "borrower_ref": "C-501", "terms": {"principal": "CNY 12000", "annual_rate": "0.12", "method": "equal-installment", "frequency": "monthly", "periods": 12, "start": "2026-01-10", "day_count": "30/360"}, "journal": [{"kind": "repayment", "value_date": "2026-02-10", "actor": "old-core", "idempotency_key": "T-88001", "amount": "CNY 1066.19"}, {"kind": "repayment", "value_date": "2026-03-10", "actor": "old-core", "idempotency_key": "T-88002", "amount": "CNY 1066.19"}, {"kind": "repayment", "value_date": "2026-04-10", "actor": "old-core", "idempotency_key": "T-88003", "amount": "CNY 1066.19"}]}
{"ref": "A-1002", "borrower_ref": "C-502", "terms": {"principal": "CNY 10000", "annual_rate": "0.12", "method": "equal-installment", "frequency": "monthly", "periods": 12, "start": "2025-12-20", "day_count": "30/360"}, "journal": [{"kind": "repayment", "value_date": "2026-01-20", "actor": "old-core", "idempotency_key": "T-87001", "amount": "CNY 888.49"}], "collection": "m3", "collection_since": "2026-04-21", "grade": "substandard", "promises": [{"collector": "old-collector-7", "made": "2026-04-28", "due": "2026-05-15", "amount": "CNY 2000"}]}
{"ref": "A-1003", "borrower_ref": "C-503", "terms": {"principal": "CNY 5000", "annual_rate": "0.12", "method": "equal-installment", "frequency": "monthly", "periods": 6, "start": "2026-02-01", "day_count": "30/360"}, "journal": [{"kind": "fee", "value_date": "2026-03-05", "actor": "old-core", "amount": "CNY -5"}, {"kind": "repayment", "value_date": "2026-05-03", "actor": "old-core", "idempotency_key": "T-89002", "amount": "CNY 862.74"}]}
`

// cutOver is the last day the old system kept the loans; the migration
// runs the night after the fifth of May, when lendcore's first close
// covers the days since.
var (
	cutOver  = date.New(2026, time.April, 30)
	firstRun = date.New(2026, time.May, 5)
	now      = time.Date(2026, time.May, 5, 21, 0, 0, 0, time.UTC)
	// ns names the loans and borrowers by the old system's numbers, so a
	// second run finds the loans the first one imported.
	ns = uuid.MustParse("6f1c3d2e-5b7a-4e89-9c0d-1a2b3c4d5e6f")
)

// record is one line of the export.
type record struct {
	Ref         string `json:"ref"`
	BorrowerRef string `json:"borrower_ref"`
	lendcore.LoanImport
}

func run(w io.Writer) error {
	ctx := context.Background()
	eng, err := lendcore.New(memory.New(), lendcore.WithClock(func() time.Time { return now }))
	if err != nil {
		return err
	}
	for pass := 1; pass <= 2; pass++ {
		fmt.Fprintf(w, "migration run %d, cut-over %s\n", pass, cutOver)
		if err := migrate(ctx, w, eng); err != nil {
			return err
		}
	}

	// The first close continues every loan from the day after the cut-over.
	if _, err := eng.CloseOfDay(ctx, firstRun); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nafter the close of %s:\n", firstRun)
	for row, err := range eng.Loans(ctx, lendcore.LoanQuery{}) {
		if err != nil {
			return err
		}
		st := row.State
		fmt.Fprintf(w, "  %s dpd %d, bucket %s, grade %s, collection %s since %s, overdue %s\n",
			refOf[row.ID], st.DPD, st.Bucket, st.Grade, st.Collection, st.CollectionSince, st.Overdue)
	}
	fmt.Fprintln(w, "\noverdue list (逾期管理):")
	for row, err := range eng.Loans(ctx, lendcore.LoanQuery{DaysPastDue: &storage.IntRange{Min: 1}}) {
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s %d days past due\n", refOf[row.ID], row.State.DPD)
	}
	return nil
}

// refOf maps the imported loans' ids back to the old system's numbers.
var refOf = map[uuid.UUID]string{}

// migrate imports every record of the export, reporting the ones refused.
func migrate(ctx context.Context, w io.Writer, eng *lendcore.Engine) error {
	lines := bufio.NewScanner(strings.NewReader(export))
	lines.Buffer(nil, 1<<20)
	for lines.Scan() {
		var r record
		if err := json.Unmarshal(lines.Bytes(), &r); err != nil {
			return err
		}
		r.ID = uuid.NewSHA1(ns, []byte("loan/"+r.Ref))
		r.Borrower = uuid.NewSHA1(ns, []byte("borrower/"+r.BorrowerRef))
		r.ImportedBy, r.CutOver = "migration-2026-05", cutOver
		refOf[r.ID] = r.Ref
		l, err := eng.ImportLoan(ctx, r.LoanImport)
		var bad *fault.Fields
		switch {
		case errors.As(err, &bad):
			fmt.Fprintf(w, "  %s refused:\n", r.Ref)
			for _, f := range bad.List {
				fmt.Fprintf(w, "    %s: %s\n", f.Name, f.Problem)
			}
		case err != nil:
			return err
		default:
			fmt.Fprintf(w, "  %s imported: %s, %d journal entries\n", r.Ref, l.Status(), len(l.Journal()))
		}
	}
	return lines.Err()
}
