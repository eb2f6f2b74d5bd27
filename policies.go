package lendcore

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/line"
	"github.com/lendcore/lendcore/loan"
)

// ErrInvalidPolicies is the kind of every error LoadPolicies and
// Policies.Validate return: a *fault.Fields naming each bad field by its
// JSON path ("servicing.penalty.rate", "ladder.stages[2].from_dpd").
var ErrInvalidPolicies = fault.New(fault.CodeInvalid, "lendcore: invalid policies")

// Policies are every rule the Engine applies, as data: each part is the
// owning package's policy value, validated and round-trippable as JSON.
// LoadPolicies reads them from a file strictly.
//
// # Which policies a loan keeps
//
// Two parts are fixed when a loan is disbursed, because they are part of
// its contract and its journal is folded with them from the first day:
//
//   - Servicing (allocation waterfall, penalty interest, late fees,
//     prepayment, chart of accounts, the servicing conventions) is stored
//     with the loan. An Engine started with other servicing policies applies
//     them to the loans it disburses from then on; loans already disbursed
//     keep theirs, so that their past numbers never change.
//   - Investors (the investor book's distribution and servicing fee) is
//     stored with a P2P loan's investor book when it is opened.
//
// Every other part — approval, classification, provisioning, inspection,
// the collection ladder, reminders, contact rules, the limitation period,
// collateral and the reserve — is read by each command and each daily
// close, so a changed file reaches every loan, existing ones included, from
// the next close on (grades and collection stages already reached are kept
// and move on from there under the new rules).
//
// To change the contract of an existing loan, post a Restructure entry
// (new rate, method or periods, with an approver): it changes the loan from
// its value date and leaves its history as it was. A servicing policy of an
// existing loan cannot be replaced in place; a lender that must do so (a
// migration between systems) brings the loan in again with ImportLoan under
// the new policy, its journal up to a cut-over date.
type Policies struct {
	Servicing      loan.Policy               `json:"servicing"`
	Approval       loan.ApprovalPolicy       `json:"approval"`
	Classification classify.Policy           `json:"classification"`
	Provision      classify.GradeProvision   `json:"provision"`
	Inspection     classify.InspectionPolicy `json:"inspection"`
	Ladder         collect.Ladder            `json:"ladder"`
	Reminders      collect.ReminderPolicy    `json:"reminders"`
	Contact        collect.ContactPolicy     `json:"contact"`
	Limitation     collect.LimitationPolicy  `json:"limitation"`
	Investors      invest.BookPolicy         `json:"investors"`
	// Collateral is the collateral register's policy: haircuts,
	// revaluation, loan-to-value thresholds, custody, guarantees.
	Collateral collateral.Policy `json:"collateral"`
	// Reserve is the platform's risk reserve (风险准备金) and compensation
	// (代偿) policy; nil runs no reserve.
	Reserve *invest.ReservePolicy `json:"reserve,omitempty"`
	// Lines is the credit lines' policy: who approves limit changes, what
	// a decrease below the outstanding does, and the warning rules the
	// daily close applies to each line.
	Lines line.Policy `json:"lines"`
	// Posting is what the Engine accepts of the dates on journal entries.
	Posting PostingPolicy `json:"posting"`
}

// PostingPolicy says how far ahead of the Engine's clock a journal entry
// may be value-dated.
type PostingPolicy struct {
	// FutureDays is how many days after today (by the Engine's clock, in
	// the time zone where the date is latest) an entry's value date may
	// be. The default 0 refuses any entry dated after today: a payment
	// dated next year is a typing mistake, and accepting it would show the
	// loan paid ahead before the money arrived. A host whose bank feed
	// value-dates receipts ahead of the day it delivers them (next-business-
	// day value dating over a weekend, say) states the days it allows.
	FutureDays int `json:"future_days"`
}

// Validate reports a bad field in a *fault.Fields.
func (p PostingPolicy) Validate() error {
	bad := &fault.Fields{Kind: ErrInvalidPolicies}
	if p.FutureDays < 0 || p.FutureDays > 31 {
		bad.AddValue("future_days", p.FutureDays, "must be between 0 and 31 days")
	}
	return bad.Err()
}

// DefaultPolicies returns each package's documented defaults: the loan
// package's servicing and approval defaults, the China 2023 classification
// preset with IFRS 9 staging, the legacy China provisioning grid, and the
// collect package's default ladder, reminders, contact rules and limitation
// period; no entry may be value-dated after today.
func DefaultPolicies() Policies {
	return Policies{
		Servicing:      loan.DefaultPolicy(),
		Approval:       loan.DefaultApprovalPolicy(),
		Classification: classify.China2023(),
		Provision:      classify.LegacyChinaProvision(),
		Inspection:     classify.DefaultInspection(),
		Ladder:         collect.DefaultLadder(),
		Reminders:      collect.DefaultReminderPolicy(),
		Contact:        collect.DefaultContactPolicy(),
		Limitation:     collect.DefaultLimitationPolicy(),
		Investors:      invest.DefaultBookPolicy(),
		Collateral:     collateral.DefaultPolicy(),
		Lines:          line.DefaultPolicy(),
	}
}

