package lendcore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

// policySet is one resolved set of policies — the Engine's own, or a
// product version's in a segment — with what the daily close derives from
// them once instead of every day: the compiled classification, the days
// on which reminders go out, and the rule ids of each combination of
// triggered rules.
type policySet struct {
	Policies
	classifier     *classify.Classifier
	remindDue      map[int]bool
	remindMaturity map[int]bool

	rules struct {
		mu sync.RWMutex
		m  map[[2]uint64]string // triggered rule and warning bits → their ids, joined
	}
}

// newPolicySet compiles p; p must be valid.
func newPolicySet(p Policies) (*policySet, error) {
	c, err := p.Classification.Compile()
	if err != nil {
		return nil, err
	}
	s := &policySet{Policies: p, classifier: c}
	s.remindDue, s.remindMaturity = reminderDays(&p.Reminders)
	return s, nil
}

// WithCatalogue gives the Engine products besides its own policies (which
// serve applications that name no product). New publishes each product
// the store does not hold yet (see PublishProduct): a product of version
// 0 as its name's next version unless the latest is the same, a product
// with a version as exactly that version. Every replica of a host may
// start with the same catalogue.
func WithCatalogue(c *Catalogue) Option {
	return func(e *Engine) error {
		if c == nil {
			return fmt.Errorf("%w: nil catalogue", ErrInvalidOption)
		}
		e.catalogue = c.Products()
		return nil
	}
}

