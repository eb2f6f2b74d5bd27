package lendcore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/line"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
)

// Credit lines (授信额度). A line is its own aggregate, stored with a
// version; every command on it — a drawdown included — reads the line,
// decides in package line and saves it at the version read, so two
// drawdowns on one line, on one Engine or on two replicas, are serialised
// by the line's version: the second reads what the first drew and is
// refused when the limit is spent.
//
// What a revolving line has used is the outstanding principal of its
// loans, derived at read time by folding the loans' journals inside the
// command's unit of work, not a balance kept on the line: a repayment
// then restores availability without touching the line (no hot row shared
// by a line's repayments and its drawdowns), and the only way a read can
// be stale is a repayment that commits after it, which makes the drawdown
// see less available, never more. Nothing but a drawdown adds principal
// to a line's loans through the line, and every drawdown writes the line.

// Kinds of LineEvent.
const (
	LineOpened         = "opened"
	LineDrawdown       = "drawdown"
	LineLimitRequested = "limit-requested"
	LineLimitApproved  = "limit-approved"
	LineLimitRejected  = "limit-rejected"
	LineFrozen         = "frozen"
	LineUnfrozen       = "unfrozen"
	LineSuspended      = "suspended"
	LineResumed        = "resumed"
	LineExpired        = "expired"
	LineClosed         = "closed"
)

// LineEvent is the payload of an outbox record of topic "line": what
// happened to a credit line (Kind, one of the Line* constants), on which
// day, by whom and why, and the line's status and limit in force after
// it. A drawdown names its loan and amount; an approved limit change
// carries what it did (Adjusted.Call asks the host to call the excess
// due); a freeze, suspension or expiry by the daily close carries the
// review that caused it.
type LineEvent struct {
	Kind     string         `json:"kind"`
	Line     uuid.UUID      `json:"line"`
	Borrower uuid.UUID      `json:"borrower"`
	Day      date.Date      `json:"day"`
	Status   line.Status    `json:"status"`
	Limit    money.Amount   `json:"limit"`
	Officer  string         `json:"officer,omitempty"`
	Reason   string         `json:"reason,omitempty"`
	Loan     uuid.UUID      `json:"loan,omitzero"`
	Amount   money.Amount   `json:"amount,omitzero"`
	Adjusted *line.Adjusted `json:"adjusted,omitempty"`
	Review   *line.Review   `json:"review,omitempty"`
}

// OpenLine grants a credit line on t, Active from on. An invalid t is a
// *fault.Fields naming every bad field; a line with t.ID already stored
// is storage.ErrDuplicate. Nothing is stored on error.
func (e *Engine) OpenLine(ctx context.Context, t line.Terms, on date.Date) (*line.Line, error) {
	l, err := line.Open(t, on)
	if err != nil {
		return nil, err
	}
	err = e.command(ctx, "open line", func(tx storage.Tx) error {
		if _, err := tx.Lines().Get(ctx, l.ID()); err == nil {
			return fmt.Errorf("%w: line %s exists", storage.ErrDuplicate, l.ID())
		} else if !isNotFound(err) {
			return err
		}
		return e.saveLine(ctx, tx, 0, l, LineEvent{Kind: LineOpened, Day: on, Officer: t.OpenedBy})
	})
	if err != nil {
		return nil, err
	}
	e.log.Info("line opened", "line", l.ID(), "limit", t.Limit.String())
	return l, nil
}

// DrawRequest is a drawdown on a credit line: a loan with its own terms.
type DrawRequest struct {
	// Loan is the new loan's id; uuid.Nil derives it from the line and
	// the idempotency key, so a retried drawdown names the same loan.
	Loan uuid.UUID
	// Terms are the loan's terms, within what the line allows;
	// Terms.Start is the drawdown's day.
	Terms schedule.Terms
	// By is who asks for the drawdown: an officer or the borrower's
	// channel. It files the loan's application; the line approves it.
	By             string
	IdempotencyKey string
	// Exposure is what the borrower owes besides this line's loans, for
	// the compliance policy's borrowing limits (the line's outstanding is
	// added to OnPlatform).
	Exposure loan.Exposure
	// Funding lists the investors' amounts for a P2P loan; empty for a
	// loan held by the lender alone.
	Funding []Funding
}