// Validate checks every part and reports all problems together, in one
// *fault.Fields wrapping ErrInvalidPolicies whose names are JSON paths
// from the top of a policy file ("ladder.stages[0].from_dpd").
func (p Policies) Validate() error {
	bad := &fault.Fields{Kind: ErrInvalidPolicies}
	check := func(part string, err error) {
		if err != nil && !bad.Merge(part, err) {
			bad.Add(part, err.Error())
		}
	}
	check("servicing", p.Servicing.Validate())
	check("approval", p.Approval.Validate())
	check("classification", p.Classification.Validate())
	check("provision", p.Provision.Validate())
	check("inspection", p.Inspection.Validate())
	check("ladder", p.Ladder.Validate())
	check("reminders", p.Reminders.Validate())
	check("contact", p.Contact.Validate())
	check("limitation", p.Limitation.Validate())
	check("investors", p.Investors.Validate())
	check("collateral", p.Collateral.Validate())
	check("lines", p.Lines.Validate())
	if p.Reserve != nil {
		check("reserve", p.Reserve.Validate())
	}
	check("posting", p.Posting.Validate())
	if bad.Len() == 0 {
		if _, err := p.Classification.Compile(); err != nil {
			check("classification", err)
		}
	}
	return bad.Err()
}

// LoadPolicies reads a policy file: a JSON object whose parts replace the
// defaults (DefaultPolicies) part by part, field by field — a file that
// says only {"posting": {"future_days": 3}} keeps every other default.
//
// It is strict, so that a mistake never leaves a default silently in
// force. Every problem comes back at once, in a *fault.Fields wrapping
// ErrInvalidPolicies whose field names are JSON paths:
//
//   - a field that Policies does not have (a misspelt key) is "unknown
//     field", with the right spelling when only the case differs;
//   - a key given twice in one object is "given twice" (encoding/json
//     would silently keep the last);
//   - a value of the wrong type says what was wanted;
//   - an unknown enum name lists the names allowed;
//   - then every rule of Validate.
//
// A file that is not JSON is one error, on the field "$" (the whole
// document), naming the line and column.
func LoadPolicies(r io.Reader) (Policies, error) {
	p := DefaultPolicies()
	src, err := io.ReadAll(r)
	if err != nil {
		return p, fmt.Errorf("lendcore: reading policies: %w", err)
	}
	if err := syntaxCheck(src); err != nil {
		return p, err
	}
	bad := &fault.Fields{Kind: ErrInvalidPolicies}
	strictCheck(src, reflect.TypeFor[Policies](), "", bad)
	for i := range bad.List {
		if bad.List[i].Name == "" {
			bad.List[i].Name = rootPath
		}
	}
	if err := bad.Err(); err != nil {
		return DefaultPolicies(), err
	}
	if err := guardedUnmarshal(src, &p); err != nil { // the checks above found nothing it could refuse
		bad.Add(rootPath, err.Error())
		return DefaultPolicies(), bad
	}
	if err := p.Validate(); err != nil {
		return DefaultPolicies(), err
	}
	return p, nil
}

// rootPath names the whole document in an error about it (a syntax error,
// a document that is not an object), as JSONPath does.
const rootPath = "$"

// syntaxCheck reports a document that is not one JSON value, with the line
// and column of the first mistake.
func syntaxCheck(src []byte) error {
	dec := json.NewDecoder(bytes.NewReader(src))
	var v json.RawMessage
	err := dec.Decode(&v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			off := dec.InputOffset()
			line, col := lineCol(src, off)
			return &fault.Fields{Kind: ErrInvalidPolicies, List: []fault.Field{{Name: rootPath,
				Problem: fmt.Sprintf("line %d, column %d: more than one JSON value", line, col)}}}
		}
		return nil
	}
	off := int64(len(src))
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		off = syn.Offset
	}
	line, col := lineCol(src, off)
	msg := err.Error()
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "unexpected end of the file"
	}
	return &fault.Fields{Kind: ErrInvalidPolicies, List: []fault.Field{{Name: rootPath,
		Problem: fmt.Sprintf("line %d, column %d: %s", line, col, strings.TrimPrefix(msg, "json: "))}}}
}

