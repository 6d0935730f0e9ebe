package schema

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"mcpls/internal/jsonc"
)

// show renders problems as "text-at-range: keyword: message".
func show(text string, ps []Problem) []string {
	var out []string
	for _, p := range ps {
		at := "-"
		if p.Start >= 0 {
			at = text[p.Start:p.End]
		}
		out = append(out, fmt.Sprintf("%s %s: %s: %s", p.Pointer, at, p.Keyword, p.Message))
	}
	return out
}

func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		name, schema, value string
		want                []string
	}{
		{"valid", `{"type":"object","properties":{"a":{"type":"number"}}}`, `{"a": 1}`, nil},
		{"wrong type on the value", `{"type":"object","properties":{"a":{"type":"number"}}}`, `{"a": "one"}`,
			[]string{`/a "one": type: expected number, got string`}},
		{"missing required on the key of its object", `{"type":"object","properties":{"o":{"type":"object","required":["x","y"]}}}`, `{"o": {}}`,
			[]string{`/o "o": required: missing required property "x"`, `/o "o": required: missing required property "y"`}},
		{"missing required at the top has no key", `{"required":["a"]}`, `{}`,
			[]string{` -: required: missing required property "a"`}},
		{"extra property on its key", `{"properties":{"a":{}},"additionalProperties":false}`, `{"a": 1, "b": 2}`,
			[]string{` "b": additionalProperties: property "b" is not allowed`}},
		{"draft-07 definitions and $ref", `{"$schema":"http://json-schema.org/draft-07/schema#","definitions":{"n":{"type":"integer","minimum":1}},"properties":{"a":{"$ref":"#/definitions/n"}}}`, `{"a": 0}`,
			[]string{`/a 0: minimum: must be at least 1, got 0`}},
		{"2020-12 $defs", `{"$defs":{"e":{"enum":["x","y"]}},"properties":{"a":{"$ref":"#/$defs/e"}}}`, `{"a": "z"}`,
			[]string{`/a "z": enum: "z" is not one of "x", "y"`}},
		{"allOf", `{"allOf":[{"properties":{"a":{"maxLength":2}}},{"properties":{"a":{"pattern":"^x"}}}]}`, `{"a": "yyy"}`,
			[]string{`/a "yyy": maxLength: must be at most 2 characters long, got 3`, `/a "yyy": pattern: "yyy" does not match the pattern "^x"`}},
		{"anyOf types merge", `{"properties":{"a":{"anyOf":[{"type":"string"},{"type":"number"}]}}}`, `{"a": true}`,
			[]string{`/a true: type: expected string or number, got boolean`}},
		{"oneOf picks the branch whose const matches", `{"properties":{"s":{"oneOf":[
			{"properties":{"kind":{"const":"circle"},"r":{"type":"number","exclusiveMinimum":0}},"required":["kind","r"],"additionalProperties":false},
			{"properties":{"kind":{"const":"square"},"side":{"type":"number"}},"required":["kind","side"],"additionalProperties":false}]}}}`,
			`{"s": {"kind": "circle", "r": -1}}`,
			[]string{`/s/r -1: exclusiveMinimum: must be greater than 0, got -1`}},
		{"formats are asserted", `{"properties":{"e":{"format":"email"},"d":{"format":"date-time"},"u":{"format":"uri"},"i":{"format":"ipv4"}}}`,
			`{"e": "nope", "d": "2026-13-01", "u": "::", "i": "1.2.3"}`,
			[]string{`/e "nope": format: "nope" is not a valid email`, `/d "2026-13-01": format: "2026-13-01" is not a valid date-time`,
				`/u "::": format: "::" is not a valid uri`, `/i "1.2.3": format: "1.2.3" is not a valid ipv4`}},
		{"array items", `{"properties":{"l":{"type":"array","items":{"type":"integer"},"uniqueItems":true}}}`, `{"l": [1, "2", 1]}`,
			[]string{`/l [1, "2", 1]: uniqueItems: items must be unique: items 0 and 2 are equal`, `/l/1 "2": type: expected integer, got string`}},
		{"values being typed are left out", `{"required":["a","b"],"properties":{"a":{"type":"number"},"c":{"type":"string"}}}`, `{"a": , "c": "unclos`,
			[]string{` -: required: missing required property "b"`}},
		{"a later duplicate wins", `{"properties":{"a":{"type":"number"}}}`, `{"a": "x", "a": 1}`, nil},
		{"not an object", `{"type":"object"}`, `[1]`, []string{` [1]: type: expected object, got array`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Compile([]byte(tt.schema))
			if err != nil {
				t.Fatal(err)
			}
			doc := jsonc.Parse([]byte(tt.value))
			got := show(tt.value, s.Validate(doc.Root))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateNilIsAnEmptyObject(t *testing.T) {
	s, err := Compile([]byte(`{"type":"object","required":["a"]}`))
	if err != nil {
		t.Fatal(err)
	}
	got := s.Validate(nil)
	want := []Problem{{Pointer: "", Keyword: "required", Property: "a", Message: `missing required property "a"`, Start: -1, End: -1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCompileErrors(t *testing.T) {
	for _, tt := range []struct{ name, schema, want string }{
		{"empty", ``, "empty schema"},
		{"not JSON", `{"type":`, "decoding schema"},
		{"external reference", `{"$ref":"https://example.com/s.json"}`, "external references are not fetched"},
		{"invalid keyword value", `{"type":"nothing"}`, "compiling schema"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile([]byte(tt.schema))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
			if tt.name == "empty" && !errors.Is(err, ErrEmpty) {
				t.Errorf("got %v, want ErrEmpty", err)
			}
		})
	}
}

const richSchema = `{
  "type": "object",
  "required": ["z", "a"],
  "properties": {
    "z": {"type": "string", "description": "Last but required."},
    "a": {"$ref": "#/$defs/count"},
    "m": {"enum": ["x", "y"], "default": "y", "description": "Mode.\nMore text."},
    "tags": {"type": "array", "items": {"type": "string", "examples": ["t1"]}},
    "maybe": {"type": ["integer", "null"]},
    "flag": {"type": "boolean"},
    "kind": {"oneOf": [{"const": "a"}, {"const": "b"}]},
    "nested": {"allOf": [{"properties": {"deep": {"type": "object", "properties": {"x": {"type": "number", "default": 3}}}}}]}
  },
  "$defs": {"count": {"type": "integer", "minimum": 0, "description": "How many."}}
}`

func TestProperties(t *testing.T) {
	s, err := Compile([]byte(richSchema))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range s.Properties(nil) {
		got = append(got, PropertyLine(p)+" => "+p.Placeholder)
	}
	want := []string{
		"`z`: string (required) — Last but required. => \"\"",
		"`a`: integer (required) — How many. => 0",
		"`flag`: boolean => false",
		"`kind`: enum => \"a\"",
		"`m`: enum — Mode. => \"y\"",
		"`maybe`: integer | null => 0",
		"`nested` => \"\"",
		"`tags`: array of string => []",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	deep := s.Properties([]string{"nested", "deep"})
	if len(deep) != 1 || deep[0].Name != "x" || deep[0].Placeholder != "3" {
		t.Errorf("nested properties through allOf: %+v", deep)
	}
	if p, ok := s.Property([]string{"m"}); !ok || Details(p) != "`m`: enum — Mode.\n\nOne of: `\"x\"`, `\"y\"`\n\nDefault: `\"y\"`\n\nMode.\nMore text." {
		t.Errorf("Details: %q", Details(p))
	}
}

func TestValues(t *testing.T) {
	s, err := Compile([]byte(richSchema))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path []string
		want []string
	}{
		{[]string{"m"}, []string{`enum "x"`, `enum "y"`}}, // the default is one of them
		{[]string{"flag"}, []string{"boolean true", "boolean false"}},
		{[]string{"kind"}, []string{`const "a"`, `const "b"`}},
		{[]string{"tags", "0"}, []string{`example "t1"`}},
		{[]string{"nested", "deep", "x"}, []string{"default 3"}},
		{[]string{"z"}, nil},
		{[]string{"nope"}, nil},
	} {
		t.Run(strings.Join(tt.path, "/"), func(t *testing.T) {
			var got []string
			for _, v := range s.Values(tt.path) {
				got = append(got, v.Source+" "+v.JSON)
			}
			if tt.want == nil && got == nil {
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRecursiveSchemaEnds(t *testing.T) {
	s, err := Compile([]byte(`{"$defs":{"node":{"type":"object","properties":{"child":{"$ref":"#/$defs/node"},"v":{"type":"number"}}}},"$ref":"#/$defs/node"}`))
	if err != nil {
		t.Fatal(err)
	}
	path := []string{"child", "child", "child", "child"}
	if got := s.Properties(path); len(got) != 2 {
		t.Errorf("properties deep in a recursive schema: %+v", got)
	}
	doc := jsonc.Parse([]byte(`{"child": {"child": {"v": "x"}}}`))
	if got := show(string(doc.Text), s.Validate(doc.Root)); len(got) != 1 || !strings.HasPrefix(got[0], `/child/child/v "x": type`) {
		t.Errorf("got %v", got)
	}
}

func TestPointers(t *testing.T) {
	for _, tok := range []string{"a", "a/b", "~x", "~1", ""} {
		if got := SplitPointer("/" + escape(tok)); len(got) != 1 || got[0] != tok {
			t.Errorf("round trip of %q: %q", tok, got)
		}
	}
	if SplitPointer("") != nil {
		t.Error("the empty pointer has tokens")
	}
}
