package lsp

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.lsp.dev/protocol"
)

// TestReadClientCaps reads what real editors send in initialize (recorded
// from Neovim 0.7.2 and vscode-languageclient 11 in VS Code 1.100.3).
func TestReadClientCaps(t *testing.T) {
	for _, tc := range []struct {
		file        string
		want        ClientCaps
		wantFolders []string
	}{
		{
			file: "nvim-0.7.2-initialize-params.json",
			want: ClientCaps{
				ClientName: "Neovim", WorkDoneProgress: true, ShowMessageRequest: true,
				WorkspaceFolders: true, MarkdownHover: true, ApplyEdit: true,
			},
			wantFolders: []string{"/WORKSPACE"},
		},
		{
			file: "vscode-1.100.3-languageclient-11.0.0-initialize-params.json",
			want: ClientCaps{
				ClientName: "code-server", WorkDoneProgress: true, ShowDocument: true, ShowMessageRequest: true,
				WorkspaceFolders: true, Snippets: true, MarkdownHover: true, ApplyEdit: true, CodeLensRefresh: true,
			},
			wantFolders: []string{"/WORKSPACE"},
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			var p protocol.InitializeParams
			if err := protocol.Unmarshal(data, &p); err != nil {
				t.Fatalf("decoding: %v", err)
			}
			if diff := cmp.Diff(tc.want, readClientCaps(&p)); diff != "" {
				t.Errorf("caps (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantFolders, initialFolders(&p)); diff != "" {
				t.Errorf("folders (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExperimentalCaps(t *testing.T) {
	raw := `{"capabilities": {"experimental": {"mcp/console": true, "mcp/elicit": {"forms": 1}, "mcp/off": false}}}`
	var p protocol.InitializeParams
	if err := protocol.Unmarshal([]byte(raw), &p); err != nil {
		t.Fatal(err)
	}
	caps := readClientCaps(&p)
	for name, want := range map[string]bool{"mcp/console": true, "mcp/elicit": true, "mcp/off": false, "mcp/absent": false} {
		if got := caps.HasExperimental(name); got != want {
			t.Errorf("HasExperimental(%q) = %v, want %v", name, got, want)
		}
	}
	if got := string(caps.Experimental["mcp/elicit"]); got != `{"forms": 1}` && got != `{"forms":1}` {
		t.Errorf("experimental mcp/elicit = %s, want the raw object", got)
	}
}
