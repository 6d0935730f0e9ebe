package cli

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// mixedConfig has passing and failing requests on an HTTP server, a stdio
// server and a server that is down.
func mixedConfig(t *testing.T) string {
	port, _ := serveDemo(t)
	return writeConfig(t, fmt.Sprintf(`{
  "mcpServers": {
    "demo": { "type": "http", "url": "http://127.0.0.1:%s/mcp" },
    "local": %s,
    "down": { "type": "http", "url": "http://127.0.0.1:%s/mcp" }
  },
  "requests": [
    { "name": "add", "server": "demo", "tool": "add", "arguments": { "a": 1, "b": 2 } },
    { "name": "fails", "server": "demo", "tool": "fail", "arguments": { "message": "it broke" } },
    { "name": "echo over stdio", "server": "local", "tool": "echo", "arguments": { "message": "${WHO:-nobody}" } },
    { "name": "unreachable", "server": "down", "tool": "add", "arguments": { "a": 1, "b": 2 } },
    { "server": "local", "prompt": "greet", "arguments": { "name": "alice" } },
    { "name": "item", "server": "demo", "resource": "demo://items/{id}", "arguments": { "id": "2" } },
    { "name": "no such tool", "server": "local", "tool": "nope" }
  ]
}`, port, stdioServer(t), deadPort(t)))
}

// runLine matches an outcome line: mark, name, server, time, summary.
var runLine = regexp.MustCompile(`^([✓✖]) (.+?) +(demo|local|down) +(\d+ ms|\d+\.\d s)  (.*)$`)

