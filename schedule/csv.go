package schedule

import (
	"bufio"
	"io"
	"strconv"
)

// CSVHeader is the header line WriteCSV writes.
const CSVHeader = "period,due_date,principal,interest,payment,balance"

// CSVHeaderWithFees is the header line WriteCSV writes for terms with fees:
// a fee column after the interest.
const CSVHeaderWithFees = "period,due_date,principal,interest,fee,payment,balance"

// WriteCSV writes the schedule as CSV: the CSVHeader line (CSVHeaderWithFees
// when the terms have fees), then one line per installment with the due
// date as YYYY-MM-DD and amounts with the currency's decimals (no currency
// code, no thousands separators).
func (s *Schedule) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fees := len(s.Terms.Fees) > 0
	if fees {
		bw.WriteString(CSVHeaderWithFees + "\n")
	} else {
		bw.WriteString(CSVHeader + "\n")
	}
	for _, in := range s.Installments {
		bw.WriteString(strconv.Itoa(in.Number))
		cols := [...]string{in.Due.String(), in.Principal.Number(), in.Interest.Number(), in.Fee.Number(), in.Payment.Number(), in.Balance.Number()}
		for i, f := range cols {
			if i == 3 && !fees {
				continue
			}
			bw.WriteByte(',')
			bw.WriteString(f)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
