package config

import (
	"strings"
	"testing"

	"mcpls/internal/jsonc"
)

func keySeg(k string) jsonc.PathSeg { return jsonc.PathSeg{Key: k, Index: -1} }
func idxSeg(i int) jsonc.PathSeg    { return jsonc.PathSeg{Index: i} }

func TestContextOf(t *testing.T) {
	tests := []struct {
		name string
		path []jsonc.PathSeg
		want Context
	}{
		{"root", nil, CtxRoot},
		{"mcpServers", []jsonc.PathSeg{keySeg("mcpServers")}, CtxServers},
		{"servers", []jsonc.PathSeg{keySeg("servers")}, CtxServers},
		{"server", []jsonc.PathSeg{keySeg("mcpServers"), keySeg("x")}, CtxServer},
		{"vscode server", []jsonc.PathSeg{keySeg("servers"), keySeg("gh")}, CtxServer},
		{"oauth", []jsonc.PathSeg{keySeg("servers"), keySeg("gh"), keySeg("oauth")}, CtxOAuth},
		{"scopes", []jsonc.PathSeg{keySeg("servers"), keySeg("gh"), keySeg("oauth"), keySeg("scopes")}, CtxStringArray},
		{"env", []jsonc.PathSeg{keySeg("mcpServers"), keySeg("x"), keySeg("env")}, CtxStringMap},
		{"headers", []jsonc.PathSeg{keySeg("mcpServers"), keySeg("x"), keySeg("headers")}, CtxStringMap},
		{"args", []jsonc.PathSeg{keySeg("mcpServers"), keySeg("x"), keySeg("args")}, CtxStringArray},
		{"inputs", []jsonc.PathSeg{keySeg("inputs")}, CtxInputs},
		{"input", []jsonc.PathSeg{keySeg("inputs"), idxSeg(3)}, CtxInput},
		{"options", []jsonc.PathSeg{keySeg("inputs"), idxSeg(0), keySeg("options")}, CtxStringArray},
		{"requests", []jsonc.PathSeg{keySeg("requests")}, CtxRequests},
		{"request", []jsonc.PathSeg{keySeg("requests"), idxSeg(0)}, CtxRequest},
		{"arguments", []jsonc.PathSeg{keySeg("requests"), idxSeg(0), keySeg("arguments")}, CtxArguments},
		{"inside arguments", []jsonc.PathSeg{keySeg("requests"), idxSeg(0), keySeg("arguments"), keySeg("a")}, CtxNone},
		{"unknown root key", []jsonc.PathSeg{keySeg("other")}, CtxNone},
		{"index in servers", []jsonc.PathSeg{keySeg("servers"), idxSeg(0)}, CtxNone},
		{"key in inputs", []jsonc.PathSeg{keySeg("inputs"), keySeg("id")}, CtxNone},
		{"root index", []jsonc.PathSeg{idxSeg(0)}, CtxNone},
		{"unknown server key", []jsonc.PathSeg{keySeg("mcpServers"), keySeg("x"), keySeg("dev")}, CtxNone},
		{"below none stays none", []jsonc.PathSeg{keySeg("other"), keySeg("mcpServers")}, CtxNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ContextOf(tt.path); got != tt.want {
				t.Errorf("ContextOf(%v) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
}

// TestKeyTable checks the table's own consistency: every key documented
// with an example, kinds set, enum docs parallel to enums, transports
// spelled right, no duplicates.
func TestKeyTable(t *testing.T) {
	for _, c := range []Context{CtxRoot, CtxServer, CtxOAuth, CtxInput, CtxRequest} {
		keys := Keys(c)
		if len(keys) == 0 {
			t.Errorf("Keys(%v) is empty", c)
		}
		seen := map[string]bool{}
		for _, k := range keys {
			t.Run(c.String()+"/"+k.Name, func(t *testing.T) {
				if seen[k.Name] {
					t.Errorf("duplicate key")
				}
				seen[k.Name] = true
				if len(k.Kinds) == 0 {
					t.Errorf("no kinds")
				}
				if k.Doc == "" || !strings.HasSuffix(k.Doc, ".") && !strings.HasSuffix(k.Doc, "```") {
					t.Errorf("doc missing or unfinished: %q", k.Doc)
				}
				if len(k.EnumDocs) != len(k.Enum) {
					t.Errorf("%d enum docs for %d enum values", len(k.EnumDocs), len(k.Enum))
				}
				for _, tr := range k.Transports {
					if tr != TransportStdio && tr != TransportHTTP && tr != TransportSSE {
						t.Errorf("unknown transport %q", tr)
					}
				}
				if c != CtxServer && len(k.Transports) > 0 {
					t.Errorf("transports on a key outside a server entry")
				}
				if got, ok := LookupKey(c, k.Name); !ok || got.Name != k.Name {
					t.Errorf("LookupKey(%v, %q) = %v, %v", c, k.Name, got.Name, ok)
				}
			})
		}
	}
	for _, c := range []Context{CtxNone, CtxServers, CtxInputs, CtxRequests, CtxStringMap, CtxStringArray, CtxArguments} {
		if keys := Keys(c); keys != nil {
			t.Errorf("Keys(%v) = %d keys, want none (free or not an object)", c, len(keys))
		}
	}
}

func TestLookupKey(t *testing.T) {
	tests := []struct {
		c      Context
		name   string
		wantOK bool
		kind   jsonc.Kind
	}{
		{CtxServer, "command", true, jsonc.String},
		{CtxServer, "args", true, jsonc.Array},
		{CtxServer, "timeout", true, jsonc.Number},
		{CtxServer, "clientId", false, 0},
		{CtxOAuth, "callbackPort", true, jsonc.Number},
		{CtxInput, "password", true, jsonc.Bool},
		{CtxRequest, "arguments", true, jsonc.Object},
		{CtxRoot, "mcpServers", true, jsonc.Object},
		{CtxRoot, "command", false, 0},
		{CtxStringMap, "PATH", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.c.String()+"/"+tt.name, func(t *testing.T) {
			k, ok := LookupKey(tt.c, tt.name)
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tt.wantOK)
			}
			if ok && !k.Accepts(tt.kind) {
				t.Errorf("%q does not accept %v", tt.name, tt.kind)
			}
		})
	}
}

func TestAppliesTo(t *testing.T) {
	tests := []struct {
		key, transport string
		want           bool
	}{
		{"command", "stdio", true},
		{"command", "http", false},
		{"command", "", true},
		{"url", "sse", true},
		{"url", "stdio", false},
		{"headers", "http", true},
		{"oauth", "stdio", false},
		{"type", "stdio", true},
		{"timeout", "http", true},
	}
	for _, tt := range tests {
		t.Run(tt.key+"/"+tt.transport, func(t *testing.T) {
			k, ok := LookupKey(CtxServer, tt.key)
			if !ok {
				t.Fatalf("no key %q", tt.key)
			}
			if got := k.AppliesTo(tt.transport); got != tt.want {
				t.Errorf("AppliesTo(%q) = %v, want %v", tt.transport, got, tt.want)
			}
		})
	}
}

func TestVariableForms(t *testing.T) {
	for _, v := range VariableForms() {
		t.Run(v.Label, func(t *testing.T) {
			if !strings.HasPrefix(v.Snippet, `\${`) || !strings.HasSuffix(v.Snippet, "}") || v.Doc == "" {
				t.Errorf("bad form %+v", v)
			}
		})
	}
}