func TestRunText(t *testing.T) {
	cfg := mixedConfig(t)
	t.Setenv(childEnv, "")
	t.Setenv("WHO", "ada")
	code, out, errOut := mcpCmd(t, "", "run", "--config", cfg)
	if code != ExitFailure {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 8 || lines[7] != "4 passed, 3 failed" {
		t.Fatalf("want 7 outcome lines and the summary, got:\n%s", out)
	}
	type row struct{ Mark, Name, Server, Summary string }
	var got []row
	for _, l := range lines[:7] {
		m := runLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("line %q is not an outcome line", l)
		}
		got = append(got, row{m[1], m[2], m[3], m[5]})
	}
	refused := got[3].Summary
	unknown := got[6].Summary
	want := []row{
		{"✓", "add", "demo", "3"},
		{"✖", "fails", "demo", "it broke"},
		{"✓", "echo over stdio", "local", "ada"},
		{"✖", "unreachable", "down", refused},
		{"✓", "prompt greet", "local", "1 message"},
		{"✓", "item", "demo", "1 item, application/json"},
		{"✖", "no such tool", "local", unknown},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if !strings.Contains(refused, "connection refused") || !strings.Contains(unknown, `unknown tool "nope"`) {
		t.Errorf("error summaries: %q, %q", refused, unknown)
	}
}

func TestRunJSONAndJUnit(t *testing.T) {
	cfg := mixedConfig(t)
	t.Setenv(childEnv, "")
	report := filepath.Join(t.TempDir(), "junit.xml")
	code, out, errOut := mcpCmd(t, "", "run", "--config", cfg, "--json", "--junit", report,
		"--request", "fails", "--request", "add", "--request", "unreachable")
	if code != ExitFailure {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, errOut)
	}
	if !strings.HasSuffix(errOut, "1 passed, 2 failed\n") {
		t.Errorf("stderr %q, want the summary line", errOut)
	}
	type outcome struct {
		Name    string `json:"name"`
		OK      bool   `json:"ok"`
		IsError bool   `json:"isError"`
		Error   string `json:"error"`
	}
	var got []outcome
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var o outcome
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		o.Error = strings.SplitN(o.Error, ":", 2)[0]
		got = append(got, o)
	}
	want := []outcome{{"add", true, false, ""}, {"fails", false, true, ""}, {"unreachable", false, false, "connect \"down\""}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("--json lines, in file order (-want +got):\n%s", diff)
	}

	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Cases    []struct {
				Name      string `xml:"name,attr"`
				ClassName string `xml:"classname,attr"`
				Time      string `xml:"time,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &suites); err != nil {
		t.Fatalf("JUnit report does not parse: %v\n%s", err, data)
	}
	if suites.Tests != 3 || suites.Failures != 2 || len(suites.Suites) != 1 {
		t.Fatalf("report: %d tests, %d failures, %d suites", suites.Tests, suites.Failures, len(suites.Suites))
	}
	s := suites.Suites[0]
	if s.Name != cfg || s.Tests != 3 || s.Failures != 2 || len(s.Cases) != 3 {
		t.Errorf("suite %q: %d tests, %d failures, %d cases", s.Name, s.Tests, s.Failures, len(s.Cases))
	}
	for i, c := range s.Cases {
		failed := c.Failure != nil
		if c.Name != want[i].Name || c.ClassName == "" || c.Time == "" || failed == want[i].OK {
			t.Errorf("case %d: %+v", i, c)
		}
	}
	if f := s.Cases[1].Failure; f == nil || f.Type != "isError" || f.Message != "it broke" {
		t.Errorf("isError failure: %+v", f)
	}
}

// TestRunMissingInput: a server that needs an input with no value fails
// its requests with a message naming the variable to set; with it set,
// they pass, and -v never prints the secret.
func TestRunMissingInput(t *testing.T) {
	port, _ := serveDemo(t)
	cfg := writeConfig(t, fmt.Sprintf(`{
  "servers": { "demo": { "type": "http", "url": "http://127.0.0.1:%s/mcp", "headers": { "X-Demo-Key": "${input:demo-key}" } } },
  "inputs": [ { "id": "demo-key", "type": "promptString", "description": "Demo key", "password": true } ],
  "requests": [ { "name": "add", "server": "demo", "tool": "add", "arguments": { "a": 1, "b": 2 } } ]
}`, port))
	t.Setenv("MCPLS_INPUT_DEMO_KEY", "")
	os.Unsetenv("MCPLS_INPUT_DEMO_KEY")
	code, out, _ := mcpCmd(t, "", "run", "--config", cfg)
	want := `server "demo" needs input "demo-key" (Demo key) has no value: set MCPLS_INPUT_DEMO_KEY`
	if code != ExitFailure || !strings.Contains(out, "✖ add  demo") || !strings.Contains(out, want) {
		t.Errorf("run: exit %d, stdout:\n%s", code, out)
	}
	code, _, errOut := mcpCmd(t, "", "list", "--config", cfg, "demo")
	if code != ExitFailure || errOut != "mcpls list: "+want+"\n" {
		t.Errorf("list: exit %d, stderr %q", code, errOut)
	}

	t.Setenv("MCPLS_INPUT_DEMO_KEY", "hunter2-very-secret")
	code, out, errOut = mcpCmd(t, "", "run", "--config", cfg, "-v")
	if code != ExitOK || !strings.HasSuffix(out, "1 passed, 0 failed\n") {
		t.Fatalf("run with the input: exit %d, stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "initialize") || strings.Contains(errOut, "hunter2") {
		t.Errorf("-v console on stderr should show the traffic, never the secret:\n%s", errOut)
	}
}

func TestRunRefusals(t *testing.T) {
	broken := writeConfig(t, `{ "mcpServers": { "a": { "type": "http", "url": "ftp://x" } },
  "requests": [ { "server": "a", "tool": "t" } ] }`)
	empty := writeConfig(t, `{ "mcpServers": { "a": { "type": "http", "url": "http://127.0.0.1:1/mcp" } } }`)
	named := writeConfig(t, `{ "mcpServers": { "a": { "type": "http", "url": "http://127.0.0.1:1/mcp" } },
  "requests": [ { "name": "one", "server": "a", "tool": "t" } ] }`)
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr []string
	}{
		{"config with errors", []string{"--config", broken}, ExitFailure,
			[]string{broken + ":1:49: error: ", "[server/url-scheme]", "has errors; fix them first"}},
		{"no requests", []string{"--config", empty}, ExitFailure, []string{"has no saved requests"}},
		{"unknown request", []string{"--config", named, "--request", "two"}, ExitUsage,
			[]string{`no request named "two"`, `(requests: "one")`}},
		{"operand", []string{"--config", named, "extra"}, ExitUsage, []string{`unexpected argument "extra"`}},
		{"missing file", []string{"--config", filepath.Join(t.TempDir(), "none.json")}, ExitFailure, []string{"reading the config"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := mcpCmd(t, "", append([]string{"run"}, tc.args...)...)
			if code != tc.code || out != "" {
				t.Errorf("exit %d (want %d), stdout %q", code, tc.code, out)
			}
			for _, want := range tc.stderr {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut)
				}
			}
		})
	}
}

// TestRunDemoExample runs the shipped examples/demo/.mcp.json against the
// demo server, as make demo does: every saved request passes.
func TestRunDemoExample(t *testing.T) {
	port, _ := serveDemo(t)
	t.Setenv("MCPLS_DEMO_PORT", port)
	code, out, errOut := mcpCmd(t, "", "run", "--config", filepath.Join("..", "..", "examples", "demo", ".mcp.json"))
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	summary := regexp.MustCompile(`^(\d+) passed, 0 failed$`).FindStringSubmatch(lines[len(lines)-1])
	if code != ExitOK || summary == nil || summary[1] != fmt.Sprint(len(lines)-1) {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}
