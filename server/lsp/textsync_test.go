package lsp

import (
	"testing"

	"go.lsp.dev/protocol"

	"mcpls/internal/jsonc"
)

func TestApplyChanges(t *testing.T) {
	partial := func(sl, sc, el, ec uint32, text string) protocol.TextDocumentContentChangeEvent {
		return &protocol.TextDocumentContentChangePartial{
			Range: protocol.Range{Start: protocol.Position{Line: sl, Character: sc}, End: protocol.Position{Line: el, Character: ec}},
			Text:  text,
		}
	}
	for _, tc := range []struct {
		name    string
		text    string
		changes []protocol.TextDocumentContentChangeEvent
		want    string
	}{
		{"insert", `{}`, []protocol.TextDocumentContentChangeEvent{partial(0, 1, 0, 1, `"a": 1`)}, `{"a": 1}`},
		{"delete across lines", "{\n  \"a\": 1,\n  \"b\": 2\n}", []protocol.TextDocumentContentChangeEvent{partial(1, 8, 2, 8, "")}, "{\n  \"a\": 1\n}"},
		{"utf-16 after astral char", `{"😀": 1}`, []protocol.TextDocumentContentChangeEvent{partial(0, 7, 0, 8, "2")}, `{"😀": 2}`},
		{"utf-16 after 2-byte char", `"é"x`, []protocol.TextDocumentContentChangeEvent{partial(0, 3, 0, 4, "y")}, `"é"y`},
		{"crlf", "{\r\n}", []protocol.TextDocumentContentChangeEvent{partial(1, 0, 1, 0, " ")}, "{\r\n }"},
		{"in order", `ab`, []protocol.TextDocumentContentChangeEvent{partial(0, 1, 0, 1, "X"), partial(0, 2, 0, 2, "Y")}, `aXYb`},
		{"whole document", `old`, []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangeWholeDocument{Text: "new"}, partial(0, 3, 0, 3, "!")}, `new!`},
		{"past the end clamps", `ab`, []protocol.TextDocumentContentChangeEvent{partial(0, 1, 5, 9, "")}, `a`},
		{"reversed range", `abc`, []protocol.TextDocumentContentChangeEvent{partial(0, 2, 0, 1, "")}, `ac`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := []byte(tc.text)
			got, err := applyChanges(text, jsonc.NewLines(text), tc.changes)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if string(text) != tc.text {
				t.Errorf("the old text changed to %q: documents must stay immutable", text)
			}
		})
	}
}
