package lendcore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"reflect"
	"regexp"
	"slices"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// ErrInvalidProduct is the kind of every error a product's validation
// returns (Product.Validate, NewCatalogue, LoadProducts): a *fault.Fields
// naming each bad field by its JSON path ("terms.max_amount",
// "segments.vip.servicing.penalty.rate").
var ErrInvalidProduct = fault.New(fault.CodeInvalid, "lendcore: invalid product")

// ErrOutsideProduct is the kind of the *fault.Fields an application gets
// when it names a product, version or segment that does not exist, or
// asks for terms outside its product's ranges; nothing is stored.
var ErrOutsideProduct = fault.New(fault.CodeInvalid, "lendcore: application outside its product")

// Product is one version of a loan product (信用贷, 抵押贷, a short cash
// loan): the terms it allows and fills in, the policies its loans are
// serviced, graded and collected under, and the customer segments it
// treats differently.
//
// A product is named and versioned: changing it publishes a new version
// (Engine.PublishProduct), and the versions already published never
// change. A loan belongs to the version it was approved under until an
// audited Engine.MoveLoanProduct moves it.
type Product struct {
	// Name identifies the product: lower-case letters, digits and
	// hyphens ("consumer-unsecured").
	Name string `json:"name"`
	// Version is 1 for a product's first version and one more for each
	// change; the store assigns it when the product is published (a
	// product built in Go or loaded from a file leaves it 0).
	Version int `json:"version,omitempty"`
	// Description is for people.
	Description string `json:"description,omitempty"`
	// Terms are the ranges an application's terms must lie in.
	Terms TermRange `json:"terms"`
	// Policies are the product's rules: every part the Engine's Policies
	// has, defaults filled in part by part and field by field as in
	// LoadPolicies.
	Policies Policies `json:"policies"`
	// Segments maps a customer segment ("vip", "staff") to what it
	// changes in Policies, as a JSON merge patch (RFC 7386) over the
	// product's policies: {"servicing": {"penalty": {"rate": "0.0003"}}}
	// changes that one field and keeps the rest. A borrower's segment is
	// resolved at application and recorded on the loan.
	Segments map[string]json.RawMessage `json:"segments,omitempty"`
}

// TermRange is what a product allows of an application's terms. A zero
// bound is no bound; an empty list allows anything.
type TermRange struct {
	// MinAmount and MaxAmount bound the principal, in the product's
	// currency: a principal in another currency is refused.
	MinAmount money.Amount `json:"min_amount"`
	MaxAmount money.Amount `json:"max_amount"`
	// MinTerm and MaxTerm bound the number of periods (installments);
	// for a loan of Frequency "days", the loan's length in days.
	MinTerm int `json:"min_term,omitempty"`
	MaxTerm int `json:"max_term,omitempty"`
	// Methods and Frequencies list the repayment methods and frequencies
	// allowed.
	Methods     []schedule.Method    `json:"methods,omitempty"`
	Frequencies []schedule.Frequency `json:"frequencies,omitempty"`
	// MinRate and MaxRate bound the nominal annual rate.
	MinRate money.Rate `json:"min_rate"`
	MaxRate money.Rate `json:"max_rate"`
	// DayCount and Rounding are the product's conventions: an
	// application's terms must use them (the zero values are the
	// schedule package's defaults, Actual/360 and half-up).
	DayCount schedule.DayCount  `json:"day_count,omitempty"`
	Rounding money.RoundingMode `json:"rounding"`
	// MaxGrace is how many periods of grace (principal grace plus
	// interest grace) a loan may have; 0 allows none.
	MaxGrace int `json:"max_grace,omitempty"`
}

// ProductRef names the product version and segment a loan belongs to;
// the zero ProductRef is the Engine's own policies (WithPolicies).
type ProductRef = loan.ProductRef

