package collateral

import (
	"slices"

	"github.com/google/uuid"
	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/lifecycle"
	"github.com/rickb777/date"
)

// DocumentKind is the type of an original title document held in custody.
type DocumentKind uint8

// Title-document kinds.
const (
	MortgageCertificate DocumentKind = iota + 1 // 他项权证 / 不动产登记证明: the lender's registered charge
	TitleDeed                                   // 产权证: the owner's certificate of title
	VehicleCertificate                          // 机动车登记证书
	DepositCertificate                          // 存单 pledged as security
	PledgeReceipt                               // registration receipt for a pledge of shares or receivables
	OtherDocument
)

var documentKindNames = enum.New[DocumentKind](ErrInvalidInput, "document_kind", "", "mortgage-certificate", "title-deed",
	"vehicle-certificate", "deposit-certificate", "pledge-receipt", "other")

// String returns the kind's name.
func (k DocumentKind) String() string { return documentKindNames.String(k) }

// MarshalText encodes the kind's name.
func (k DocumentKind) MarshalText() ([]byte, error) { return documentKindNames.MarshalText(k) }

// UnmarshalText decodes a kind's name.
func (k *DocumentKind) UnmarshalText(b []byte) error { return documentKindNames.UnmarshalText(b, k) }

// CustodyState is where an original is.
type CustodyState uint8

// Custody states.
const (
	InVault    CustodyState = iota + 1 // held in the vault
	CheckedOut                         // out with a named person for a stated purpose
	HandedBack                         // returned to the owner when the security ended (final)
)

var custodyStateNames = enum.New[CustodyState](ErrInvalidInput, "custody_state", "", "in-vault", "checked-out", "handed-back")

// String returns the state's name.
func (s CustodyState) String() string { return custodyStateNames.String(s) }

// MarshalText encodes the state's name.
func (s CustodyState) MarshalText() ([]byte, error) { return custodyStateNames.MarshalText(s) }

// UnmarshalText decodes a state's name.
func (s *CustodyState) UnmarshalText(b []byte) error { return custodyStateNames.UnmarshalText(b, s) }

// CustodyEvent moves a document between custody states.
type CustodyEvent uint8

// Custody events.
const (
	CustodyDeposit  CustodyEvent = iota + 1 // first lodged in the vault
	CustodyCheckOut                         // taken out by a person for a purpose
	CustodyReturn                           // brought back to the vault
	CustodyHandBack                         // given back to the owner
)

var custodyEventNames = enum.New[CustodyEvent](ErrInvalidInput, "custody_event", "", "deposit", "check-out", "return", "hand-back")

// String returns the event's name.
func (e CustodyEvent) String() string { return custodyEventNames.String(e) }

// MarshalText encodes the event's name.
func (e CustodyEvent) MarshalText() ([]byte, error) { return custodyEventNames.MarshalText(e) }

// UnmarshalText decodes an event's name.
func (e *CustodyEvent) UnmarshalText(b []byte) error { return custodyEventNames.UnmarshalText(b, e) }

// custodyLifecycle: an original goes out only from the vault, comes back
// only when out, and is handed back to the owner only from the vault. The
// deposit that starts the log is not a move: it puts the original in the
// vault.
var custodyLifecycle = lifecycle.New("document", ErrIllegalTransition,
	lifecycle.Move[CustodyState, CustodyEvent]{From: InVault, On: CustodyCheckOut, To: CheckedOut},
	lifecycle.Move[CustodyState, CustodyEvent]{From: CheckedOut, On: CustodyReturn, To: InVault},
	lifecycle.Move[CustodyState, CustodyEvent]{From: InVault, On: CustodyHandBack, To: HandedBack},
)

// Document is an original title document in the lender's custody, kept
// with the item it is for (Item.Documents).
type Document struct {
	ID     uuid.UUID    `json:"id"`
	ItemID uuid.UUID    `json:"item_id"`
	Kind   DocumentKind `json:"kind"`
	Number string       `json:"number"` // the certificate's number
	State  CustodyState `json:"state"`
	// Vault is where the original is kept while in the vault.
	Vault string `json:"vault,omitempty"`
	// Holder, Purpose and OutSince describe the current check-out.
	Holder   string    `json:"holder,omitempty"`
	Purpose  string    `json:"purpose,omitempty"`
	OutSince date.Date `json:"out_since,omitzero"`
	// Log is every custody event, oldest first.
	Log []CustodyEntry `json:"log"`
}

// CustodyEntry is one line of a document's custody log.
type CustodyEntry struct {
	Day     date.Date    `json:"day"`
	Event   CustodyEvent `json:"event"`
	Person  string       `json:"person"`            // who deposited, took, returned or received it
	Purpose string       `json:"purpose,omitempty"` // why it went out
	Vault   string       `json:"vault,omitempty"`   // where it was put, on deposit and return
}

// OverdueDocument is an original out longer than the policy allows.
type OverdueDocument struct {
	DocumentID uuid.UUID `json:"document_id"`
	ItemID     uuid.UUID `json:"item_id"`
	Holder     string    `json:"holder"`
	Purpose    string    `json:"purpose"`
	OutSince   date.Date `json:"out_since"`
	DaysOut    int       `json:"days_out"`
}

