package lsp

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"mcpls/internal/mcp"
	"mcpls/internal/requests"
)

// nameListCatalog has names and texts that need escaping, a tool with a
// title, one without a description, and resources with a template.
func nameListCatalog() *mcp.Catalog {
	return &mcp.Catalog{
		Tools: []mcp.Tool{
			{Name: "search", Description: "Finds <things> & \"quotes\"\nover lines.", InputSchema: json.RawMessage(`{"type":"object"}`)},
			{Name: "écrire_日本", Title: "Write ✍", Description: "Writes text.\u2028Tab:\t.", InputSchema: json.RawMessage(`{"type":"object"}`)},
			{Name: "bare", InputSchema: json.RawMessage(`{"type":"object"}`)},
			{Name: `odd"name\`, Description: "Backslash \\ and quote.", InputSchema: json.RawMessage(`{"type":"object"}`)},
		},
		Prompts:   []mcp.Prompt{{Name: "greet", Description: "Says hello."}, {Name: "bye"}},
		Resources: []mcp.Resource{{URI: "file:///a.txt", Name: "a", MIMEType: "text/plain", Description: "A file."}},
		Templates: []mcp.ResourceTemplate{{URITemplate: "file:///logs/{day}", Name: "logs", Description: "Logs of a day."}},
	}
}

// TestNameListEncoding checks that the pre-encoded list of a catalog's
// names is byte for byte what encoding the converted items gives, at
// cursors in unquoted, quoted, empty and partly typed tokens, and after
// non-ASCII text on the line (UTF-16 columns).
func TestNameListEncoding(t *testing.T) {
	cat := nameListCatalog()
	catalogs := requests.Catalogs(func(string) (*mcp.Catalog, time.Time, bool) { return cat, time.Time{}, true })
	const head = "{\n  \"mcpServers\": { \"s1\": { \"type\": \"http\", \"url\": \"http://127.0.0.1:1/mcp\" } },\n  \"requests\": [\n"
	tests := []struct {
		name, line, marker string
	}{
		{"empty string", `{ "server": "s1", "tool": "|" }`, "|"},
		{"quoted partial", `{ "server": "s1", "tool": "se|" }`, "|"},
		{"quoted middle of word", `{ "server": "s1", "tool": "se|arch" }`, "|"},
		{"unclosed string", `{ "server": "s1", "tool": "se|`, "|"},
		{"no value yet", `{ "server": "s1", "tool": | }`, "|"},
		{"unquoted word", `{ "server": "s1", "tool": sea| }`, "|"},
		{"non-ASCII before", `{ "server": "s1", "title": "héllo 🎉 日本", "tool": "|" }`, "|"},
		{"non-ASCII before unclosed", `{ "server": "s1", "title": "🎉🎉", "tool": "é|`, "|"},
		{"prompt", `{ "server": "s1", "prompt": "g|" }`, "|"},
		{"resource", `{ "server": "s1", "resource": "|" }`, "|"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := strings.Replace(tt.line, tt.marker, "", 1)
			text := head + "    " + line + "\n  ]\n}\n"
			offset := len(head) + 4 + strings.Index(tt.line, tt.marker)
			doc := newDocument("file:///t/.mcp.json", 1, []byte(text))
			got, ok := nameListAt(nil, doc.analysis, doc.Path, doc.Text, doc.Lines(), offset, fileEnv{}, catalogs)
			if !ok {
				t.Fatalf("no name list at %q", tt.line)
			}
			items := completeAt(doc.analysis, doc.Path, doc.Text, doc.Lines(), offset, fileEnv{}, catalogs, true)
			if len(items) == 0 {
				t.Fatalf("no items at %q", tt.line)
			}
			want, err := protocol.Marshal(&protocol.CompletionList{Items: items})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("pre-encoded list differs\n got: %s\nwant: %s", got, want)
			}
			n, _ := requests.CompleteNames(doc.analysis.load(doc.Path, doc.Text), offset, catalogs)
			q := 0
			if n.Quoted {
				q = 1
			}
			e := n.Memo(nil).(*nameEncoding)
			r := appendRange(nil, toRange(doc.Lines(), n.Start, n.End))
			if size := e.size(q, len(r)); size != len(got) {
				t.Errorf("size computed %d, list of %d bytes: the buffer grows twice", size, len(got))
			}
		})
	}
}

// TestNameListElsewhere checks that the fast path stays out of positions
// whose list is not only a catalog's names.
func TestNameListElsewhere(t *testing.T) {
	cat := nameListCatalog()
	catalogs := requests.Catalogs(func(string) (*mcp.Catalog, time.Time, bool) { return cat, time.Time{}, true })
	tests := []struct{ name, text string }{
		{"config key", "{\n  \"mcpServers\": { | }\n}\n"},
		{"argument key", "{\n  \"mcpServers\": { \"s1\": { \"type\": \"http\", \"url\": \"http://127.0.0.1:1/mcp\" } },\n  \"requests\": [ { \"server\": \"s1\", \"tool\": \"search\", \"arguments\": { | } } ]\n}\n"},
		{"server name", "{\n  \"mcpServers\": { \"s1\": { \"type\": \"http\", \"url\": \"http://127.0.0.1:1/mcp\" } },\n  \"requests\": [ { \"server\": \"|\" } ]\n}\n"},
		{"after closed string", "{\n  \"mcpServers\": { \"s1\": { \"type\": \"http\", \"url\": \"http://127.0.0.1:1/mcp\" } },\n  \"requests\": [ { \"server\": \"s1\", \"tool\": \"search\"| } ]\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			offset := strings.Index(tt.text, "|")
			text := strings.Replace(tt.text, "|", "", 1)
			doc := newDocument("file:///t/.mcp.json", 1, []byte(text))
			if got, ok := nameListAt(nil, doc.analysis, doc.Path, doc.Text, doc.Lines(), offset, fileEnv{}, catalogs); ok {
				t.Errorf("name list at %q: %s", tt.text, got)
			}
		})
	}
}

