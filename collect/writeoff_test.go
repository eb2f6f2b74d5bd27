package collect_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

func TestWriteOffProposal(t *testing.T) {
	p := collect.DefaultWriteOffPolicy()
	require.NoError(t, p.Validate())
	legal := collect.LegalOutcome{Status: collect.Concluded, Awarded: cny("50000"), Recovered: cny("8000"), Unrecovered: true}
	full := []collect.Evidence{{Kind: "collection-record", Ref: "doc-1"}, {Kind: "limitation-status", Ref: "doc-2"}}

	cases := []struct {
		name    string
		prop    collect.Proposal
		missing []string // fields reported
	}{
		{"grade Loss, legal outcome, evidence: approvable", collect.Proposal{Grade: collect.Loss, DPD: 200, Legal: &legal, Evidence: full}, nil},
		{"361 DPD suffices without grade Loss", collect.Proposal{Grade: collect.Doubtful, DPD: 361, Legal: &legal, Evidence: full}, nil},
		{"bankruptcy instead of a legal outcome", collect.Proposal{Grade: collect.Loss, Evidence: append(full[:2:2], collect.Evidence{Kind: "bankruptcy", Ref: "ruling-7"})}, nil},
		{"360 DPD Doubtful, no legal outcome, no evidence", collect.Proposal{Grade: collect.Doubtful, DPD: 360},
			[]string{"grade", "legal", "evidence", "evidence"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pr := tc.prop
			pr.Loan, pr.Day, pr.Amount, pr.ProposedBy, pr.Status = loanID, day(2025, 3, 1), cny("42000"), "maker", collect.Proposed
			err := pr.Approve(&p, day(2025, 3, 5), "checker")
			if tc.missing == nil {
				require.NoError(t, err)
				assert.Equal(t, collect.Approved, pr.Status)
				assert.Equal(t, "checker", pr.Approver)
				assert.ErrorIs(t, pr.Reject(day(2025, 3, 6), "checker", "late"), collect.ErrIllegalTransition)
				return
			}
			var ve *fault.Fields
			require.ErrorAs(t, err, &ve)
			var got []string
			for _, f := range ve.List {
				got = append(got, f.Name)
			}
			assert.Equal(t, tc.missing, got)
			assert.Equal(t, collect.Proposed, pr.Status)
		})
	}
}

func TestRecoveriesAfterWriteOff(t *testing.T) {
	rs := []collect.Recovery{
		{Day: day(2025, 1, 5), Amount: cny("300"), Source: collect.FromBorrower, WrittenOff: true},
		{Day: day(2025, 2, 5), Amount: cny("1200.50"), Source: collect.FromGuarantor, WrittenOff: true},
		{Day: day(2025, 2, 9), Amount: cny("200"), Source: collect.FromBorrower, WrittenOff: true},
		{Day: day(2025, 2, 9), Amount: cny("999"), Source: collect.FromBorrower},                  // before write-off: not counted
		{Day: day(2025, 4, 1), Amount: cny("50"), Source: collect.FromBorrower, WrittenOff: true}, // outside the period
	}
	got, err := collect.RecoveriesAfterWriteOff(rs, day(2025, 1, 1), day(2025, 3, 31))
	require.NoError(t, err)
	// borrower 300 + 200 = 500 in 2 payments; guarantor 1,200.50 in 1.
	assert.Equal(t, []collect.SourceTotal{
		{Source: collect.FromBorrower, Count: 2, Amount: cny("500")},
		{Source: collect.FromGuarantor, Count: 1, Amount: cny("1200.50")},
	}, got)

	rs = append(rs, collect.Recovery{Day: day(2025, 3, 1), Amount: money.MustParse("5", money.USD), Source: collect.FromInsurer, WrittenOff: true})
	_, err = collect.RecoveriesAfterWriteOff(rs, day(2025, 1, 1), day(2025, 3, 31))
	assert.ErrorIs(t, err, collect.ErrInvalidInput)
}

// Each list is indexed on its own: an empty instead-of-legal kind is
// instead_of_legal[i], not evidence[len(evidence)+i].
func TestWriteOffPolicyValidateIndexesEachList(t *testing.T) {
	p := collect.DefaultWriteOffPolicy()
	p.Evidence = []string{"collection-record", ""}
	p.InsteadOfLegal = []string{"bankruptcy", ""}
	var ve *fault.Fields
	require.ErrorAs(t, p.Validate(), &ve)
	require.ErrorIs(t, ve, collect.ErrInvalidPolicy)
	var got []string
	for _, f := range ve.List {
		got = append(got, f.Name)
	}
	assert.Equal(t, []string{"evidence[1]", "instead_of_legal[1]"}, got)
}

// An undefined grade (200) is bad input, not a grade worse than Loss that
// would pass the MinGrade check.
func TestWriteOffCheckRejectsUndefinedGrade(t *testing.T) {
	p := collect.DefaultWriteOffPolicy()
	legal := collect.LegalOutcome{Status: collect.Concluded, Unrecovered: true}
	pr := collect.Proposal{Loan: loanID, Day: day(2025, 3, 1), Amount: cny("42000"), Grade: collect.Grade(200),
		Legal: &legal, ProposedBy: "maker", Status: collect.Proposed,
		Evidence: []collect.Evidence{{Kind: "collection-record", Ref: "doc-1"}, {Kind: "limitation-status", Ref: "doc-2"}}}
	var ve *fault.Fields
	require.ErrorAs(t, p.Check(&pr), &ve)
	require.Len(t, ve.List, 1)
	assert.Equal(t, "grade", ve.List[0].Name)
	assert.Contains(t, ve.List[0].Problem, "undefined")

	pr.Grade = 0 // not graded: the DPD route still works
	pr.DPD = 361
	assert.NoError(t, p.Check(&pr))
}
