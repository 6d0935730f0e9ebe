package jsonc

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// errCodes lists the codes of d's errors with the text they cover.
func errCodes(d *Document) []string {
	var out []string
	for _, e := range d.Errors {
		out = append(out, fmt.Sprintf("%s@%q", e.Code, d.Text[e.Start:e.End]))
	}
	return out
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"valid", `{"a": [1, 2.5e3, true, null, "x"]}`, nil},
		{"comments and trailing commas", "// c\n{/* b */\"a\": 1, \"b\": [1,],}", nil},
		{"empty", "  ", []string{`syntax/empty@""`}},
		{"unclosed object", `{"a": 1`, []string{`syntax/unterminated@"{"`}},
		{"unclosed array in object", `{"a": [1, 2}`, []string{`syntax/unterminated@"["`}},
		{"unclosed string", "{\"a\": \"xy\n}", []string{`syntax/unterminated@"\"xy"`}},
		{"missing colon", `{"a" 1}`, []string{`syntax/missing-colon@"\"a\""`}},
		{"missing value", `{"a": }`, []string{`syntax/missing-value@":"`}},
		{"missing value before next key", "{\"a\":\n \"b\": 2}", []string{`syntax/missing-value@":"`}},
		{"missing comma", `{"a": 1 "b": 2}`, []string{`syntax/missing-comma@"\"b\""`}},
		{"double comma", `[1,,2]`, []string{`syntax/missing-value@","`}},
		{"bare key", `{a: 1}`, []string{`syntax/invalid-key@"a"`}},
		{"bare value", `{"a": yes}`, []string{`syntax/unexpected@"yes"`}},
		{"bad number", `[01, 1., -]`, []string{`syntax/invalid-number@"01"`, `syntax/invalid-number@"1."`, `syntax/invalid-number@"-"`}},
		{"bad escape", `["a\qb"]`, []string{`syntax/invalid-escape@"\\q"`}},
		{"trailing", `{} x y`, []string{`syntax/trailing-content@"x y"`}},
		{"unclosed comment", "{} /* x", []string{`syntax/unterminated@"/*"`}},
		{"leading comma", `{, "a": 1}`, []string{`syntax/unexpected@","`}},
		{"stray bracket", `{"a": 1]}`, []string{`syntax/unexpected@"]"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := errCodes(Parse([]byte(tt.text)))
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Parse(%q) errors = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestParseTree(t *testing.T) {
	text := `{"mcpServers": {"x": {"command": "np\u0078", "args": ["-y", 3]}}, "k": }`
	d := Parse([]byte(text))
	x := d.Root.Prop("mcpServers").Value.Prop("x").Value
	cmd := x.Prop("command").Value
	if cmd.Value != "npx" || text[cmd.Start:cmd.End] != `"np\u0078"` {
		t.Errorf("command = %q at %q", cmd.Value, text[cmd.Start:cmd.End])
	}
	args := x.Prop("args").Value
	if len(args.Items()) != 2 || args.Items()[1].Kind != Number || args.Items()[1].Value != "3" {
		t.Errorf("args = %+v", args.Items())
	}
	if got := fmt.Sprint(args.Items()[0].Path()); got != "[{mcpServers -1} {x -1} {args -1} { 0}]" {
		t.Errorf("Path = %s", got)
	}
	if k := d.Root.Prop("k"); k == nil || k.Value != nil || k.Colon < 0 {
		t.Errorf("k = %+v, want a member with a colon and no value", k)
	}
}

// TestParseAgreesWithEncodingJSON checks decoded values on valid JSON.
func TestParseAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range []string{`"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\ud83d\ude00"`, `"ünï"`, `-0.5e-3`, `"\ud800"`} {
		d := Parse([]byte(s))
		var want any
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatal(err)
		}
		got := d.Root.Value
		if w, ok := want.(string); ok && got != w {
			t.Errorf("%s: got %q, want %q", s, got, w)
		}
		if len(d.Errors) != 0 {
			t.Errorf("%s: errors %v", s, d.Errors)
		}
	}
}

func TestLines(t *testing.T) {
	text := "ab\r\ncé😀d\rx\n"
	l := NewLines([]byte(text))
	tests := []struct{ offset, line, char int }{
		{0, 0, 0}, {2, 0, 2}, {4, 1, 0}, {5, 1, 1}, {7, 1, 2}, {11, 1, 4}, {12, 1, 5}, {13, 2, 0}, {14, 2, 1}, {15, 3, 0},
	}
	for _, tt := range tests {
		line, char := l.Position(tt.offset)
		if line != tt.line || char != tt.char {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", tt.offset, line, char, tt.line, tt.char)
		}
		if got := l.Offset(tt.line, tt.char); got != tt.offset {
			t.Errorf("Offset(%d, %d) = %d, want %d", tt.line, tt.char, got, tt.offset)
		}
	}
	if got := l.Offset(0, 99); got != 2 {
		t.Errorf("Offset past line end = %d, want 2", got)
	}
	if got := l.Offset(9, 0); got != len(text) {
		t.Errorf("Offset past last line = %d, want %d", got, len(text))
	}
}

func TestLocate(t *testing.T) {
	// | marks the offset; the rest is the text.
	tests := []struct {
		name, text string
		path       string
		inKey      bool
		inValue    bool
		token      string // text of [Start, End)
		prop       string // key of loc.Prop, "" if none
	}{
		{"root object", `{|}`, "[]", true, false, "", ""},
		{"in key", `{"co|mmand": 1}`, "[]", true, false, `"command"`, "command"},
		{"unclosed key", "{\"x\": {\"co|\n}}", "[{x -1}]", true, false, `"co`, "co"},
		{"bare key", `{"x": {co|}}`, "[{x -1}]", true, false, `co`, "co"},
		{"after comma", `{"a": 1, |}`, "[]", true, false, "", ""},
		{"value slot", "{\"type\": |\n}", "[]", false, true, "", "type"},
		{"value slot before next key", "{\"type\": |\n \"url\": \"x\"}", "[]", false, true, "", "type"},
		{"in string value", `{"type": "ht|"}`, "[]", false, true, `"ht"`, "type"},
		{"unclosed string value", "{\"a\": {\"type\": \"ht|\n}}", "[{a -1}]", false, true, `"ht`, "type"},
		{"array slot", `{"args": [1, |]}`, "[{args -1}]", false, true, "", ""},
		{"array item", `{"args": ["-|y"]}`, "[{args -1}]", false, true, `"-y"`, ""},
		{"nested request", `{"requests": [{"server": "|"}]}`, "[{requests -1} { 0}]", false, true, `""`, "server"},
		{"half typed", "{\"mcpServers\": {\"s\": {\"command\": \"x\", |", "[{mcpServers -1} {s -1}]", true, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			offset := strings.Index(tt.text, "|")
			text := strings.Replace(tt.text, "|", "", 1)
			loc := Parse([]byte(text)).Locate(offset)
			prop := ""
			if loc.Prop != nil {
				prop = loc.Prop.Key.Value
			}
			got := fmt.Sprintf("%v key=%v value=%v token=%q prop=%q", loc.Path, loc.InKey, loc.InValue, text[loc.Start:loc.End], prop)
			want := fmt.Sprintf("%s key=%v value=%v token=%q prop=%q", tt.path, tt.inKey, tt.inValue, tt.token, tt.prop)
			if got != want {
				t.Errorf("Locate\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestDeepNesting(t *testing.T) {
	d := Parse([]byte(strings.Repeat("[", 100000)))
	if len(d.Errors) == 0 {
		t.Fatal("no error for 100000 unclosed arrays")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a": [1, {"b": null}]}`, "{\"x\": \"\\u12\"", `{a: b, ,}`, "// c\n/* d", `[[[`, `{"k": 1e, "\ud83d"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		d := Parse(text)
		for _, e := range d.Errors {
			if e.Start < 0 || e.End > len(text) || e.Start > e.End {
				t.Fatalf("error range %d-%d out of 0-%d", e.Start, e.End, len(text))
			}
		}
		for off := 0; off <= len(text); off += 1 + len(text)/64 {
			loc := d.Locate(off)
			if loc.Start < 0 || loc.End > len(text) || loc.Start > loc.End {
				t.Fatalf("Locate(%d) range %d-%d", off, loc.Start, loc.End)
			}
			line, char := d.Lines.Position(off)
			if back := d.Lines.Offset(line, char); back > off {
				t.Fatalf("Offset(Position(%d)) = %d", off, back)
			}
		}
		if json.Valid(text) && len(d.Errors) != 0 {
			t.Fatalf("valid JSON %q got errors %v", text, d.Errors)
		}
	})
}

// largeDoc is a config of about 230 KiB: 200 servers and 2,000 requests.
func largeDoc() []byte {
	var sb strings.Builder
	sb.WriteString(`{"mcpServers": {`)
	for i := range 200 {
		fmt.Fprintf(&sb, "\"s%d\": {\"command\": \"npx\", \"args\": [\"-y\", \"pkg%d\"], \"env\": {\"K\": \"${env:HOME}\"}},\n", i, i)
	}
	sb.WriteString(`"last": {"url": "http://127.0.0.1/mcp"}}, "requests": [`)
	for i := range 2000 {
		fmt.Fprintf(&sb, "{\"name\": \"r%d\", \"server\": \"s%d\", \"tool\": \"t%d\", \"arguments\": {\"a\": %d, \"b\": \"te\\\"xt\", \"c\": [true, null]}},\n", i, i%200, i%500, i)
	}
	sb.WriteString("]}")
	return []byte(sb.String())
}

// TestParseMemory pins what a parse costs: nodes and props come in slabs
// (a few hundred allocations for some 40,000 nodes), and the
// Values of strings without escapes share the text instead of copying it.
func TestParseMemory(t *testing.T) {
	text := largeDoc()
	var d *Document
	allocs := testing.AllocsPerRun(3, func() { d = Parse(text) })
	// One per string with an escape (2,000 here), a few hundred for the rest.
	if allocs > 2300 {
		t.Errorf("Parse made %.0f allocations, want at most 2300", allocs)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	d = Parse(text)
	runtime.ReadMemStats(&after)
	if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(20*len(text)); got > limit {
		t.Errorf("Parse allocated %d bytes for %d bytes of text, want at most %d", got, len(text), limit)
	}

	inText := func(s string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		start := uintptr(unsafe.Pointer(unsafe.SliceData(text)))
		return p >= start && p+uintptr(len(s)) <= start+uintptr(len(text))
	}
	req := d.Root.Prop("requests").Value.Items()[7]
	for _, tc := range []struct {
		name  string
		node  *Node
		share bool
	}{
		{"key", req.Props()[0].Key, true},
		{"string", req.Prop("name").Value, true},
		{"number", req.Prop("arguments").Value.Prop("a").Value, true},
		{"literal", req.Prop("arguments").Value.Prop("c").Value.Items()[0], true},
		{"string with an escape", req.Prop("arguments").Value.Prop("b").Value, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := inText(tc.node.Value); got != tc.share {
				t.Errorf("Value %q shares the text: %v, want %v", tc.node.Value, got, tc.share)
			}
		})
	}
	if got := req.Prop("arguments").Value.Prop("b").Value.Value; got != `te"xt` {
		t.Errorf("escaped string decoded to %q", got)
	}
}

// BenchmarkParse reports, besides time and allocations, the heap that one
// parsed document keeps live (live-B/doc) and its ratio to the text
// (live-B/text-B).
func BenchmarkParse(b *testing.B) {
	text := largeDoc()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Parse(text)
	}
	b.StopTimer()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d := Parse(text)
	runtime.GC()
	runtime.ReadMemStats(&after)
	live := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	runtime.KeepAlive(d)
	b.ReportMetric(live, "live-B/doc")
	b.ReportMetric(live/float64(len(text)), "live-B/text-B")
}

// A large config has tens of thousands of nodes, parsed again on every
// edit: their size is the parser's memory and much of its time.
func TestNodeStaysSmall(t *testing.T) {
	if got := unsafe.Sizeof(Node{}); got > 56 {
		t.Errorf("a Node takes %d bytes, want at most 56", got)
	}
}
