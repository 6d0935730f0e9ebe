package schema

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"mcpls/internal/jsonc"
)

func TestTranslateRegexp(t *testing.T) {
	for _, tt := range []struct{ name, src, want, err string }{
		{"no escape", `^[a-z]+$`, `^[a-z]+$`, ""},
		{"classes kept", `^\d+\w*\s?\.$`, `^\d+\w*\s?\.$`, ""},
		{"u escape", `^[^\u0000]+$`, `^[^\x{0}]+$`, ""},
		{"u escape upper hex", `\u00E9`, `\x{E9}`, ""},
		{"surrogate pair", `\uD83D\uDE00`, `\x{1F600}`, ""},
		{"u braces", `\u{1F600}`, `\x{1F600}`, ""},
		{"control", `\cJ\ca`, `\x{A}\x{1}`, ""},
		{"slash", `^a\/b$`, `^a/b$`, ""},
		{"escaped backslash then u", `\\u0041`, `\\u0041`, ""},
		{"trailing backslash", `a\`, `a\`, ""},
		{"short u", `\u12`, "", "invalid \\u escape"},
		{"lone surrogate", `\uD800`, "", "lone surrogate"},
		{"bad braces", `\u{zz}`, "", "invalid \\u{...}"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := translateRegexp(tt.src)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("translateRegexp(%q) = %q, %v; want an error containing %q", tt.src, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("translateRegexp(%q) = %q, %v; want %q", tt.src, got, err, tt.want)
			}
		})
	}
}

func TestPatterns(t *testing.T) {
	for _, tt := range []struct {
		name, schema, value string
		want                []string
		unusable            int
	}{
		{"u escape matches", `{"properties":{"s":{"type":"string","pattern":"^[^\\u0000]+$"}}}`,
			`{"s": "abc"}`, nil, 0},
		{"u escape fails", `{"properties":{"s":{"type":"string","pattern":"^[^\\u0000]+$"}}}`,
			`{"s": ""}`, []string{`/s "": pattern: `}, 0},
		{"u escape of a letter", `{"properties":{"s":{"pattern":"^\\u0041+$"}}}`,
			`{"s": "AAB"}`, []string{`/s "AAB": pattern: `}, 0},
		{"surrogate pair", `{"properties":{"s":{"pattern":"^\\uD83D\\uDE00$"}}}`,
			`{"s": "😀"}`, nil, 0},
		{"lookahead unusable, rest validated", `{"properties":{"s":{"type":"string","pattern":"^(?=a)"},"n":{"type":"integer"}}}`,
			`{"s": "zzz", "n": "x"}`, []string{`/n "x": type: `}, 1},
		{"same unusable pattern reported once", `{"properties":{"a":{"pattern":"(?!x)"},"b":{"pattern":"(?!x)"},"c":{"pattern":"\\1"}}}`,
			`{"a": "x", "b": "x", "c": "x"}`, nil, 2},
		{"pattern property with u escape", `{"patternProperties":{"^x\\u002D":{"type":"integer"}}}`,
			`{"x-a": "no", "y": "fine"}`, []string{`/x-a "no": type: `}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Compile([]byte(tt.schema))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, line := range show(tt.value, s.Validate(jsonc.Parse([]byte(tt.value)).Root)) {
				got = append(got, line[:strings.Index(line, ": ")+2+strings.Index(line[strings.Index(line, ": ")+2:], ": ")+2])
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if n := len(s.Unusable()); n != tt.unusable {
				t.Errorf("%d unusable patterns, want %d: %v", n, tt.unusable, s.Unusable())
			}
		})
	}
}

func TestUnusablePatternPropertyKeyRefusesSchema(t *testing.T) {
	_, err := Compile([]byte(`{"patternProperties":{"(?<=x)y":{"type":"integer"}}}`))
	if err == nil || !strings.Contains(err.Error(), "patternProperties") {
		t.Fatalf("got %v, want a patternProperties compile error", err)
	}
}
