package mcp_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"mcpls/internal/console"
	"mcpls/internal/mcp"
	"mcpls/internal/mcptest"
)

func TestProgress(t *testing.T) {
	srv := mcptest.StartHTTP(t, mcptest.NewServer(mcptest.Options{}))
	s, _ := connect(t, httpTarget(srv.URL), nil)
	var mu sync.Mutex
	var got []mcp.Progress
	res, err := s.CallTool(testContext(t), "slow", json.RawMessage(`{"steps":3}`), func(p mcp.Progress) {
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	})
	if err != nil || textOf(t, res) != "done after 3 steps" {
		t.Fatalf("slow = %+v, %v", res, err)
	}
	mu.Lock()
	defer mu.Unlock()
	// The SDK hands notifications to handlers concurrently with the result,
	// so the last step may come after the call returned (and is dropped).
	if len(got) < 2 || got[0] != (mcp.Progress{Progress: 1, Total: 3, Message: "step 1"}) {
		t.Errorf("progress = %+v, want steps 1.. of 3", got)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Progress <= got[i-1].Progress {
			t.Errorf("progress out of order: %+v", got)
		}
	}
}

func TestTimeoutResetsOnProgress(t *testing.T) {
	// 30 steps 40ms apart take at least 1.2s; the idle timeout is 1s.
	// Progress keeps the request alive. The idle timeout is far above the
	// step so that a loaded machine, which may delay one step by hundreds
	// of milliseconds, still delivers progress within it.
	srv := mcptest.StartHTTP(t, mcptest.NewServer(mcptest.Options{ProgressEvery: 40 * time.Millisecond}))
	target := httpTarget(srv.URL)
	target.Timeout = time.Second
	target.MaxTimeout = 30 * time.Second
	s, _ := connect(t, target, nil)
	res, err := s.CallTool(testContext(t), "slow", json.RawMessage(`{"steps":30}`), nil)
	if err != nil || textOf(t, res) != "done after 30 steps" {
		t.Fatalf("slow = %+v, %v; progress should have reset the timeout", res, err)
	}
	// The maximum still applies.
	target.MaxTimeout = 1100 * time.Millisecond
	s2, _ := connect(t, target, nil)
	_, err = s2.CallTool(testContext(t), "slow", json.RawMessage(`{"steps":30}`), nil)
	if !errors.Is(err, mcp.ErrTimeout) {
		t.Fatalf("slow past MaxTimeout: err = %v, want ErrTimeout", err)
	}
}

func TestCancellationReachesServer(t *testing.T) {
	for name, target := range map[string]func(*mcptest.Server) mcp.Target{
		"http": func(s *mcptest.Server) mcp.Target { return httpTarget(mcptest.StartHTTP(t, s).URL) },
		"sse": func(s *mcptest.Server) mcp.Target {
			return mcp.Target{Name: "test", Transport: mcp.TransportSSE, URL: mcptest.StartSSE(t, s).URL}
		},
	} {
		t.Run(name, func(t *testing.T) {
			server := mcptest.NewServer(mcptest.Options{})
			s, rec := connect(t, target(server), nil)
			ctx, cancel := context.WithCancel(testContext(t))
			errc := make(chan error, 1)
			go func() {
				_, err := s.CallTool(ctx, "hang", nil, nil)
				errc <- err
			}()
			receive(t, server.Started, "the hang tool to start")
			cancel()
			err := receive(t, errc, "CallTool to return")
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
			receive(t, server.Cancelled, "the server to see notifications/cancelled")
			waitEvent(t, rec, "notifications/cancelled sent", func(e console.Event) bool {
				return e.Kind == console.KindSend && e.Method == "notifications/cancelled"
			})
		})
	}
}

