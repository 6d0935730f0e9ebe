package requests

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"mcpls/internal/complete"
	"mcpls/internal/config"
)

// TestCompleteNamesAgreesWithComplete checks, at every offset of a config
// and of each of its prefixes, that CompleteNames answers exactly where
// Complete lists a catalog's names (the only items of kind reference), and
// that its items are Complete's.
func TestCompleteNamesAgreesWithComplete(t *testing.T) {
	catalogs := recordedCatalogs(t)
	text := `{"requests": [{"server": "demo", "tool": "configure", "arguments": {"server": {"port": 1}, "mode": "staging"}},
 {"server": "everything", "prompt": "args-prompt", "arguments": {"city": "x"}}, {"server": "demo", "resource": "demo://items/{id}"},
 {"server": "demo", "tool": ""}, {"server": "demo", "tool": con }, {"server": "offline", "prompt": "`
	found := 0
	for n := len(text) - 40; n <= len(text); n++ {
		f := config.Load("x.mcp.json", []byte(text[:n]))
		for off := 0; off <= n; off++ {
			want := Complete(f, off, catalogs)
			names, ok := CompleteNames(f, off, catalogs)
			if !ok {
				for _, it := range want {
					if it.Kind == complete.KindReference {
						t.Fatalf("prefix %d, offset %d: no names, but Complete lists %q", n, off, it.Label)
					}
				}
				continue
			}
			found++
			if diff := cmp.Diff(want, names.Items()); diff != "" {
				t.Fatalf("prefix %d, offset %d: names differ from Complete's (-want +got):\n%s", n, off, diff)
			}
			if len(names.Shared()) != len(want) {
				t.Fatalf("prefix %d, offset %d: %d shared items, Complete lists %d", n, off, len(names.Shared()), len(want))
			}
		}
	}
	if found == 0 {
		t.Fatal("CompleteNames answered nowhere")
	}
}
