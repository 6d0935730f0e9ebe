package lsp

import "testing"

func TestSkipDir(t *testing.T) {
	for name, want := range map[string]bool{
		".git": true, ".cache": true, "node_modules": true, "dist": true,
		".vscode": false, ".cursor": false, "src": false, "configs": false,
	} {
		if got := skipDir(name); got != want {
			t.Errorf("skipDir(%q) = %v, want %v", name, got, want)
		}
	}
}
