package lendcore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/storage"
)

// Sentinel errors of the Engine; test with errors.Is. Errors from the
// domain packages (loan.ErrInvalidInput, *fault.Transition, ...) and
// from storage (storage.ErrNotFound, ...) come back wrapped, unchanged in
// kind.
var (
	ErrInvalidOption = errors.New("lendcore: invalid option")
	ErrRetries       = errors.New("lendcore: gave up after repeated version conflicts")
)

// Engine is lendcore's entry point: it holds a store and the policies, runs
// commands as units of work, and closes business days over the portfolio.
// An Engine is safe for concurrent use; commands on one loan are serialised
// by optimistic concurrency (a command that loses the race is retried on the
// fresh state).
type Engine struct {
	store    storage.Store
	policies Policies
	clock    func() time.Time
	log      *slog.Logger
	workers  int
	batch    int
	retries  int
	cache    *loanCache

	classifier *classify.Classifier
	// remindHorizon and shortcuts drive the daily close's quiet-loan
	// shortcut (see Engine.quiet); tests turn it off to prove it changes
	// nothing.
	remindDue      map[int]bool
	remindMaturity map[int]bool
	shortcuts      bool

	// closing serialises daily closes and investor-book commands within
	// this Engine; run one Engine's close at a time per store.
	closing sync.Mutex

	collateral *guardedRegister // nil without WithCollateral
	reserve    reserveGuard
	books      bookCache
	// collectMu serialises the read-modify-write of the collection
	// documents (contact logs, promises) within this Engine.
	collectMu sync.Mutex
	rules     struct {
		mu sync.RWMutex
		m  map[[2]uint64]string // triggered rule and warning bits → their ids, joined
	}
}

// Option configures an Engine.
type Option func(*Engine) error

// WithPolicies replaces the default policies. They are validated by New.
func WithPolicies(p Policies) Option {
	return func(e *Engine) error { e.policies = p; return nil }
}

// WithClock sets the source of booking times (the only clock the Engine
// reads). The default is time.Now in UTC.
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

// WithWorkers sets the size of the daily close's worker pool; the default
// is GOMAXPROCS.
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
// time.Now, a discarding logger and GOMAXPROCS workers.
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
		cache:     newLoanCache(),
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
	c, err := e.policies.Classification.Compile()
	if err != nil {
		return nil, fmt.Errorf("%w: classification: %w", ErrInvalidOption, err)
	}
	e.classifier = c
	e.remindDue, e.remindMaturity = reminderDays(&e.policies.Reminders)
	return e, nil
}

// Store returns the Engine's store (for draining the outbox, say).
func (e *Engine) Store() storage.Store { return e.store }

// Policies returns the Engine's policies.
func (e *Engine) Policies() Policies { return e.policies }

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
