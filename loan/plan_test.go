package loan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/schedule"
)

// The compact plan gives back every installment of the schedule it was
// built from, whether interest periods chain from due date to due date or
// not (a business-day adjustment moves a due date but, unless
// InterestFollowsAdjusted, not the next period's start).
func TestPlanRowsMatchTheSchedule(t *testing.T) {
	chained := testTerms(schedule.EqualInstallment, 12)
	adjusted := chained
	adjusted.BusinessDay = schedule.Following // 2026-02-15 is a Sunday: due 2026-02-16, #2 accrues from the 15th
	broken := chained
	broken.FirstDue = day(2026, 3, 1)
	for name, terms := range map[string]schedule.Terms{"chained": chained, "adjusted": adjusted, "broken": broken} {
		t.Run(name, func(t *testing.T) {
			s, err := schedule.Generate(terms)
			require.NoError(t, err)
			p := newPlan(s, terms.Start)
			require.Equal(t, len(s.Installments), p.len())
			for i, r := range s.Installments {
				assert.Equal(t, planRow{r.From, r.Due, r.Principal.Minor(), r.Interest.Minor(), r.Fee.Minor()}, p.row(i, terms.Start), "#%d", i+1)
			}
			if name == "adjusted" {
				assert.Len(t, p.dates, 2*p.len(), "from dates kept when not chained")
				assert.NotEqual(t, s.Installments[0].Due, s.Installments[1].From)
			} else {
				assert.Len(t, p.dates, p.len(), "from dates derived when chained")
			}
		})
	}
}
