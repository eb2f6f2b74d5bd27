package collect_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/fault"
)

func TestRemindersDue(t *testing.T) {
	p := collect.DefaultReminderPolicy()
	require.NoError(t, p.Validate())
	due, maturity := day(2024, 6, 10), day(2024, 12, 10)
	base := collect.Facts{Loan: loanID, NextDue: due, Maturity: maturity}
	day8to22 := collect.Window{From: collect.Clock(8, 0), To: collect.Clock(22, 0)}

	cases := []struct {
		name  string
		on    [2]int
		tweak func(*collect.Facts)
		want  []collect.Reminder
	}{
		{"7 days before: SMS and push", [2]int{6, 3}, nil, []collect.Reminder{
			{Kind: collect.InstallmentDue, DaysBefore: 7, Channel: collect.SMS, Party: collect.Borrower, Hours: day8to22},
			{Kind: collect.InstallmentDue, DaysBefore: 7, Channel: collect.AppPush, Party: collect.Borrower, Hours: day8to22},
		}},
		{"6 days before: nothing", [2]int{6, 4}, nil, nil},
		{"prefers push: push only", [2]int{6, 9}, func(f *collect.Facts) { f.Preferred = collect.Channels(collect.AppPush) }, []collect.Reminder{
			{Kind: collect.InstallmentDue, DaysBefore: 1, Channel: collect.AppPush, Party: collect.Borrower, Hours: day8to22},
		}},
		{"prefers letters only: the rule's channels, never dropped", [2]int{6, 10},
			func(f *collect.Facts) { f.Preferred = collect.Channels(collect.Letter) }, []collect.Reminder{
				{Kind: collect.InstallmentDue, Channel: collect.SMS, Party: collect.Borrower, Hours: day8to22},
				{Kind: collect.InstallmentDue, Channel: collect.AppPush, Party: collect.Borrower, Hours: day8to22},
			}},
		{"borrower's hours 09:00–18:00 narrow the window", [2]int{6, 10}, func(f *collect.Facts) {
			f.Preferred = collect.Channels(collect.SMS)
			f.Hours = collect.Window{From: collect.Clock(9, 0), To: collect.Clock(18, 0)}
		}, []collect.Reminder{
			{Kind: collect.InstallmentDue, Channel: collect.SMS, Party: collect.Borrower,
				Hours: collect.Window{From: collect.Clock(9, 0), To: collect.Clock(18, 0)}},
		}},
		{"borrower's hours 05:00–07:00 cannot widen them", [2]int{6, 10}, func(f *collect.Facts) {
			f.Preferred = collect.Channels(collect.SMS)
			f.Hours = collect.Window{From: collect.Clock(5, 0), To: collect.Clock(7, 0)}
		}, []collect.Reminder{
			{Kind: collect.InstallmentDue, Channel: collect.SMS, Party: collect.Borrower, Hours: day8to22},
		}},
		// 30 days before maturity 12-10 is 11-10: SMS (timed) and e-mail
		// (untimed) to the borrower and to each of the 2 guarantors.
		{"30 days before maturity, 2 guarantors", [2]int{11, 10}, func(f *collect.Facts) {
			f.NextDue, f.Guarantors = day(2024, 12, 10), 2
		}, []collect.Reminder{
			{Kind: collect.MaturityDue, DaysBefore: 30, Channel: collect.SMS, Party: collect.Borrower, Hours: day8to22},
			{Kind: collect.MaturityDue, DaysBefore: 30, Channel: collect.SMS, Party: collect.Guarantor, Guarantor: 1, Hours: day8to22},
			{Kind: collect.MaturityDue, DaysBefore: 30, Channel: collect.SMS, Party: collect.Guarantor, Guarantor: 2, Hours: day8to22},
			{Kind: collect.MaturityDue, DaysBefore: 30, Channel: collect.Email, Party: collect.Borrower},
			{Kind: collect.MaturityDue, DaysBefore: 30, Channel: collect.Email, Party: collect.Guarantor, Guarantor: 1},
			{Kind: collect.MaturityDue, DaysBefore: 30, Channel: collect.Email, Party: collect.Guarantor, Guarantor: 2},
		}},
		{"overdue: no pre-due reminder", [2]int{6, 12}, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := base
			if tc.tweak != nil {
				tc.tweak(&f)
			}
			on := day(2024, monthOf(tc.on[0]), tc.on[1])
			for i := range tc.want {
				w := &tc.want[i]
				w.Loan, w.Day, w.Due = loanID, on, due
				if w.Kind == collect.MaturityDue {
					w.Due = maturity
				}
			}
			assert.Equal(t, tc.want, p.RemindersDue(on, &f, nil))
		})
	}
}

func TestReminderPolicyValidate(t *testing.T) {
	p := collect.ReminderPolicy{
		Installment: []collect.ReminderRule{
			{DaysBefore: -1, Channels: collect.Channels(collect.SMS), Parties: collect.Parties(collect.Borrower)},
			{DaysBefore: 3, Parties: collect.Parties(collect.EmergencyContact)},
			{DaysBefore: 3, Channels: collect.Channels(collect.SMS), Parties: collect.Parties(collect.Borrower)},
		},
		Hours: collect.Window{From: collect.Clock(22, 0), To: collect.Clock(8, 0)},
	}
	var ve *fault.Fields
	require.ErrorAs(t, p.Validate(), &ve)
	// days_before −1; no channel; emergency contact; 3 twice; wrapping hours.
	assert.Len(t, ve.List, 5, "%v", ve)
}
