package hover

import (
	"fmt"
	"strings"
	"testing"

	"mcpls/internal/complete/markertest"
	"mcpls/internal/config"
)

// TestHover runs HoverEnv at every marker of testdata/*.txtar and compares
// the hovered text and the markdown with the golden sections.
func TestHover(t *testing.T) {
	markertest.Run(t, "testdata", func(w *markertest.Workspace, m markertest.Marker) string {
		r, ok := HoverEnv(w.File, m.Offset, w.Env)
		if !ok {
			return "(no hover)\n"
		}
		text := w.File.Doc.Text
		if r.Start > m.Offset || r.End < m.Offset || r.End > len(text) {
			t.Errorf("@%s: range [%d,%d) does not cover the cursor at %d", m.Name, r.Start, r.End, m.Offset)
		}
		if strings.Contains(r.Markdown, "never-shown") {
			t.Errorf("@%s: the hover shows a secret from the environment:\n%s", m.Name, r.Markdown)
		}
		return fmt.Sprintf("hover %s\n%s\n", markertest.Quote(string(text[r.Start:r.End])), r.Markdown)
	})
}

// TestHoverWithoutEnv checks that Hover, which has no environment, does
// not claim a variable is set or unset.
func TestHoverWithoutEnv(t *testing.T) {
	text, markers := markertest.Strip([]byte(`{"mcpServers": {"a": {"command": "x", "args": ["${env:TO/*@env*/KEN}", "${HO/*@plain*/ME:-/tmp}"]}}}`))
	f := config.Load("/ws/.mcp.json", text)
	for _, m := range markers {
		t.Run(m.Name, func(t *testing.T) {
			r, ok := Hover(f, m.Offset)
			if !ok {
				t.Fatal("no hover")
			}
			if strings.Contains(r.Markdown, "not set") || strings.Contains(r.Markdown, "set in the environment") {
				t.Errorf("hover claims to know the environment:\n%s", r.Markdown)
			}
			if !strings.Contains(r.Markdown, "from the server's environment") {
				t.Errorf("hover does not say where the value comes from:\n%s", r.Markdown)
			}
		})
	}
}

func TestCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"npx", "`npx`"},
		{"a`b", "``a`b``"},
		{"`x", "`` `x ``"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := code(tt.in); got != tt.want {
				t.Errorf("code(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
