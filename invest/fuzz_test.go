package invest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// bytesIn hands out fuzz bytes, zeros once exhausted.
type bytesIn []byte

func (b *bytesIn) next() int {
	if len(*b) == 0 {
		return 0
	}
	v := int((*b)[0])
	*b = (*b)[1:]
	return v
}

func (b *bytesIn) word() int64 { return int64(b.next()<<16 | b.next()<<8 | b.next()) }

// FuzzBookConservation drives a book through random fundings, transfers,
// repayments and compensation payouts, and checks issue 8's invariants after
// every step: the book's holdings plus open subrogated claims equal the
// loan's outstanding principal (tracked independently here), and every
// distribution's net receipts plus fees plus recoveries equal what the
// borrower paid; the reserve's balance is its deposits − payouts +
// recoveries, both per its ledger and per what the steps returned. Failed
// steps must change nothing: holdings, claims, the reserve's balance and
// ledger.
func FuzzBookConservation(f *testing.F) {
	f.Add([]byte{3, 10, 20, 30, 40, 50, 60, 70, 80, 90, 0, 5, 1, 2, 3, 1, 0, 4, 9, 2, 1, 1, 1, 3, 0, 0, 7, 0, 50})
	f.Add([]byte{1, 0, 0, 1, 4, 0, 200, 3, 2, 0, 0, 99, 2, 2, 4, 1, 1, 1, 1})
	f.Add([]byte{19, 255, 255, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
	f.Add([]byte{7, 1, 1, 1, 0, 0, 1, 9, 9, 9, 2, 3, 3, 3, 3, 4, 4, 4, 4, 0, 0, 0, 0, 0, 1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		in := bytesIn(data)
		n := 1 + in.next()%20
		fundings := make([]Funding, n)
		for i := range fundings {
			fundings[i] = Funding{uid(byte(i + 1)), money.New(1+in.word()%1_000_000, money.CNY)}
		}
		p := DefaultBookPolicy()
		p.Transfer = TransferPolicy{MaxDiscount: money.MustRate("100%"), AllowWhileOverdue: true, SellerFee: money.MustRate("0.5%")}
		if in.next()%2 == 1 {
			p.Servicing.Basis = FeeOnInterest
		}
		b, err := NewBook(loanID, day(2024, 1, 15), fundings, p)
		require.NoError(t, err)
		r, err := NewReserve(reserveID, money.CNY, DefaultReservePolicy())
		require.NoError(t, err)
		deposit := money.New(in.word()*10, money.CNY)
		require.NoError(t, r.Deposit(loanID, deposit, day(2024, 1, 15)))
		paidOut, recovered := money.Zero(money.CNY), money.Zero(money.CNY)
		payOut := func(cs ...*Compensation) {
			for _, c := range cs {
				paidOut = paidOut.Add(c.Payout.Total())
			}
		}

		outstanding := b.Outstanding()
		frac := func(a money.Amount) money.Amount {
			v, _ := a.MulFrac(int64(in.next()), 255, money.Down)
			return v
		}
		for step := 0; step < 40 && len(in) > 0; step++ {
			before := bookSnapshot(b, r)
			var err error
			switch in.next() % 5 {
			case 0, 1: // repayment, attributed to an installment or not
				paid := loan.Split{
					Principal: frac(b.Outstanding()),
					Interest:  money.New(in.word()%100_000, money.CNY),
					Penalty:   money.New(int64(in.next()%3)*int64(in.next()), money.CNY),
					Fee:       money.New(int64(in.next()%2)*int64(in.next()), money.CNY),
				}
				var d *Distribution
				d, err = b.Distribute(Repayment{On: day(2024, 2, 15), Installment: in.next() % 4, Paid: paid})
				if err == nil {
					require.Equal(t, paid.Total(), sumNet(d).Add(d.Fees), "receipts + fees = paid")
					outstanding = outstanding.Sub(paid.Principal)
					// The reserve collects what the distribution paid it.
					got, rerr := r.Recover(d)
					require.NoError(t, rerr)
					require.Equal(t, d.PaidTo(reserveID).Add(money.Zero(money.CNY)), got)
					recovered = recovered.Add(got)
				}
			case 2: // transfer
				h := HoldingID(in.next() % len(b.holdings))
				hold, _ := b.Holding(h)
				_, err = b.Transfer(TransferRequest{
					Holding: h, Buyer: uid(byte(1 + in.next()%25)), Principal: frac(hold.Principal),
					On: day(2024, 2, 15+in.next()%10), Premium: money.New(int64(in.next()-128), money.CNY),
				}, status2)
			case 3: // explicit payout on an installment or a buyout
				inst := in.next() % 3
				po := Payout{On: day(2024, 3, 30), Installment: inst, Principal: frac(b.investorPrincipal())}
				if inst > 0 {
					po.Interest = money.New(int64(in.next())*10, money.CNY)
				}
				var c *Compensation
				if c, err = r.Pay(b, po); err == nil {
					payOut(c)
				}
			case 4: // triggered compensation
				var cs []*Compensation
				cs, err = r.Compensate(day(2024, 6, 13), []Default{{b, Arrears{DaysPastDue: 15 + in.next(), Overdue: []OverdueInstallment{
					{Number: 1 + in.next()%3, Due: day(2024, 3, 15), Principal: frac(b.Outstanding()), Interest: money.New(in.word()%10_000, money.CNY)},
				}}}})
				payOut(cs...)
			}
			if err != nil {
				require.Equal(t, before, bookSnapshot(b, r), "a failed step changes nothing: %v", err)
			}
			checkReserveLedger(t, r, deposit, paidOut, recovered)
			require.Equal(t, outstanding, b.Outstanding(), "holdings + open claims = outstanding principal")
			for _, h := range b.holdings {
				require.False(t, h.Principal.IsNegative())
			}
			require.False(t, r.Balance().IsNegative())
		}
	})
}

// checkReserveLedger checks the reserve's conservation: per its ledger,
// balance = deposits − payouts + recoveries, each entry's running balance
// follows, and the ledger's totals by kind equal what the steps deposited,
// paid out and recovered.
func checkReserveLedger(t *testing.T, r *Reserve, deposits, payouts, recoveries money.Amount) {
	t.Helper()
	zero := money.Zero(money.CNY)
	in, out, rec, run := zero, zero, zero, zero
	for i, e := range r.Ledger() {
		run = run.Add(e.Amount)
		require.Equal(t, run, e.Balance, "ledger entry %d's running balance", i)
		switch e.Kind {
		case EntryContribution:
			require.False(t, e.Amount.IsNegative(), "entry %d", i)
			in = in.Add(e.Amount)
		case EntryPayout:
			require.False(t, e.Amount.IsPositive(), "entry %d", i)
			out = out.Sub(e.Amount)
		case EntryRecovery:
			require.False(t, e.Amount.IsNegative(), "entry %d", i)
			rec = rec.Add(e.Amount)
		default:
			t.Fatalf("ledger entry %d of unknown kind %v", i, e.Kind)
		}
	}
	require.Equal(t, in.Sub(out).Add(rec), r.Balance(), "balance = deposits − payouts + recoveries")
	require.Equal(t, deposits, in, "deposits")
	require.Equal(t, payouts, out, "payouts")
	require.Equal(t, recoveries, rec, "recoveries")
}
