package portfolio

import (
	"fmt"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// RollMatrix counts how loans moved between delinquency buckets from one
// reporting day to the next: row i is the bucket at the first date, column
// j the bucket at the second; the extra last column Exit holds loans absent
// at the second date (repaid, written off or sold). Balances are the loans'
// principal at the first date, in minor units.
type RollMatrix struct {
	Buckets classify.Buckets
	Count   [][]int64
	Balance [][]int64
}

// Exit is the column index of loans that left the portfolio.
func (m *RollMatrix) Exit() int { return len(m.Buckets) }

// Rate is the roll rate from bucket i to column j by count:
// P(state j at t+1 | state i at t).
func (m *RollMatrix) Rate(i, j int) Ratio {
	var row int64
	for _, c := range m.Count[i] {
		row += c
	}
	return Ratio{m.Count[i][j], row}
}

// BalanceRate is the roll rate from bucket i to column j by balance.
func (m *RollMatrix) BalanceRate(i, j int) Ratio {
	var row int64
	for _, c := range m.Balance[i] {
		row += c
	}
	return Ratio{m.Balance[i][j], row}
}

// RollRates builds the roll-rate matrix between two portfolio reports,
// matching loans by Loan id; loans new at the second date are not counted.
func RollRates(buckets classify.Buckets, from, to []Position) (*RollMatrix, error) {
	if err := buckets.Validate(); err != nil {
		return nil, err
	}
	e := inputErrors()
	later := make(map[string]int, len(to))
	for i, p := range to {
		if p.DPD < 0 || p.Loan == "" {
			e.Add(fmt.Sprintf("to[%d]", i), "needs a loan id and a non-negative dpd")
			continue
		}
		later[p.Loan] = buckets.Index(p.DPD)
	}
	n := len(buckets)
	m := &RollMatrix{Buckets: buckets, Count: make([][]int64, n), Balance: make([][]int64, n)}
	for i := range m.Count {
		m.Count[i] = make([]int64, n+1)
		m.Balance[i] = make([]int64, n+1)
	}
	var cur money.Amount
	var guard int64
	for i, p := range from {
		if p.DPD < 0 || p.Loan == "" || p.Principal.IsNegative() || p.Principal.Minor() > money.MaxMinor || !p.Principal.SameCurrency(cur) {
			e.Add(fmt.Sprintf("from[%d]", i), "needs a loan id, a non-negative dpd and a principal in one currency")
			continue
		}
		if !p.Principal.IsZero() {
			cur = p.Principal
		}
		if guard += p.Principal.Minor(); guard > 1<<62 {
			return nil, fault.Invalid(ErrOutOfRange, "from", "balances exceed int64 minor units")
		}
		j, ok := later[p.Loan]
		if !ok {
			j = n
		}
		r := buckets.Index(p.DPD)
		m.Count[r][j]++
		m.Balance[r][j] += p.Principal.Minor()
	}
	if err := e.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

// FlowRates returns the flow rates between two month-end snapshots made
// with the same buckets: element k is the balance in bucket k+1 now ÷ the
// balance in bucket k a month earlier (M_k → M_{k+1}; evidence known).
func FlowRates(prev, cur *Snapshot) ([]Ratio, error) {
	e := inputErrors()
	if prev == nil || len(prev.ByBucket) == 0 {
		e.Add("prev", "needs a snapshot with buckets")
	}
	if cur == nil || len(cur.ByBucket) == 0 {
		e.Add("cur", "needs a snapshot with buckets")
	} else if prev != nil && len(prev.ByBucket) != len(cur.ByBucket) {
		e.Add("cur", fmt.Sprintf("has %d buckets, prev %d: flow rates need the same buckets", len(cur.ByBucket), len(prev.ByBucket)))
	}
	if err := e.Err(); err != nil {
		return nil, err
	}
	out := make([]Ratio, len(cur.ByBucket)-1)
	for k := range out {
		out[k] = Ratio{cur.ByBucket[k+1].Balance, prev.ByBucket[k].Balance}
	}
	return out, nil
}
