package sim

import (
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// Profile is how a synthetic borrower repays.
type Profile uint8

// Borrower behaviour profiles.
const (
	OnTime           Profile = iota // pays every installment on its due date
	OccasionallyLate                // now and then a few days late
	ChronicallyLate                 // usually one to six weeks late
	Defaulter                       // pays on time, then stops for good at a random installment
	Curer                           // falls behind for two months, then clears the arrears after collection
	Prepayer                        // pays on time, then pays the loan off early
	profileCount
)

var profileNames = enum.New[Profile](nil, "profile",
	"on-time", "occasionally-late", "chronically-late", "defaulter", "curer", "prepayer")

// String returns the profile's name.
func (p Profile) String() string { return profileNames.String(p) }

// profileWeights is the mix of behaviours, in percent; a table so the mix is
// data, not code.
var profileWeights = [profileCount]int{OnTime: 55, OccasionallyLate: 15, ChronicallyLate: 8, Defaulter: 7, Curer: 7, Prepayer: 8}

// methodWeights is the mix of repayment methods, in percent.
var methodWeights = []struct {
	method schedule.Method
	weight int
}{
	{schedule.EqualInstallment, 50}, {schedule.EqualPrincipal, 20}, {schedule.InterestOnly, 15},
	{schedule.Flat, 10}, {schedule.Bullet, 5},
}

// plan is one synthetic loan: its application and its borrower's behaviour.
type plan struct {
	id       uuid.UUID
	request  loan.Request
	profile  Profile
	stopAt   int // Defaulter: first installment never paid; Curer: first installment missed
	prepayAt int // Prepayer: pays off after this installment
	// secured: a flat or a car is pledged; guarantee: a person guarantees
	// the debt (both registered by Sim.secure when the Engine has a
	// collateral register).
	secured   bool
	guarantee bool
	funding   []fundingShare
	schedule  *schedule.Schedule
}

type fundingShare struct {
	investor uuid.UUID
	amount   money.Amount
}

// generate makes cfg.Loans loan plans originated uniformly over the first
// cfg.OriginationMonths months from cfg.Start, deterministically from cfg.Seed.
func generate(cfg Config, rng *rand.Rand, investors []uuid.UUID) ([]plan, error) {
	plans := make([]plan, cfg.Loans)
	var products map[string]*lendcore.Product // Config.Products: each loan is sold as one
	if cfg.Products {
		list, err := Products()
		if err != nil {
			return nil, err
		}
		products = map[string]*lendcore.Product{}
		for i := range list {
			products[list[i].Name] = &list[i]
		}
	}
	span := cfg.Start.AddDate(0, cfg.OriginationMonths, 0).Sub(cfg.Start)
	for i := range plans {
		p := &plans[i]
		p.id = uuidFrom(rng)
		start := cfg.Start.Add(date.PeriodOfDays(rng.IntN(int(span))))
		periods := 3 + rng.IntN(34) // 3–36 months
		method := pickMethod(rng)
		if method == schedule.Bullet {
			periods = 1 + rng.IntN(12)
		}
		// Amounts 1,000–200,000 in whole yuan, skewed toward the small end
		// (the least of three uniform draws), as consumer portfolios are.
		amount := 1000 + int64(min(rng.IntN(199001), rng.IntN(199001), rng.IntN(199001)))
		rate := 6 + rng.IntN(19) // 6–24 % a year, whole percent
		if method == schedule.Flat {
			// A flat rate costs nearly twice as much a year (a 12 % flat
			// loan: 21.46 % all-in), and the compliance cap bounds the
			// all-in rate: 6–12 % flat stays within 24 %.
			rate = 6 + rate%7
		}
		terms := schedule.Terms{
			Principal:  money.New(amount*100, money.CNY),
			AnnualRate: money.MustRate(fmt.Sprintf("%d%%", rate)),
			Method:     method, Frequency: schedule.Monthly, Periods: periods,
			Start: start, DayCount: schedule.Thirty360,
		}
		s, err := schedule.Generate(terms)
		if err != nil {
			return nil, fmt.Errorf("sim: loan %d: %w", i, err)
		}
		p.schedule = s
		p.profile = pickProfile(rng)
		n := len(s.Installments)
		p.stopAt = 1 + rng.IntN(n)
		p.prepayAt = rng.IntN(n)
		p.secured = rng.IntN(100) < 20
		p.guarantee = rng.IntN(100) < 30
		p.request = request(p.id, terms, borrowerFrom(rng), start)
		p.funding = fund(rng, terms.Principal, investors)
		if products != nil {
			if err := fitProduct(i, p, products); err != nil {
				return nil, err
			}
			p.funding = fund(rand.New(rand.NewPCG(cfg.Seed, uint64(i))), p.request.Terms.Principal, investors)
		}
	}
	return plans, nil
}

func request(id uuid.UUID, terms schedule.Terms, borrower uuid.UUID, start date.Date) loan.Request {
	findings := make([]loan.Finding, 0, 6)
	for a := loan.BasicEligibility; a <= loan.Guarantees; a++ {
		findings = append(findings, loan.Finding{Area: a, Summary: "checked"})
	}
	return loan.Request{
		ID: id, Terms: terms, Borrower: borrower, BorrowerKind: loan.Individual, Purpose: "consumption",
		Dossier:     loan.Dossier{Findings: findings, Investigators: [2]string{"investigator-a", "investigator-b"}, SignedOn: start},
		SubmittedBy: "loan-officer", SubmittedOn: start,
	}
}

// fund splits the principal among 1–8 investors of the pool by random
// weights, to the cent (money.Allocate), as a P2P listing fills.
func fund(rng *rand.Rand, principal money.Amount, pool []uuid.UUID) []fundingShare {
	n := 1 + rng.IntN(8)
	weights := make([]int64, n)
	for i := range weights {
		weights[i] = 1 + int64(rng.IntN(10))
	}
	parts, err := money.Allocate(principal, weights)
	if err != nil {
		return []fundingShare{{pool[0], principal}}
	}
	out := make([]fundingShare, 0, n)
	for _, a := range parts {
		if a.IsPositive() {
			out = append(out, fundingShare{pool[rng.IntN(len(pool))], a})
		}
	}
	return out
}

func pickProfile(rng *rand.Rand) Profile {
	x := rng.IntN(100)
	for p, w := range profileWeights {
		if x < w {
			return Profile(p)
		}
		x -= w
	}
	return OnTime
}

func pickMethod(rng *rand.Rand) schedule.Method {
	x := rng.IntN(100)
	for _, m := range methodWeights {
		if x < m.weight {
			return m.method
		}
		x -= m.weight
	}
	return schedule.EqualInstallment
}

func uuidFrom(rng *rand.Rand) uuid.UUID {
	var u uuid.UUID
	for i := 0; i < 16; i += 8 {
		v := rng.Uint64()
		for j := 0; j < 8; j++ {
			u[i+j] = byte(v >> (8 * j))
		}
	}
	u[6] = u[6]&0x0f | 0x40 // version 4 layout, drawn from the seeded source
	u[8] = u[8]&0x3f | 0x80
	return u
}

func borrowerFrom(rng *rand.Rand) uuid.UUID { return uuidFrom(rng) }

// bookedAt is the fixed booking clock of a simulation: the simulated day at
// noon, so runs are byte-for-byte reproducible.
func bookedAt(d date.Date) time.Time { return d.UTC().Add(12 * time.Hour) }

// Clock is a simulation's clock for its Engines (lendcore.WithClock): the
// simulated day at noon UTC, moved on by Run as the days pass — what a
// host's clock reads while it records each day's business.
type Clock struct{ day atomic.Int64 }

// NewClock returns a clock reading start.
func NewClock(start date.Date) *Clock {
	c := &Clock{}
	c.Set(start)
	return c
}

// Set moves the clock to day.
func (c *Clock) Set(day date.Date) { c.day.Store(int64(day.DaysSinceEpoch())) }

// Now is the clock's time: the current simulated day at noon UTC.
func (c *Clock) Now() time.Time { return bookedAt(date.NewOfDays(date.PeriodOfDays(c.day.Load()))) }
