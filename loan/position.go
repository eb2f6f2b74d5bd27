package loan

import (
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/money"
)

// InstallmentStatus is where one installment stands on a date.
type InstallmentStatus uint8

// Installment statuses.
const (
	NotDue                InstallmentStatus = iota + 1 // its due date is later
	Due                                                // due today, nothing paid
	PartlyPaid                                         // due today, partly paid
	Paid                                               // paid in full on or before its due date
	Overdue                                            // past its due date and not paid in full
	PaidLate                                           // paid in full after its due date
	Capitalized                                        // its arrears were moved into a restructured principal
	WrittenOffInstallment                              // written off; the claim is pursued
	ReAgedInstallment                                  // its arrears were moved to other installments (re-age, re-amortisation)
)

var installmentStatusNames = enum.New[InstallmentStatus](ErrInvalidInput, "status",
	"", "not-due", "due", "partly-paid", "paid", "overdue", "paid-late", "capitalized", "written-off", "re-aged")

// String returns the status name.
func (s InstallmentStatus) String() string { return installmentStatusNames.String(s) }

// MarshalText encodes the status name.
func (s InstallmentStatus) MarshalText() ([]byte, error) {
	return installmentStatusNames.MarshalText(s)
}

// UnmarshalText decodes a status name; on an error s is unchanged.
func (s *InstallmentStatus) UnmarshalText(b []byte) error {
	return installmentStatusNames.UnmarshalText(b, s)
}

// InstallmentPosition is one installment as of a date.
type InstallmentPosition struct {
	Number int               `json:"number"`
	From   date.Date         `json:"from"`
	Due    date.Date         `json:"due"`
	Status InstallmentStatus `json:"status"`
	// Owed is what the installment asks for: scheduled principal and
	// interest, penalty accrued so far and fees charged.
	Owed        Split `json:"owed"`
	Paid        Split `json:"paid"`
	Waived      Split `json:"waived"`
	Outstanding Split `json:"outstanding"`
	// Capitalized and WrittenOff are set only when a restructure moved the
	// installment's arrears into principal, or a write-off took it off the
	// books.
	Capitalized *Split `json:"capitalized,omitempty"`
	WrittenOff  *Split `json:"written_off,omitempty"`
	// ReAged is what a re-age or re-amortisation moved off the installment
	// to others (its Owed already less it).
	ReAged *Split `json:"re_aged,omitempty"`
	// DaysLate is how many days past due its principal and interest were
	// (or are) cleared; 0 when on time.
	DaysLate int `json:"days_late"`
}

// NextDue is the next installment to pay.
type NextDue struct {
	Number int          `json:"number"`
	Date   date.Date    `json:"date"`
	Amount money.Amount `json:"amount"` // what is still outstanding on it
}