// productName is what a product or segment name may be: kebab-case, as
// enum names are.
var productName = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate checks the product as a whole and reports every problem at
// once, in a *fault.Fields wrapping ErrInvalidProduct named by JSON path:
// the name, the ranges, the policies ("policies.ladder.stages[0]...") and
// each segment's policies after its patch ("segments.vip.servicing...").
func (p *Product) Validate() error {
	bad := &fault.Fields{Kind: ErrInvalidProduct}
	if !productName.MatchString(p.Name) || len(p.Name) > 100 {
		bad.AddValue("name", p.Name, "must be 1 to 100 lower-case letters, digits and hyphens")
	}
	if p.Version < 0 {
		bad.AddValue("version", p.Version, "must not be negative")
	}
	p.Terms.validate("terms", bad)
	bad.Merge("policies", p.Policies.Validate())
	for _, name := range slices.Sorted(maps.Keys(p.Segments)) {
		path := fault.Join("segments", name)
		if !productName.MatchString(name) || len(name) > 100 {
			bad.AddValue(path, name, "a segment's name must be 1 to 100 lower-case letters, digits and hyphens")
			continue
		}
		if _, err := p.segmentPolicies(name); err != nil && !bad.Merge(path, err) {
			bad.Add(path, err.Error())
		}
	}
	return bad.Err()
}

// validate adds every bad range to bad, under path.
func (t *TermRange) validate(path string, bad *fault.Fields) {
	at := func(name string) string { return fault.Join(path, name) }
	cur := t.MinAmount.Currency()
	if t.MaxAmount.Currency().IsZero() || !t.MaxAmount.IsPositive() {
		bad.AddValue(at("max_amount"), t.MaxAmount, "must be a positive amount with its currency")
	} else {
		cur = t.MaxAmount.Currency()
	}
	switch {
	case t.MinAmount.IsNegative():
		bad.AddValue(at("min_amount"), t.MinAmount, "must not be negative")
	case !t.MinAmount.IsZero() && t.MinAmount.Currency() != cur:
		bad.AddValue(at("min_amount"), t.MinAmount, "must be in the currency of max_amount")
	case !t.MinAmount.IsZero() && t.MaxAmount.IsPositive() && t.MaxAmount.Less(t.MinAmount):
		bad.AddValue(at("max_amount"), t.MaxAmount, "must not be below min_amount")
	}
	if t.MinTerm < 0 {
		bad.AddValue(at("min_term"), t.MinTerm, "must not be negative")
	}
	if t.MaxTerm < 0 || (t.MaxTerm > 0 && t.MaxTerm < t.MinTerm) {
		bad.AddValue(at("max_term"), t.MaxTerm, "must not be negative or below min_term")
	}
	for i, m := range t.Methods {
		if !m.Valid() || slices.Index(t.Methods, m) != i {
			bad.AddValue(fmt.Sprintf("%s[%d]", at("methods"), i), m, "must be a method, each named once")
		}
	}
	for i, f := range t.Frequencies {
		if !f.Valid() || slices.Index(t.Frequencies, f) != i {
			bad.AddValue(fmt.Sprintf("%s[%d]", at("frequencies"), i), f, "must be a frequency, each named once")
		}
	}
	if t.MinRate.IsNegative() {
		bad.AddValue(at("min_rate"), t.MinRate, "must not be negative")
	}
	if t.MaxRate.IsNegative() || (!t.MaxRate.IsZero() && t.MaxRate.Cmp(t.MinRate) < 0) {
		bad.AddValue(at("max_rate"), t.MaxRate, "must not be negative or below min_rate")
	}
	if !t.Rounding.Valid() {
		bad.AddValue(at("rounding"), t.Rounding, "must be a rounding mode")
	}
	if t.MaxGrace < 0 {
		bad.AddValue(at("max_grace"), t.MaxGrace, "must not be negative")
	}
}

