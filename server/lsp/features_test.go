package lsp

import (
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"mcpls/internal/complete"
	"mcpls/internal/jsonc"
)

func TestIsConfigFile(t *testing.T) {
	for path, want := range map[string]bool{
		"/w/.mcp.json":          true,
		"/w/.vscode/mcp.json":   true,
		"/w/.cursor/mcp.json":   true,
		"/w/dev.mcp.json":       true,
		"/w/mcp.json":           false,
		"/w/.vscode/tasks.json": false,
		"/w/package.json":       false,
	} {
		if got := isConfigFile(path); got != want {
			t.Errorf("isConfigFile(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestToCompletionItem(t *testing.T) {
	text := []byte("{\n  \"é\": \"x\"\n}")
	lines := jsonc.NewLines(text)
	start := strings.Index(string(text), `"x"`)
	it := complete.Item{
		Label: "stdio server", Kind: complete.KindSnippet, Detail: "new server", Documentation: "**doc**",
		InsertText: `"command": "${1:npx}"`, Snippet: true, Start: start, End: start + 3, SortText: "1",
	}
	wantRange := protocol.Range{Start: protocol.Position{Line: 1, Character: 7}, End: protocol.Position{Line: 1, Character: 10}}
	for _, tc := range []struct {
		name       string
		snippets   bool
		wantText   string
		wantFormat protocol.InsertTextFormat
	}{
		{"snippet support", true, `"command": "${1:npx}"`, protocol.InsertTextFormatSnippet},
		{"no snippet support", false, `"command": "npx"`, protocol.InsertTextFormatPlainText},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := toCompletionItem(lines, it, tc.snippets)
			edit, ok := got.TextEdit.(*protocol.TextEdit)
			if !ok {
				t.Fatalf("textEdit = %#v, want a TextEdit", got.TextEdit)
			}
			if edit.NewText != tc.wantText || got.InsertTextFormat != tc.wantFormat {
				t.Errorf("insert %q (format %d), want %q (format %d)", edit.NewText, got.InsertTextFormat, tc.wantText, tc.wantFormat)
			}
			if edit.Range != wantRange {
				t.Errorf("range %+v, want %+v (UTF-16 after é)", edit.Range, wantRange)
			}
			if got.Kind != protocol.CompletionItemKindSnippet || got.Label != it.Label {
				t.Errorf("label %q kind %d, want %q snippet", got.Label, got.Kind, it.Label)
			}
			if s, _ := got.SortText.Get(); s != "1" {
				t.Errorf("sortText %q, want 1", s)
			}
		})
	}
}

// TestCompletionKindsComplete: every kind complete produces maps to an LSP
// kind.
func TestCompletionKindsComplete(t *testing.T) {
	for k := complete.KindProperty; k <= complete.KindReference; k++ {
		if completionKinds[k] == 0 {
			t.Errorf("complete kind %v has no LSP kind", k)
		}
	}
}
