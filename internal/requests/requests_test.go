package requests

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"mcpls/internal/config"
	"mcpls/internal/mcp"
)

// smallDoc is a config with n distinct requests on the demo server, every
// tenth one with a wrong argument.
func smallDoc(n int, prefix string) string {
	var b strings.Builder
	b.WriteString("{\n  " + prefix + "\"mcpServers\": { \"demo\": { \"type\": \"http\", \"url\": \"http://127.0.0.1:1/mcp\" } },\n  \"requests\": [\n")
	for i := range n {
		a := fmt.Sprint(i)
		if i%10 == 0 {
			a = `"` + a + `"`
		}
		sep := ","
		if i == n-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    { \"name\": \"r%d\", \"server\": \"demo\", \"tool\": \"add\", \"arguments\": { \"a\": %s, \"b\": 1 } }%s\n", i, a, sep)
	}
	b.WriteString("  ]\n}\n")
	return b.String()
}

func TestValidatorRevalidatesOnlyWhatChanged(t *testing.T) {
	demo := loadCatalog(t, "demo")
	cat := demo
	catalogs := func(string) (*mcp.Catalog, time.Time, bool) { return cat, time.Time{}, true }
	var v Validator
	check := func(name, text string, wantChecked int) {
		t.Helper()
		before := v.checked
		f := config.Load("x.mcp.json", []byte(text))
		got := v.Diagnostics(f, catalogs)
		if n := v.checked - before; n != wantChecked {
			t.Errorf("%s: validated %d requests, want %d", name, n, wantChecked)
		}
		if diff := cmp.Diff(Diagnostics(f, catalogs), got); diff != "" {
			t.Errorf("%s: memoised diagnostics differ from fresh ones (-fresh +memo):\n%s", name, diff)
		}
		if len(got) != 5 && !strings.Contains(name, "fixed") {
			t.Errorf("%s: %d diagnostics, want 5", name, len(got))
		}
	}
	text := smallDoc(50, "")
	check("first run", text, 50)
	check("same text", text, 0)
	check("one request edited", strings.Replace(text, `"a": 7,`, `"a": 8,`, 1), 1)
	check("everything shifted", smallDoc(50, "\"x\": 1, "), 1) // the request edited above is back
	check("one request fixed", strings.Replace(smallDoc(50, "\"x\": 1, "), `"a": "20"`, `"a": 20`, 1), 1)
	cat = loadCatalog(t, "demo") // a new catalog: same content, new identity
	check("new catalog", text, 50)
}