// Drawdown draws on a credit line: the line's rules approve a loan with
// r's terms — the line is Active, the terms are within the line's, the
// amount is within what is available — and the loan is filed as an
// application approved by the line (line.Approver) under the Engine's
// compliance policy, then disbursed as Disburse does; the line records
// the drawdown; all in one unit of work, with the postings and a line
// event in the outbox.
//
// Drawing again with the same idempotency key returns the loan. Errors,
// each storing nothing: *fault.Transition when the line is not Active;
// *fault.Fields naming every bad field (wrapping line.ErrUnavailable for
// an amount above what is available); *loan.ComplianceError;
// storage.ErrNotFound when there is no such line.
func (e *Engine) Drawdown(ctx context.Context, lineID uuid.UUID, r DrawRequest) (*loan.Loan, error) {
	if r.IdempotencyKey == "" {
		return nil, fault.Invalid(line.ErrInvalidInput, "idempotency_key", "is missing")
	}
	loanID := r.Loan
	if loanID == uuid.Nil {
		loanID = uuid.NewSHA1(lineID, []byte(r.IdempotencyKey))
	}
	var out *loan.Loan
	replayed := false
	err := e.command(ctx, "drawdown", func(tx storage.Tx) error {
		out, replayed = nil, false
		rec, l, err := e.readLine(ctx, tx, lineID)
		if err != nil {
			return err
		}
		if prior, ok := l.DrawdownByKey(r.IdempotencyKey); ok {
			if prior.Loan != loanID || prior.Amount != r.Terms.Principal || prior.On != r.Terms.Start {
				return fault.Invalid(line.ErrInvalidInput, "idempotency_key", "was used for another drawdown on the line")
			}
			lrec, err := tx.Loans().Get(ctx, prior.Loan)
			if err != nil {
				return err
			}
			out, replayed = nil, true
			if out, err = e.decode(&lrec); err != nil {
				return err
			}
			return nil
		}
		if _, err := tx.Applications().Get(ctx, loanID); err == nil {
			return fault.Invalid(line.ErrInvalidInput, "loan", "is the id of an existing application")
		} else if !isNotFound(err) {
			return err
		}
		day := r.Terms.Start
		obs, err := e.observeLine(ctx, tx, l, day)
		if err != nil {
			return err
		}
		draw := line.Draw{Loan: loanID, Terms: r.Terms, By: r.By, Key: r.IdempotencyKey}
		if err := l.Draw(draw, obs.Outstanding); err != nil {
			return err
		}
		app, err := loan.NewApplication(l.Request(draw))
		if err != nil {
			return err
		}
		exp := r.Exposure
		if !exp.OnPlatform.SameCurrency(obs.Outstanding) {
			return fault.Invalid(line.ErrInvalidInput, "exposure.on_platform", "is not in the line's currency "+l.Currency().Code())
		}
		exp.OnPlatform = exp.OnPlatform.Add(obs.Outstanding)
		if err := app.Approve(loan.Action{Officer: line.Approver(lineID), On: day, Reason: "drawdown on credit line"},
			l.ApprovalPolicy(e.base.approvalPolicy().Compliance, r.Terms.Principal), exp); err != nil {
			return err
		}
		arec, err := storage.FromApplication(app)
		if err != nil {
			return err
		}
		if err := tx.Applications().Create(ctx, arec); err != nil {
			if errors.Is(err, storage.ErrDuplicate) {
				// A concurrent drawdown with this key filed the loan after
				// this one read the line: retry, and the re-read replays.
				return fmt.Errorf("%w: drawdown %s filed concurrently: %w", storage.ErrConflict, loanID, err)
			}
			return err
		}
		arec.Version = 1
		if out, err = e.disburseIn(ctx, tx, arec, app, Disbursement{Actor: r.By, IdempotencyKey: r.IdempotencyKey,
			Funding: r.Funding}); err != nil {
			return err
		}
		return e.saveLine(ctx, tx, rec.Version, l, LineEvent{Kind: LineDrawdown, Day: day, Officer: r.By,
			Loan: loanID, Amount: r.Terms.Principal})
	})
	if err != nil {
		return nil, err
	}
	if !replayed {
		e.loans.keepLoan(out.ID(), int64(out.Version()), out)
	}
	e.log.Info("line drawn", "line", lineID, "loan", out.ID(), "replayed", replayed)
	return out.Clone(), nil
}

