package complete

import (
	"testing"

	"mcpls/internal/config"
	"mcpls/internal/jsonc"
)

// TestSnippetsAreValidJSON inserts every key scaffold and entry snippet,
// as plain text, where it belongs and checks the result parses cleanly.
func TestSnippetsAreValidJSON(t *testing.T) {
	for _, ctx := range []config.Context{config.CtxRoot, config.CtxServer, config.CtxOAuth, config.CtxInput, config.CtxRequest} {
		for _, k := range config.Keys(ctx) {
			t.Run(ctx.String()+"/"+k.Name, func(t *testing.T) {
				it := Item{InsertText: `"k": ` + valueScaffold(k), Snippet: true}
				mustParse(t, "{"+it.PlainText()+"}")
			})
		}
	}
	f := config.Load("/ws/.mcp.json", []byte(`{"mcpServers": {"a,|}": {"command": "x"}}}`))
	c := &completer{f: f}
	entries := map[string]string{
		"stdio server": `{"mcpServers": {"name": ` + stdioServerBody + `}}`,
		"http server":  `{"mcpServers": {"name": ` + httpServerBody + `}}`,
		"input":        `{"inputs": [` + inputBody + `]}`,
	}
	for i, k := range requestKinds {
		entries["new request/"+k.kind] = `{"requests": [` + c.requestBody(i) + `]}`
	}
	for _, it := range (&completer{f: config.Load("", nil)}).skeletons() {
		entries["skeleton/"+it.Label] = it.InsertText
	}
	for name, snippet := range entries {
		t.Run(name, func(t *testing.T) {
			mustParse(t, Item{InsertText: snippet, Snippet: true}.PlainText())
		})
	}
}

func mustParse(t *testing.T, text string) {
	t.Helper()
	if errs := jsonc.Parse([]byte(text)).Errors; len(errs) > 0 {
		t.Errorf("%s\ndoes not parse: %v", text, errs)
	}
}
