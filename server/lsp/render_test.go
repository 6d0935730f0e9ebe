package lsp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mcpls/server/lspext"
)

func TestRenderResult(t *testing.T) {
	for _, tc := range []struct {
		name     string
		kind     string
		response string
		want     []string // in the Markdown
		files    int      // saved beside it
	}{
		{"structured content", "tool",
			`{"content":[{"type":"text","text":"sunny"}],"structuredContent":{"temp":21}}`,
			[]string{"sunny", "## Structured content", "\"temp\": 21"}, 0},
		{"prompt messages", "prompt",
			`{"messages":[{"role":"user","content":{"type":"text","text":"Hello Ada"}}]}`,
			[]string{"## user", "Hello Ada"}, 0},
		{"resource text as JSON", "resource",
			`{"contents":[{"uri":"demo://config","mimeType":"application/json","text":"{\"a\":1}"}]}`,
			[]string{"`demo://config`", "\"a\": 1"}, 0},
		{"resource blob", "resource",
			`{"contents":[{"uri":"demo://logo","mimeType":"image/png","blob":"iVBORw0KGgo="}]}`,
			[]string{"![image/png]("}, 1},
		{"embedded resource", "tool",
			`{"content":[{"type":"resource","resource":{"uri":"demo://n","text":"a note"}}]}`,
			[]string{"a note"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path, err := renderResult(dir, lspext.Result{Name: tc.name, Server: "demo", Kind: tc.kind, Target: "x",
				OK: true, Summary: "1 ms · ok", Response: []byte(tc.response)})
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(data), w) {
					t.Errorf("rendered result lacks %q:\n%s", w, data)
				}
			}
			others, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*"))
			if got := len(others) - 1; got != tc.files {
				t.Errorf("%d files beside the result, want %d: %v", got, tc.files, others)
			}
		})
	}
}
