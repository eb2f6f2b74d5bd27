package schedule

import (
	"bufio"
	"io"
	"strconv"
)

// CSVHeader is the header line WriteCSV writes.
const CSVHeader = "period,due_date,principal,interest,payment,balance"

// WriteCSV writes the schedule as CSV: the CSVHeader line, then one line per
// installment with the due date as YYYY-MM-DD and amounts with the
// currency's decimals (no currency code, no thousands separators).
func (s *Schedule) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(CSVHeader + "\n")
	for _, in := range s.Installments {
		bw.WriteString(strconv.Itoa(in.Number))
		for _, f := range [...]string{in.Due.String(), in.Principal.Number(), in.Interest.Number(), in.Payment.Number(), in.Balance.Number()} {
			bw.WriteByte(',')
			bw.WriteString(f)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
