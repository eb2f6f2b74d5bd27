package collateral

import (
	"slices"

	"github.com/google/uuid"
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

var documentKindNames = enumNames{"DocumentKind", []string{"", "mortgage-certificate", "title-deed",
	"vehicle-certificate", "deposit-certificate", "pledge-receipt", "other"}}

// String returns the kind's name.
func (k DocumentKind) String() string { return documentKindNames.String(uint8(k)) }

// CustodyState is where an original is.
type CustodyState uint8

// Custody states.
const (
	InVault    CustodyState = iota + 1 // held in the vault
	CheckedOut                         // out with a named person for a stated purpose
	HandedBack                         // returned to the owner when the security ended (final)
)

var custodyStateNames = enumNames{"CustodyState", []string{"", "in-vault", "checked-out", "handed-back"}}

// String returns the state's name.
func (s CustodyState) String() string { return custodyStateNames.String(uint8(s)) }

// CustodyEvent moves a document between custody states.
type CustodyEvent uint8

// Custody events.
const (
	CustodyDeposit  CustodyEvent = iota + 1 // first lodged in the vault
	CustodyCheckOut                         // taken out by a person for a purpose
	CustodyReturn                           // brought back to the vault
	CustodyHandBack                         // given back to the owner
)

var custodyEventNames = enumNames{"CustodyEvent", []string{"", "deposit", "check out", "return", "hand back"}}

// String returns the event's name.
func (e CustodyEvent) String() string { return custodyEventNames.String(uint8(e)) }

// custodyLifecycle: an original goes out only from the vault, comes back
// only when out, and is handed back to the owner only from the vault.
var custodyLifecycle = table[CustodyState, CustodyEvent]{"document", map[move[CustodyState, CustodyEvent]]CustodyState{
	{InVault, CustodyCheckOut}:  CheckedOut,
	{CheckedOut, CustodyReturn}: InVault,
	{InVault, CustodyHandBack}:  HandedBack,
}}

// Document is an original title document in the lender's custody.
type Document struct {
	ID     uuid.UUID
	ItemID uuid.UUID
	Kind   DocumentKind
	Number string // the certificate's number
	State  CustodyState
	// Vault is where the original is kept while in the vault.
	Vault string
	// Holder, Purpose and OutSince describe the current check-out.
	Holder, Purpose string
	OutSince        date.Date
	// Log is every custody event, oldest first.
	Log []CustodyEntry
}

// CustodyEntry is one line of a document's custody log.
type CustodyEntry struct {
	Day     date.Date
	Event   CustodyEvent
	Person  string // who deposited, took, returned or received it
	Purpose string // why it went out
	Vault   string // where it was put, on deposit and return
}

// OverdueDocument is an original out longer than the policy allows.
type OverdueDocument struct {
	DocumentID, ItemID uuid.UUID
	Holder, Purpose    string
	OutSince           date.Date
	DaysOut            int
}

func (d *Document) clone() Document {
	c := *d
	c.Log = append([]CustodyEntry(nil), d.Log...)
	return c
}

// Deposit lodges an original for a registered item in the vault on day.
// The document's ID, ItemID, Kind and Number are taken; the rest is set here.
func (r *Register) Deposit(doc Document, day date.Date, person, vault string) error {
	v := newValidation(ErrInvalidInput)
	if doc.ID == uuid.Nil {
		v.Add("document.id", "must not be the nil uuid")
	} else if _, dup := r.docByID[doc.ID]; dup {
		v.Addf("document.id", "document %s is already in custody", doc.ID)
	}
	if _, ok := r.byID[doc.ItemID]; !ok {
		v.Addf("document.item_id", "no item %s", doc.ItemID)
	}
	if !documentKindNames.valid(uint8(doc.Kind)) {
		v.Addf("document.kind", "unknown kind %d", uint8(doc.Kind))
	}
	checkText(v, "document.number", doc.Number, true)
	checkText(v, "person", person, true)
	checkText(v, "vault", vault, true)
	if err := v.Err(); err != nil {
		return err
	}
	d := &Document{ID: doc.ID, ItemID: doc.ItemID, Kind: doc.Kind, Number: doc.Number, State: InVault, Vault: vault,
		Log: []CustodyEntry{{Day: day, Event: CustodyDeposit, Person: person, Vault: vault}}}
	r.docByID[d.ID] = len(r.docs)
	r.docs = append(r.docs, d)
	return nil
}

// CheckOut records that person took document id out of the vault on day
// for purpose. A document already out is refused with a *TransitionError.
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

func (r *Register) custody(id uuid.UUID, e CustodyEntry) error {
	i, ok := r.docByID[id]
	if !ok {
		return notFound("document", id)
	}
	d := r.docs[i]
	to, err := custodyLifecycle.next(d.State, e.Event)
	if err != nil {
		return err
	}
	v := newValidation(ErrInvalidInput)
	checkText(v, "person", e.Person, true)
	checkDay(v, "day", e.Day, d.Log[len(d.Log)-1].Day, "custody entry")
	switch e.Event {
	case CustodyCheckOut:
		checkText(v, "purpose", e.Purpose, true)
	case CustodyReturn:
		checkText(v, "vault", e.Vault, true)
	case CustodyHandBack:
		if st := r.items[r.byID[d.ItemID]].Status; st.Secures() || st == Proposed {
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
	return nil
}

// Document returns a copy of document id with its full log.
func (r *Register) Document(id uuid.UUID) (Document, error) {
	i, ok := r.docByID[id]
	if !ok {
		return Document{}, notFound("document", id)
	}
	return r.docs[i].clone(), nil
}

// OverdueDocuments lists the originals out of the vault on day for longer
// than the policy's MaxCheckoutDays, longest out first.
func (r *Register) OverdueDocuments(day date.Date) []OverdueDocument {
	var out []OverdueDocument
	limit := r.policy.Custody.MaxCheckoutDays
	for _, d := range r.docs {
		if d.State != CheckedOut {
			continue
		}
		if n := int(day.Sub(d.OutSince)); n > limit {
			out = append(out, OverdueDocument{DocumentID: d.ID, ItemID: d.ItemID, Holder: d.Holder,
				Purpose: d.Purpose, OutSince: d.OutSince, DaysOut: n})
		}
	}
	slices.SortStableFunc(out, func(a, b OverdueDocument) int { return b.DaysOut - a.DaysOut })
	return out
}
