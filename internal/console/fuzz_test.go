package console

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
)

// fuzzSecret turns arbitrary fuzz text into a secret a Masker accepts and
// that JSON structure alone cannot spell: letters and digits, with at least
// one of each. ok is false when the text has too little to work with.
func fuzzSecret(s string) (secret string, ok bool) {
	var b strings.Builder
	letter, digit := false, false
	for _, r := range s {
		switch {
		case r < unicode.MaxASCII && unicode.IsLetter(r):
			letter = true
			b.WriteRune(r)
		case r < unicode.MaxASCII && unicode.IsDigit(r):
			digit = true
			b.WriteRune(r)
		}
	}
	secret = b.String()
	return secret, letter && digit && len(secret) >= MinSecretLen
}

func FuzzRedactJSON(f *testing.F) {
	seeds := []struct{ doc, secret string }{
		{`{"access_token":"abc123xyz","n":1}`, "abc123xyz"},
		{`[{"headers":{"Authorization":"Bearer t0ken12"}},"https://h/?token=t0ken12"]`, "t0ken12"},
		{`{"m":"s\u0033cret9"}`, "s3cret9"},
		{`{"a":[1,2.5e10,true,null,"x"]}`, "2x5e10"},
		{`{"code":"c0de12","grant_type":"authorization_code"}`, "c0de12"},
		{`not json at all`, "abc123"},
		{`{"nested":{"deep":[[[{"password":"hunter22"}]]]}}`, "hunter22"},
	}
	for _, s := range seeds {
		f.Add([]byte(s.doc), s.secret)
	}
	f.Fuzz(func(t *testing.T, doc []byte, rawSecret string) {
		valid := json.Valid(doc)
		out := RedactJSON(doc)
		if valid && !json.Valid(out) {
			t.Fatalf("RedactJSON(%q) = %q: not valid JSON", doc, out)
		}
		if valid && !json.Valid(RedactBody(doc)) {
			t.Fatalf("RedactBody(%q) not valid JSON", doc)
		}
		secret, ok := fuzzSecret(rawSecret)
		if !ok {
			return
		}
		var m Masker
		m.Add(secret)
		scrubbed := m.ScrubJSON(doc)
		if valid && !json.Valid(scrubbed) {
			t.Fatalf("Masker.ScrubJSON(%q) = %q: not valid JSON", doc, scrubbed)
		}
		if valid && strings.Contains(string(scrubbed), secret) {
			t.Fatalf("Masker.ScrubJSON(%q) = %q: contains registered secret %q", doc, scrubbed, secret)
		}
		// Secrets sitting under secret keys are masked without a Masker.
		wrapped := wrapSecret(doc, valid, secret)
		if got := RedactJSON(wrapped); strings.Contains(string(got), secret) {
			t.Fatalf("RedactJSON(%s) = %s: contains secret %q", wrapped, got, secret)
		}
	})
}

// wrapSecret builds a document that holds secret only in places the rules
// must mask, with doc embedded when it is valid and does not itself hold
// the secret.
func wrapSecret(doc []byte, valid bool, secret string) []byte {
	embedded := json.RawMessage("null")
	if valid && !strings.Contains(string(doc), secret) && !strings.Contains(string(doc), `\`) {
		embedded = doc
	}
	w := map[string]any{
		"access_token": secret,
		"nested":       []any{map[string]any{"Authorization": "Bearer " + secret}},
		"url":          "https://h.test/cb?code=" + secret + "&state=s",
		"login":        "https://u:" + secret + "@h.test/",
		"doc":          embedded,
		"form":         map[string]any{"grant_type": "authorization_code", "code": secret},
	}
	b, _ := json.Marshal(w)
	return b
}
