package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

// errSyntax reports input the redactor cannot follow. RedactJSON validates
// first, so it means a bug, and the caller fails closed.
var errSyntax = errors.New("console: unexpected JSON syntax")

// jsonRedactor copies a valid JSON document from in to out, compacted,
// rewriting only what must be masked. Most of a message has nothing to
// mask, and is copied byte for byte: no decoding, no allocation.
type jsonRedactor struct {
	in      []byte
	pos     int
	out     []byte
	secrets []string // known secret values, from a Masker, longest first
	// lastStart is where the value of the last member began in out.
	lastStart int
}

func (r *jsonRedactor) skipSpace() {
	for r.pos < len(r.in) {
		switch r.in[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

func (r *jsonRedactor) peek() byte {
	r.skipSpace()
	if r.pos >= len(r.in) {
		return 0
	}
	return r.in[r.pos]
}

func (r *jsonRedactor) value() error {
	switch r.peek() {
	case '{':
		return r.object()
	case '[':
		return r.array()
	case '"':
		return r.str()
	case 0:
		return errSyntax
	}
	return r.scalar()
}

func (r *jsonRedactor) array() error {
	r.pos++
	r.out = append(r.out, '[')
	if r.peek() == ']' {
		r.pos++
		r.out = append(r.out, ']')
		return nil
	}
	for {
		if err := r.value(); err != nil {
			return err
		}
		c := r.peek()
		r.pos++
		r.out = append(r.out, c)
		switch c {
		case ',':
		case ']':
			return nil
		default:
			return errSyntax
		}
	}
}

// span is a member value already copied to out, to mask once the whole
// object has been seen.
type span struct {
	start, end int
	kind       keyKind
}

func (r *jsonRedactor) object() error {
	r.pos++
	r.out = append(r.out, '{')
	if r.peek() == '}' {
		r.pos++
		r.out = append(r.out, '}')
		return nil
	}
	var tokenRequest, pairSecret bool
	var deferred []span
	for {
		kind, err := r.member(&pairSecret)
		if err != nil {
			return err
		}
		tokenRequest = tokenRequest || kind == keyTokenRequest || kind == keySecretTokenRequest
		if kind == keyCode || kind == keyValue {
			deferred = append(deferred, span{r.lastStart, len(r.out), kind})
		}
		c := r.peek()
		r.pos++
		r.out = append(r.out, c)
		switch c {
		case ',':
		case '}':
			r.maskDeferred(deferred, tokenRequest, pairSecret)
			return nil
		default:
			return errSyntax
		}
	}
}

// maskDeferred masks "code" in a token request and "value" beside a secret
// "name", last first so that earlier offsets stay right.
func (r *jsonRedactor) maskDeferred(deferred []span, tokenRequest, pairSecret bool) {
	for i := len(deferred) - 1; i >= 0; i-- {
		sp := deferred[i]
		if (sp.kind == keyCode && !tokenRequest) || (sp.kind == keyValue && !pairSecret) {
			continue
		}
		if v := r.out[sp.start:sp.end]; string(v) == "null" || string(v) == `""` {
			continue
		}
		tail := append([]byte(nil), r.out[sp.end:]...)
		r.out = append(append(r.out[:sp.start], quotedMask...), tail...)
	}
}

// member copies one "key": value pair and returns what kind of key it was.
// It sets *pairSecret when the member is "name" with a secret name as value.
func (r *jsonRedactor) member(pairSecret *bool) (keyKind, error) {
	if r.peek() != '"' {
		return keyOther, errSyntax
	}
	raw, escaped, err := r.readString()
	if err != nil {
		return keyOther, err
	}
	key := decodeString(raw, escaped)
	if r.hasSecret(key) {
		r.out = append(r.out, quote(RedactString(key, r.secrets...))...)
	} else {
		r.out = append(r.out, raw...)
	}
	if r.peek() != ':' {
		return keyOther, errSyntax
	}
	r.pos++
	r.out = append(r.out, ':')
	kind := classifyKey(key)
	if kind == keySecret || kind == keySecretTokenRequest {
		return kind, r.maskValue()
	}
	if kind == keyName && r.peek() == '"' {
		save := r.pos
		if raw, escaped, err := r.readString(); err == nil {
			name := decodeString(raw, escaped)
			*pairSecret = *pairSecret || IsSecretKey(name) || IsSecretHeader(name)
		}
		r.pos = save
	}
	r.lastStart = len(r.out)
	return kind, r.value()
}

// maskValue replaces the next value by Mask, unless it reveals nothing
// (null or "").
func (r *jsonRedactor) maskValue() error {
	r.skipSpace()
	start := r.pos
	if err := r.skipValue(); err != nil {
		return err
	}
	if v := r.in[start:r.pos]; string(v) == "null" || string(v) == `""` {
		r.out = append(r.out, v...)
		return nil
	}
	r.out = append(r.out, quotedMask...)
	return nil
}

// skipValue moves past the next value without copying it.
func (r *jsonRedactor) skipValue() error {
	switch r.peek() {
	case '"':
		_, _, err := r.readString()
		return err
	case '{', '[':
		depth := 0
		for r.pos < len(r.in) {
			switch r.in[r.pos] {
			case '"':
				if _, _, err := r.readString(); err != nil {
					return err
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			r.pos++
			if depth == 0 {
				return nil
			}
		}
		return errSyntax
	}
	start := r.pos
	r.scanScalar()
	if r.pos == start {
		return errSyntax
	}
	return nil
}

// scanScalar moves past a number or literal.
func (r *jsonRedactor) scanScalar() {
	for r.pos < len(r.in) {
		switch r.in[r.pos] {
		case ',', ']', '}', ' ', '\t', '\n', '\r':
			return
		}
		r.pos++
	}
}

// scalar copies a number or literal; a number holding a known secret
// becomes Mask.
func (r *jsonRedactor) scalar() error {
	start := r.pos
	r.scanScalar()
	tok := r.in[start:r.pos]
	if len(tok) == 0 {
		return errSyntax
	}
	if len(r.secrets) > 0 && (tok[0] == '-' || '0' <= tok[0] && tok[0] <= '9') && r.hasSecret(string(tok)) {
		r.out = append(r.out, quotedMask...)
		return nil
	}
	r.out = append(r.out, tok...)
	return nil
}

// str copies a string value, redacted by RedactText and the known secrets.
func (r *jsonRedactor) str() error {
	raw, escaped, err := r.readString()
	if err != nil {
		return err
	}
	if !escaped && !mayNeedText(raw) && !r.hasSecretBytes(raw) {
		r.out = append(r.out, raw...)
		return nil
	}
	text := decodeString(raw, escaped)
	redacted := RedactString(RedactText(text), r.secrets...)
	if redacted == text {
		r.out = append(r.out, raw...)
	} else {
		r.out = append(r.out, quote(redacted)...)
	}
	return nil
}

// readString moves past a string and returns it with its quotes, and
// whether it holds escapes.
func (r *jsonRedactor) readString() (raw []byte, escaped bool, err error) {
	start := r.pos
	r.pos++
	for r.pos < len(r.in) {
		switch r.in[r.pos] {
		case '\\':
			escaped = true
			r.pos += 2
			continue
		case '"':
			r.pos++
			return r.in[start:r.pos], escaped, nil
		}
		r.pos++
	}
	return nil, false, errSyntax
}

// decodeString returns the text of a raw JSON string.
func decodeString(raw []byte, escaped bool) string {
	if !escaped {
		return string(raw[1 : len(raw)-1])
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

func (r *jsonRedactor) hasSecret(s string) bool {
	for _, secret := range r.secrets {
		if strings.Contains(s, secret) {
			return true
		}
	}
	return false
}

func (r *jsonRedactor) hasSecretBytes(b []byte) bool {
	for _, secret := range r.secrets {
		if bytes.Contains(b, []byte(secret)) {
			return true
		}
	}
	return false
}

// keyKind classifies an object key for redaction.
type keyKind int

const (
	keyOther              keyKind = iota
	keySecret                     // its value is masked
	keySecretTokenRequest         // code_verifier: masked, and the object is a token request
	keyCode                       // "code": masked in a token request
	keyTokenRequest               // grant_type, redirect_uri: the object is a token request
	keyName                       // "name": may name a secret header
	keyValue                      // "value": masked beside a secret "name"
)

func classifyKey(key string) keyKind {
	var buf [64]byte
	k := appendNorm(buf[:0], key)
	switch string(k) {
	case "codeverifier":
		return keySecretTokenRequest
	case "code":
		return keyCode
	case "granttype", "redirecturi":
		return keyTokenRequest
	case "name":
		return keyName
	case "value":
		return keyValue
	}
	if isSecretNorm(k) {
		return keySecret
	}
	return keyOther
}
