package lendcore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/storage"
)

// Sentinel errors of the Engine; test with errors.Is. Errors from the
// domain packages (a *fault.Fields, a *fault.Transition, loan.ErrCompliance,
// ...) and from storage (storage.ErrNotFound, ...) come back wrapped,
// unchanged in kind: fault.CodeOf tells a host what to do with any of them.
var (
	ErrInvalidOption = fault.New(fault.CodeInvalid, "lendcore: invalid option")
	ErrInvalidInput  = fault.New(fault.CodeInvalid, "lendcore: invalid input")
	ErrRetries       = fault.New(fault.CodeConflict, "lendcore: gave up after repeated version conflicts")
	// ErrNotDisbursed: the id is an application's that has no loan yet
	// (submitted, approved, ...): a *fault.Transition wrapping it says
	// which status the application is in.
	ErrNotDisbursed = fault.New(fault.CodeTransition, "lendcore: not disbursed")
	// ErrNotClosed: no daily close has derived the loan's state yet (State
	// before the first CloseOfDay that covers the loan).
	ErrNotClosed = fault.New(fault.CodeNotFound, "lendcore: no close has run for the loan yet")
)

// Engine is lendcore's entry point: it holds a store and the policies, runs
// commands as units of work, and closes business days over the portfolio.
//
// An Engine is safe for concurrent use, and so are several Engines on one
// database (replicas of a host service): every command reads with versions
// and writes with the versions it read, and retries from the read when
// another writer got there first; the daily close is split into
// partitions that replicas claim through the database (see CloseOfDay).
// Nothing in an Engine's memory is needed for correctness: its caches are
// keyed by the versions they were read at.
type Engine struct {
	store    storage.Store
	policies Policies
	clock    func() time.Time
	log      *slog.Logger
	workers  int
	batch    int
	retries  int

	// The partitioned close: how many partitions a day has, how long a
	// claim on one lasts, who this replica is, and the clock of leases
	// (real time: a lease must run out even when the booking clock is
	// fixed, as in tests).
	parts     int
	lease     time.Duration
	replica   string
	leaseNow  func() time.Time
	retention int // days a delivered outbox message is kept; 0 keeps them all

	loans memo
	books *bookCache // nil: no cache
	facts *factCache // nil: no cache
	// The collateral register's decoded parts (see partCache).
	items      partCache[collateral.Item]
	covers     partCache[collateral.Cover]
	guarantors partCache[collateral.Guarantor]

	classifier *classify.Classifier
	// shortcuts turns the daily close's quiet-loan shortcut on (see
	// Engine.quiet); tests turn it off to prove it changes nothing.
	shortcuts bool

	// base is the Engine's own policies resolved (policies, compiled);
	// sets the resolved policies of each product version and segment a
	// loan has named, and products the product versions read (see
	// policiesOf). catalogue is what WithCatalogue gave New to publish.
	base      *policySet
	sets      sync.Map // ProductRef → *policySet
	products  sync.Map // productKey → *Product
	catalogue []Product
}

// Option configures an Engine.
type Option func(*Engine) error

// WithPolicies replaces the default policies. They are validated by New.
func WithPolicies(p Policies) Option {
	return func(e *Engine) error { e.policies = p; return nil }
}

// WithClock sets the source of booking times (the only business clock the
// Engine reads). The default is time.Now in UTC.
func WithClock(now func() time.Time) Option {
	return func(e *Engine) error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrInvalidOption)
		}
		e.clock = now
		return nil
	}
}

// WithLogger sets the logger; the default discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(e *Engine) error {
		if l == nil {
			return fmt.Errorf("%w: nil logger", ErrInvalidOption)
		}
		e.log = l
		return nil
	}
}

// WithWorkers sets how many partitions of the daily close this Engine
// works on at once; the default is GOMAXPROCS.
func WithWorkers(n int) Option {
	return func(e *Engine) error {
		if n < 1 || n > 1024 {
			return fmt.Errorf("%w: workers %d outside 1..1024", ErrInvalidOption, n)
		}
		e.workers = n
		return nil
	}
}

// WithBatchSize sets how many loans the daily close reads and writes per
// unit of work (default 1,000).
func WithBatchSize(n int) Option {
	return func(e *Engine) error {
		if n < 1 || n > storage.MaxBatchSize {
			return fmt.Errorf("%w: batch size %d outside 1..%d", ErrInvalidOption, n, storage.MaxBatchSize)
		}
		e.batch = n
		return nil
	}
}

// WithPartitions sets into how many partitions of loan ids a business
// day's close is split (default 16). Replicas claim partitions one at a
// time, so more partitions share the work more evenly and cost one claim
// each. Every replica of a host should use the same number; a day keeps
// the number it was first planned with.
func WithPartitions(n int) Option {
	return func(e *Engine) error {
		if n < 1 || n > 4096 {
			return fmt.Errorf("%w: partitions %d outside 1..4096", ErrInvalidOption, n)
		}
		e.parts = n
		return nil
	}
}

// WithLease sets how long a replica's claim on a partition of the close
// lasts without renewal (default 30 s). A replica renews its claim after
// each batch; one that dies holds its partition until the lease runs out,
// and then another replica finishes it. Choose it well above the time a
// batch takes.
func WithLease(d time.Duration) Option {
	return func(e *Engine) error {
		if d < 10*time.Millisecond || d > 24*time.Hour {
			return fmt.Errorf("%w: lease %s outside 10ms..24h", ErrInvalidOption, d)
		}
		e.lease = d
		return nil
	}
}