func (d *Document) clone() Document {
	c := *d
	c.Log = slices.Clone(d.Log)
	return c
}

// Deposit lodges an original for a registered item in the vault on day;
// it is kept with the item. The document's ID, ItemID, Kind and Number are
// taken; the rest is set here.
func (r *Register) Deposit(doc Document, day date.Date, person, vault string) error {
	v := invalid(ErrInvalidInput)
	if doc.ID == uuid.Nil {
		v.Add("document.id", "must not be the nil uuid")
	} else if _, dup := r.docs[doc.ID]; dup {
		v.Addf("document.id", "document %s is already in custody", doc.ID)
	}
	i, ok := r.byID[doc.ItemID]
	if !ok {
		v.Addf("document.item_id", "no item %s", doc.ItemID)
	}
	if !documentKindNames.Valid(doc.Kind) {
		v.Addf("document.kind", "unknown kind %d", uint8(doc.Kind))
	}
	checkText(v, "document.number", doc.Number, true)
	checkText(v, "person", person, true)
	checkText(v, "vault", vault, true)
	if err := v.Err(); err != nil {
		return err
	}
	it := r.items[i]
	r.docs[doc.ID] = docRef{item: i, k: len(it.Documents)}
	it.Documents = append(it.Documents, Document{ID: doc.ID, ItemID: doc.ItemID, Kind: doc.Kind, Number: doc.Number,
		State: InVault, Vault: vault, Log: []CustodyEntry{{Day: day, Event: CustodyDeposit, Person: person, Vault: vault}}})
	r.changes.item(it.ID)
	return nil
}

// CheckOut records that person took document id out of the vault on day
// for purpose. A document already out is refused with a *fault.Transition.
func (r *Register) CheckOut(id uuid.UUID, day date.Date, person, purpose string) error {
	return r.custody(id, CustodyEntry{Day: day, Event: CustodyCheckOut, Person: person, Purpose: purpose})
}

// Return records that person brought document id back to vault on day.
func (r *Register) Return(id uuid.UUID, day date.Date, person, vault string) error {
	return r.custody(id, CustodyEntry{Day: day, Event: CustodyReturn, Person: person, Vault: vault})
}

// HandBack records that document id was given back to the owner (person
// signs for it) on day; the item must be released or liquidated first.
func (r *Register) HandBack(id uuid.UUID, day date.Date, person string) error {
	return r.custody(id, CustodyEntry{Day: day, Event: CustodyHandBack, Person: person})
}

// document returns document id and the item it is kept with.
func (r *Register) document(id uuid.UUID) (*Document, *Item, error) {
	ref, ok := r.docs[id]
	if !ok {
		return nil, nil, notFound("document", id)
	}
	it := r.items[ref.item]
	return &it.Documents[ref.k], it, nil
}

func (r *Register) custody(id uuid.UUID, e CustodyEntry) error {
	d, it, err := r.document(id)
	if err != nil {
		return err
	}
	to, err := custodyLifecycle.Next(d.State, e.Event)
	if err != nil {
		return err
	}
	v := invalid(ErrInvalidInput)
	checkText(v, "person", e.Person, true)
	checkDay(v, "day", e.Day, d.Log[len(d.Log)-1].Day, "custody entry")
	switch e.Event {
	case CustodyCheckOut:
		checkText(v, "purpose", e.Purpose, true)
	case CustodyReturn:
		checkText(v, "vault", e.Vault, true)
	case CustodyHandBack:
		if st := it.Status; st.live() {
			v.Addf("document", "item %s is %s: its originals stay in custody", d.ItemID, st)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	d.State = to
	d.Log = append(d.Log, e)
	switch e.Event {
	case CustodyCheckOut:
		d.Holder, d.Purpose, d.OutSince = e.Person, e.Purpose, e.Day
	default:
		d.Holder, d.Purpose, d.OutSince = "", "", date.Date{}
		d.Vault = e.Vault
	}
	r.changes.item(it.ID)
	return nil
}

// Document returns a copy of document id with its full log.
func (r *Register) Document(id uuid.UUID) (Document, error) {
	d, _, err := r.document(id)
	if err != nil {
		return Document{}, err
	}
	return d.clone(), nil
}

// OverdueDocuments lists the originals out of the vault on day for longer
// than the policy's MaxCheckoutDays, longest out first (on a tie, in the
// order of their items, then of their deposit).
func (r *Register) OverdueDocuments(day date.Date) []OverdueDocument {
	var out []OverdueDocument
	limit := r.policy.Custody.MaxCheckoutDays
	for _, it := range r.items {
		for i := range it.Documents {
			d := &it.Documents[i]
			if d.State != CheckedOut {
				continue
			}
			if n := int(day.Sub(d.OutSince)); n > limit {
				out = append(out, OverdueDocument{DocumentID: d.ID, ItemID: d.ItemID, Holder: d.Holder,
					Purpose: d.Purpose, OutSince: d.OutSince, DaysOut: n})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b OverdueDocument) int { return b.DaysOut - a.DaysOut })
	return out
}
