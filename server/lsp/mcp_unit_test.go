package lsp

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"mcpls/internal/jsonc"
	"mcpls/server/lspext"
)

// TestCommandsMatchLspext keeps the command table in step with the one
// source of truth, lspext.Commands.
func TestCommandsMatchLspext(t *testing.T) {
	for _, c := range lspext.Commands {
		if commands[c.Name] == nil {
			t.Errorf("lspext command %s has no implementation", c.Name)
		}
	}
	for name := range commands {
		if !slices.Contains(lspext.CommandNames(), name) {
			t.Errorf("command %s is not declared in lspext.Commands", name)
		}
	}
}

func TestApplySettings(t *testing.T) {
	for _, tc := range []struct {
		name string
		raw  string
		want Settings
	}{
		{"none", ``, defaultSettings},
		{"flat", `{"autoConnect": "http", "trusted": false}`, with(func(s *Settings) { s.AutoConnect, s.Trusted = AutoConnectHTTP, false })},
		{"nested", `{"mcpls": {"autoConnect": "all"}}`, with(func(s *Settings) { s.AutoConnect = AutoConnectAll })},
		{"unknown value", `{"autoConnect": "sometimes"}`, defaultSettings},
		{"malformed", `{"autoConnect": `, defaultSettings},
		{"timeouts in seconds", `{"mcpls": {"timeouts": {"connect": 5, "request": 0.25}}}`,
			with(func(s *Settings) { s.ConnectTimeout, s.RequestTimeout = 5*time.Second, 250*time.Millisecond })},
		{"one timeout", `{"timeouts": {"request": 60}}`, with(func(s *Settings) { s.RequestTimeout = time.Minute })},
		{"0 is no bound", `{"timeouts": {"connect": 0, "request": 0}}`, with(func(s *Settings) { s.ConnectTimeout, s.RequestTimeout = 0, 0 })},
		{"huge is no bound", `{"timeouts": {"connect": 1e300}}`, with(func(s *Settings) { s.ConnectTimeout = 0 })},
		{"negative is ignored", `{"timeouts": {"connect": -1, "request": -5}}`, defaultSettings},
		{"not a number", `{"timeouts": {"connect": "10"}}`, defaultSettings},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, applySettings(defaultSettings, []byte(tc.raw))); diff != "" {
				t.Errorf("settings (-want +got):\n%s", diff)
			}
		})
	}
}

// with is defaultSettings changed by edit.
func with(edit func(*Settings)) Settings {
	s := defaultSettings
	edit(&s)
	return s
}

func TestServerLenses(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		st   lspext.ServerState
		want []string
	}{
		{lspext.ServerState{State: lspext.StateDisconnected}, []string{"Connect"}},
		{lspext.ServerState{State: lspext.StateConnecting}, []string{"Connecting…"}},
		{lspext.ServerState{State: lspext.StateConnected, Counts: lspext.Counts{Tools: 12, Prompts: 3, Resources: 1}},
			[]string{"● 12 tools · 3 prompts · 1 resource", "Resync", "Disconnect"}},
		{lspext.ServerState{State: lspext.StateOffline, CachedAt: "2026-11-26T11:55:00Z"}, []string{"Offline: cached 5 min ago", "Retry"}},
		{lspext.ServerState{State: lspext.StateNeedsAuth, Error: "401"}, []string{"Sign in", "Error: 401"}},
		{lspext.ServerState{State: lspext.StateError, Error: "connection refused"}, []string{"Error: connection refused", "Show console"}},
	} {
		t.Run(tc.st.State, func(t *testing.T) {
			var got []string
			for _, c := range serverLenses(tc.st, now) {
				got = append(got, c.Title)
				if !slices.Contains(lspext.CommandNames(), c.Command) {
					t.Errorf("lens %q runs %s, which is not an announced command", c.Title, c.Command)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("lenses (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInsertRequest(t *testing.T) {
	skeleton := "{\n  \"server\": \"demo\",\n  \"tool\": \"add\"\n}"
	for _, tc := range []struct {
		name, text, want string
	}{
		{
			name: "appends to the list",
			text: "{\n  \"requests\": [\n    { \"tool\": \"x\" }\n  ]\n}\n",
			want: "{\n  \"requests\": [\n    { \"tool\": \"x\" },\n    {\n      \"server\": \"demo\",\n      \"tool\": \"add\"\n    }\n  ]\n}\n",
		},
		{
			name: "fills an empty list",
			text: "{\n  \"requests\": []\n}\n",
			want: "{\n  \"requests\": [\n    {\n      \"server\": \"demo\",\n      \"tool\": \"add\"\n    }\n  ]\n}\n",
		},
		{
			name: "creates the list",
			text: "{\n  \"mcpServers\": {}\n}\n",
			want: "{\n  \"mcpServers\": {},\n  \"requests\": [\n    {\n      \"server\": \"demo\",\n      \"tool\": \"add\"\n    }\n  ]\n}\n",
		},
		{
			name: "empty object",
			text: "{}",
			want: "{\n  \"requests\": [\n    {\n      \"server\": \"demo\",\n      \"tool\": \"add\"\n    }\n  ]\n}",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := insertRequest(jsonc.Parse([]byte(tc.text)), skeleton)
			got := tc.text[:e.Start] + e.NewText + tc.text[e.End:]
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("text (-want +got):\n%s", diff)
			}
			if doc := jsonc.Parse([]byte(got)); len(doc.Errors) > 0 {
				t.Errorf("result does not parse: %v", doc.Errors)
			}
		})
	}
}

func TestAgo(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for at, want := range map[string]string{
		"2026-11-26T11:59:30Z": "just now",
		"2026-11-26T11:48:00Z": "12 min ago",
		"2026-11-26T09:00:00Z": "3 h ago",
		"2026-11-20T12:00:00Z": "6 days ago",
		"garbage":              "earlier",
	} {
		if got := ago(at, now); got != want {
			t.Errorf("ago(%s) = %q, want %q", at, got, want)
		}
	}
	if !strings.HasPrefix(fileSafe("a/b c"), "a_b_c") {
		t.Errorf("fileSafe = %q", fileSafe("a/b c"))
	}
}
