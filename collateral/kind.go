package collateral

import "github.com/lendcore/lendcore/enum"

// Kind is the type of asset an item is. Haircut, revaluation frequency and
// method are set per kind in the Policy.
type Kind uint8

// Collateral kinds.
const (
	RealEstate  Kind = iota + 1 // land, buildings, flats (mortgage, 抵押)
	Vehicle                     // cars, trucks (mortgage registered with the vehicle office)
	Equipment                   // machinery and plant
	Inventory                   // stock in trade (floating charge or warehouse pledge)
	Receivables                 // accounts receivable (pledge, 应收账款质押)
	Deposit                     // cash deposit or certificate of deposit (pledge)
	Securities                  // listed shares and bonds (pledge, 股票质押)
	OtherKind                   // anything else
	kindEnd
)

var kindNames = enum.New[Kind](ErrInvalidInput, "kind", "", "real-estate", "vehicle", "equipment", "inventory",
	"receivables", "deposit", "listed-securities", "other")

// String returns the kind's name as used in JSON ("real-estate").
func (k Kind) String() string { return kindNames.String(k) }

// Valid reports whether k is one of the defined kinds.
func (k Kind) Valid() bool { return kindNames.Valid(k) }

// MarshalText encodes the kind's name.
func (k Kind) MarshalText() ([]byte, error) { return kindNames.MarshalText(k) }

// UnmarshalText decodes a kind's name.
func (k *Kind) UnmarshalText(b []byte) error { return kindNames.UnmarshalText(b, k) }

// Method is how a valuation was (or is to be) obtained.
type Method uint8

// Valuation methods.
const (
	Appraisal     Method = iota + 1 // full appraisal by a valuer, usually with an inspection
	DesktopReview                   // a valuer's review without inspection
	MarketPrice                     // quoted price × units held (listed securities)
	IndexMethod                     // last appraisal × regional price index movement (real estate)
	Depreciation                    // cost × residual fraction for the asset's age (vehicles, equipment)
)

var methodNames = enum.New[Method](ErrInvalidInput, "method", "", "appraisal", "desktop-review", "market-price",
	"index", "depreciation")

// String returns the method's name as used in JSON ("desktop-review").
func (m Method) String() string { return methodNames.String(m) }

// Valid reports whether m is one of the defined methods.
func (m Method) Valid() bool { return methodNames.Valid(m) }

// MarshalText encodes the method's name.
func (m Method) MarshalText() ([]byte, error) { return methodNames.MarshalText(m) }

// UnmarshalText decodes a method's name.
func (m *Method) UnmarshalText(b []byte) error { return methodNames.UnmarshalText(b, m) }

// manual reports whether the method needs a valuer's figure.
func (m Method) manual() bool { return m == Appraisal || m == DesktopReview }
