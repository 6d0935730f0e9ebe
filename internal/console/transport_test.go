package console

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// newLoopbackServer starts an httptest server bound to 127.0.0.1.
func newLoopbackServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestRoundTripperStreamsSSE proves the response body is not buffered: the
// server sends its second event only after the client has read the first,
// so a buffering RoundTripper would never return the first one.
func TestRoundTripperStreamsSSE(t *testing.T) {
	ctx := testContext(t)
	firstRead := make(chan struct{})
	srv := newLoopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "id: 1\ndata: {\"n\":1}\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-firstRead:
		case <-r.Context().Done():
			return
		}
		fmt.Fprint(w, "id: 2\ndata: {\"n\":2}\n\n")
	}))
	var rec Recorder
	client := &http.Client{Transport: NewRoundTripper(nil, "sse", &rec)}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/sse?token=t0psecret", nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()

	e, err := rec.Wait(ctx, func(e Event) bool { return e.Kind == KindHTTP })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.Message, "GET ") || !strings.Contains(e.Message, "token=REDACTED") || !strings.Contains(e.Message, "200 OK") {
		t.Errorf("http event message = %q", e.Message)
	}
	if strings.Contains(e.Message+string(e.Data), "t0psecret") {
		t.Errorf("http event leaks the token: %s %s", e.Message, e.Data)
	}

	lines := bufio.NewScanner(resp.Body)
	var got []string
	for lines.Scan() {
		line := lines.Text()
		if strings.HasPrefix(line, "data: ") {
			got = append(got, line)
			if len(got) == 1 {
				close(firstRead)
			}
		}
	}
	if want := []string{`data: {"n":1}`, `data: {"n":2}`}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("read %q, want %q", got, want)
	}
}

func TestRoundTripperPostBody(t *testing.T) {
	const body = `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"login","arguments":{"password":"hunter22"}}}`
	received := make(chan string, 2)
	srv := newLoopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		received <- string(b)
		w.Header().Set("Set-Cookie", "sid=abc")
		w.WriteHeader(http.StatusAccepted)
	}))
	tests := []struct {
		name       string
		keepGetter bool
	}{
		{"with GetBody", true},
		{"without GetBody", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testContext(t)
			var rec Recorder
			client := &http.Client{Transport: NewRoundTripper(nil, "s", &rec)}
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer abcdefghijklmnopqrstuvwxyz")
			if !tt.keepGetter {
				req.GetBody = nil
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := <-received; got != body {
				t.Errorf("server received %q, want the body unchanged", got)
			}
			events := rec.Events()
			if len(events) != 2 {
				t.Fatalf("got %d events, want send + http: %v", len(events), events)
			}
			send, exchange := events[0], events[1]
			if send.Kind != KindSend || send.Method != "tools/call" || send.ID != "7" {
				t.Errorf("send event = %+v", send)
			}
			if exchange.Kind != KindHTTP || exchange.Method != "POST" || exchange.Level != LevelDebug || exchange.Elapsed <= 0 {
				t.Errorf("http event = %+v", exchange)
			}
			var x httpExchange
			if err := json.Unmarshal(exchange.Data, &x); err != nil {
				t.Fatal(err)
			}
			if x.Status != http.StatusAccepted || x.RequestHeaders.Get("Authorization") != "Bearer "+Mask ||
				x.ResponseHeaders.Get("Set-Cookie") != Mask {
				t.Errorf("http data = %s", exchange.Data)
			}
			for _, e := range events {
				if strings.Contains(string(e.Data)+e.Message, "hunter22") || strings.Contains(string(e.Data), "abcdefghijklmnop") {
					t.Errorf("event leaks a secret: %s", e.Data)
				}
			}
		})
	}
}

func TestRoundTripperErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/mcp?key=k3y"
	ln.Close()
	statusSrv := newLoopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code := http.StatusInternalServerError
		if r.URL.Path == "/401" {
			code = http.StatusUnauthorized
		}
		w.WriteHeader(code)
	}))
	tests := []struct {
		name  string
		url   string
		level Level
		want  string
	}{
		{"refused", refused, LevelError, "key=REDACTED"},
		{"500", statusSrv.URL + "/500", LevelError, "500 Internal Server Error"},
		{"401", statusSrv.URL + "/401", LevelWarning, "401 Unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec Recorder
			client := &http.Client{Transport: NewRoundTripper(nil, "s", &rec)}
			req, _ := http.NewRequestWithContext(testContext(t), http.MethodGet, tt.url, nil)
			if resp, err := client.Do(req); err == nil {
				resp.Body.Close()
			}
			events := rec.Events()
			if len(events) != 1 {
				t.Fatalf("got %d events, want 1", len(events))
			}
			if e := events[0]; e.Level != tt.level || !strings.Contains(e.Message, tt.want) || strings.Contains(e.Message, "k3y") {
				t.Errorf("event = %s %q, want level %s and %q", e.Level, e.Message, tt.level, tt.want)
			}
		})
	}
}

func TestNewRoundTripperDiscard(t *testing.T) {
	base := &http.Transport{}
	if NewRoundTripper(base, "s", Discard) != http.RoundTripper(base) {
		t.Errorf("with Discard, NewRoundTripper should return next itself")
	}
	if NewRoundTripper(nil, "s", nil) != http.DefaultTransport {
		t.Errorf("with nil next and sink, NewRoundTripper should return http.DefaultTransport")
	}
}

// TestRoundTripperStreamableHTTP runs a real go-sdk client and server over
// streamable HTTP through the RoundTripper: every message gets through,
// including a notification on the long-lived standalone SSE stream, and the
// console sees the client's messages and the HTTP exchanges.
func TestRoundTripperStreamableHTTP(t *testing.T) {
	ctx := testContext(t)
	server := mcp.NewServer(&mcp.Implementation{Name: "echo", Version: "v1"}, nil)
	type args struct {
		Text string `json:"text"`
	}
	mcp.AddTool(server, &mcp.Tool{Name: "echo"}, func(ctx context.Context, req *mcp.CallToolRequest, in args) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: in.Text}}}, nil, nil
	})
	srv := newLoopbackServer(t, mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil))

	var rec Recorder
	transport := &mcp.StreamableClientTransport{
		Endpoint:   srv.URL,
		HTTPClient: &http.Client{Transport: NewRoundTripper(nil, "echo", &rec)},
	}
	listChanged := make(chan struct{}, 1)
	client := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "v1"}, &mcp.ClientOptions{
		ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) {
			select {
			case listChanged <- struct{}{}:
			default:
			}
		},
	})
	session, err := client.Connect(ctx, transport, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The standalone GET stream is open once its exchange is reported; a
	// notification sent then can only arrive through it.
	if _, err := rec.Wait(ctx, func(e Event) bool { return e.Kind == KindHTTP && e.Method == http.MethodGet }); err != nil {
		t.Fatalf("no http event for the standalone SSE stream: %v", err)
	}
	mcp.AddTool(server, &mcp.Tool{Name: "late"}, func(ctx context.Context, req *mcp.CallToolRequest, in args) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{}, nil, nil
	})
	select {
	case <-listChanged:
	case <-ctx.Done():
		t.Fatal("tools/list_changed did not arrive over the standalone SSE stream")
	}
	res, err := session.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "hi"}})
	if err != nil {
		t.Fatal(err)
	}
	if text := res.Content[0].(*mcp.TextContent).Text; text != "hi" {
		t.Errorf("echo returned %q", text)
	}
	if err := session.Close(); err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"initialize", "notifications/initialized", "tools/call"} {
		if _, err := rec.Wait(ctx, func(e Event) bool { return e.Kind == KindSend && e.Method == method }); err != nil {
			t.Errorf("no send event for %s: %v", method, err)
		}
	}
	if _, err := rec.Wait(ctx, func(e Event) bool { return e.Kind == KindHTTP && e.Method == http.MethodDelete }); err != nil {
		t.Errorf("no http event for the closing DELETE: %v", err)
	}
}