// lineCol returns the 1-based line and column (in bytes) of offset off in
// src; a syntax error's offset is just past the byte that was refused.
func lineCol(src []byte, off int64) (line, col int) {
	off = min(max(off, 1), int64(len(src)))
	before := src[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, max(col, 1)
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// strictCheck walks the JSON value src beside the Go type t it will be
// decoded into, and adds to bad every key t has no field for and every
// value t refuses, named by its JSON path. A value of a type with its own
// decoding (an enum, an amount, a date) is decoded alone, so its error is
// reported at its path.
func strictCheck(src json.RawMessage, t reflect.Type, path string, bad *fault.Fields) {
	if bytes.Equal(bytes.TrimSpace(src), []byte("null")) {
		return
	}
	if t.Kind() != reflect.Pointer && (reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler)) {
		// A type with its own decoding: an enum, an amount, a date is a
		// leaf; a struct that decodes itself through its own fields (to
		// guard a date parser, say) is walked too, and decoded whole only
		// when its fields are sound, so a problem is reported once.
		if t.Kind() == reflect.Struct && len(jsonFields(t)) > 0 && bytes.HasPrefix(bytes.TrimSpace(src), []byte("{")) {
			n := bad.Len()
			strictStruct(src, t, path, bad)
			if bad.Len() > n {
				return
			}
		}
		leafCheck(src, t, path, bad)
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		strictCheck(src, t.Elem(), path, bad)
	case reflect.Struct:
		strictStruct(src, t, path, bad)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			leafCheck(src, t, path, bad)
			return
		}
		var arr []json.RawMessage
		if json.Unmarshal(src, &arr) != nil {
			bad.Add(path, "want an array")
			return
		}
		if t.Kind() == reflect.Array && len(arr) > t.Len() {
			bad.Addf(path, "at most %d items", t.Len())
		}
		for i, x := range arr {
			strictCheck(x, t.Elem(), fmt.Sprintf("%s[%d]", path, i), bad)
		}
	case reflect.Map:
		obj, ok := object(src, path, bad)
		if !ok {
			return
		}
		for _, k := range sortedKeys(obj) {
			if kt := t.Key(); reflect.PointerTo(kt).Implements(textUnmarshaler) {
				// A key that names an enum value ("m1", "special-mention").
				if err := reflect.New(kt).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(k)); err != nil {
					bad.AddValue(fault.Join(path, k), k, problemOf(err))
					continue
				}
			}
			strictCheck(obj[k], t.Elem(), fault.Join(path, k), bad)
		}
	default:
		leafCheck(src, t, path, bad)
	}
}

// strictStruct checks a JSON object against struct type t: each key must
// name a field, and each value must suit its field.
func strictStruct(src json.RawMessage, t reflect.Type, path string, bad *fault.Fields) {
	obj, ok := object(src, path, bad)
	if !ok {
		return
	}
	fields := jsonFields(t)
	for _, k := range sortedKeys(obj) {
		f, ok := fields[k]
		if !ok {
			problem := "unknown field"
			for name := range fields {
				if strings.EqualFold(name, k) {
					problem = fmt.Sprintf("unknown field; did you mean %q?", name)
				}
			}
			bad.Add(fault.Join(path, k), problem)
			continue
		}
		strictCheck(obj[k], f, fault.Join(path, k), bad)
	}
}

// object returns the members of the JSON object src, adding to bad a
// value that is not an object, and each key given twice: encoding/json
// would keep the last and drop the first without a word.
func object(src json.RawMessage, path string, bad *fault.Fields) (map[string]json.RawMessage, bool) {
	dec := json.NewDecoder(bytes.NewReader(src))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		bad.Add(path, "want an object")
		return nil, false
	}
	obj := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		key, isKey := tok.(string)
		var v json.RawMessage
		if err != nil || !isKey || dec.Decode(&v) != nil {
			bad.Add(path, "want an object") // syntaxCheck has passed: not reached
			return nil, false
		}
		if _, twice := obj[key]; twice {
			bad.Add(fault.Join(path, key), "given twice")
		}
		obj[key] = v
	}
	return obj, true
}

// sortedKeys returns an object's keys in order, so errors come back in
// the same order every time.
func sortedKeys(obj map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// leafCheck decodes src into a new value of type t and adds its error, if
// any, at path.
func leafCheck(src json.RawMessage, t reflect.Type, path string, bad *fault.Fields) {
	if err := guardedUnmarshal(src, reflect.New(t).Interface()); err != nil {
		bad.AddValue(path, strings.Trim(string(bytes.TrimSpace(src)), `"`), problemOf(err))
	}
}

// problemOf says what a decoding error means for the field it is about.
func problemOf(err error) string {
	var fields *fault.Fields
	if errors.As(err, &fields) && fields.Len() > 0 {
		return fields.List[0].Problem // an enum's: names the values allowed
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Sprintf("want %s, not %s", kindName(typ.Type), typ.Value)
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.HasPrefix(msg, "json: ") {
		msg = msg[i+2:]
	}
	return strings.TrimPrefix(msg, "json: ")
}

// kindName names a Go type for someone writing JSON.
func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number not below 0"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

// jsonFields returns the JSON names of t's fields and their types, as
// encoding/json sees them: exported fields under their tag's name,
// embedded structs without a tag flattened into t.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		var embedded []reflect.Type // after t's own fields, which take precedence
		defer func() {
			for _, et := range embedded {
				walk(et)
			}
		}()
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				et := ft
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					embedded = append(embedded, et)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, taken := out[name]; !taken {
				out[name] = ft
			}
		}
	}
	walk(t)
	return out
}
