package storage

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
)

// Message is an effect waiting in the outbox for the host to deliver: a
// reminder, a collection action, an accounting posting.
type Message struct {
	// Key is the dedupe key, unique in the outbox, derived from what
	// caused the message (e.g. "reminder/<loan>/2024-03-05"), so a re-run
	// business day adds nothing twice.
	Key string
	// Seq orders the outbox; assigned by the store on Add, increasing, never
	// reused: a key added again after Purge gets a new, greater Seq.
	Seq int64
	// Topic says what the message is ("reminder", "posting", ...).
	Topic string
	// LoanID is the loan the message is about, uuid.Nil if none.
	LoanID uuid.UUID
	// Day is the business day that produced the message.
	Day date.Date
	// Payload is the message as JSON, stored as text.
	Payload json.RawMessage
	// Delivered is set by MarkDelivered, or by the writer of a message that
	// is history only (see Outbox.Add).
	Delivered bool
}

// SameRequest reports whether m and o are the same message for the dedupe
// check: equal Topic, LoanID, Day and Payload (ignoring insignificant JSON
// white space).
func (m Message) SameRequest(o Message) bool {
	return m.Topic == o.Topic && m.LoanID == o.LoanID && m.Day == o.Day && SameJSON(m.Payload, o.Payload)
}

// Outbox holds effects until the host has delivered them. Delivery is at
// least once: a host that crashes between delivering and MarkDelivered
// sees the message again, and dedupes on Key.
type Outbox interface {
	// Add stores messages, all or nothing. A message whose key is already
	// stored (or given earlier in the call) with the same content is
	// skipped; added counts the new ones. A message given with Delivered
	// set is recorded as delivered: history a host can scan, never pending
	// (the daily close records this way the reminders and actions of days
	// it derives after the fact). Errors: ErrInvalid (fields named
	// "messages[i].topic": ValidateMessages), ErrDuplicate when a key is
	// stored or given earlier with different content (nothing is added).
	Add(ctx context.Context, msgs ...Message) (added int, err error)

	// Pending returns up to limit undelivered messages in Seq order.
	// Errors: ErrInvalid when limit is not positive.
	Pending(ctx context.Context, limit int) ([]Message, error)

	// MarkDelivered marks messages delivered, all or nothing; marking a
	// delivered message again is not an error. Errors: ErrNotFound when a
	// key is unknown (or was purged).
	MarkDelivered(ctx context.Context, keys ...string) error

	// Scan yields the messages that match f in Seq order: a loan's
	// history, a topic's messages of a month, what is still pending.
	Scan(ctx context.Context, f MessageFilter) iter.Seq2[Message, error]

	// Purge deletes the delivered messages of business days before day
	// and returns how many it deleted: the retention of a store that runs
	// for years. Pending messages are never purged. A message purged is
	// gone: adding its key again adds it anew. Errors: ErrInvalid (a zero
	// day: ValidateDay).
	Purge(ctx context.Context, before date.Date) (int, error)
}

// Delivery selects messages by delivery state.
type Delivery uint8

// Delivery states for MessageFilter.
const (
	AnyDelivery Delivery = iota // pending and delivered
	Pending                     // not yet delivered
	Delivered                   // delivered
)

// MessageFilter selects messages for Outbox.Scan; set fields combine with
// AND.
type MessageFilter struct {
	LoanID   uuid.UUID
	Topics   []string
	Days     *DateRange
	Delivery Delivery
	// AfterSeq yields only messages with a greater Seq: a reader resumes
	// where it stopped. Seqs are drawn when a unit of work adds its
	// messages, not when it commits, so on a database with concurrent
	// writers a message with a smaller Seq may commit after a reader saw a
	// greater one: a consumer that must see every message goes by delivery
	// state (Pending, MarkDelivered), not by a Seq high-water mark.
	AfterSeq  int64
	BatchSize int
}

// Batch returns the effective batch size.
func (f MessageFilter) Batch() int { return batchSize(f.BatchSize) }

// Matches reports whether m passes the filter.
func (f MessageFilter) Matches(m *Message) bool {
	return (f.LoanID == uuid.Nil || f.LoanID == m.LoanID) && (len(f.Topics) == 0 || contains(f.Topics, m.Topic)) &&
		(f.Days == nil || f.Days.Contains(m.Day)) && m.Seq > f.AfterSeq &&
		(f.Delivery == AnyDelivery || (f.Delivery == Delivered) == m.Delivered)
}

// Drain delivers every pending message of s, batch at a time, marking each
// delivered as soon as deliver returns nil; it stops at the first delivery
// error and returns it with the number delivered. Messages are read in Seq
// order; each is marked in its own write, so a crash re-delivers at most
// the one message in flight.
func Drain(ctx context.Context, s Store, batch int, deliver func(context.Context, Message) error) (int, error) {
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	n := 0
	for {
		msgs, err := s.Outbox().Pending(ctx, batch)
		if err != nil {
			return n, err
		}
		if len(msgs) == 0 {
			return n, nil
		}
		for _, m := range msgs {
			if err := deliver(ctx, m); err != nil {
				return n, err
			}
			if err := s.Outbox().MarkDelivered(ctx, m.Key); err != nil {
				return n, err
			}
			n++
		}
	}
}

// ValidateLimit reports a Pending limit that is not positive.
func ValidateLimit(limit int) error {
	if limit > 0 {
		return nil
	}
	return fault.Invalid(ErrInvalid, "limit", "must be positive")
}
