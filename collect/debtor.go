package collect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
)

// Debtor is what collections keep about one borrower across all their
// loans: the contact state the conduct rules read and the contact log they
// count. The rules are about the person — "at most 3 connected calls a
// day" means to the debtor, not to each of their loans — so this, not the
// loan's Record, is where an attempt is checked and recorded.
type Debtor struct {
	ID    uuid.UUID    `json:"id"`
	State ContactState `json:"state"`
	// Log holds the attempts loaded: a recent window is enough for the
	// rules (ContactPolicy.Horizon says how far back).
	Log ContactLog `json:"log"`
}

// NewDebtor returns a debtor with no contact history and no consent,
// dispute, hardship review or outsourcing notice on record.
func NewDebtor(id uuid.UUID) *Debtor { return &Debtor{ID: id} }

// Record checks rec against the policy with the debtor's state and log and
// appends it to the log (ContactLog.Record: a bad record is a
// *fault.Fields, a refused one a *RuleError, and neither is recorded). An
// outcome Disputed or Hardship opens the dispute or the hardship review in
// State, which pauses further contact under the policy's pause rule until
// the host closes it.
func (d *Debtor) Record(p *ContactPolicy, rec ContactRecord, now time.Time) error {
	if err := d.Log.Record(p, d.State, rec, now); err != nil {
		return err
	}
	switch rec.Outcome {
	case Disputed:
		d.State.DisputeOpen = true
	case Hardship:
		d.State.HardshipOpen = true
	}
	return nil
}

// Validate reports in one *fault.Fields wrapping ErrInvalidInput every bad
// field of a debtor read from outside: a missing id, and each log record
// that is not a valid contact record ("log.records[3].channel").
func (d *Debtor) Validate() error {
	bad := invalid()
	if d.ID == uuid.Nil {
		bad.Add("id", "missing")
	}
	for i := range d.Log.Records {
		d.Log.Records[i].check(bad, fmt.Sprintf("log.records[%d]", i), nil)
	}
	return bad.Err()
}

// UnmarshalJSON decodes a debtor and validates it (Validate); on error d
// is left unchanged.
func (d *Debtor) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil // as encoding/json treats null: nothing to decode
	}
	type plain Debtor
	var v plain
	if err := guardedUnmarshal(b, &v); err != nil {
		return decodeError("debtor", err)
	}
	deb := Debtor(v)
	if err := deb.Validate(); err != nil {
		return err
	}
	*d = deb
	return nil
}

// horizon is how far back from an attempt the call limit looks: the
// debtor's local day in the attempt's zone began less than 24 hours
// before it; 48 hours leave a day to spare whatever zone the host gives.
const horizon = 48 * time.Hour

// Horizon is how far back from an attempt the rules look into the log, so
// a host loads the log from At − Horizon rather than all of it: the call
// limit counts the connected calls of the debtor's local day (48 hours
// cover it in any time zone); the other rules read the state, not the log.
// Zero when no rule that reads the log is switched on.
func (p *ContactPolicy) Horizon() time.Duration {
	if p.CallLimit.Enabled {
		return horizon
	}
	return 0
}

// Key identifies the attempt by its content — the instant in UTC, so the
// key survives the JSON round trip of a stored log whatever zone At was
// given in — as a name-based UUID in the loan's namespace. A record that
// cannot be encoded (an undefined enumeration, a year beyond 9999) is a
// *fault.Fields.
func (r *ContactRecord) Key() (string, error) {
	c := *r
	c.At, c.Location = c.At.UTC(), nil
	raw, err := json.Marshal(c)
	if err != nil {
		var bad *fault.Fields
		if errors.As(err, &bad) {
			return "", bad
		}
		return "", fault.Invalid(ErrInvalidInput, "at", err.Error())
	}
	return uuid.NewSHA1(r.Loan, raw).String(), nil
}

// Demand returns the limitation event the attempt makes on day, if any: a
// written message (SMS, e-mail or letter) to the borrower that states the
// debt and was delivered is a creditor's demand that reached the debtor,
// which interrupts the limitation period (Civil Code art. 195(1); SPC
// limitation provisions art. 8). A call is not: it leaves no proof of what
// was said. The evidence is "contact/<Key>".
func (r *ContactRecord) Demand(day date.Date) (LimitationEvent, bool) {
	written := r.Channel == SMS || r.Channel == Email || r.Channel == Letter
	if !written || r.Party != Borrower || r.Outcome != Delivered || !r.MentionsDebt {
		return LimitationEvent{}, false
	}
	key, err := r.Key()
	if err != nil {
		return LimitationEvent{}, false
	}
	return LimitationEvent{Day: day, Kind: Demand, Channel: r.Channel, Delivered: true, Evidence: "contact/" + key}, true
}