// Position is a loan as of a date: the journal folded up to that day.
type Position struct {
	AsOf         date.Date             `json:"as_of"`
	Status       Status                `json:"status"`
	Installments []InstallmentPosition `json:"installments"`

	// Totals over every installment, due or not.
	Owed        Split `json:"owed"`
	Paid        Split `json:"paid"`
	Waived      Split `json:"waived"`
	Outstanding Split `json:"outstanding"`
	// Overdue is the outstanding of installments past their due date.
	Overdue Split `json:"overdue"`
	// PrincipalBalance is the principal on the books, due or not.
	PrincipalBalance money.Amount `json:"principal_balance"`

	// DaysPastDue counts days since the due date of the oldest installment
	// whose principal or interest is unpaid; 0 if none.
	DaysPastDue int `json:"days_past_due"`
	// MissedCumulative counts installments not cleared by their due date
	// (paid late or still unpaid); MissedConsecutive the current run of
	// past-due installments still unpaid, ending with the latest one.
	MissedCumulative  int `json:"missed_cumulative"`
	MissedConsecutive int `json:"missed_consecutive"`

	NextDue *NextDue `json:"next_due,omitempty"`
	// Credit is money received beyond what was due, held for the next
	// installments or a refund.
	Credit money.Amount `json:"credit"`
	// AccruedInterest is the running period's interest accrued to AsOf,
	// not yet due (pro rata by days of the scheduled interest).
	AccruedInterest money.Amount `json:"accrued_interest"`
	// Payoff is what settles the loan on AsOf: everything due, the
	// principal not yet due, the running period's interest (per the
	// prepayment policy), fees charged ahead and the prepayment fee, less
	// the credit balance.
	Payoff money.Amount `json:"payoff"`

	Restructured   bool       `json:"restructured"`
	RestructuredOn *date.Date `json:"restructured_on,omitempty"`
	AcceleratedOn  *date.Date `json:"accelerated_on,omitempty"`
	WrittenOffOn   *date.Date `json:"written_off_on,omitempty"`
	// WrittenOff is the claim written off; Recovered what came back on it;
	// Claim what is still pursued (账销案存).
	WrittenOff Split `json:"written_off"`
	Recovered  Split `json:"recovered"`
	Claim      Split `json:"claim"`

	// Received is all money paid in (repayments, prepayments, recoveries);
	// Refunded all credit paid back.
	Received money.Amount `json:"received"`
	Refunded money.Amount `json:"refunded"`

	// Undisbursed is the part of the principal of a loan disbursed in
	// tranches not paid out yet (schedule.Terms.Undisbursed).
	Undisbursed money.Amount `json:"undisbursed,omitzero"`
	// ExcessRecovered is what recoveries brought beyond the written-off
	// claim, booked as income (WriteOffPolicy.RecoveryExcess).
	ExcessRecovered money.Amount `json:"excess_recovered,omitzero"`
	// Paused is true when a delinquency pause is in force on AsOf (from
	// its first day to its last).
	Paused bool `json:"paused,omitempty"`
	// NonaccrualDecision is true when a Nonaccrual entry is in force on
	// AsOf (no AccrualRestored since): the loan's postings are in
	// nonaccrual status whatever its days past due.
	NonaccrualDecision bool `json:"nonaccrual_decision,omitempty"`
	// SettledOn is the date of a settlement for less than the claim.
	SettledOn *date.Date `json:"settled_on,omitempty"`
	// Owner is the external owner the loan belongs to on AsOf; "": the
	// lender. Sale is its latest sale, bought back or not.
	Owner string      `json:"owner,omitempty"`
	Sale  *SaleRecord `json:"sale,omitempty"`
}

// PositionAt folds the journal up to day (entries with a later value date
// are ignored) and returns the loan as of that day.
func (l *Loan) PositionAt(day date.Date) (Position, error) {
	var p Position
	if err := l.PositionInto(&p, day); err != nil {
		return Position{}, err
	}
	return p, nil
}

// PositionInto is PositionAt writing into p and reusing the capacity of
// its Installments, for a caller that folds many loans in a loop (the daily
// close): p is overwritten whole, and on error left as it was.
func (l *Loan) PositionInto(p *Position, day date.Date) error {
	if h := l.lastDate(); day.After(h) {
		return invalid("as_of", "after "+h.String()+", a century past the scheduled maturity")
	}
	f := getFold(0)
	defer putFold(f)
	if err := f.run(l, l.journal, l.order, day, l.memo); err != nil {
		return err
	}
	f.positionInto(p, day)
	return nil
}

func (f *fold) split(v *[componentCount]int64) Split {
	return Split{f.amount(v[Principal]), f.amount(v[Interest]), f.amount(v[Penalty]), f.amount(v[Fee])}
}

// splitPtr returns v as a *Split, or nil when v is all zero.
func (f *fold) splitPtr(v *[componentCount]int64) *Split {
	if *v == [componentCount]int64{} {
		return nil
	}
	s := f.split(v)
	return &s
}

