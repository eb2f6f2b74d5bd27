package schedule

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/lendcore/lendcore/money"
)

// Precision of the IRR search, in decimal places. Every division and
// rounding in it names one of these; shopspring's package-level
// DivisionPrecision is never used.
const (
	irrWorkPlaces = 34 // intermediate values
	irrPlaces     = 20 // the periodic IRR returned
	// APRPlaces is the number of decimal places of APR's result: 0.2146…
	// to a hundred-millionth of a percent.
	APRPlaces = 10
)

var (
	one          = decimal.New(1, 0)
	irrTolerance = decimal.New(1, -22)       // well above the rounding noise at irrWorkPlaces
	irrMaxRate   = decimal.New(1_000_000, 0) // per period; beyond it there is no useful answer
)

// cashFlow is one payment of the borrower, discounted by
// (1+f·i)⁻¹·(1+i)^−e, where f is the schedule's stub (the fraction of a
// period by which the first period is broken) and e whole periods.
type cashFlow struct {
	amount decimal.Decimal
	e      int
}

// flows returns the borrower's payments with their whole-period exponents,
// the stub fraction f and the principal advanced, less what the borrower
// pays back at disbursement (a down payment, upfront interest).
//
// A broken first period of w whole periods and a fraction f is discounted
// as the U.S. Regulation Z, Appendix J actuarial method does: the whole
// periods compound, the fraction earns simple interest.
func (s *Schedule) flows() (cfs []cashFlow, f decimal.Decimal, principal decimal.Decimal) {
	t := &s.Terms
	w := 1
	f = decimal.Zero
	if d := t.dueDates(); d.broken {
		back := t.stepper(d.first)
		w = 0
		for w < 3 && !back.at(-(w + 1)).Before(t.Start) {
			w++
		}
		whole, prior := back.at(-w), back.at(-(w + 1))
		f = decimal.New(int64(whole.Sub(t.Start)), 0).DivRound(decimal.New(int64(whole.Sub(prior)), 0), irrWorkPlaces)
	}
	principal = t.Principal.Decimal()
	rows := s.Installments
	for len(rows) > 0 && rows[0].AtDisbursement() {
		principal = principal.Sub(rows[0].Payment.Decimal())
		rows = rows[1:]
	}
	for k, in := range rows {
		if in.Payment.IsZero() {
			continue
		}
		e := w + k
		if len(rows) == 1 && t.Method == Bullet && t.Frequency.effective() != Days {
			e = max(t.Periods, 1)
		}
		cfs = append(cfs, cashFlow{in.Payment.Decimal(), e})
	}
	return cfs, f, principal
}

// npv returns Σ cᵢ·dᵢ − principal and its derivative in i.
func npv(cfs []cashFlow, f, principal, i decimal.Decimal) (value, slope decimal.Decimal) {
	base := one.Add(i)
	v := one.DivRound(base, irrWorkPlaces)                 // 1/(1+i)
	stub := one.DivRound(one.Add(f.Mul(i)), irrWorkPlaces) // 1/(1+f·i)
	fStub := f.Mul(stub).Round(irrWorkPlaces)
	value, slope = principal.Neg(), decimal.Zero
	pow, e := stub, 0 // stub·v^e
	for _, c := range cfs {
		for ; e < c.e; e++ {
			pow = pow.Mul(v).Round(irrWorkPlaces)
		}
		d := c.amount.Mul(pow)
		value = value.Add(d)
		// d/di [stub·v^e] = −stub·v^e·(f·stub + e·v)
		slope = slope.Sub(d.Mul(fStub.Add(v.Mul(decimal.New(int64(e), 0)))))
		value, slope = value.Round(irrWorkPlaces), slope.Round(irrWorkPlaces)
	}
	return value, slope
}

// IRR returns the periodic internal rate of return of the borrower's cash
// flows: the rate i at which the payments, discounted per period, equal the
// principal advanced. It is found by Newton's method safeguarded by
// bisection, in decimals of irrWorkPlaces places, and returned rounded to
// 20 places. A schedule without payments has none (ErrNoIRR).
func (s *Schedule) IRR() (decimal.Decimal, error) {
	cfs, f, principal := s.flows()
	return irr(cfs, f, principal)
}

// Flow is one cash flow of the borrower, Periods whole periods after the
// advance: positive what the borrower pays, negative what the borrower
// receives after the advance (a later tranche, a refund).
type Flow struct {
	Amount  money.Amount
	Periods int
}

// IRROf returns the periodic internal rate of return of flows against
// advanced paid out at period 0, as Schedule.IRR finds it: the rate at
// which the flows discounted per period equal the advance. The flows must
// be in non-decreasing order of Periods; a realised rate takes the periods
// to be days. ErrNoIRR when there is no payment or no advance.
func IRROf(advanced money.Amount, flows []Flow) (decimal.Decimal, error) {
	cfs := make([]cashFlow, 0, len(flows))
	for i, fl := range flows {
		if fl.Periods < 0 || i > 0 && fl.Periods < flows[i-1].Periods {
			return decimal.Zero, fmt.Errorf("%w: flow %d is out of order", ErrNoIRR, i)
		}
		if !fl.Amount.IsZero() {
			cfs = append(cfs, cashFlow{fl.Amount.Decimal(), fl.Periods})
		}
	}
	return irr(cfs, decimal.Zero, advanced.Decimal())
}

