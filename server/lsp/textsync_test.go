package lsp

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"mcpls/internal/jsonc"
	"mcpls/server/lsp/lsptest"
	"mcpls/server/lspext"
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

func TestDecodeTextParams(t *testing.T) {
	text := "{\n  \"a\": \"tab\\there \u00e9 \U0001F600\",\n  \"b\": [1, 2]\n}\n"
	quoted, err := json.Marshal(text)
	if err != nil {
		t.Fatal(err)
	}
	open := `{"textDocument": {"uri": "file:///w/a%20b/.mcp.json", "languageId": "json", "version": 7, "text": ` + string(quoted) + `}, "extra": {"x": [1]}}`
	var op openParams
	if err := protocol.Unmarshal([]byte(open), &op); err != nil {
		t.Fatalf("decoding didOpen params: %v", err)
	}
	var want protocol.DidOpenTextDocumentParams
	if err := protocol.Unmarshal([]byte(open), &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.TextDocument, op.TextDocument); diff != "" {
		t.Errorf("didOpen params (-protocol +ours):\n%s", diff)
	}

	change := `{"textDocument": {"uri": "file:///w/.mcp.json", "version": 8}, "contentChanges": [` +
		`{"text": ` + string(quoted) + `}, {"range": {"start": {"line": 1, "character": 2}, "end": {"line": 1, "character": 5}}, "rangeLength": 3, "text": "\"z\""}]}`
	var cp changeParams
	if err := protocol.Unmarshal([]byte(change), &cp); err != nil {
		t.Fatalf("decoding didChange params: %v", err)
	}
	var wantChange protocol.DidChangeTextDocumentParams
	if err := protocol.Unmarshal([]byte(change), &wantChange); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantChange.TextDocument, cp.TextDocument); diff != "" {
		t.Errorf("didChange document (-protocol +ours):\n%s", diff)
	}
	if diff := cmp.Diff(wantChange.ContentChanges, cp.ContentChanges, cmpopts.EquateComparable(protocol.Optional[uint32]{})); diff != "" {
		t.Errorf("didChange changes (-protocol +ours):\n%s", diff)
	}

	for _, bad := range []string{`{"textDocument": 3}`, `{"textDocument": {"text": 3}}`, `{"textDocument": {"text": "x"`} {
		if err := protocol.Unmarshal([]byte(bad), &openParams{}); err == nil {
			t.Errorf("decoding %s: no error", bad)
		}
	}
}

// The text of a large didOpen costs one allocation of its size, where the
// generic decoder made several times that in garbage.
func TestDecodeOpenAllocatesTextOnce(t *testing.T) {
	text := strings.Repeat("{\"k\": \"v\\\\\"},\n", 40000)
	raw, err := json.Marshal(map[string]any{"textDocument": map[string]any{"uri": "file:///w/.mcp.json", "languageId": "json", "version": 1, "text": text}})
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var p openParams
	if err := protocol.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if p.TextDocument.Text != text {
		t.Fatal("text decoded wrong")
	}
	if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(len(raw))+64<<10; got > limit {
		t.Errorf("decoding a %d-byte didOpen allocated %d bytes, want at most %d", len(raw), got, limit)
	}
}

// entriesOf counts the server entries the MCP manager keeps for u.
func entriesOf(s *Server, u uri.URI) int {
	s.mcp.mu.Lock()
	defer s.mcp.mu.Unlock()
	n := 0
	for k := range s.mcp.servers {
		if k.uri == u {
			n++
		}
	}
	return n
}

// A file that is closed and has no copy on disk keeps no server entries:
// each one used to stay for the life of the process.
func TestCloseForgetsIdleServers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	serverEnd, editorEnd := lsptest.Pipe()
	s := newServer(ctx, serverEnd, Options{Log: io.Discard, CacheDir: t.TempDir(), OutputDir: t.TempDir()})
	ed := lsptest.Connect(ctx, editorEnd)
	t.Cleanup(func() { cancel(); ed.Disconnect(); s.close() })
	dir, outside := t.TempDir(), t.TempDir()
	params := lsptest.InitializeParams(dir)
	params.Capabilities.Experimental, _ = json.Marshal(map[string]any{lspext.CapabilityName: lspext.Capabilities{ServerState: true}})
	if _, err := ed.InitializeWith(ctx, params); err != nil {
		t.Fatal(err)
	}
	const text = `{"mcpServers": {"a": {"command": "npx"}, "b": {"type": "http", "url": "http://127.0.0.1:9/mcp"}}}`
	onDisk := filepath.Join(dir, "kept.mcp.json")
	if err := os.WriteFile(onDisk, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		u    uri.URI
		want int // entries left after the close
	}{
		{"workspace config not on disk", uri.File(filepath.Join(dir, "scratch.mcp.json")), 0},
		{"file outside the workspace", uri.File(filepath.Join(outside, ".mcp.json")), 0},
		{"workspace config on disk", uri.File(onDisk), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := ed.Open(ctx, tc.u, text); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"a", "b"} {
				if _, err := ed.AwaitNotification(ctx, lspext.MethodServerState, func(raw json.RawMessage) bool {
					var st lspext.ServerState
					return json.Unmarshal(raw, &st) == nil && st.URI == string(tc.u) && st.Name == name
				}); err != nil {
					t.Fatal(err)
				}
			}
			if n := entriesOf(s, tc.u); n != 2 {
				t.Fatalf("%d entries while open, want 2", n)
			}
			if err := ed.Close(ctx, tc.u); err != nil {
				t.Fatal(err)
			}
			// Diagnostics without a version: from disk, or cleared.
			if _, err := ed.AwaitDiagnostics(ctx, tc.u, func(p *protocol.PublishDiagnosticsParams) bool { return p.Version.IsZero() }); err != nil {
				t.Fatal(err)
			}
			if n := entriesOf(s, tc.u); n != tc.want {
				t.Errorf("%d entries after the close, want %d", n, tc.want)
			}
		})
	}
}