// AdjustLimit files a limit change on a line for a second officer to
// approve (ApproveLimit): a new permanent limit, or a temporary one when
// c.Until is set. Errors: *fault.Transition on an expired or closed line;
// *fault.Fields naming every bad field, or "change" when another change
// is pending; storage.ErrNotFound.
func (e *Engine) AdjustLimit(ctx context.Context, id uuid.UUID, c line.Change) (*line.Line, error) {
	return e.updateLine(ctx, id, "adjust limit", func(_ storage.Tx, l *line.Line) (LineEvent, error) {
		return LineEvent{Kind: LineLimitRequested, Day: c.RequestedOn, Officer: c.RequestedBy, Reason: c.Reason,
			Amount: c.Limit}, l.RequestChange(c)
	})
}

// ApproveLimit approves a line's pending limit change under the Engine's
// line policy (four-eyes: the approver is not the maker, and an increase
// is within the approver's authority). A decrease below the outstanding
// blocks new drawdowns; when the policy calls the excess due, the event's
// Adjusted.Call says so and the host demands it. Errors: as
// line.Line.ApproveChange, and storage.ErrNotFound.
func (e *Engine) ApproveLimit(ctx context.Context, id uuid.UUID, act loan.Action) (*line.Line, line.Adjusted, error) {
	var adj line.Adjusted
	l, err := e.updateLine(ctx, id, "approve limit", func(tx storage.Tx, l *line.Line) (LineEvent, error) {
		obs, err := e.observeLine(ctx, tx, l, act.On)
		if err != nil {
			return LineEvent{}, err
		}
		adj, err = l.ApproveChange(act, e.policies.Lines, obs.Outstanding)
		return LineEvent{Kind: LineLimitApproved, Day: act.On, Officer: act.Officer, Reason: act.Reason,
			Adjusted: &adj}, err
	})
	return l, adj, err
}

// RejectLimit refuses a line's pending limit change; a reason is
// required. Errors: as line.Line.RejectChange, and storage.ErrNotFound.
func (e *Engine) RejectLimit(ctx context.Context, id uuid.UUID, act loan.Action) (*line.Line, error) {
	return e.updateLine(ctx, id, "reject limit", func(_ storage.Tx, l *line.Line) (LineEvent, error) {
		return LineEvent{Kind: LineLimitRejected, Day: act.On, Officer: act.Officer, Reason: act.Reason},
			l.RejectChange(act)
	})
}

// FreezeLine stops drawdowns on a line for a risk reason (冻结); the loans
// drawn run on. A reason is required. Errors: *fault.Transition when the
// line is not active or suspended; *fault.Fields; storage.ErrNotFound.
func (e *Engine) FreezeLine(ctx context.Context, id uuid.UUID, act loan.Action) (*line.Line, error) {
	return e.moveLine(ctx, id, line.EventFreeze, LineFrozen, act)
}

// UnfreezeLine lifts a freeze; a reason is required. Errors as
// FreezeLine's.
func (e *Engine) UnfreezeLine(ctx context.Context, id uuid.UUID, act loan.Action) (*line.Line, error) {
	return e.moveLine(ctx, id, line.EventUnfreeze, LineUnfrozen, act)
}

