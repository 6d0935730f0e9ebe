package lsp_test

// Integration tests of the server's own completions (completion/complete)
// for prompt arguments and template variables, against a real demo server
// behind a proxy that counts the calls and can make them hang or fail.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"mcpls/internal/demoserver"
	"mcpls/server/lsp"
	"mcpls/server/lsp/lsptest"
	"mcpls/server/lspext"
)

// completionFault is what the proxy does to completion/complete.
type completionFault int

const (
	passThrough completionFault = iota
	hang                        // never answers (until the test ends)
	fail                        // answers HTTP 500
)

// countingDemo is a demo server whose completion/complete calls are
// counted (and maybe faulted) on the way in.
type countingDemo struct {
	url   string
	calls atomic.Int64
	mu    sync.Mutex
	last  string        // the argument value of the last call
	seen  chan struct{} // a value per call
}

func startCountingDemo(t *testing.T, fault completionFault) *countingDemo {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &countingDemo{url: demoserver.URL(ln.Addr()), seen: make(chan struct{}, 100)}
	srv := demoserver.New(demoserver.Options{})
	release := make(chan struct{})
	next := srv.Handler()
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var msg struct {
			Method string `json:"method"`
			Params struct {
				Argument struct{ Value string } `json:"argument"`
			} `json:"params"`
		}
		if json.Unmarshal(body, &msg) == nil && msg.Method == "completion/complete" {
			d.calls.Add(1)
			d.mu.Lock()
			d.last = msg.Params.Argument.Value
			d.mu.Unlock()
			d.seen <- struct{}{}
			switch fault {
			case hang:
				select {
				case <-r.Context().Done():
				case <-release:
				}
				return
			case fail:
				http.Error(w, "completion is broken today", http.StatusInternalServerError)
				return
			}
		}
		next.ServeHTTP(w, r)
	})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = hs.Serve(ln)
	}()
	t.Cleanup(func() {
		close(release)
		srv.Close()
		hs.Close()
		<-done
	})
	return d
}

func (d *countingDemo) lastValue() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.last
}

// completeAt asks for completion at a byte offset of text.
func (w *mcpWorld) completeAt(t *testing.T, ctx context.Context, text string, offset int) protocol.CompletionList {
	t.Helper()
	var list protocol.CompletionList
	err := w.Call(ctx, protocol.MethodTextDocumentCompletion, &protocol.CompletionParams{
		TextDocumentPositionParams: protocol.TextDocumentPositionParams{
			TextDocument: protocol.TextDocumentIdentifier{URI: w.uri}, Position: lsptest.Position(text, offset)},
	}, &list)
	if err != nil {
		t.Fatalf("completion: %v", err)
	}
	return list
}

// fromServer returns the labels of the items the server answered.
func fromServer(list protocol.CompletionList) []string {
	var out []string
	for _, it := range list.Items {
		if d, ok := it.Detail.Get(); ok && d == "from server demo" {
			out = append(out, it.Label)
		}
	}
	return out
}

func labels(list protocol.CompletionList) []string {
	var out []string
	for _, it := range list.Items {
		out = append(out, it.Label)
	}
	return out
}

// after returns the offset just after the n-th (0-based) occurrence of s.
func after(text, s string, n int) int {
	at := -1
	for i := 0; i <= n; i++ {
		at += 1 + strings.Index(text[at+1:], s)
	}
	return at + len(s)
}

// startAnswering starts a counting demo server that answers, and an
// editor on it that waits for the answers as long as a test may: for tests
// about the answers, not about the cap on waiting for them (that is
// TestServerCompletionFailures').
func startAnswering(t *testing.T) (context.Context, *countingDemo, *mcpWorld) {
	t.Helper()
	lsp.SetArgWait(t, timeout)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	d := startCountingDemo(t, passThrough)
	return ctx, d, startMCP(t, ctx, "", nil)
}

