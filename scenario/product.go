package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
)

// productSpec is the file's "product": the lender's product the loan is
// sold as, from a product file or embedded, and the borrower's segment.
type productSpec struct {
	// File is a product file (lendcore.LoadProducts), relative to the
	// scenario file; Name picks the product in it.
	File string `json:"file"`
	Name string `json:"name"`
	// Embed is the product itself, as one element of a product file.
	Embed json.RawMessage `json:"embed"`
	// Segment is the borrower's segment in the product ("" for none).
	Segment string `json:"segment"`
}

// decodeProduct reads the "product" part: the product, its segment's
// policies resolved, and the scenario's servicing policy and policies
// taken from them. The runner approves as its own officer, so the
// product's approval (and any segment's) is replaced by the scenario's.
// The terms must lie in the product's ranges. Every bad field is added to
// bad; dir is the scenario file's directory.
func (sc *Scenario) decodeProduct(bad *fault.Fields, raw *file, dir string) {
	var spec productSpec
	if err := decodeStrict(*raw.Product, &spec); err != nil {
		bad.Add("product", err.Error())
		return
	}
	for name, given := range map[string]bool{"policy": raw.Policy != nil, "policies": raw.Policies != nil} {
		if given {
			bad.Add(name, "not with a product: the product's policies apply")
		}
	}
	var (
		list []lendcore.Product
		err  error
		from string
	)
	switch {
	case (spec.File == "") == (len(spec.Embed) == 0):
		bad.Add("product", "give either file (with name) or embed")
		return
	case spec.File != "":
		from = "product.file"
		var b []byte
		if b, err = os.ReadFile(filepath.Join(dir, spec.File)); err != nil {
			bad.Add(from, err.Error())
			return
		}
		list, err = lendcore.LoadProducts(bytes.NewReader(b))
	default:
		from = "product.embed"
		list, err = lendcore.LoadProducts(bytes.NewReader(append(append([]byte("["), spec.Embed...), ']')))
	}
	if err != nil {
		addUnder(bad, from, err, spec.File == "")
		return
	}
	p := &list[0]
	if spec.File != "" {
		p = nil
		for i := range list {
			if list[i].Name == spec.Name {
				p = &list[i]
			}
		}
		if p == nil {
			bad.Add("product.name", fmt.Sprintf("no product %q in %s", spec.Name, spec.File))
			return
		}
	}
	p.Policies.Approval = scenarioApproval(sc.Terms.Principal)
	for name, patch := range p.Segments {
		var parts map[string]json.RawMessage
		if json.Unmarshal(patch, &parts) == nil {
			delete(parts, "approval")
			p.Segments[name], _ = json.Marshal(parts)
		}
	}
	pol, err := p.Resolve(spec.Segment)
	if err != nil {
		addUnder(bad, "product", err, false)
		return
	}
	if err := p.Terms.Check(&sc.Terms, "terms"); err != nil {
		bad.Merge("", err)
	}
	sc.Product, sc.Segment = p, spec.Segment
	sc.Servicing, sc.Policies = pol.Servicing, pol
}

// addUnder adds the bad fields of err under prefix; one, the first of a
// one-product file, loses its "[0]".
func addUnder(bad *fault.Fields, prefix string, err error, single bool) {
	var f *fault.Fields
	if !errors.As(err, &f) {
		bad.Add(prefix, err.Error())
		return
	}
	for _, x := range f.List {
		if single {
			x.Name = strings.TrimPrefix(x.Name, "[0]")
			x.Name = strings.TrimPrefix(x.Name, ".")
		}
		x.Name = fault.Join(prefix, x.Name)
		bad.List = append(bad.List, x)
	}
}

// productRef is the reference the scenario's application names: the
// product (its version the latest, published by the runner) and segment.
func (sc *Scenario) productRef() loan.ProductRef {
	if sc.Product == nil {
		return loan.ProductRef{}
	}
	return loan.ProductRef{Name: sc.Product.Name, Segment: sc.Segment}
}