// SuspendLine stops drawdowns for a reason other than risk (a review, a
// missing document); a reason is required. Errors as FreezeLine's.
func (e *Engine) SuspendLine(ctx context.Context, id uuid.UUID, act loan.Action) (*line.Line, error) {
	return e.moveLine(ctx, id, line.EventSuspend, LineSuspended, act)
}

// ResumeLine ends a suspension; a reason is required. Errors as
// FreezeLine's.
func (e *Engine) ResumeLine(ctx context.Context, id uuid.UUID, act loan.Action) (*line.Line, error) {
	return e.moveLine(ctx, id, line.EventResume, LineResumed, act)
}

// CloseLine terminates a line: no drawdown after it, the loans drawn run
// on. A reason is required. Errors as FreezeLine's.
func (e *Engine) CloseLine(ctx context.Context, id uuid.UUID, act loan.Action) (*line.Line, error) {
	return e.moveLine(ctx, id, line.EventClose, LineClosed, act)
}

func (e *Engine) moveLine(ctx context.Context, id uuid.UUID, ev line.Event, kind string, act loan.Action) (*line.Line, error) {
	return e.updateLine(ctx, id, ev.String()+" line", func(_ storage.Tx, l *line.Line) (LineEvent, error) {
		return LineEvent{Kind: kind, Day: act.On, Officer: act.Officer, Reason: act.Reason}, l.Apply(ev, act)
	})
}

// Line returns a stored line. Errors: storage.ErrNotFound.
func (e *Engine) Line(ctx context.Context, id uuid.UUID) (*line.Line, error) {
	rec, err := e.store.Lines().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return rec.Decode()
}