func TestServerCompletesArgumentsAndVariables(t *testing.T) {
	ctx, d, w := startAnswering(t)
	text := configText(d.url,
		`{ "server": "demo", "description": "😀 ü", "prompt": "greet", "arguments": { "style": "pirate", "name": "a" } }`,
		`{ "server": "demo", "resource": "demo://users/carol/notes/" }`,
		`{ "server": "demo", "resource": "demo://users/{user}/notes/{note}", "arguments": { "user": "bob", "note": "" } }`,
		`{ "server": "demo", "prompt": "code_review", "arguments": { "language": "py" } }`)
	w.open(t, ctx, text)
	w.connect(t, ctx)

	nameAt := after(text, `"name": "a`, 0)
	for _, tc := range []struct {
		name   string
		offset int
		want   []string
		value  string // the value the server was asked about
	}{
		{"prompt argument", nameAt, []string{"alice"}, "a"},
		{"variable in a URI", after(text, `notes/`, 0), []string{"garden", "recipes", "todo"}, ""},
		{"template variable in arguments", after(text, `"note": "`, 0), []string{"books", "travel"}, ""},
		{"prompt argument, typed value", after(text, `"language": "py`, 0), []string{"python"}, "py"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := d.calls.Load()
			list := w.completeAt(t, ctx, text, tc.offset)
			got := fromServer(list)
			slices.Sort(got)
			if !slices.Equal(got, tc.want) || list.IsIncomplete {
				t.Errorf("server items %v (incomplete %v), want %v", got, list.IsIncomplete, tc.want)
			}
			if n := d.calls.Load() - before; n != 1 || d.lastValue() != tc.value {
				t.Errorf("%d calls, last value %q; want 1 call with %q", n, d.lastValue(), tc.value)
			}
		})
	}

	t.Run("range inside the quotes, in UTF-16", func(t *testing.T) {
		list := w.completeAt(t, ctx, text, nameAt)
		start := strings.LastIndex(text[:nameAt], `"`) + 1
		for _, it := range list.Items {
			if it.Label != "alice" {
				continue
			}
			want := protocol.Range{Start: lsptest.Position(text, start), End: lsptest.Position(text, start+1)}
			if te, ok := it.TextEdit.(*protocol.TextEdit); !ok || te.Range != want || te.NewText != "alice" {
				t.Errorf("text edit %#v, want %q over %+v", it.TextEdit, "alice", want)
			}
			return
		}
		t.Errorf("no item alice in %v", labels(list))
	})

	t.Run("a second identical completion is served from the cache", func(t *testing.T) {
		before := d.calls.Load()
		first := fromServer(w.completeAt(t, ctx, text, nameAt))
		again := fromServer(w.completeAt(t, ctx, text, nameAt))
		if n := d.calls.Load() - before; n != 0 || !slices.Equal(first, again) || len(again) == 0 {
			t.Errorf("%d calls for cached questions; items %v then %v", n, first, again)
		}
	})

	t.Run("resync forgets the cached answers", func(t *testing.T) {
		var st lspext.ServerState
		if err := w.command(ctx, lspext.CmdResync, lspext.ServerArgs{URI: string(w.uri), Server: "demo"}, &st); err != nil {
			t.Fatal(err)
		}
		before := d.calls.Load()
		if got := fromServer(w.completeAt(t, ctx, text, nameAt)); !slices.Equal(got, []string{"alice"}) {
			t.Errorf("after resync: %v", got)
		}
		if n := d.calls.Load() - before; n != 1 {
			t.Errorf("%d calls after resync, want 1", n)
		}
	})

	t.Run("a cached catalog is not asked", func(t *testing.T) {
		var st lspext.ServerState
		if err := w.command(ctx, lspext.CmdDisconnect, lspext.ServerArgs{URI: string(w.uri), Server: "demo"}, &st); err != nil {
			t.Fatal(err)
		}
		before := d.calls.Load()
		list := w.completeAt(t, ctx, text, after(text, `"language": "py`, 0))
		if n := d.calls.Load() - before; n != 0 || list.IsIncomplete || len(fromServer(list)) != 0 {
			t.Errorf("offline: %d calls, incomplete %v, items %v", n, list.IsIncomplete, labels(list))
		}
	})
}

// TestServerCompletionDebounces: a burst of completions for one field
// makes one call, for the latest; the superseded return at once, marked
// incomplete.
func TestServerCompletionDebounces(t *testing.T) {
	ctx, d, w := startAnswering(t)
	text := configText(d.url, `{ "server": "demo", "prompt": "code_review", "arguments": { "language": "javascript" } }`)
	w.open(t, ctx, text)
	w.connect(t, ctx)
	release := lsp.GateArgDebounce(t)

	start := after(text, `"language": "`, 0)
	const burst = 6 // "", "j", "ja", "jav", "java", "javas"
	lists := make(chan protocol.CompletionList, burst)
	for i := range burst {
		go func() { lists <- w.completeAt(t, ctx, text, start+i) }()
	}
	for range burst - 1 {
		if l := receive(t, ctx, lists, "a superseded completion"); !l.IsIncomplete || len(fromServer(l)) != 0 {
			t.Errorf("superseded: incomplete %v, server items %v", l.IsIncomplete, fromServer(l))
		}
	}
	if n := d.calls.Load(); n != 0 {
		t.Fatalf("%d calls before the window ended", n)
	}
	release()
	last := receive(t, ctx, lists, "the latest completion")
	if n := d.calls.Load(); n != 1 {
		t.Errorf("%d calls for a burst of %d, want 1", n, burst)
	}
	prefix := d.lastValue()
	for _, l := range fromServer(last) {
		if !strings.HasPrefix(l, prefix) {
			t.Errorf("item %q does not start with the value asked about, %q", l, prefix)
		}
	}
	if last.IsIncomplete || len(fromServer(last)) == 0 {
		t.Errorf("latest: incomplete %v, server items %v", last.IsIncomplete, fromServer(last))
	}
}

// TestServerCompletionFailures: a server that hangs or fails leaves the
// catalog's items, marked incomplete, within the wait cap, and says why on
// its console.
func TestServerCompletionFailures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fault   completionFault
		console string
	}{
		{"hanging", hang, "no answer within"},
		{"failing", fail, "500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			d := startCountingDemo(t, tc.fault)
			w := startMCP(t, ctx, "", nil)
			text := configText(d.url, `{ "server": "demo", "resource": "demo://items/" }`)
			w.open(t, ctx, text)
			w.connect(t, ctx)
			began := time.Now()
			list := w.completeAt(t, ctx, text, after(text, `items/`, 0))
			took := time.Since(began)
			if !list.IsIncomplete || !slices.Contains(labels(list), "demo://readme") || len(fromServer(list)) != 0 {
				t.Errorf("incomplete %v, items %v; want the catalog's URIs, incomplete", list.IsIncomplete, labels(list))
			}
			if d.calls.Load() != 1 {
				t.Errorf("%d calls, want 1", d.calls.Load())
			}
			if took > 3*time.Second {
				t.Errorf("took %v: the wait for the server is not capped", took)
			}
			if _, err := w.AwaitNotification(ctx, protocol.MethodWindowLogMessage, func(raw json.RawMessage) bool {
				s := string(raw)
				return strings.Contains(s, "[demo]") && strings.Contains(s, "completion/complete") && strings.Contains(s, tc.console)
			}); err != nil {
				t.Error(err)
			}
			if n := len(w.Notes(protocol.MethodWindowShowMessage)); n != 0 {
				t.Errorf("%d popups, want none", n)
			}
		})
	}
}