func TestCachedCatalogInformation(t *testing.T) {
	demo := loadCatalog(t, "demo")
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		ago  time.Duration
		want string
	}{
		{0, ""},
		{20 * time.Second, "catalog cached less than a minute ago (server offline)"},
		{5 * time.Minute, "catalog cached 5 min ago (server offline)"},
		{3 * time.Hour, "catalog cached 3 h ago (server offline)"},
		{72 * time.Hour, "catalog cached 3 days ago (server offline)"},
	} {
		t.Run(tt.ago.String(), func(t *testing.T) {
			cachedAt := time.Time{}
			if tt.ago > 0 {
				cachedAt = now.Add(-tt.ago)
			}
			catalogs := func(string) (*mcp.Catalog, time.Time, bool) { return demo, cachedAt, true }
			f := config.Load("x.mcp.json", []byte(`{"requests": [{"server": "demo", "tool": "add", "arguments": {"a": 1, "b": 2}}]}`))
			v := Validator{Now: func() time.Time { return now }}
			var got string
			for _, d := range v.Diagnostics(f, catalogs) {
				if d.Code == CodeCatalogCached {
					got = d.Message
					if text := string(f.Doc.Text[d.Start:d.End]); text != `"demo"` || d.Severity != config.SeverityInformation {
						t.Errorf("at %s with severity %v, want on \"demo\" as information", text, d.Severity)
					}
				}
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSkeleton(t *testing.T) {
	demo, everything := loadCatalog(t, "demo"), loadCatalog(t, "everything")
	for _, tt := range []struct {
		name         string
		cat          *mcp.Catalog
		kind, target string
		want         string
	}{
		{"tool", everything, config.RequestTool, "get-sum",
			"{\n  \"name\": \"get-sum\",\n  \"server\": \"s\",\n  \"tool\": \"get-sum\",\n  \"arguments\": {\n    \"a\": 0,\n    \"b\": 0\n  }\n}"},
		{"tool with enum and defaults", demo, config.RequestTool, "delete_item",
			"{\n  \"name\": \"delete_item\",\n  \"server\": \"s\",\n  \"tool\": \"delete_item\",\n  \"arguments\": {\n    \"id\": 0,\n    \"confirm\": true\n  }\n}"},
		{"tool without required", demo, config.RequestTool, "stats",
			"{\n  \"name\": \"stats\",\n  \"server\": \"s\",\n  \"tool\": \"stats\",\n  \"arguments\": {}\n}"},
		{"prompt", everything, config.RequestPrompt, "args-prompt",
			"{\n  \"name\": \"args-prompt\",\n  \"server\": \"s\",\n  \"prompt\": \"args-prompt\",\n  \"arguments\": {\n    \"city\": \"\"\n  }\n}"},
		{"prompt without arguments", everything, config.RequestPrompt, "simple-prompt",
			"{\n  \"name\": \"simple-prompt\",\n  \"server\": \"s\",\n  \"prompt\": \"simple-prompt\"\n}"},
		{"template", demo, config.RequestResource, "demo://users/{user}/notes/{note}",
			"{\n  \"name\": \"demo://users/{user}/notes/{note}\",\n  \"server\": \"s\",\n  \"resource\": \"demo://users/{user}/notes/{note}\",\n  \"arguments\": {\n    \"user\": \"\",\n    \"note\": \"\"\n  }\n}"},
		{"resource", demo, config.RequestResource, "demo://config.json",
			"{\n  \"name\": \"demo://config.json\",\n  \"server\": \"s\",\n  \"resource\": \"demo://config.json\"\n}"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Skeleton(tt.cat, "s", tt.kind, tt.target)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			f := config.Load("x.mcp.json", []byte(`{"requests": [`+got+`]}`))
			catalogs := func(string) (*mcp.Catalog, time.Time, bool) { return tt.cat, time.Time{}, true }
			for _, d := range Diagnostics(f, catalogs) {
				if d.Code != CodeInvalidArguments { // placeholders may break minimum or minLength
					t.Errorf("the skeleton has a diagnostic: %+v", d)
				}
			}
		})
	}
}

func TestTemplateMatching(t *testing.T) {
	for _, tt := range []struct {
		template string
		vars     []string
		match    []string
		noMatch  []string
	}{
		{"demo://items/{id}", []string{"id"}, []string{"demo://items/1", "demo://items/abc"}, []string{"demo://items/", "demo://items/1/2", "demo://item/1"}},
		{"demo://users/{user}/notes/{note}", []string{"user", "note"}, []string{"demo://users/ada/notes/7"}, []string{"demo://users/ada/notes", "demo://users//notes/7"}},
		{"file:///{+path}", []string{"path"}, []string{"file:///a/b/c.txt", "file:///"}, []string{"http:///a"}},
		{"search://q{?query,limit}", []string{"query", "limit"}, []string{"search://q?query=x&limit=2", "search://q"}, []string{"search://p"}},
		{"x://{a.b}/{c:3}/{list*}", []string{"a.b", "c", "list"}, []string{"x://1/2/3"}, nil},
	} {
		t.Run(tt.template, func(t *testing.T) {
			tp := parseTemplate(&mcp.ResourceTemplate{URITemplate: tt.template})
			if diff := cmp.Diff(tt.vars, tp.vars); diff != "" {
				t.Errorf("vars (-want +got):\n%s", diff)
			}
			for _, u := range tt.match {
				if !tp.matches(u) {
					t.Errorf("%q does not match", u)
				}
			}
			for _, u := range tt.noMatch {
				if tp.matches(u) {
					t.Errorf("%q matches", u)
				}
			}
		})
	}
}

func TestClosest(t *testing.T) {
	names := []string{"add", "add_tool", "get-sum", "get_weather", "search_issues", "labels"}
	for _, tt := range []struct{ name, want string }{
		{"ad", "add"},
		{"addd", "add"},
		{"get-sun", "get-sum"},
		{"get_wether", "get_weather"},
		{"lables", "labels"},
		{"search", "search_issues"},
		{"zzz", ""},
		{"add", ""}, // itself is no suggestion
	} {
		if got := closest(tt.name, names); got != tt.want {
			t.Errorf("closest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCodeActionsOnlyInRange(t *testing.T) {
	catalogs := recordedCatalogs(t)
	text := `{"requests": [
  {"server": "demo", "tool": "ad"},
  {"server": "demo", "tool": "add", "arguments": {"a": 1}}
]}`
	f := config.Load("x.mcp.json", []byte(text))
	diags := Diagnostics(f, catalogs)
	second := strings.Index(text, `"arguments"`)
	var titles []string
	for _, a := range CodeActions(f, diags, second, second, catalogs) {
		titles = append(titles, a.Title)
	}
	if diff := cmp.Diff([]string{`Add missing argument "b"`}, titles); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := CodeActions(f, diags, 0, 1, catalogs); len(got) != 0 {
		t.Errorf("actions outside every diagnostic: %+v", got)
	}
}

func TestNothingWithoutCatalog(t *testing.T) {
	none := func(string) (*mcp.Catalog, time.Time, bool) { return nil, time.Time{}, false }
	text := `{"requests": [{"server": "demo", "tool": "ad", "arguments": {"a": "x"}}]}`
	f := config.Load("x.mcp.json", []byte(text))
	if d := Diagnostics(f, none); len(d) != 0 {
		t.Errorf("diagnostics without a catalog: %+v", d)
	}
	for off := 0; off <= len(text); off++ {
		if items := Complete(f, off, none); len(items) != 0 {
			t.Errorf("completion at %d without a catalog: %+v", off, items)
		}
		if h, ok := Hover(f, off, none); ok {
			t.Errorf("hover at %d without a catalog: %+v", off, h)
		}
	}
}

// TestRobustOnEveryPrefix runs every feature at every offset of every
// prefix of a config: half-typed text must never panic.
func TestRobustOnEveryPrefix(t *testing.T) {
	catalogs := recordedCatalogs(t)
	text := `{"requests": [{"server": "demo", "tool": "configure", "arguments": {"server": {"port": 1, "tls": {"minVersion": "1.2"}}, "mode": "staging"}},
 {"server": "everything", "prompt": "args-prompt", "arguments": {"city": "x"}}, {"server": "demo", "resource": "demo://items/{id}", "arguments": {}}]}`
	for n := 0; n <= len(text); n++ {
		f := config.Load("x.mcp.json", []byte(text[:n]))
		diags := Diagnostics(f, catalogs)
		CodeActions(f, diags, 0, n, catalogs)
		for off := 0; off <= n; off += 7 {
			Complete(f, off, catalogs)
			Hover(f, off, catalogs)
		}
	}
}

// TestDiagnosticsKeepToCodes checks every diagnostic of the marker tests
// against Codes: a known code, at most its listed severity.
func TestDiagnosticsKeepToCodes(t *testing.T) {
	known := map[string]config.Severity{}
	for _, c := range Codes {
		known[c.Code] = c.Severity
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "markers", "*.txtar"))
	seen := map[string]bool{}
	for _, path := range files {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if f.Name != ".mcp.json" {
				continue
			}
			text, _ := stripMarkers(f.Data)
			v := Validator{Now: func() time.Time { return testNow }}
			for _, d := range v.Diagnostics(config.Load(".mcp.json", text), recordedCatalogs(t)) {
				sev, ok := known[d.Code]
				if !ok {
					t.Errorf("%s: code %q is not in Codes", path, d.Code)
				} else if d.Severity < sev {
					t.Errorf("%s: %s reported as %v, Codes says %v", path, d.Code, d.Severity, sev)
				}
				seen[d.Code] = true
			}
		}
	}
	for _, c := range Codes {
		if !seen[c.Code] && c.Code != CodeInvalidSchema && c.Code != CodeArgumentsType {
			t.Errorf("no marker test shows %s", c.Code)
		}
	}
}

// TestOddCatalogs covers what real servers rarely send: a schema that does
// not compile, a tool without a schema, arguments that are not an object.
func TestOddCatalogs(t *testing.T) {
	cat := &mcp.Catalog{
		Tools: []mcp.Tool{
			{Name: "broken", InputSchema: []byte(`{"type": 12}`)},
			{Name: "free"},
			{Name: "external", InputSchema: []byte(`{"$ref": "https://example.com/s.json"}`)},
		},
		Prompts: []mcp.Prompt{{Name: "p", Arguments: []mcp.PromptArgument{{Name: "x", Required: true}}}},
	}
	catalogs := func(string) (*mcp.Catalog, time.Time, bool) { return cat, time.Time{}, true }
	text := `{"requests": [
  {"server": "s", "tool": "broken", "arguments": {"a": 1}},
  {"server": "s", "tool": "free", "arguments": {"anything": [1, 2]}},
  {"server": "s", "tool": "external"},
  {"server": "s", "prompt": "p", "arguments": ["x"]}
]}`
	f := config.Load("x.mcp.json", []byte(text))
	var got []string
	for _, d := range Diagnostics(f, catalogs) {
		got = append(got, fmt.Sprintf("%s %s %s", text[d.Start:d.End], d.Severity, d.Code))
	}
	want := []string{
		`"broken" warning request/invalid-schema`,
		`"external" warning request/invalid-schema`,
		`["x"] error request/arguments-not-object`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	h, ok := Hover(f, strings.Index(text, "broken")+1, catalogs)
	if !ok || !strings.Contains(h.Markdown, "cannot be used") {
		t.Errorf("hover on a broken tool: %q", h.Markdown)
	}
	if items := Complete(f, strings.Index(text, `"a"`)+1, catalogs); len(items) != 0 {
		t.Errorf("completion from a broken schema: %+v", items)
	}
}
