package storage

// validJSON reports whether b is one JSON value (RFC 8259) with optional
// white space around it: what encoding/json.Valid reports, including its
// nesting limit, but several times faster. Every state document and outbox
// payload is checked on its way into a store, so the generic scanner's
// per-byte indirect calls were a visible part of the daily close.
//
// Like json.Valid it checks structure only: string contents are not
// checked for valid UTF-8 (checkJSON does that separately).
func validJSON(b []byte) bool {
	s := jsonScan{b: b}
	s.space()
	if !s.value() {
		return false
	}
	s.space()
	return s.i == len(b)
}

// maxJSONDepth is encoding/json's nesting limit: deeper documents are
// invalid there, so they are here.
const maxJSONDepth = 10000

type jsonScan struct {
	b     []byte
	i     int
	depth int
}

func (s *jsonScan) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next returns the byte at the cursor, or 0 at the end (0 is never valid
// where next is used, so the end needs no test of its own).
func (s *jsonScan) next() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *jsonScan) value() bool {
	switch c := s.next(); {
	case c == '{':
		return s.object()
	case c == '[':
		return s.array()
	case c == '"':
		return s.string()
	case c == '-' || '0' <= c && c <= '9':
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return false
}

func (s *jsonScan) enter() bool {
	s.i++
	s.depth++
	return s.depth <= maxJSONDepth
}

func (s *jsonScan) object() bool { return s.container('}', s.member) }

func (s *jsonScan) array() bool { return s.container(']', s.value) }

// container scans an object or array whose opening bracket is at the
// cursor: elements scanned by elem, separated by commas, closed by end.
func (s *jsonScan) container(end byte, elem func() bool) bool {
	if !s.enter() {
		return false
	}
	s.space()
	if s.next() == end {
		s.i++
		s.depth--
		return true
	}
	for {
		if !elem() {
			return false
		}
		s.space()
		switch s.next() {
		case ',':
			s.i++
			s.space()
		case end:
			s.i++
			s.depth--
			return true
		default:
			return false
		}
	}
}

// member scans an object's "name": value.
func (s *jsonScan) member() bool {
	if s.next() != '"' || !s.string() {
		return false
	}
	s.space()
	if s.next() != ':' {
		return false
	}
	s.i++
	s.space()
	return s.value()
}

// string scans a string whose opening quote is at the cursor.
func (s *jsonScan) string() bool {
	s.i++
	for s.i < len(s.b) {
		c := s.b[s.i]
		s.i++
		switch {
		case c == '"':
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if s.i >= len(s.b) {
				return false
			}
			e := s.b[s.i]
			s.i++
			switch e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if s.i+4 > len(s.b) {
					return false
				}
				for _, h := range s.b[s.i : s.i+4] {
					if !isHex(h) {
						return false
					}
				}
				s.i += 4
			default:
				return false
			}
		}
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *jsonScan) number() bool {
	if s.next() == '-' {
		s.i++
	}
	switch c := s.next(); {
	case c == '0':
		s.i++
	case '1' <= c && c <= '9':
		s.digits()
	default:
		return false
	}
	if s.next() == '.' {
		s.i++
		if !s.digits() {
			return false
		}
	}
	if c := s.next(); c == 'e' || c == 'E' {
		s.i++
		if c := s.next(); c == '+' || c == '-' {
			s.i++
		}
		if !s.digits() {
			return false
		}
	}
	return true
}

// digits scans one or more decimal digits, reporting whether there was one.
func (s *jsonScan) digits() bool {
	start := s.i
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

func (s *jsonScan) literal(word string) bool {
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		return false
	}
	s.i += len(word)
	return true
}
