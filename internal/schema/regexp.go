package schema

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// JSON Schema patterns are ECMA-262 regular expressions; Go's regexp lacks
// a few of their escapes. translateRegexp rewrites those into Go syntax;
// what Go still cannot compile (lookaround, backreferences) makes only the
// "pattern" keyword that holds it unusable: it matches everything, and the
// schema reports it in Unusable.

// maxPatterns bounds the process-wide cache of compiled patterns.
const maxPatterns = 4096

// patterns caches compiled patterns by their ECMA-262 source, shared by
// every schema. When full it is emptied: patterns are cheap to compile
// again, and the schemas holding them keep theirs.
var patterns = struct {
	sync.Mutex
	m map[string]patternResult
}{m: map[string]patternResult{}}

type patternResult struct {
	re  *regexp.Regexp
	err error
}

// compilePattern translates and compiles an ECMA-262 pattern, cached.
func compilePattern(src string) (*regexp.Regexp, error) {
	patterns.Lock()
	r, ok := patterns.m[src]
	patterns.Unlock()
	if ok {
		return r.re, r.err
	}
	goSrc, err := translateRegexp(src)
	if err == nil {
		r.re, err = regexp.Compile(goSrc)
	}
	if err != nil {
		r.err = fmt.Errorf("pattern %q: %w", src, err)
	}
	patterns.Lock()
	if len(patterns.m) >= maxPatterns {
		clear(patterns.m)
	}
	patterns.m[src] = r
	patterns.Unlock()
	return r.re, r.err
}

// translateRegexp rewrites the ECMA-262 escapes Go's regexp lacks:
// \uXXXX (a surrogate pair becomes one code point), \u{X...}, \cX and
// \/. Everything else is kept as is.
func translateRegexp(src string) (string, error) {
	if !strings.Contains(src, `\`) {
		return src, nil
	}
	var b strings.Builder
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c != '\\' || i+1 >= len(src) {
			b.WriteByte(c)
			continue
		}
		next := src[i+1]
		switch {
		case next == 'u' && i+2 < len(src) && src[i+2] == '{':
			end := strings.IndexByte(src[i+3:], '}')
			if end < 0 || !isHex(src[i+3:i+3+end]) {
				return "", fmt.Errorf("invalid \\u{...} escape at offset %d", i)
			}
			fmt.Fprintf(&b, `\x{%s}`, src[i+3:i+3+end])
			i += 3 + end
		case next == 'u':
			r, n, err := unicodeEscape(src[i:])
			if err != nil {
				return "", fmt.Errorf("%w at offset %d", err, i)
			}
			fmt.Fprintf(&b, `\x{%X}`, r)
			i += n - 1
		case next == 'c' && i+2 < len(src) && isLetter(src[i+2]):
			fmt.Fprintf(&b, `\x{%X}`, src[i+2]%32)
			i += 2
		case next == '/':
			b.WriteByte('/')
			i++
		default:
			b.WriteByte(c)
			b.WriteByte(next)
			i++
		}
	}
	return b.String(), nil
}

// unicodeEscape decodes \uXXXX at the start of s, joining a surrogate
// pair written as two escapes, and returns the code point and the bytes
// read.
func unicodeEscape(s string) (rune, int, error) {
	hi, ok := hex4(s)
	if !ok {
		return 0, 0, fmt.Errorf("invalid \\u escape")
	}
	if hi >= 0xD800 && hi < 0xDC00 {
		if lo, ok := hex4(s[6:]); ok && lo >= 0xDC00 && lo < 0xE000 {
			return (hi-0xD800)<<10 + (lo - 0xDC00) + 0x10000, 12, nil
		}
	}
	if hi >= 0xD800 && hi < 0xE000 {
		return 0, 0, fmt.Errorf("lone surrogate \\u%04X", hi)
	}
	return hi, 6, nil
}

// hex4 reads \uXXXX at the start of s.
func hex4(s string) (rune, bool) {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' || !isHex(s[2:6]) {
		return 0, false
	}
	v, err := strconv.ParseUint(s[2:6], 16, 32)
	return rune(v), err == nil
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// unusablePattern stands for a pattern Go cannot compile: it asserts
// nothing.
type unusablePattern struct{ src string }

func (u unusablePattern) String() string          { return u.src }
func (u unusablePattern) MatchString(string) bool { return true }

// regexpEngine is the engine of one compilation: it records the patterns
// that could not be compiled.
type regexpEngine struct {
	mu       sync.Mutex
	unusable []error
}

func (e *regexpEngine) compile(src string) (jsonschema.Regexp, error) {
	re, err := compilePattern(src)
	if err == nil {
		return re, nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, old := range e.unusable {
		if old.Error() == err.Error() {
			return unusablePattern{src}, nil
		}
	}
	e.unusable = append(e.unusable, err)
	return unusablePattern{src}, nil
}

// badPatternKey reports, for a decoded schema document, a patternProperties
// key that cannot be compiled: such a key cannot be made harmless (matching
// every property or none would both be wrong), so the schema is refused.
func badPatternKey(doc any) error {
	switch v := doc.(type) {
	case map[string]any:
		if pp, ok := v["patternProperties"].(map[string]any); ok {
			for key := range pp {
				if _, err := compilePattern(key); err != nil {
					return fmt.Errorf("patternProperties: %w", err)
				}
			}
		}
		for _, child := range v {
			if err := badPatternKey(child); err != nil {
				return err
			}
		}
	case []any:
		for _, child := range v {
			if err := badPatternKey(child); err != nil {
				return err
			}
		}
	}
	return nil
}