// TestNameListFallsBack checks that a catalog whose items cannot be cut
// (a tool with an empty name has no filter text) is answered the plain
// way, with every item.
func TestNameListFallsBack(t *testing.T) {
	cat := &mcp.Catalog{Tools: []mcp.Tool{{Name: "a"}, {Name: ""}}}
	catalogs := requests.Catalogs(func(string) (*mcp.Catalog, time.Time, bool) { return cat, time.Time{}, true })
	text := "{\n  \"mcpServers\": { \"s1\": { \"type\": \"http\", \"url\": \"http://127.0.0.1:1/mcp\" } },\n  \"requests\": [ { \"server\": \"s1\", \"tool\": | } ]\n}\n"
	offset := strings.Index(text, "|")
	text = strings.Replace(text, "|", "", 1)
	doc := newDocument("file:///t/.mcp.json", 1, []byte(text))
	if got, ok := nameListAt(nil, doc.analysis, doc.Path, doc.Text, doc.Lines(), offset, fileEnv{}, catalogs); ok {
		t.Errorf("pre-encoded list of uncuttable items: %s", got)
	}
	if items := completeAt(doc.analysis, doc.Path, doc.Text, doc.Lines(), offset, fileEnv{}, catalogs, true); len(items) != 2 {
		t.Errorf("plain completion lists %d items, want 2", len(items))
	}
}

// TestWarmNameLists: a catalog's name lists are encoded in the background
// when it arrives, before any completion.
func TestWarmNameLists(t *testing.T) {
	cat := nameListCatalog()
	s := &Server{client: &client{ctx: t.Context()}}
	for _, n := range requests.CatalogNames(cat) {
		if n.Memoized() {
			t.Fatal("a name list was encoded before the test asked")
		}
	}
	s.warmNameLists(cat)
	s.client.wg.Wait()
	names := requests.CatalogNames(cat)
	if len(names) != 3 {
		t.Fatalf("CatalogNames gave %d kinds, want tools, prompts and resources", len(names))
	}
	for _, n := range names {
		if !n.Memoized() {
			t.Errorf("a name list of %d items is still to encode", len(n.Shared()))
		}
	}
}