// Lines returns a borrower's lines in id order.
func (e *Engine) Lines(ctx context.Context, borrower uuid.UUID) ([]*line.Line, error) {
	if borrower == uuid.Nil {
		return nil, fault.Invalid(ErrInvalidInput, "borrower", "is missing")
	}
	var out []*line.Line
	for rec, err := range e.store.Lines().Scan(ctx, storage.LineFilter{Borrower: borrower}) {
		if err != nil {
			return nil, err
		}
		l, err := rec.Decode()
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// LineOf returns the line a loan was drawn under. Errors:
// storage.ErrNotFound when the loan was drawn under none.
func (e *Engine) LineOf(ctx context.Context, loanID uuid.UUID) (*line.Line, error) {
	for rec, err := range e.store.Lines().Scan(ctx, storage.LineFilter{LoanID: loanID, BatchSize: 1}) {
		if err != nil {
			return nil, err
		}
		return rec.Decode()
	}
	return nil, fmt.Errorf("%w: no line has loan %s", storage.ErrNotFound, loanID)
}

// LineStanding is a line's review with the classification its facts
// get from the Engine's classifier.
type LineStanding struct {
	line.Review
	// Grade and Stage are what the classification policy gives the line
	// as one open-end claim (Review.Facts): its worst loan's days past due
	// and its outstanding.
	Grade classify.Grade `json:"grade"`
	Stage classify.Stage `json:"stage"`
	// Exposure is the line's exposure at default: what its loans owe and
	// its undrawn commitment converted by the line policy's CCF.
	Exposure line.Exposure `json:"exposure"`
	// Provision is what the Engine's provisioning grid asks for the
	// converted undrawn commitment at the line's grade; the loans drawn
	// are provisioned by the daily close on their own.
	Provision money.Amount `json:"provision"`
}

// LineReview returns a line's standing as of day, derived now from its
// loans: limit, outstanding, available, utilisation, the worst days past
// due and warning level of its loans, the warning rules that fire and the
// action they ask for (applied only by the daily close or a command), the
// grade and stage its facts are classified at, its exposure at default
// (the undrawn commitment converted by the line policy's CCF) and the
// provision of the converted part at that grade. Review.Behaviour feeds
// the utilisation to a behaviour scorecard.
func (e *Engine) LineReview(ctx context.Context, id uuid.UUID, day date.Date) (LineStanding, error) {
	var out LineStanding
	err := e.store.WithTx(ctx, func(tx storage.Tx) error {
		_, l, err := e.readLine(ctx, tx, id)
		if err != nil {
			return err
		}
		obs, err := e.observeLine(ctx, tx, l, day)
		if err != nil {
			return err
		}
		if out.Review, err = l.Review(obs, e.policies.Lines); err != nil {
			return err
		}
		facts := out.Facts(l.Revolving())
		res, err := e.classifier.Classify(&facts, day)
		if err != nil {
			return err
		}
		out.Grade, out.Stage = res.Grade, res.Stage
		if out.Exposure, err = l.Exposure(out.Review, e.policies.Lines); err != nil {
			return err
		}
		out.Provision, err = e.undrawnProvision(out.Exposure, out.Grade)
		return err
	})
	return out, err
}

// undrawnProvision is the provision of a line's converted undrawn
// commitment at grade (an ungraded line is a normal one).
func (e *Engine) undrawnProvision(x line.Exposure, grade classify.Grade) (money.Amount, error) {
	if grade == classify.GradeNone {
		grade = classify.Normal
	}
	return e.policies.Provision.Provision(x.Converted, grade)
}

// readLine reads and decodes a line with its version.
func (e *Engine) readLine(ctx context.Context, tx storage.Tx, id uuid.UUID) (storage.Line, *line.Line, error) {
	rec, err := tx.Lines().Get(ctx, id)
	if err != nil {
		return rec, nil, err
	}
	l, err := rec.Decode()
	return rec, l, err
}

// updateLine runs one command on a line: read it, apply the decision,
// save it at the version read with the event apply describes.
func (e *Engine) updateLine(ctx context.Context, id uuid.UUID, what string,
	apply func(storage.Tx, *line.Line) (LineEvent, error)) (*line.Line, error) {
	var out *line.Line
	err := e.command(ctx, what, func(tx storage.Tx) error {
		rec, l, err := e.readLine(ctx, tx, id)
		if err != nil {
			return err
		}
		ev, err := apply(tx, l)
		if err != nil {
			return err
		}
		out = l
		return e.saveLine(ctx, tx, rec.Version, l, ev)
	})
	if err != nil {
		return nil, err
	}
	e.log.Info("line "+what, "line", id, "status", out.Status().String())
	return out, nil
}

// saveLine saves l at version (0 for a new line) with ev in the outbox,
// keyed by the line's new version: a command retried after a conflict
// writes its event once, under the version it finally wrote.
func (e *Engine) saveLine(ctx context.Context, tx storage.Tx, version int64, l *line.Line, ev LineEvent) error {
	rec, err := storage.FromLine(l)
	if err != nil {
		return err
	}
	rec.Version = version
	saved, err := tx.Lines().Save(ctx, rec)
	if err != nil {
		return err
	}
	ev.Line, ev.Borrower, ev.Status, ev.Limit = l.ID(), l.Borrower(), l.Status(), l.Limit(ev.Day)
	msg, err := message(TopicLine, fmt.Sprintf("line/%s/%d", l.ID(), saved.Version), ev.Loan, ev.Day, ev)
	if err != nil {
		return err
	}
	_, err = tx.Outbox().Add(ctx, msg)
	return err
}

// observeLine derives what a line's loans stand at on day, inside tx:
// their outstanding principal (each loan folded to day, or to its start
// when that is later, so a drawdown dated before another still counts
// it), their worst days past due, and the worst early-warning level the
// daily close recorded. A closed loan owes nothing and is not folded.
func (e *Engine) observeLine(ctx context.Context, tx storage.Tx, l *line.Line, day date.Date) (line.Observation, error) {
	obs := line.Observation{Day: day, Outstanding: money.Zero(l.Currency())}
	if day.IsZero() {
		return obs, nil // the domain names the missing day
	}
	for _, id := range l.Loans() {
		rec, err := tx.Loans().Get(ctx, id)
		if err != nil {
			return obs, fmt.Errorf("line %s: loan %s: %w", l.ID(), id, err)
		}
		if rec.Status == loan.Closed.String() {
			continue
		}
		lo, err := e.decode(&rec) // read-only use
		if err != nil {
			return obs, err
		}
		asOf := day
		if start := lo.Terms().Start; start.After(asOf) {
			asOf = start
		}
		pos, err := lo.PositionAt(asOf)
		if err != nil {
			return obs, err
		}
		obs.Outstanding = obs.Outstanding.Add(pos.Outstanding.Principal)
		obs.WorstDPD = max(obs.WorstDPD, pos.DaysPastDue)
		if len(rec.Index.State) > 0 {
			st, err := storedState(&rec)
			if err != nil {
				return obs, err
			}
			obs.WorstLevel = max(obs.WorstLevel, st.Level)
		}
	}
	return obs, nil
}

// monitorOfficer is the officer the daily close's line moves are recorded
// under.
const monitorOfficer = "daily-close"

// monitorLines is the daily close's credit-line step, run once after the
// loan partitions (so the loans' states are the day's): each line that
// can still be drawn on is reviewed against the line policy's warning
// table, and a line the rules freeze or suspend, or whose validity has
// ended, is moved through the line's own command path, one unit of work
// per line; a reduction the rules ask for is filed as a limit change for
// an officer to approve (ApproveLimit), the close being its maker. A replica that takes the step over re-reads each line: one
// already moved is not moved again, and an event is keyed by the line's
// version, so nothing is written twice.
func (e *Engine) monitorLines(ctx context.Context, day date.Date) (int, error) {
	var ids []uuid.UUID
	open := []string{line.Active.String(), line.Frozen.String(), line.Suspended.String()}
	for rec, err := range e.store.Lines().Scan(ctx, storage.LineFilter{Statuses: open}) {
		if err != nil {
			return 0, err
		}
		ids = append(ids, rec.ID)
	}
	added := 0
	for _, id := range ids {
		moved := false
		err := e.command(ctx, "monitor line", func(tx storage.Tx) error {
			moved = false
			rec, l, err := e.readLine(ctx, tx, id)
			if err != nil {
				return err
			}
			obs, err := e.observeLine(ctx, tx, l, day)
			if err != nil {
				return err
			}
			r, err := l.Review(obs, e.policies.Lines)
			if err != nil {
				return err
			}
			// A host may have dated its last command on the line after the
			// day being closed (closing a backlog): a move is dated no
			// earlier than it.
			on := day
			if h := l.History(); h[len(h)-1].On.After(on) {
				on = h[len(h)-1].On
			}
			act := loan.Action{Officer: monitorOfficer, On: on, Reason: "warning rules: " + strings.Join(r.Fired, ", ")}
			var kind string
			var amount money.Amount
			switch {
			case r.Expire:
				act.Reason = "validity ended on " + l.Terms().Until.String()
				kind, err = LineExpired, l.Apply(line.EventExpire, act)
			case r.Action == line.Freeze:
				kind, err = LineFrozen, l.Apply(line.EventFreeze, act)
			case r.Action == line.Suspend:
				kind, err = LineSuspended, l.Apply(line.EventSuspend, act)
			case r.Action == line.Reduce:
				c := l.Reduction(r, monitorOfficer)
				c.RequestedOn = on
				kind, amount, err = LineLimitRequested, c.Limit, l.RequestChange(c)
			default:
				return nil
			}
			if err != nil {
				return err
			}
			moved = true
			return e.saveLine(ctx, tx, rec.Version, l, LineEvent{Kind: kind, Day: on, Officer: monitorOfficer,
				Reason: act.Reason, Amount: amount, Review: &r})
		})
		switch fault.CodeOf(err) {
		case fault.CodeInvalid, fault.CodeTransition, fault.CodeCorrupt:
			// One line that cannot be reviewed must not hold up the
			// day: it is logged for the host and the others go on.
			e.log.Warn("line not reviewed", "line", id, "day", day.String(), "error", err)
			continue
		}
		if err != nil {
			return added, fmt.Errorf("line %s: %w", id, err)
		}
		if moved {
			added++
		}
	}
	return added, nil
}