// PublishProduct stores p as its name's next version and returns it with
// the version assigned; a product whose content is the latest version's
// already is not published again (that version is returned). A p with a
// version states it: that version must be stored with the same content,
// or be the next. Loans keep the version they were approved under; new
// applications naming no version get the latest. Errors: a *fault.Fields
// wrapping ErrInvalidProduct; one naming "version" when the version is
// taken by other content or skips one.
func (e *Engine) PublishProduct(ctx context.Context, p Product) (Product, error) {
	if err := p.Validate(); err != nil {
		return Product{}, err
	}
	want := p.Version
	err := e.command(ctx, "publish product", func(tx storage.Tx) error {
		p.Version = want
		var latest int
		switch rec, err := tx.Products().Latest(ctx, p.Name); {
		case err == nil:
			latest = int(rec.Version)
			stored, err := e.decodeProduct(rec)
			if err != nil {
				return err
			}
			if want == 0 && sameProduct(&stored, &p) {
				p.Version = latest
				return nil
			}
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		if want != 0 && want <= latest {
			rec, err := tx.Products().Get(ctx, p.Name, int64(want))
			if err != nil {
				return err
			}
			stored, err := e.decodeProduct(rec)
			if err != nil {
				return err
			}
			if !sameProduct(&stored, &p) {
				return fault.Invalid(ErrInvalidProduct, "version",
					fmt.Sprintf("product %s version %d is published with other content: a change is a new version", p.Name, want))
			}
			return nil
		}
		if want != 0 && want != latest+1 {
			return fault.Invalid(ErrInvalidProduct, "version",
				fmt.Sprintf("product %s is at version %d: the next is %d", p.Name, latest, latest+1))
		}
		p.Version = latest + 1
		doc, err := json.Marshal(&p)
		if err != nil {
			return err
		}
		return tx.Products().Put(ctx, storage.Product{Name: p.Name, Version: int64(p.Version), Document: doc})
	})
	if err != nil {
		return Product{}, err
	}
	e.log.Info("product published", "product", p.Name, "version", p.Version)
	return p, nil
}

// sameProduct reports whether a and b are the same product but for the
// version.
func sameProduct(a, b *Product) bool {
	x, y := *a, *b
	x.Version, y.Version = 0, 0
	ja, errA := json.Marshal(&x)
	jb, errB := json.Marshal(&y)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// Product returns a published product version; version 0 is the latest.
// Errors: a *fault.Fields wrapping ErrOutsideProduct naming "product.name"
// or "product.version" when there is no such product or version.
func (e *Engine) Product(ctx context.Context, name string, version int) (Product, error) {
	p, err := e.product(ctx, e.store, name, version)
	if err != nil {
		return Product{}, err
	}
	return *p, nil
}

// productKey is a product version in the Engine's memo.
type productKey struct {
	name    string
	version int
}

// product reads a product version through the memo (versions never
// change once published); version 0 reads the latest from the store.
func (e *Engine) product(ctx context.Context, tx storage.Tx, name string, version int) (*Product, error) {
	if version > 0 {
		if p, ok := e.products.Load(productKey{name, version}); ok {
			return p.(*Product), nil
		}
	}
	var rec storage.Product
	var err error
	if version == 0 {
		rec, err = tx.Products().Latest(ctx, name)
	} else {
		rec, err = tx.Products().Get(ctx, name, int64(version))
	}
	if errors.Is(err, storage.ErrNotFound) {
		if _, lerr := tx.Products().Latest(ctx, name); version == 0 || errors.Is(lerr, storage.ErrNotFound) {
			return nil, &fault.Fields{Kind: ErrOutsideProduct, List: []fault.Field{{Name: "product.name", Value: name,
				Problem: "no such product is published"}}}
		}
		return nil, &fault.Fields{Kind: ErrOutsideProduct, List: []fault.Field{{Name: "product.version",
			Value: fmt.Sprint(version), Problem: fmt.Sprintf("product %s has no such version", name)}}}
	}
	if err != nil {
		return nil, err
	}
	p, err := e.decodeProduct(rec)
	if err != nil {
		return nil, err
	}
	got, _ := e.products.LoadOrStore(productKey{p.Name, p.Version}, &p)
	return got.(*Product), nil
}

// decodeProduct decodes and checks a stored product version: one that
// does not decode or validate is storage.ErrCorrupt.
func (e *Engine) decodeProduct(rec storage.Product) (Product, error) {
	var p Product
	if err := guardedUnmarshal(rec.Document, &p); err != nil {
		return Product{}, fmt.Errorf("%w: product %s version %d: %v", storage.ErrCorrupt, rec.Name, rec.Version, err)
	}
	if err := p.Validate(); err != nil || p.Name != rec.Name || int64(p.Version) != rec.Version {
		return Product{}, fmt.Errorf("%w: product %s version %d: %v", storage.ErrCorrupt, rec.Name, rec.Version, err)
	}
	return p, nil
}

// policiesOf returns the policies of a loan of product version and
// segment ref: the Engine's own for the zero ref; a product version not
// yet resolved is read through tx (the command's unit of work, or the
// store). It is the one lookup
// every command and the daily close make for a loan's policies; a
// resolved set is kept for the Engine's life (a published version never
// changes), so the close pays a map lookup per loan, not a resolution.
func (e *Engine) policiesOf(ctx context.Context, tx storage.Tx, ref ProductRef) (*policySet, error) {
	if ref.IsZero() {
		return e.base, nil
	}
	if s, ok := e.sets.Load(ref); ok {
		return s.(*policySet), nil
	}
	p, err := e.product(ctx, tx, ref.Name, ref.Version)
	if err != nil {
		return nil, err
	}
	pol, err := p.Resolve(ref.Segment)
	if err != nil {
		return nil, err
	}
	s, err := newPolicySet(pol)
	if err != nil {
		return nil, err
	}
	got, _ := e.sets.LoadOrStore(ref, s)
	return got.(*policySet), nil
}

// checkProduct checks an application's product against the store: the
// product and version exist (the latest when no version is named, which
// it returns fixed), the segment is declared, and the terms lie in the
// product's ranges. Every bad field comes back in one *fault.Fields
// wrapping ErrOutsideProduct.
func (e *Engine) checkProduct(ctx context.Context, r *loan.Request) (ProductRef, error) {
	ref := r.Product
	if ref.Name == "" {
		return ref, fault.Invalid(ErrOutsideProduct, "product.name", "is missing: a version or segment names no product")
	}
	if ref.Version < 0 {
		return ref, &fault.Fields{Kind: ErrOutsideProduct, List: []fault.Field{{Name: "product.version",
			Value: fmt.Sprint(ref.Version), Problem: "must not be negative (0 is the latest)"}}}
	}
	p, err := e.product(ctx, e.store, ref.Name, ref.Version)
	if err != nil {
		return ref, err
	}
	ref.Version = p.Version
	bad := &fault.Fields{Kind: ErrOutsideProduct}
	if _, ok := p.Segments[ref.Segment]; ref.Segment != "" && !ok {
		bad.AddValue("product.segment", ref.Segment, fmt.Sprintf("product %s version %d declares no such segment", p.Name, p.Version))
	}
	bad.Merge("", p.Terms.Check(&r.Terms, "terms"))
	return ref, bad.Err()
}

// publishCatalogue publishes the products WithCatalogue gave New.
func (e *Engine) publishCatalogue(ctx context.Context) error {
	for i, p := range e.catalogue {
		if _, err := e.PublishProduct(ctx, p); err != nil {
			bad := &fault.Fields{Kind: ErrInvalidProduct}
			if bad.Merge(fmt.Sprintf("[%d]", i), err) {
				return bad
			}
			return err
		}
	}
	return nil
}
