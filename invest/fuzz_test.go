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
// borrower paid. Failed steps must change nothing.
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
		require.NoError(t, r.Deposit(loanID, money.New(in.word()*10, money.CNY), day(2024, 1, 15)))

		outstanding := b.Outstanding()
		frac := func(a money.Amount) money.Amount {
			v, _ := a.MulFrac(int64(in.next()), 255, money.Down)
			return v
		}
		for step := 0; step < 40 && len(in) > 0; step++ {
			before := b.Holdings()
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
				_, err = r.Pay(b, po)
			case 4: // triggered compensation
				_, err = r.Compensate(day(2024, 6, 13), []Default{{b, Arrears{DaysPastDue: 15 + in.next(), Overdue: []OverdueInstallment{
					{Number: 1 + in.next()%3, Due: day(2024, 3, 15), Principal: frac(b.Outstanding()), Interest: money.New(in.word()%10_000, money.CNY)},
				}}}})
			}
			if err != nil {
				require.Equal(t, before, b.Holdings(), "a failed step changes nothing: %v", err)
			}
			require.Equal(t, outstanding, b.Outstanding(), "holdings + open claims = outstanding principal")
			for _, h := range b.holdings {
				require.False(t, h.Principal.IsNegative())
			}
			require.False(t, r.Balance().IsNegative())
		}
	})
}
