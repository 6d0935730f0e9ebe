package demoserver

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func TestSlowToolReportsProgress(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			ev := newEvents()
			cs := connect(t, tr.start(t, New(Options{})), ev.options(nil))
			params := &mcp.CallToolParams{Name: "slow", Arguments: map[string]any{"steps": 3, "intervalMs": 0}}
			params.SetProgressToken("tok-1")
			res, err := cs.CallTool(ctxT(t), params)
			if err != nil || res.IsError {
				t.Fatalf("slow: %v %s", err, firstText(res))
			}
			for want := 1.0; want <= 3; want++ {
				p := receive(t, ev.progress, "progress")
				if p.ProgressToken != "tok-1" || p.Progress != want || p.Total != 3 {
					t.Errorf("progress = %+v, want token tok-1, %v of 3", p, want)
				}
			}
		})
	}
}

func TestSlowToolStopsWhenCancelled(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			s := New(Options{})
			cs := connect(t, tr.start(t, s), nil)
			ctx, cancel := context.WithCancel(ctxT(t))
			errc := make(chan error, 1)
			go func() {
				_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "slow", Arguments: map[string]any{"steps": 100, "intervalMs": 10000}})
				errc <- err
			}()
			if _, err := s.WaitStats(ctxT(t), func(st Stats) bool { return st.SlowStarted == 1 }); err != nil {
				t.Fatalf("slow never started: %v", err)
			}
			cancel() // the client sends notifications/cancelled
			if err := receive(t, errc, "the cancelled call to return"); !errors.Is(err, context.Canceled) {
				t.Errorf("call returned %v, want context.Canceled", err)
			}
			st, err := s.WaitStats(ctxT(t), func(st Stats) bool { return st.SlowCancelled == 1 })
			if err != nil {
				t.Fatalf("the server never saw the cancellation: %v (stats %+v)", err, st)
			}
			if st.SlowCompleted != 0 {
				t.Errorf("stats = %+v, want no completed slow call", st)
			}
		})
	}
}

func TestElicitation(t *testing.T) {
	for _, tr := range transports {
		for _, tc := range []struct {
			name   string
			answer *mcp.ElicitResult
			want   string
		}{
			{"accept", &mcp.ElicitResult{Action: "accept", Content: map[string]any{"name": "Ada", "age": 36, "color": "blue"}},
				`action: accept` + "\n" + `content: {"age":36,"color":"blue","name":"Ada","subscribe":false}`},
			{"decline", &mcp.ElicitResult{Action: "decline"}, "action: decline\ncontent: null"},
		} {
			t.Run(tr.name+"/"+tc.name, func(t *testing.T) {
				var asked *mcp.ElicitParams
				elicit := func(_ context.Context, r *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
					asked = r.Params
					return tc.answer, nil
				}
				cs := connect(t, tr.start(t, New(Options{})), newEvents().options(elicit))
				res, err := cs.CallTool(ctxT(t), &mcp.CallToolParams{Name: "ask_user", Arguments: map[string]any{"message": "Who are you?"}})
				if err != nil || res.IsError {
					t.Fatalf("ask_user: %v %s", err, firstText(res))
				}
				if diff := cmp.Diff(tc.want, firstText(res)); diff != "" {
					t.Errorf("result (-want +got):\n%s", diff)
				}
				if asked == nil || asked.Message != "Who are you?" || asked.RequestedSchema == nil {
					t.Errorf("elicitation request = %+v, want the message and a schema", asked)
				}
			})
		}
	}
}

func TestAddToolNotifiesListChanged(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			ev := newEvents()
			cs := connect(t, tr.start(t, New(Options{})), ev.options(nil))
			ctx := ctxT(t)
			res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "add_tool", Arguments: map[string]any{"name": "shiny"}})
			if err != nil || res.IsError {
				t.Fatalf("add_tool: %v %s", err, firstText(res))
			}
			receive(t, ev.toolsChanged, "notifications/tools/list_changed")
			if got := listAll(t, cs).tools; !slices.Contains(got, "shiny") {
				t.Errorf("tools after add_tool = %v, want shiny among them", got)
			}
			res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "shiny", Arguments: map[string]any{"text": "hi"}})
			if err != nil || firstText(res) != `{"text":"hi"}` {
				t.Errorf("calling the new tool: %v %q", err, firstText(res))
			}
			res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "add_tool", Arguments: map[string]any{"name": "echo"}})
			if err != nil || !res.IsError {
				t.Errorf("replacing a built-in tool: err=%v isError=%v, want a tool error", err, res.IsError)
			}
		})
	}
}