func (f *fold) positionInto(p *Position, day date.Date) {
	f.chargeAccrued()
	inst := p.Installments
	if cap(inst) < len(f.inst) {
		inst = make([]InstallmentPosition, len(f.inst))
	} else {
		inst = inst[:len(f.inst)]
		clear(inst)
	}
	*p = Position{AsOf: day, Status: f.status, Installments: inst, Restructured: f.restructured}
	var owed, paid, waived, out, overdue, woff, recov, claim [componentCount]int64
	run := 0
	for i := range f.inst {
		in := &f.inst[i]
		var o [componentCount]int64
		for c := range componentCount {
			o[c] = in.out(c)
			owed[c] += in.owed[c]
			paid[c] += in.paid[c]
			out[c] += o[c]
		}
		if in.due.Before(day) {
			for c := range componentCount {
				overdue[c] += o[c]
			}
		}
		total := o[Principal] + o[Interest] + o[Penalty] + o[Fee]
		// Field by field into the fresh (zeroed) slice: a whole-struct copy
		// would run the GC's write barriers over every element.
		ip := &p.Installments[i]
		ip.Number, ip.From, ip.Due = int(in.number), in.from, in.due
		ip.Owed, ip.Paid, ip.Outstanding = f.split(&in.owed), f.split(&in.paid), f.split(&o)
		moved, writtenOff, reaged := false, false, false
		if in.cold == 0 {
			ip.Waived = f.split(&[componentCount]int64{})
		} else {
			x := &f.cold[in.cold-1]
			for c := range componentCount {
				waived[c] += x.waived[c]
				woff[c] += x.woff[c]
				recov[c] += x.recov[c]
				claim[c] += x.woff[c] - x.recov[c] - x.forgiven[c]
			}
			ip.Waived = f.split(&x.waived)
			if c := f.splitPtr(&x.moved); c != nil {
				ip.Capitalized, moved = c, true
			}
			if w := f.splitPtr(&x.woff); w != nil {
				ip.WrittenOff, writtenOff = w, true
			}
			if r := f.splitPtr(&x.reaged); r != nil {
				ip.ReAged, reaged = r, true
			}
		}
		late := in.settled && in.settledOn.After(in.due)
		if in.settled {
			ip.DaysLate = max(0, int(in.settledOn.Sub(in.due)))
		} else if day.After(in.due) {
			ip.DaysLate = int(day.Sub(in.due))
		}
		switch {
		case writtenOff:
			ip.Status = WrittenOffInstallment
		case moved && total == 0:
			ip.Status = Capitalized
		case reaged && total == 0:
			ip.Status = ReAgedInstallment
		case total == 0 && late:
			ip.Status = PaidLate
		case total == 0 && !day.Before(in.due) || total == 0 && in.settled:
			ip.Status = Paid
		case day.Before(in.due):
			ip.Status = NotDue
		case day == in.due && in.paid == [componentCount]int64{}:
			ip.Status = Due
		case day == in.due:
			ip.Status = PartlyPaid
		default:
			ip.Status = Overdue
		}
		if in.due.Before(day) {
			if !in.settled || late {
				p.MissedCumulative++
			}
			if in.settled {
				run = 0
			} else {
				run++
			}
		}
		if p.NextDue == nil && !day.After(in.due) && total > 0 {
			p.NextDue = &NextDue{Number: int(in.number), Date: in.due, Amount: f.amount(total)}
		}
	}
	p.MissedConsecutive = run
	p.Owed, p.Paid, p.Waived, p.Outstanding = f.split(&owed), f.split(&paid), f.split(&waived), f.split(&out)
	p.Overdue, p.WrittenOff, p.Recovered, p.Claim = f.split(&overdue), f.split(&woff), f.split(&recov), f.split(&claim)
	p.PrincipalBalance = f.amount(out[Principal])
	p.DaysPastDue = f.dpd(day)
	p.Credit = f.amount(f.credit)
	if f.status == Active || f.status == Accelerated {
		p.AccruedInterest = f.amount(f.accruedInterest(f.nextDue, day))
		q, _ := f.quote()
		p.Payoff = f.amount(max(0, q-f.credit))
	} else {
		p.AccruedInterest, p.Payoff = f.amount(0), f.amount(0)
	}
	if f.status == WrittenOff {
		p.Payoff = f.amount(f.claim())
	}
	p.RestructuredOn = datePtr(f.restructured, f.restructuredOn)
	p.AcceleratedOn = datePtr(f.accelerated, f.acceleratedOn)
	p.WrittenOffOn = datePtr(f.writtenOff, f.writtenOffOn)
	p.Received, p.Refunded = f.amount(f.received), f.amount(f.refunded)
	if f.started && len(f.l.terms.Tranches) > 0 {
		p.Undisbursed = f.amount(f.l.terms.Principal.Minor() - f.disbursedTotal)
	}
	if f.excessRecovered != 0 {
		p.ExcessRecovered = f.amount(f.excessRecovered)
	}
	p.Paused = len(f.pauses) > 0 && f.paused(day)
	p.NonaccrualDecision = f.decided
	p.SettledOn = datePtr(f.settledByEntry, f.settledOn)
	p.Owner, p.Sale = f.owner, f.saleRecord()
}

// datePtr returns a pointer to a copy of d when ok, else nil. The copy is
// made only when asked for: returning &d would move every d to the heap,
// an allocation per call even when the answer is nil.
func datePtr(ok bool, d date.Date) *date.Date {
	if !ok {
		return nil
	}
	p := new(date.Date)
	*p = d
	return p
}