// irr finds the periodic IRR of cfs against principal, the first period
// broken by the stub f.
func irr(cfs []cashFlow, f, principal decimal.Decimal) (decimal.Decimal, error) {
	if len(cfs) == 0 || !principal.IsPositive() {
		return decimal.Zero, fmt.Errorf("%w: no payments", ErrNoIRR)
	}
	g0, _ := npv(cfs, f, principal, decimal.Zero)
	if g0.IsZero() {
		return decimal.Zero, nil
	}
	// npv falls as i rises; bracket the root between lo (npv > 0) and hi.
	lo, hi := decimal.Zero, decimal.Zero
	half := decimal.New(5, -1)
	if g0.IsPositive() {
		hi = one
		for g, _ := npv(cfs, f, principal, hi); g.IsPositive(); g, _ = npv(cfs, f, principal, hi) {
			if hi.GreaterThan(irrMaxRate) {
				return decimal.Zero, fmt.Errorf("%w: above %s per period", ErrNoIRR, irrMaxRate)
			}
			lo, hi = hi, hi.Add(hi)
		}
	} else {
		lo = half.Neg()
		for g, _ := npv(cfs, f, principal, lo); g.IsNegative(); g, _ = npv(cfs, f, principal, lo) {
			if lo.LessThan(decimal.New(-999999, -6)) {
				return decimal.Zero, fmt.Errorf("%w: the payments return almost nothing", ErrNoIRR)
			}
			hi, lo = lo, lo.Sub(one).Mul(half) // halfway to −1
		}
	}
	// Start from the level-payment approximation 2·(ΣC − P)/(P·(n+1)),
	// which is close for ordinary loans; bisect if it misses the bracket.
	i := lo.Add(hi).Mul(half)
	n := decimal.New(int64(cfs[len(cfs)-1].e+1), 0)
	if guess := g0.Add(g0).DivRound(principal.Mul(n), irrWorkPlaces); guess.GreaterThan(lo) && guess.LessThan(hi) {
		i = guess
	}
	for range 200 {
		g, slope := npv(cfs, f, principal, i)
		if g.IsZero() {
			break
		}
		if g.IsPositive() {
			lo = i
		} else {
			hi = i
		}
		next := lo.Add(hi).Mul(half) // bisection unless Newton stays inside the bracket
		if !slope.IsZero() {
			if n := i.Sub(g.DivRound(slope, irrWorkPlaces)); n.GreaterThan(lo) && n.LessThan(hi) {
				next = n
			}
		}
		if next.Sub(i).Abs().LessThan(irrTolerance) || hi.Sub(lo).LessThan(irrTolerance) {
			i = next
			break
		}
		i = next
	}
	return i.Round(irrPlaces), nil
}

// APR returns the all-in annual rate of the schedule: the periodic IRR of
// the borrower's actual cash flows — the principal less what is paid back
// or deducted at disbursement (a down payment, upfront interest, an
// upfront fee) advanced, every installment's payment with its fees repaid
// — annualised as periodic IRR × periods per year, or for a loan of days
// or of periods of days × 365 / the period's days, rounded half-up to
// APRPlaces decimals. This is the rate PBoC Announcement [2021] No. 3
// (中国人民银行公告〔2021〕第3号) requires lenders to show: "all loan costs
// charged to the borrower" — interest and every fee directly related to the
// loan — as a ratio to the principal the borrower actually has the use of,
// annualised; computed with compound interest it is the IRR method (年化
// 利率可采用复利或单利方法计算，采用复利计算的应采用内部收益率法). A
// flat-rate loan at 1 % a month for 12 months shows about 0.2146. A loan
// disbursed in tranches has no APR here (ErrNoIRR): its advances are
// spread over the term.
func (s *Schedule) APR() (decimal.Decimal, error) {
	t := &s.Terms
	if len(t.Tranches) > 1 {
		return decimal.Zero, fmt.Errorf("%w: the loan is disbursed in %d tranches", ErrNoIRR, len(t.Tranches))
	}
	i, err := s.IRR()
	if err != nil {
		return decimal.Zero, err
	}
	switch t.Frequency.effective() {
	case Days:
		return i.Mul(decimal.New(365, 0)).DivRound(decimal.New(int64(max(t.TermDays, 1)), 0), APRPlaces), nil
	case EveryNDays:
		return i.Mul(decimal.New(365, 0)).DivRound(decimal.New(int64(max(t.PeriodDays, 1)), 0), APRPlaces), nil
	}
	return i.Mul(decimal.New(int64(t.Frequency.PeriodsPerYear()), 0)).Round(APRPlaces), nil
}

// CapPlaces is the precision, in decimal places, at which an all-in rate
// is compared with a cap: hundredths of a percent, as annualised rates are
// shown ("21.46%"), so the sub-fen rounding of a level payment does not
// put a 24 % annuity above a 24 % cap.
const CapPlaces = 4

// AllInAbove reports whether the schedule's all-in rate (APR), rounded
// half-up to CapPlaces decimals, is above limit, and returns that rate.
func (s *Schedule) AllInAbove(limit decimal.Decimal) (bool, decimal.Decimal, error) {
	apr, err := s.APR()
	if err != nil {
		return false, apr, err
	}
	apr = apr.Round(CapPlaces)
	return apr.GreaterThan(limit), apr, nil
}