func TestLogToolHonoursLevel(t *testing.T) {
	ev := newEvents()
	cs := connect(t, transports[0].start(t, New(Options{})), ev.options(nil))
	ctx := ctxT(t)
	if err := cs.SetLoggingLevel(ctx, &mcp.SetLoggingLevelParams{Level: "warning"}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "log", Arguments: map[string]any{"message": "m"}}); err != nil {
		t.Fatal(err)
	}
	var got []mcp.LoggingLevel
	for range 5 {
		p := receive(t, ev.logs, "a log message")
		got = append(got, p.Level)
		if p.Logger != "demo" {
			t.Errorf("logger = %q, want demo", p.Logger)
		}
	}
	if diff := cmp.Diff([]mcp.LoggingLevel{"warning", "error", "critical", "alert", "emergency"}, got); diff != "" {
		t.Errorf("levels (-want +got):\n%s", diff)
	}
	select {
	case p := <-ev.logs:
		t.Errorf("unexpected extra log message %+v", p)
	default:
	}
}

func TestCompletion(t *testing.T) {
	cs := connect(t, transports[0].start(t, New(Options{})), nil)
	for _, tc := range []struct {
		name  string
		ref   *mcp.CompleteReference
		arg   string
		value string
		ctx   map[string]string
		want  []string
	}{
		{"prompt style", &mcp.CompleteReference{Type: "ref/prompt", Name: "greet"}, "style", "p", nil, []string{"pirate", "poetic"}},
		{"prompt name", &mcp.CompleteReference{Type: "ref/prompt", Name: "greet"}, "name", "", nil, []string{"alice", "bob", "carol", "dave"}},
		{"prompt language", &mcp.CompleteReference{Type: "ref/prompt", Name: "code_review"}, "language", "TY", nil, []string{"typescript"}},
		{"prompt item id", &mcp.CompleteReference{Type: "ref/prompt", Name: "summarize_item"}, "id", "1", nil, []string{"1", "10", "11", "12"}},
		{"template id", &mcp.CompleteReference{Type: "ref/resource", URI: itemTemplate}, "id", "1", nil, []string{"1", "10", "11", "12"}},
		{"template user", &mcp.CompleteReference{Type: "ref/resource", URI: notesTemplate}, "user", "c", nil, []string{"carol"}},
		{"template note with context", &mcp.CompleteReference{Type: "ref/resource", URI: notesTemplate}, "note", "", map[string]string{"user": "bob"}, []string{"books", "travel"}},
		{"template note without context", &mcp.CompleteReference{Type: "ref/resource", URI: notesTemplate}, "note", "t", nil, []string{"todo", "travel"}},
		{"unknown argument", &mcp.CompleteReference{Type: "ref/prompt", Name: "greet"}, "mood", "", nil, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			params := &mcp.CompleteParams{Ref: tc.ref, Argument: mcp.CompleteParamsArgument{Name: tc.arg, Value: tc.value}}
			if tc.ctx != nil {
				params.Context = &mcp.CompleteContext{Arguments: tc.ctx}
			}
			res, err := cs.Complete(ctxT(t), params)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, res.Completion.Values); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPrompts(t *testing.T) {
	cs := connect(t, transports[0].start(t, New(Options{})), nil)
	for _, tc := range []struct {
		name    string
		args    map[string]string
		want    string // in the last message's text, or the error
		wantErr bool
	}{
		{"simple", nil, "Say something nice", false},
		{"greet", map[string]string{"name": "bob", "style": "pirate"}, "pirate greeting for bob", false},
		{"greet", map[string]string{"name": "bob"}, "casual greeting for bob", false},
		{"greet", nil, "missing required argument(s): name", true},
		{"code_review", map[string]string{"language": "go", "code": "x := 1"}, "Here is my review.", false},
		{"code_review", map[string]string{"code": "x"}, "missing required argument(s): language", true},
		{"summarize_item", map[string]string{"id": "3"}, "Summarize this item", false},
		{"summarize_item", map[string]string{"id": "99"}, "Resource not found", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := cs.GetPrompt(ctxT(t), &mcp.GetPromptParams{Name: tc.name, Arguments: tc.args})
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("err = %v, want one containing %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			last := res.Messages[len(res.Messages)-1].Content.(*mcp.TextContent).Text
			if !strings.Contains(last, tc.want) {
				t.Errorf("last message %q, want it to contain %q", last, tc.want)
			}
		})
	}
}

func TestReadResources(t *testing.T) {
	cs := connect(t, transports[0].start(t, New(Options{})), nil)
	ctx := ctxT(t)
	for r, err := range cs.Resources(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		t.Run(r.URI, func(t *testing.T) {
			res, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: r.URI})
			if err != nil {
				t.Fatal(err)
			}
			c := res.Contents[0]
			if c.URI != r.URI || c.MIMEType != r.MIMEType || (c.Text == "") == (len(c.Blob) == 0) {
				t.Errorf("contents = uri %s mime %s text %d bytes blob %d bytes; listed as %s %s",
					c.URI, c.MIMEType, len(c.Text), len(c.Blob), r.URI, r.MIMEType)
			}
		})
	}
	for _, tc := range []struct{ uri, want string }{
		{"demo://items/3", `"id":3`},
		{"demo://users/alice/notes/todo", "alice's todo note."},
	} {
		t.Run(tc.uri, func(t *testing.T) {
			res, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: tc.uri})
			if err != nil || !strings.Contains(res.Contents[0].Text, tc.want) {
				t.Errorf("reading %s: %v, want text containing %q", tc.uri, err, tc.want)
			}
		})
	}
	for _, uri := range []string{"demo://items/99", "demo://users/zed/notes/x", "demo://nothing"} {
		t.Run(uri, func(t *testing.T) {
			if _, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: uri}); err == nil {
				t.Errorf("reading %s succeeded, want not found", uri)
			}
		})
	}
}

