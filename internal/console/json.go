package console

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
)

// RedactJSON masks the secrets in a JSON document and returns the redacted
// document, compact, with the order of object members kept:
//
//   - the value of any member whose key looks secret (see [IsSecretKey]:
//     authorization, token, access_token, refresh_token, id_token,
//     client_secret, password, secret, api_key, cookie, set-cookie,
//     code_verifier...), at any depth, inside objects and arrays, becomes
//     [Mask]; null and empty strings are kept, as they reveal nothing;
//   - "code" is masked in an object that also holds grant_type,
//     code_verifier or redirect_uri (an OAuth token request), and nowhere
//     else, so JSON-RPC error codes stay readable;
//   - {"name": "Authorization", "value": "..."} pairs mask their value;
//   - every string goes through [RedactText]: URLs lose their secret query
//     parameters, "Bearer ..." loses its credential.
//
// Valid input gives valid output. Input that is not valid JSON is redacted
// as text (secret-looking "key": value pairs, URLs, credentials) and
// returned as text; use [RedactBody] to always get valid JSON.
func RedactJSON(raw []byte) []byte {
	return redactJSON(raw, nil)
}

// RedactBody is [RedactJSON] for a body that must go into [Event.Data]:
// it always returns valid JSON, quoting redacted text that was not JSON.
// Empty input gives nil.
func RedactBody(raw []byte) json.RawMessage {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	if !json.Valid(raw) {
		return quote(string(redactInvalid(raw, nil)))
	}
	return redactJSON(raw, nil)
}

func redactJSON(raw []byte, secrets []string) []byte {
	if !json.Valid(raw) {
		return redactInvalid(raw, secrets)
	}
	return redactValidJSON(raw, secrets)
}

// redactValidJSON is redactJSON for raw already known to be valid JSON.
func redactValidJSON(raw []byte, secrets []string) []byte {
	r := jsonRedactor{in: raw, out: make([]byte, 0, len(raw)+16), secrets: secrets}
	if err := r.value(); err != nil {
		// json.Valid accepted the input, so this does not happen; fail closed.
		return quotedMask
	}
	return r.out
}

// jsonPairPattern finds "key": value pairs in text that is not valid JSON.
var jsonPairPattern = regexp.MustCompile(`"((?:[^"\\]|\\.){1,80})"(\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\]\s]+)`)

// redactInvalid redacts text that failed to parse as JSON.
func redactInvalid(raw []byte, secrets []string) []byte {
	s := jsonPairPattern.ReplaceAllStringFunc(string(raw), func(m string) string {
		sub := jsonPairPattern.FindStringSubmatch(m)
		if !IsSecretKey(sub[1]) || sub[3] == `""` || sub[3] == "null" {
			return m
		}
		return `"` + sub[1] + `"` + sub[2] + `"` + Mask + `"`
	})
	return []byte(RedactString(RedactText(s), secrets...))
}

// marshalNoEscape encodes v as JSON without escaping <, > and &, which
// would make console lines hard to read.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// isJSONContentType reports whether a Content-Type names JSON.
func isJSONContentType(ct string) bool {
	ct = strings.ToLower(ct)
	return ct == "" || strings.Contains(ct, "json")
}

// quotedMask is Mask as a JSON string.
var quotedMask = quote(Mask)
