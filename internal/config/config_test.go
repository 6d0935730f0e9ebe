package config

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIsConfigFile(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"/p/.mcp.json", true},
		{".mcp.json", true},
		{"/p/team.mcp.json", true},
		{"/p/.vscode/mcp.json", true},
		{"/p/.cursor/mcp.json", true},
		{"/p/mcp.json", false},
		{"/p/.vscode/settings.json", false},
		{"/p/.mcp.jsonc", false},
		{"/p/mcp.json.bak", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if got := IsConfigFile(tt.path); got != tt.want {
				t.Errorf("IsConfigFile(%q) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
}

func TestVars(t *testing.T) {
	type ref struct {
		Kind             VarKind
		Name, Default    string
		HasDefault       bool
		Source, NameText string // the document text at Start:End and NameStart:NameEnd
	}
	tests := []struct {
		literal string // a JSON string literal
		want    []ref
	}{
		{`"plain"`, nil},
		{`"${A}"`, []ref{{VarEnv, "A", "", false, "${A}", "A"}}},
		{`"x${A:-d ef}y"`, []ref{{VarEnv, "A", "d ef", true, "${A:-d ef}", "A"}}},
		{`"${env:Path(x86)}"`, []ref{{VarEnv, "Path(x86)", "", false, "${env:Path(x86)}", "Path(x86)"}}},
		{`"${env:B:-}"`, []ref{{VarEnv, "B", "", true, "${env:B:-}", "B"}}},
		{`"${input:my-id}"`, []ref{{VarInput, "my-id", "", false, "${input:my-id}", "my-id"}}},
		{`"${workspaceFolder}/${userHome}"`, []ref{
			{VarWorkspaceFolder, "workspaceFolder", "", false, "${workspaceFolder}", "workspaceFolder"},
			{VarUserHome, "userHome", "", false, "${userHome}", "userHome"},
		}},
		{`"${config:x.y}"`, []ref{{VarUnsupported, "config:x.y", "", false, "${config:x.y}", "config:x.y"}}},
		{`"${} ${input:}"`, []ref{
			{VarMalformed, "", "", false, "${}", ""},
			{VarMalformed, "input:", "", false, "${input:}", "input:"},
		}},
		{`"a ${B"`, []ref{{VarMalformed, "B", "", false, "${B", "B"}}},
		{`"\u0024{ESC}"`, []ref{{VarEnv, "ESC", "", false, `\u0024{ESC}`, "ESC"}}},
		{`"\"${\u0041}\""`, []ref{{VarEnv, "A", "", false, `${\u0041}`, `\u0041`}}},
		{`"\ud83d\ude00${Z}"`, []ref{{VarEnv, "Z", "", false, "${Z}", "Z"}}},
		{`"日本${Z}"`, []ref{{VarEnv, "Z", "", false, "${Z}", "Z"}}},
		{`"\\${A}"`, []ref{{VarEnv, "A", "", false, "${A}", "A"}}},
	}
	for _, tt := range tests {
		t.Run(tt.literal, func(t *testing.T) {
			text := []byte(`{"servers":{"s":{"command":` + tt.literal + `}}}`)
			f := Load("", text)
			if len(f.Servers) != 1 || !f.Servers[0].Command.Set {
				t.Fatalf("no command loaded from %s", text)
			}
			var got []ref
			for _, v := range Vars(text, f.Servers[0].Command.Node) {
				got = append(got, ref{v.Kind, v.Name, v.Default, v.HasDefault, string(text[v.Start:v.End]), string(text[v.NameStart:v.NameEnd])})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Vars(%s) (-want +got):\n%s", tt.literal, diff)
			}
		})
	}
}

func TestParseEnvFile(t *testing.T) {
	data := "# c\n\nA=1\nexport B = two words # note\nC=\"x\\ny\"\nD='${raw} # kept'\nnot a line\n1X=bad\nE=a=b\r\n"
	want := map[string]string{"A": "1", "B": "two words", "C": "x\ny", "D": "${raw} # kept", "E": "a=b"}
	if diff := cmp.Diff(want, ParseEnvFile([]byte(data))); diff != "" {
		t.Errorf("ParseEnvFile (-want +got):\n%s", diff)
	}
}

func TestLineIndex(t *testing.T) {
	x := NewLineIndex([]byte("ab\n日本x\n\nz"))
	tests := []struct{ offset, line, col int }{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {6, 2, 2}, {9, 2, 3}, {10, 2, 4}, {11, 3, 1}, {12, 4, 1}, {13, 4, 2}, {99, 4, 2}, {-1, 1, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.offset), func(t *testing.T) {
			if l, c := x.Position(tt.offset); l != tt.line || c != tt.col {
				t.Errorf("Position(%d) = %d:%d, want %d:%d", tt.offset, l, c, tt.line, tt.col)
			}
		})
	}
}

func TestLoadModel(t *testing.T) {
	text := []byte(`{
  "servers": { "z": { "url": "https://a" }, "a": { "command": "c", "args": ["1", 2] } },
  "mcpServers": { "m": { "type": "sse", "url": "https://b", "timeout": 5 }, "bad": { "type": "nope" }, "s": "x" },
  "inputs": [ { "id": "i", "type": "pickString", "options": ["p"], "password": true } ],
  "requests": [ 1, { "name": "n", "server": "a", "prompt": "p", "arguments": { "k": "v" } }, { "tool": "t", "resource": "r" } ]
}`)
	f := Load("/w/.vscode/mcp.json", text)
	src := func(r Range) string { return string(text[r.Start:r.End]) }
	type server struct{ Name, NameText, Transport string }
	var got []server
	for _, s := range f.Servers {
		got = append(got, server{s.Name, src(s.NameRange), s.Transport})
	}
	want := []server{{"z", `"z"`, "http"}, {"a", `"a"`, "stdio"}, {"m", `"m"`, "sse"}, {"bad", `"bad"`, ""}, {"s", `"s"`, ""}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("servers (-want +got):\n%s", diff)
	}
	a := f.Server("a")
	if len(a.Args) != 2 || !a.Args[0].Set || a.Args[1].Set || src(a.Args[1].Range) != "2" {
		t.Errorf("args of a = %+v, want a string and a non-string", a.Args)
	}
	if src(a.Command.Key) != `"command"` || src(a.Command.Range) != `"c"` {
		t.Errorf("command ranges: key %q value %q", src(a.Command.Key), src(a.Command.Range))
	}
	if m := f.Server("m"); !m.Timeout.Set || m.Timeout.Value != 5 || src(m.Timeout.Range) != "5" {
		t.Errorf("timeout of m = %+v", m.Timeout)
	}
	in := f.Input("i")
	if in == nil || in.Type.Value != "pickString" || len(in.Options) != 1 || !in.Password.Value {
		t.Errorf("input i = %+v", in)
	}
	if len(f.Requests) != 2 || f.Requests[0].Index != 1 || f.Requests[1].Index != 2 {
		t.Fatalf("requests = %d, want the 2 objects with their list indexes", len(f.Requests))
	}
	if kind, target, ok := f.Requests[0].Kind(); !ok || kind != RequestPrompt || target.Value != "p" || f.Requests[0].Arguments == nil {
		t.Errorf("request 0 kind = %q %q %v", kind, target.Value, ok)
	}
	if _, _, ok := f.Requests[1].Kind(); ok {
		t.Errorf("request 1 has two targets, Kind ok = true")
	}
	if ws := f.WorkspaceFolder(); ws != "/w" {
		t.Errorf("WorkspaceFolder = %q, want /w", ws)
	}
}

func TestEnvFiles(t *testing.T) {
	text := []byte(`{"servers": {
		"a": {"command": "x", "envFile": "${workspaceFolder}/.env"},
		"b": {"command": "x", "envFile": ".env"},
		"c": {"command": "x", "envFile": "conf/dev.env"},
		"d": {"command": "x"},
		"e": {"command": "x", "envFile": "${userHome}/x.env"}}}`)
	f := Load("/w/.vscode/mcp.json", text)
	want := []string{"/w/.env", "/w/conf/dev.env"} // no home known: e is left out
	if diff := cmp.Diff(want, f.EnvFiles()); diff != "" {
		t.Errorf("EnvFiles (-want +got):\n%s", diff)
	}
	want = []string{"/w/.env", "/w/conf/dev.env", "/home/u/x.env"}
	if diff := cmp.Diff(want, f.EnvFilesFor(Env{UserHome: "/home/u"})); diff != "" {
		t.Errorf("EnvFilesFor (-want +got):\n%s", diff)
	}
}

func TestClosest(t *testing.T) {
	tests := []struct {
		name       string
		candidates []string
		want       string
	}{
		{"comand", []string{"command", "cwd"}, "command"},
		{"mcpservers", []string{"mcpServers", "servers"}, "mcpServers"},
		{"xyz", []string{"command", "url"}, ""},
		{"ur", []string{"url"}, "url"},
		{"url", []string{"url"}, ""},
		{"everythin", []string{"every", "everything"}, "everything"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := closest(tt.name, tt.candidates); got != tt.want {
				t.Errorf("closest(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}