func TestResourceChangesNotify(t *testing.T) {
	ev := newEvents()
	cs := connect(t, transports[0].start(t, New(Options{})), ev.options(nil))
	ctx := ctxT(t)
	if err := cs.Subscribe(ctx, &mcp.SubscribeParams{URI: noteURI}); err != nil {
		t.Fatal(err)
	}
	if err := cs.Subscribe(ctx, &mcp.SubscribeParams{URI: readmeURI}); err == nil {
		t.Error("subscribing to the readme succeeded, want an error: it never changes")
	}
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "write_note", Arguments: map[string]any{"text": "new text"}}); err != nil {
		t.Fatal(err)
	}
	if uri := receive(t, ev.updated, "resources/updated"); uri != noteURI {
		t.Errorf("updated %s, want %s", uri, noteURI)
	}
	res, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: noteURI})
	if err != nil || res.Contents[0].Text != "new text" {
		t.Errorf("note after write_note: %v %+v", err, res)
	}
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "delete_item", Arguments: map[string]any{"id": 5, "confirm": true}}); err != nil {
		t.Fatal(err)
	}
	receive(t, ev.resChanged, "notifications/resources/list_changed")
	if got := listAll(t, cs).resources; slices.Contains(got, "demo://items/5") {
		t.Errorf("resources after delete_item still hold demo://items/5: %v", got)
	}
}

func TestStdioEndsWhenClientCloses(t *testing.T) {
	s := New(Options{})
	tr := startStdio(t, s)
	cs := connect(t, tr, nil)
	listAll(t, cs)
	if err := cs.Close(); err != nil {
		t.Fatalf("closing the client: %v", err)
	}
	// startStdio's cleanup checks that ServeStdio returns nil.
}

