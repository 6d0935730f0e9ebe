package lspext

import (
	"os"
	"path/filepath"
	"testing"
)

// TestTypeScriptUpToDate fails when extension/src/lsp_ext.ts was not
// regenerated after a change here.
func TestTypeScriptUpToDate(t *testing.T) {
	path := filepath.Join("..", "..", "extension", "src", "lsp_ext.ts")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the generated declarations: %v", err)
	}
	if string(got) != TypeScript() {
		t.Errorf("%s is stale: run go run ./server/lspext/gen > %s", path, path)
	}
}

func TestCommandsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Commands {
		if seen[c.Name] {
			t.Errorf("command %s listed twice", c.Name)
		}
		seen[c.Name] = true
	}
}