// WithReplicaID names this Engine in the close's partition claims and in
// the logs (default: host name, process id and a random suffix). Two
// Engines must not share a name.
func WithReplicaID(id string) Option {
	return func(e *Engine) error {
		if id == "" || len(id) > 200 || strings.ContainsRune(id, 0) {
			return fmt.Errorf("%w: replica id must be 1 to 200 characters without NUL", ErrInvalidOption)
		}
		e.replica = id
		return nil
	}
}

// WithOutboxRetention keeps delivered outbox messages for days business
// days after the day that produced them (default 90); the daily close
// purges older ones, so a store that runs for years does not grow with
// its history of effects. 0 keeps everything. Pending messages are never
// purged.
func WithOutboxRetention(days int) Option {
	return func(e *Engine) error {
		if days < 0 || days > 36500 {
			return fmt.Errorf("%w: outbox retention %d days outside 0..36500", ErrInvalidOption, days)
		}
		e.retention = days
		return nil
	}
}

// WithQuietShortcut turns the daily close's quiet-loan shortcut on (the
// default) or off. With it, a current loan on a day when nothing can fall
// due, remind or change grade keeps yesterday's state without folding its
// journal; without it every loan is folded every day. The results are the
// same (a test proves it); only the time differs.
func WithQuietShortcut(on bool) Option {
	return func(e *Engine) error { e.shortcuts = on; return nil }
}

// WithRetries sets how many times a command is retried after losing an
// optimistic-concurrency race (default 8).
func WithRetries(n int) Option {
	return func(e *Engine) error {
		if n < 0 || n > 1000 {
			return fmt.Errorf("%w: retries %d outside 0..1000", ErrInvalidOption, n)
		}
		e.retries = n
		return nil
	}
}

// New returns an Engine over store. Without options it uses DefaultPolicies,
// time.Now, a discarding logger, GOMAXPROCS workers and 16 partitions.
func New(store storage.Store, opts ...Option) (*Engine, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: nil store", ErrInvalidOption)
	}
	e := &Engine{
		store:     store,
		policies:  DefaultPolicies(),
		clock:     func() time.Time { return time.Now().UTC() },
		log:       slog.New(slog.DiscardHandler),
		workers:   runtime.GOMAXPROCS(0),
		batch:     1000,
		retries:   8,
		parts:     16,
		lease:     30 * time.Second,
		replica:   defaultReplicaID(),
		leaseNow:  time.Now,
		retention: 90,
		loans:     newLoanCache(),
		books:     &bookCache{},
		facts:     &factCache{},
		shortcuts: true,
	}
	for _, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("%w: nil option", ErrInvalidOption)
		}
		if err := o(e); err != nil {
			return nil, err
		}
	}
	if err := e.policies.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidOption, err)
	}
	base, err := newPolicySet(e.policies)
	if err != nil {
		return nil, fmt.Errorf("%w: classification: %w", ErrInvalidOption, err)
	}
	e.base, e.classifier = base, base.classifier
	if err := e.publishCatalogue(context.Background()); err != nil {
		return nil, fmt.Errorf("%w: catalogue: %w", ErrInvalidOption, err)
	}
	return e, nil
}

// defaultReplicaID is unique per process: the host name, the process id
// and random bits (two Engines in one process each get their own).
func defaultReplicaID() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Store returns the Engine's store (for draining the outbox, say).
func (e *Engine) Store() storage.Store { return e.store }

// Policies returns the Engine's policies.
func (e *Engine) Policies() Policies { return e.policies }

// ReplicaID returns the name this Engine claims partitions of the close
// under.
func (e *Engine) ReplicaID() string { return e.replica }

// latestToday is today's date where it is latest, by the Engine's clock:
// dates carry no time zone, so an event dated tomorrow by UTC is accepted
// while that is today somewhere (UTC+14 is the earliest zone).
func (e *Engine) latestToday() date.Date { return date.NewAt(e.clock().UTC().Add(14 * time.Hour)) }

// command runs one command the one way every command runs: fn reads what
// it needs with versions, decides in a domain package, and writes with the
// versions it read and the outbox records the decision makes, all in one
// unit of work. When another writer got there first (storage.ErrConflict)
// fn runs again from its reads, up to the Engine's retries; any other
// error is returned as it is. fn must keep no state between runs that its
// reads do not set afresh.
func (e *Engine) command(ctx context.Context, name string, fn func(tx storage.Tx) error) error {
	return e.retry(ctx, name, func() error { return e.store.WithTx(ctx, fn) })
}

// retry runs fn until it succeeds, fails with something other than a
// version conflict, or the retries are spent.
func (e *Engine) retry(ctx context.Context, what string, fn func() error) error {
	var err error
	for attempt := 0; attempt <= e.retries; attempt++ {
		if err = fn(); !errors.Is(err, storage.ErrConflict) {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		e.log.Debug("version conflict, retrying", "command", what, "attempt", attempt+1)
	}
	return fmt.Errorf("%w: %s: %w", ErrRetries, what, err)
}