// Check reports every way terms lie outside the ranges, in a
// *fault.Fields wrapping ErrOutsideProduct whose names are the terms'
// JSON fields under path ("terms.principal").
func (t *TermRange) Check(terms *schedule.Terms, path string) error {
	bad := &fault.Fields{Kind: ErrOutsideProduct}
	at := func(name string) string { return fault.Join(path, name) }
	p := terms.Principal
	switch {
	case p.Currency() != t.MaxAmount.Currency():
		bad.AddValue(at("principal"), p, fmt.Sprintf("must be in %s, the product's currency", t.MaxAmount.Currency().Code()))
	case p.Less(t.MinAmount) || t.MaxAmount.Less(p):
		bad.AddValue(at("principal"), p, fmt.Sprintf("must be between %s and %s", t.MinAmount, t.MaxAmount))
	}
	term, field := terms.Periods, "periods"
	if terms.Frequency == schedule.Days {
		term, field = terms.TermDays, "term_days"
	}
	if (t.MinTerm > 0 && term < t.MinTerm) || (t.MaxTerm > 0 && term > t.MaxTerm) {
		bad.AddValue(at(field), term, fmt.Sprintf("must be between %d and %d", t.MinTerm, t.MaxTerm))
	}
	if len(t.Methods) > 0 && !slices.Contains(t.Methods, terms.Method) {
		bad.AddValue(at("method"), terms.Method, fmt.Sprintf("must be one of %v", t.Methods))
	}
	if len(t.Frequencies) > 0 && !slices.Contains(t.Frequencies, terms.Frequency) {
		bad.AddValue(at("frequency"), terms.Frequency, fmt.Sprintf("must be one of %v", t.Frequencies))
	}
	if r := terms.AnnualRate; r.Cmp(t.MinRate) < 0 || (!t.MaxRate.IsZero() && r.Cmp(t.MaxRate) > 0) {
		bad.AddValue(at("annual_rate"), r, fmt.Sprintf("must be between %s and %s", t.MinRate, t.MaxRate))
	}
	if terms.DayCount != t.DayCount {
		bad.AddValue(at("day_count"), terms.DayCount, fmt.Sprintf("must be %s, the product's day count", t.DayCount))
	}
	if terms.Rounding != t.Rounding {
		bad.AddValue(at("rounding"), terms.Rounding, fmt.Sprintf("must be %s, the product's rounding", t.Rounding))
	}
	if g := terms.PrincipalGrace + terms.InterestGrace; g > t.MaxGrace {
		bad.AddValue(at("principal_grace"), g, fmt.Sprintf("principal and interest grace together must be at most %d periods", t.MaxGrace))
	}
	return bad.Err()
}

// Resolve returns the policies of a loan in segment ("" for none): the
// product's policies with the segment's patch applied and validated.
// Errors: a *fault.Fields wrapping ErrOutsideProduct naming "segment" when
// the product declares no such segment; one wrapping ErrInvalidProduct
// when the patched policies are invalid.
func (p *Product) Resolve(segment string) (Policies, error) {
	if segment == "" {
		return p.Policies, nil
	}
	if _, ok := p.Segments[segment]; !ok {
		return Policies{}, &fault.Fields{Kind: ErrOutsideProduct, List: []fault.Field{{Name: "segment", Value: segment,
			Problem: fmt.Sprintf("product %s version %d declares no such segment", p.Name, p.Version)}}}
	}
	return p.segmentPolicies(segment)
}

// segmentPolicies applies the segment's merge patch to the product's
// policies: the policies as JSON, patched, checked strictly against the
// Policies type (so a misspelt key in a patch is named), decoded and
// validated. Names in errors are JSON paths inside the policies.
func (p *Product) segmentPolicies(segment string) (Policies, error) {
	patch := p.Segments[segment]
	bad := &fault.Fields{Kind: ErrInvalidProduct}
	// Names are relative to the segment: "" is the segment itself.
	if err := syntaxCheck(patch); err != nil {
		bad.Add("", err.(*fault.Fields).List[0].Problem)
		return Policies{}, bad
	}
	if !bytes.HasPrefix(bytes.TrimSpace(patch), []byte("{")) {
		bad.Add("", "a segment is a JSON object: a merge patch over the product's policies")
		return Policies{}, bad
	}
	base, err := json.Marshal(p.Policies)
	if err != nil {
		return Policies{}, fmt.Errorf("%w: %w", ErrInvalidProduct, err)
	}
	merged := mergePatch(base, patch)
	strictCheck(merged, reflect.TypeFor[Policies](), "", bad)
	if err := bad.Err(); err != nil {
		return Policies{}, err
	}
	var out Policies
	if err := guardedUnmarshal(merged, &out); err != nil {
		bad.Add("", err.Error())
		return Policies{}, bad
	}
	if err := out.Validate(); err != nil {
		bad.Merge("", err)
		return Policies{}, bad
	}
	return out, nil
}

