// Postgres embeds lendcore in a service backed by PostgreSQL: it opens the
// database named by LENDCORE_POSTGRES_DSN, applies lendcore's migrations
// (tables prefixed lendcore_, so they can live in the host's database),
// runs an Engine over it, books one loan, runs a daily close, and
// delivers the outbox the way a host's dispatcher would.
//
//	LENDCORE_POSTGRES_DSN='postgres://app@127.0.0.1:5432/app?sslmode=disable' go run ./examples/postgres
//
// Run it on a database (or schema) without lendcore data: the loan's id is
// fixed so that the output is the same on every machine.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/sqlstore"
)

// DSNEnv names the environment variable holding the PostgreSQL DSN.
const DSNEnv = "LENDCORE_POSTGRES_DSN"

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "postgres:", err)
		os.Exit(1)
	}
}

// run opens the PostgreSQL store named by LENDCORE_POSTGRES_DSN and runs
// the walk-through on it.
func run(w io.Writer) error {
	dsn := os.Getenv(DSNEnv)
	if dsn == "" {
		return fmt.Errorf("set %s to a PostgreSQL DSN, e.g. postgres://app@127.0.0.1:5432/app?sslmode=disable", DSNEnv)
	}
	store, err := sqlstore.OpenPostgres(dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Fprintln(w, "store: PostgreSQL")
	return embed(context.Background(), w, store)
}

var (
	loanID   = uuid.MustParse("00000000-0000-4000-8000-000000000005")
	borrower = uuid.MustParse("00000000-0000-4000-8000-0000000000b5")
	booked   = time.Date(2029, time.December, 31, 9, 0, 0, 0, time.UTC)
)

func cny(s string) money.Amount { return money.MustParse(s, money.CNY) }

func day(m time.Month, d int) date.Date { return date.New(2026, m, d) }

// embed is what a host service does with any SQL store: migrate, build the
// Engine, send commands, close the day, deliver the outbox.
func embed(ctx context.Context, w io.Writer, store *sqlstore.Store) error {
	// Migrations are explicit and idempotent: run them at deploy time or
	// start-up; a second run is a no-op.
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintln(w, "schema migrated")

	policies := lendcore.DefaultPolicies()
	policies.Approval.Authority = loan.AuthorityPolicy{
		Officers: []loan.Officer{{ID: "officer-li", Limit: cny("500000")}},
	}
	// The Engine is the same whatever the store: memory.New() in tests,
	// sqlstore.OpenSQLite for a single process, PostgreSQL in production.
	eng, err := lendcore.New(store, lendcore.WithPolicies(policies),
		lendcore.WithClock(func() time.Time { return booked }))
	if err != nil {
		return err
	}

	terms := schedule.Terms{Principal: cny("10000"), AnnualRate: money.MustRate("12%"),
		Method: schedule.EqualInstallment, Frequency: schedule.Monthly, Periods: 12,
		Start: day(time.January, 15), DayCount: schedule.Thirty360}
	var findings []loan.Finding
	for a := loan.BasicEligibility; a <= loan.Guarantees; a++ {
		findings = append(findings, loan.Finding{Area: a, Summary: "checked"})
	}
	app, err := eng.Submit(ctx, loan.Request{ID: loanID, Terms: terms, Borrower: borrower,
		BorrowerKind: loan.Individual, Purpose: "consumption",
		Dossier:     loan.Dossier{Findings: findings, Investigators: [2]string{"zhang", "wang"}, SignedOn: day(time.January, 8)},
		SubmittedBy: "zhang", SubmittedOn: day(time.January, 9)})
	// A second Submit of the same request returns the stored application
	// (a retry is harmless); here one that has moved on means an earlier
	// run left its data.
	if errors.Is(err, storage.ErrDuplicate) || err == nil && app.Status() != loan.Submitted {
		return fmt.Errorf("loan %s is already stored: run the example on a database or schema without lendcore data", loanID)
	}
	if err != nil {
		return err
	}
	if _, err := eng.Approve(ctx, loanID, loan.Action{Officer: "officer-li", On: day(time.January, 12)}, loan.Exposure{}); err != nil {
		return err
	}
	if _, err := eng.Disburse(ctx, loanID, lendcore.Disbursement{Actor: "teller-7", IdempotencyKey: "disburse"}); err != nil {
		return err
	}
	if _, err := eng.Post(ctx, loanID, loan.Entry{Kind: loan.Repayment, ValueDate: day(time.February, 15),
		Actor: "bank-feed", IdempotencyKey: "pay-2026-02-15", Amount: cny("888.49")}); err != nil {
		return err
	}
	fmt.Fprintln(w, "loan disbursed 2026-01-15 and installment 1 paid 2026-02-15")

	// The nightly job: close every day up to yesterday. A close that dies
	// midway is simply run again; days already closed are skipped.
	reports, err := eng.CloseOfDay(ctx, day(time.March, 8))
	if err != nil {
		return err
	}
	for _, r := range reports {
		fmt.Fprintf(w, "closed %s: %d loan, %d outbox messages, %d failed\n", r.Day, r.Loans, r.Messages, len(r.Failed))
	}
	again, err := eng.CloseOfDay(ctx, day(time.March, 8))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "closing 2026-03-08 again: %d days closed\n", len(again))

	pos, err := eng.Position(ctx, loanID, day(time.March, 8))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "loan on 2026-03-08: %s, principal balance %s, dpd %d, next due %s %s\n",
		pos.Status, pos.PrincipalBalance, pos.DaysPastDue, pos.NextDue.Date, pos.NextDue.Amount)
	st, err := eng.State(ctx, loanID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "derived by the close of %s: bucket %s, grade %s, collection %s, provision %s\n",
		st.Day, st.Bucket, st.Grade, st.Collection, st.Provision)

	// The host's dispatcher: deliver every pending message (SMS gateway,
	// general ledger, ...) and mark it delivered; a crash in between
	// re-delivers, so consumers dedupe on the message key.
	n, err := storage.Drain(ctx, store, 100, func(_ context.Context, m storage.Message) error {
		switch m.Topic {
		case lendcore.TopicReminder:
			var r collect.Reminder
			if err := json.Unmarshal(m.Payload, &r); err != nil {
				return err
			}
			fmt.Fprintf(w, "  deliver %-8s %s: %s by %s about %s\n", m.Topic, m.Day, r.Party, r.Channel, r.Due)
		case lendcore.TopicPosting:
			var p loan.Posting
			if err := json.Unmarshal(m.Payload, &p); err != nil {
				return err
			}
			fmt.Fprintf(w, "  deliver %-8s %s: %-12s debit %-19s credit %-19s %s\n", m.Topic, p.Date, p.Kind, p.Debit, p.Credit, p.Amount.Number())
		default:
			fmt.Fprintf(w, "  deliver %-8s %s\n", m.Topic, m.Day)
		}
		return nil
	})
	if err != nil {
		return err
	}
	pending, err := store.Outbox().Pending(ctx, 100)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "delivered %d messages, %d pending\n", n, len(pending))
	return nil
}
