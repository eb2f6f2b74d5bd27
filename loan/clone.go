package loan

// Clone returns a copy of l that can be posted to without changing l. It is
// cheap: the copies share the journal and the schedule, which Post never
// changes in place (every accepted entry makes a new journal), so the two
// only diverge as entries are posted to either. The re-amortisation memo is
// shared too; it is safe for concurrent use.
func (l *Loan) Clone() *Loan {
	c := *l
	return &c
}