// mergePatch applies a JSON merge patch (RFC 7386, section 2) to target:
// an object patch sets its members one by one (null removes one, an
// object is merged into the member recursively); any other patch replaces
// the target. Both are well-formed JSON (checked before).
func mergePatch(target, patch json.RawMessage) json.RawMessage {
	var p map[string]json.RawMessage
	if json.Unmarshal(patch, &p) != nil || p == nil {
		return patch
	}
	var t map[string]json.RawMessage
	if json.Unmarshal(target, &t) != nil || t == nil {
		t = map[string]json.RawMessage{}
	}
	for k, v := range p {
		if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			delete(t, k)
			continue
		}
		t[k] = mergePatch(t[k], v)
	}
	out, _ := json.Marshal(t) // raw messages that decoded: cannot fail
	return out
}

// productFile is a product as a file spells it: the policies are decoded
// over the defaults (see LoadProducts).
type productFile struct {
	Name        string                     `json:"name"`
	Version     int                        `json:"version,omitempty"`
	Description string                     `json:"description,omitempty"`
	Terms       TermRange                  `json:"terms"`
	Policies    json.RawMessage            `json:"policies"`
	Segments    map[string]json.RawMessage `json:"segments,omitempty"`
}

// LoadProducts reads a product file: a JSON array of products. Each
// product's policies replace the defaults (DefaultPolicies) part by part,
// field by field, as LoadPolicies reads a policy file; its segments are
// merge patches over them.
//
// It is strict as LoadPolicies is: every unknown or repeated key, value
// of the wrong type and rule broken comes back at once, in a *fault.Fields
// wrapping ErrInvalidProduct whose names are JSON paths from the top of
// the file ("[1].policies.ladder.stages[0].from_dpd",
// "[0].segments.vip.servicing.penalty.rate"); two products of one name
// and version are refused too.
func LoadProducts(r io.Reader) ([]Product, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("lendcore: reading products: %w", err)
	}
	if err := syntaxCheck(src); err != nil {
		err.(*fault.Fields).Kind = ErrInvalidProduct
		return nil, err
	}
	bad := &fault.Fields{Kind: ErrInvalidProduct}
	strictCheck(src, reflect.TypeFor[[]productFile](), "", bad)
	var files []productFile
	if bad.Len() == 0 {
		if err := guardedUnmarshal(src, &files); err != nil {
			bad.Add(rootPath, err.Error())
		}
	}
	for i := range bad.List {
		if bad.List[i].Name == "" {
			bad.List[i].Name = rootPath
		}
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	out := make([]Product, len(files))
	for i, f := range files {
		path := fmt.Sprintf("[%d]", i)
		p := Product{Name: f.Name, Version: f.Version, Description: f.Description, Terms: f.Terms,
			Policies: DefaultPolicies(), Segments: f.Segments}
		if len(f.Policies) > 0 {
			n := bad.Len()
			strictCheck(f.Policies, reflect.TypeFor[Policies](), fault.Join(path, "policies"), bad)
			if bad.Len() > n {
				continue
			}
			if err := guardedUnmarshal(f.Policies, &p.Policies); err != nil {
				bad.Add(fault.Join(path, "policies"), err.Error())
				continue
			}
		}
		out[i] = p
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	if _, err := NewCatalogue(out...); err != nil {
		return nil, err
	}
	return out, nil
}

// Catalogue is a set of product versions, each valid, each name and
// version once: what an Engine starts with (WithCatalogue).
type Catalogue struct {
	products []Product // in the order given
}

// NewCatalogue validates the products as a whole: every bad field of every
// product, named "[i].field", in one *fault.Fields wrapping
// ErrInvalidProduct; a name and version given twice is refused. A product
// of version 0 is published as its name's next version.
func NewCatalogue(products ...Product) (*Catalogue, error) {
	bad := &fault.Fields{Kind: ErrInvalidProduct}
	type key struct {
		name    string
		version int
	}
	seen := map[key]bool{}
	for i := range products {
		path := fmt.Sprintf("[%d]", i)
		bad.Merge(path, products[i].Validate())
		k := key{products[i].Name, products[i].Version}
		if seen[k] && k.version != 0 {
			bad.AddValue(fault.Join(path, "version"), k.version, fmt.Sprintf("product %s has this version twice", k.name))
		}
		seen[k] = true
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	return &Catalogue{products: slices.Clone(products)}, nil
}

// Products returns the catalogue's products in the order given.
func (c *Catalogue) Products() []Product { return slices.Clone(c.products) }