func TestServeStopsWithCallInFlight(t *testing.T) {
	s := New(Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	cs := connect(t, &mcp.StreamableClientTransport{Endpoint: URL(ln.Addr())}, nil)
	type outcome struct {
		res *mcp.CallToolResult
		err error
	}
	results := make(chan outcome, 1)
	go func() {
		res, err := cs.CallTool(ctxT(t), &mcp.CallToolParams{Name: "slow", Arguments: map[string]any{"steps": 100, "intervalMs": 10000}})
		results <- outcome{res, err}
	}()
	if _, err := s.WaitStats(ctxT(t), func(st Stats) bool { return st.SlowStarted == 1 }); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(waitFor):
		t.Fatal("Serve did not return with a call in flight")
	}
	// The server answers the call with a "shutting down" tool error before
	// it closes the connection; on a loaded machine the close can win the
	// race with the client reading that answer, and then the client's call
	// fails instead. Either ends the call; a success would be wrong.
	res := receive(t, results, "the in-flight call to end")
	if res.err == nil && (!res.res.IsError || !strings.Contains(firstText(res.res), "shutting down")) {
		t.Errorf("in-flight call ended with %+v, want a tool error saying the server is shutting down", res.res)
	}
	if st := s.Stats(); st.SlowCancelled != 1 {
		t.Errorf("stats = %+v, want the slow call cancelled", st)
	}
}

func TestSamplingAndRoots(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			var asked string
			opts := &mcp.ClientOptions{
				CreateMessageHandler: func(_ context.Context, r *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
					asked = r.Params.Messages[0].Content.(*mcp.TextContent).Text
					return &mcp.CreateMessageResult{Model: "test-model", Role: "assistant", StopReason: "endTurn",
						Content: &mcp.TextContent{Text: "hello there"}}, nil
				},
			}
			c := mcp.NewClient(&mcp.Implementation{Name: "demoserver-test", Version: "0"}, opts)
			c.AddRoots(&mcp.Root{URI: "file:///work", Name: "work"})
			cs, err := c.Connect(ctxT(t), tr.start(t, New(Options{})), nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cs.Close() })
			ctx := ctxT(t)
			res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "sample", Arguments: map[string]any{"prompt": "Greet me"}})
			if err != nil || res.IsError {
				t.Fatalf("sample: %v %s", err, firstText(res))
			}
			if diff := cmp.Diff("model test-model (endTurn): hello there", firstText(res)); diff != "" {
				t.Errorf("sample (-want +got):\n%s", diff)
			}
			if asked != "Greet me" {
				t.Errorf("the client was asked %q, want the prompt", asked)
			}
			res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "list_roots"})
			if err != nil || res.IsError {
				t.Fatalf("list_roots: %v %s", err, firstText(res))
			}
			if diff := cmp.Diff("1 root(s)\nfile:///work work", firstText(res)); diff != "" {
				t.Errorf("list_roots (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProtocolVersions(t *testing.T) {
	for _, version := range []string{"2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"} {
		t.Run(version, func(t *testing.T) {
			elicit := func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
				return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"name": "Ada"}}, nil
			}
			c := mcp.NewClient(&mcp.Implementation{Name: "demoserver-test", Version: "0"}, newEvents().options(elicit))
			endpoint := startHTTP(t, New(Options{})) + PathStreamable
			cs, err := c.Connect(ctxT(t), &mcp.StreamableClientTransport{Endpoint: endpoint}, &mcp.ClientSessionOptions{ProtocolVersion: version})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cs.Close() })
			// Stateful streamable HTTP stops at 2025-11-25: a newer client falls back to it.
			want := min(version, "2025-11-25")
			if got := cs.InitializeResult().ProtocolVersion; got != want {
				t.Errorf("negotiated %s, want %s", got, want)
			}
			if got := listAll(t, cs).tools; len(got) != len(wantTools) {
				t.Errorf("listed %d tools, want %d", len(got), len(wantTools))
			}
			res, err := cs.CallTool(ctxT(t), &mcp.CallToolParams{Name: "ask_user"})
			if err != nil || !strings.Contains(firstText(res), `"name":"Ada"`) {
				t.Errorf("ask_user: %v %s", err, firstText(res))
			}
		})
	}
}
