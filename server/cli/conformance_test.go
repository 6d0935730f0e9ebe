package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// suiteServer is a go-sdk streamable HTTP server shaped like one of the
// suite's mocks; it records the tool inputs and elicitation answers it saw.
type suiteServer struct {
	url string

	mu       sync.Mutex
	adds     [][2]float64
	answered []map[string]any
}

type addArgs struct {
	A float64 `json:"a"`
	B float64 `json:"b"`
}

// newSuiteServer serves add_numbers (failing when fail is set) and
// test_client_elicitation_defaults on a loopback httptest server.
func newSuiteServer(t *testing.T, fail bool) *suiteServer {
	t.Helper()
	ss := &suiteServer{}
	server := sdk.NewServer(&sdk.Implementation{Name: "suite-mock", Version: "1.0.0"}, nil)
	sdk.AddTool(server, &sdk.Tool{Name: "add_numbers"}, func(_ context.Context, _ *sdk.CallToolRequest, in addArgs) (*sdk.CallToolResult, any, error) {
		ss.mu.Lock()
		ss.adds = append(ss.adds, [2]float64{in.A, in.B})
		ss.mu.Unlock()
		return &sdk.CallToolResult{IsError: fail,
			Content: []sdk.Content{&sdk.TextContent{Text: fmt.Sprintf("sum %v", in.A+in.B)}}}, nil, nil
	})
	sdk.AddTool(server, &sdk.Tool{Name: "test_client_elicitation_defaults"}, ss.elicitDefaults)
	ts := httptest.NewServer(sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return server }, nil))
	t.Cleanup(ts.Close)
	ss.url = ts.URL
	return ss
}

// seen returns copies of what the server recorded.
func (ss *suiteServer) seen() ([][2]float64, []map[string]any) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return append([][2]float64(nil), ss.adds...), append([]map[string]any(nil), ss.answered...)
}

// elicitDefaults asks for a form whose every field has a default, as the
// SEP-1034 scenario does.
func (ss *suiteServer) elicitDefaults(ctx context.Context, req *sdk.CallToolRequest, _ struct{}) (*sdk.CallToolResult, any, error) {
	schema := json.RawMessage(`{"type":"object","properties":{
		"name":{"type":"string","default":"John Doe"},
		"age":{"type":"integer","default":30},
		"score":{"type":"number","default":95.5},
		"status":{"type":"string","enum":["active","inactive"],"default":"active"},
		"verified":{"type":"boolean","default":true}}}`)
	res, err := req.Session.Elicit(ctx, &sdk.ElicitParams{Message: "accept with defaults", RequestedSchema: schema})
	if err != nil {
		return nil, nil, err
	}
	ss.mu.Lock()
	ss.answered = append(ss.answered, res.Content)
	ss.mu.Unlock()
	return &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: res.Action}}}, nil, nil
}

// conform runs "mcpls conformance" with args and returns exit code, stdout
// and stderr.
func conform(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code := Main(ctx, append([]string{"conformance", "--quiet"}, args...), Stdio{In: strings.NewReader(""), Out: &out, Err: &errOut})
	return code, out.String(), errOut.String()
}

func TestConformanceScenarios(t *testing.T) {
	tests := []struct {
		scenario string
		fail     bool // the tool reports isError
		wantCode int
		wantErr  string // in stderr
	}{
		{scenario: "initialize", wantCode: ExitOK},
		{scenario: "tools_call", wantCode: ExitOK},
		{scenario: "tools_call", fail: true, wantCode: ExitFailure, wantErr: "the tool reported an error: sum 8"},
		{scenario: "elicitation-sep1034-client-defaults", wantCode: ExitOK},
		{scenario: "sse-retry", wantCode: ExitFailure, wantErr: `server does not list tool "test_reconnection"`},
		// An auth scenario against a server that asks for no token: the
		// flow never starts, and the first tool is called.
		{scenario: "auth/metadata-default", wantCode: ExitOK},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/fail=%v", tt.scenario, tt.fail), func(t *testing.T) {
			ss := newSuiteServer(t, tt.fail)
			code, out, errOut := conform(t, "--scenario", tt.scenario, ss.url)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Fatalf("exit %d, stderr %q; want exit %d, stderr containing %q", code, errOut, tt.wantCode, tt.wantErr)
			}
			if code == ExitOK && out != tt.scenario+": done\n" {
				t.Errorf("stdout = %q", out)
			}
		})
	}
}

func TestConformanceToolsCallArguments(t *testing.T) {
	ss := newSuiteServer(t, false)
	if code, _, errOut := conform(t, "--scenario", "tools_call", ss.url); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	adds, _ := ss.seen()
	if diff := cmp.Diff([][2]float64{{5, 3}}, adds); diff != "" {
		t.Errorf("add_numbers inputs (-want +got):\n%s", diff)
	}
}

// TestConformanceElicitationDefaults checks that the untouched form comes
// back with every default of the requested schema filled in.
func TestConformanceElicitationDefaults(t *testing.T) {
	ss := newSuiteServer(t, false)
	t.Setenv(envConformanceScenario, "elicitation-sep1034-client-defaults")
	if code, _, errOut := conform(t, ss.url); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := []map[string]any{{"name": "John Doe", "age": float64(30), "score": 95.5, "status": "active", "verified": true}}
	_, answered := ss.seen()
	if diff := cmp.Diff(want, answered); diff != "" {
		t.Errorf("elicitation content (-want +got):\n%s", diff)
	}
}

// TestConformanceAuthContext: the credentials the suite passes must be
// JSON; anything else fails the scenario before connecting.
func TestConformanceAuthContext(t *testing.T) {
	ss := newSuiteServer(t, false)
	t.Setenv("MCP_CONFORMANCE_CONTEXT", "{not json")
	code, _, errOut := conform(t, "--scenario", "auth/pre-registration", ss.url)
	if code != ExitFailure || !strings.Contains(errOut, "decoding MCP_CONFORMANCE_CONTEXT") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if adds, _ := ss.seen(); len(adds) != 0 {
		t.Errorf("the tool was called %d times; want none", len(adds))
	}
}

func TestConformanceUsage(t *testing.T) {
	tests := []struct {
		name    string
		env     string
		args    []string
		wantErr string
	}{
		{name: "no url", env: "initialize", wantErr: "usage: mcpls conformance"},
		{name: "no scenario", args: []string{"http://127.0.0.1:1/mcp"}, wantErr: "usage: mcpls conformance"},
		{name: "unknown scenario", env: "no-such-scenario", args: []string{"http://127.0.0.1:1/mcp"}, wantErr: `unknown scenario "no-such-scenario"`},
		{name: "two urls", env: "initialize", args: []string{"http://127.0.0.1:1/a", "http://127.0.0.1:1/b"}, wantErr: "usage: mcpls conformance"},
		{name: "bad flag", env: "initialize", args: []string{"--nope", "http://127.0.0.1:1/mcp"}, wantErr: "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(envConformanceScenario, tt.env)
			code, _, errOut := conform(t, tt.args...)
			if code != ExitUsage || !strings.Contains(errOut, tt.wantErr) {
				t.Fatalf("exit %d, stderr %q; want exit %d, stderr containing %q", code, errOut, ExitUsage, tt.wantErr)
			}
		})
	}
}

// TestConformanceUnreachable: a server that is not there fails the
// scenario, saying where it tried to connect.
func TestConformanceUnreachable(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL + "/mcp"
	ts.Close()
	code, _, errOut := conform(t, "--scenario", "initialize", "--timeout", "5s", url)
	if code != ExitFailure || !strings.Contains(errOut, "connecting to "+url) {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}