func TestTimeoutCancelsAndReports(t *testing.T) {
	server := mcptest.NewServer(mcptest.Options{})
	target := httpTarget(mcptest.StartHTTP(t, server).URL)
	target.Timeout = 300 * time.Millisecond
	s, _ := connect(t, target, nil)
	start := time.Now()
	_, err := s.CallTool(testContext(t), "hang", nil, nil)
	var merr *mcp.Error
	if !errors.As(err, &merr) || merr.Kind != mcp.KindTimeout || !errors.Is(err, mcp.ErrTimeout) {
		t.Fatalf("err = %v, want a timeout *Error", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timed out after %s, want about 300ms", d)
	}
	if !strings.Contains(err.Error(), "cancelled") {
		t.Errorf("message %q does not say the request was cancelled", err)
	}
	receive(t, server.Cancelled, "the server to see notifications/cancelled")
}

func TestListChangedRelists(t *testing.T) {
	srv := mcptest.StartHTTP(t, mcptest.NewServer(mcptest.Options{}))
	catalogs := make(chan mcp.Catalog, 4)
	s, rec := connect(t, httpTarget(srv.URL), &mcp.Options{OnCatalog: func(c mcp.Catalog) { catalogs <- c }})
	waitStandaloneStream(t, rec)
	if _, err := s.CallTool(testContext(t), "add_tool", nil, nil); err != nil {
		t.Fatal(err)
	}
	cat := receive(t, catalogs, "OnCatalog after tools/list_changed")
	var found bool
	for _, tool := range cat.Tools {
		found = found || tool.Name == "added_1"
	}
	if !found {
		t.Errorf("re-listed catalog lacks added_1: %+v", cat.Tools)
	}
	if got := s.Catalog(); len(got.Tools) != len(cat.Tools) {
		t.Errorf("Session.Catalog has %d tools, OnCatalog got %d", len(got.Tools), len(cat.Tools))
	}
}

type formElicitor struct{ got chan mcp.ElicitRequest }

func (f formElicitor) Elicit(_ context.Context, server string, req mcp.ElicitRequest) (mcp.ElicitResult, error) {
	f.got <- req
	return mcp.ElicitResult{Action: "accept", Content: map[string]any{"name": "Ada"}}, nil
}

func TestElicitationAndSampling(t *testing.T) {
	elicitor := formElicitor{got: make(chan mcp.ElicitRequest, 1)}
	tests := []struct {
		name, tool string
		opts       mcp.Options
		want       string
		isError    bool
	}{
		// By default the capabilities are not declared, so a spec-abiding
		// server does not even ask.
		{"elicit default", "elicit", mcp.Options{}, "client does not support elicitation", true},
		{"elicit declined", "elicit", mcp.Options{Elicit: mcp.DeclineElicitor}, "action: decline", false},
		{"elicit accepted", "elicit", mcp.Options{Elicit: elicitor}, "action: accept map[name:Ada]", false},
		{"sample default", "sample", mcp.Options{}, "sampling failed", true},
		{"sample declined", "sample", mcp.Options{Sample: mcp.DeclineSampler}, "sampling declined: mcpls has no language model", true},
	}
	srv := mcptest.StartHTTP(t, mcptest.NewServer(mcptest.Options{}))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			s, _ := connect(t, httpTarget(srv.URL), &opts)
			res, err := s.CallTool(testContext(t), tt.tool, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := textOf(t, res); !strings.Contains(got, tt.want) || res.IsError != tt.isError {
				t.Errorf("result = %q (isError %v), want %q (isError %v)", got, res.IsError, tt.want, tt.isError)
			}
		})
	}
	req := receive(t, elicitor.got, "the elicitor to be asked")
	if req.Mode != "form" || req.Message != "What is your name?" || !strings.Contains(string(req.RequestedSchema), `"name"`) {
		t.Errorf("elicit request = %+v", req)
	}
}

func TestRootsAndLogging(t *testing.T) {
	srv := mcptest.StartHTTP(t, mcptest.NewServer(mcptest.Options{}))
	var mu sync.Mutex
	roots := []mcp.Root{{URI: "file:///work/a", Name: "a"}}
	opts := &mcp.Options{LogLevel: "debug", Roots: func() []mcp.Root {
		mu.Lock()
		defer mu.Unlock()
		return roots
	}}
	s, rec := connect(t, httpTarget(srv.URL), opts)
	ctx := testContext(t)
	res, err := s.CallTool(ctx, "roots", nil, nil)
	if err != nil || textOf(t, res) != "roots: file:///work/a" {
		t.Fatalf("roots = %+v, %v", res, err)
	}
	mu.Lock()
	roots = []mcp.Root{{URI: "file:///work/b"}}
	mu.Unlock()
	s.RootsChanged()
	waitEvent(t, rec, "roots/list_changed sent", func(e console.Event) bool {
		return e.Kind == console.KindSend && e.Method == "notifications/roots/list_changed"
	})
	res, err = s.CallTool(ctx, "roots", nil, nil)
	if err != nil || textOf(t, res) != "roots: file:///work/b" {
		t.Fatalf("roots after change = %+v, %v", res, err)
	}

	waitEvent(t, rec, "logging/setLevel sent", func(e console.Event) bool {
		return e.Kind == console.KindSend && e.Method == "logging/setLevel"
	})
	if _, err := s.CallTool(ctx, "log", nil, nil); err != nil {
		t.Fatal(err)
	}
	e := waitEvent(t, rec, "a log line", func(e console.Event) bool { return e.Kind == console.KindLog })
	if e.Level != console.LevelWarning || e.Message != "mcptest: hello from the server" {
		t.Errorf("log event = %+v", e)
	}
}

func TestResourceUpdated(t *testing.T) {
	srv := mcptest.StartHTTP(t, mcptest.NewServer(mcptest.Options{}))
	updated := make(chan string, 1)
	s, rec := connect(t, httpTarget(srv.URL), &mcp.Options{OnResourceUpdated: func(uri string) { updated <- uri }})
	waitStandaloneStream(t, rec)
	ctx := testContext(t)
	if err := s.Subscribe(ctx, "test://static/1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CallTool(ctx, "touch", nil, nil); err != nil {
		t.Fatal(err)
	}
	if uri := receive(t, updated, "resources/updated"); uri != "test://static/1" {
		t.Errorf("updated %q", uri)
	}
}

func TestHeadersRedactedAndDeleteOnClose(t *testing.T) {
	srv := mcptest.StartHTTP(t, mcptest.NewServer(mcptest.Options{}))
	target := httpTarget(srv.URL + "/?token=querysecret")
	target.Headers = map[string]string{"Authorization": "Bearer headersecret", "X-Team": "blue"}
	rec := &console.Recorder{}
	s, err := mcp.Connect(testContext(t), target, &mcp.Options{Console: rec})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.LastHeader()
	if h.Get("Authorization") != "Bearer headersecret" || h.Get("X-Team") != "blue" || h.Get("Mcp-Session-Id") == "" {
		t.Errorf("server saw headers %v", h)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if n := srv.Deletes.Load(); n != 1 {
		t.Errorf("server got %d DELETEs, want 1 on Close", n)
	}
	all, _ := json.Marshal(rec.Events())
	for _, secret := range []string{"headersecret", "querysecret"} {
		if strings.Contains(string(all), secret) {
			t.Errorf("console leaks %q", secret)
		}
	}
	if !strings.Contains(string(all), "X-Team") {
		t.Errorf("console lacks the request headers: %s", all)
	}
}
