package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"

	"mcpls/server/lsp/lsptest"
)

// frameSink is a stream end that keeps what is written.
type frameSink struct{ bytes.Buffer }

func (*frameSink) Read([]byte) (int, error) { return 0, io.EOF }
func (*frameSink) Close() error             { return nil }

func pooled(text string) *pooledReply {
	r := newPooledReply()
	*r.buf = append(*r.buf, text...)
	return r
}

func (w *replyWriter) waiting() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.pending)
}

// TestReplyWriterReleases frames responses as jsonrpc2 does, and checks
// which pooled results the writer releases after their frames.
func TestReplyWriterReleases(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		pending []string // results marshaled, in order
		send    []int    // which of them are framed as responses, in order
		batch   bool     // frame them as one batch instead
		waiting int      // left waiting for their frames
	}{
		{"one sent", []string{`{"a":1}`}, []int{0}, false, 0},
		{"none sent", []string{`{"a":1}`}, nil, false, 1},
		{"sent out of order", []string{`{"a":1}`, `{"b":2}`}, []int{1, 0}, false, 0},
		{"other result sent", []string{`{"a":1}`}, nil, false, 1},
		{"same bytes twice", []string{`{"a":1}`, `{"a":1}`}, []int{0, 1}, false, 2},
		{"in a batch", []string{`{"a":1}`, `{"b":2}`}, []int{0, 1}, true, 2},
		{"bounded", []string{`1`, `2`, `3`, `4`, `5`, `6`, `7`, `8`, `9`, `10`}, nil, false, maxPendingReplies},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := &frameSink{}
			w := newReplyWriter(sink)
			stream := jsonrpc2.NewHeaderStream(w)
			codec := lspCodec{replies: w}
			var raws []jsonrpc2.RawMessage
			for _, text := range tt.pending {
				raw, err := codec.Marshal(pooled(text))
				if err != nil || string(raw) != text {
					t.Fatalf("Marshal = %s, %v; want %s", raw, err, text)
				}
				raws = append(raws, raw)
			}
			var msgs []jsonrpc2.Message
			for _, i := range tt.send {
				msgs = append(msgs, jsonrpc2.NewResponse(jsonrpc2.NewNumberID(int64(i)), raws[i], nil))
			}
			if tt.name == "other result sent" {
				msgs = append(msgs, jsonrpc2.NewResponse(jsonrpc2.NewNumberID(9), jsonrpc2.RawMessage(`{"z":1}`), nil))
			}
			if tt.batch {
				body := []byte{'['}
				for i, m := range msgs {
					b, err := jsonrpc2.EncodeMessage(m)
					if err != nil {
						t.Fatal(err)
					}
					if i > 0 {
						body = append(body, ',')
					}
					body = append(body, b...)
				}
				body = append(body, ']')
				if _, err := fmt.Fprintf(w, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
					t.Fatal(err)
				}
			} else {
				for _, m := range msgs {
					if _, err := stream.Write(ctx, m); err != nil {
						t.Fatal(err)
					}
				}
			}
			if got := w.waiting(); got != tt.waiting {
				t.Errorf("%d results waiting for their frame, want %d", got, tt.waiting)
			}
			for _, i := range tt.send {
				if want := fmt.Sprintf(`"result":%s}`, raws[i]); !strings.Contains(sink.String(), want) {
					t.Errorf("frames %q lack %s", sink.String(), want)
				}
			}
		})
	}
}

// TestPooledReplyOverConnection answers calls with pooled results over a
// real connection: the editor gets the bytes, and each buffer is released
// once its response is written (the next call, handled in wire order,
// finds nothing waiting).
func TestPooledReplyOverConnection(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	serverEnd, editorEnd := lsptest.Pipe()
	w := newReplyWriter(serverEnd)
	server := jsonrpc2.NewConn(jsonrpc2.NewHeaderStream(w), jsonrpc2.WithCodec(lspCodec{replies: w}))
	server.Go(ctx, func(_ context.Context, req *jsonrpc2.Request) (any, error) {
		// Not Async: the previous response was written before this runs.
		return pooled(fmt.Sprintf(`{"call":%s,"waiting":%d}`, req.Params(), w.waiting())), nil
	})
	editor := jsonrpc2.NewConn(jsonrpc2.NewHeaderStream(editorEnd))
	editor.Go(ctx, jsonrpc2.MethodNotFoundHandler)
	defer func() {
		editor.Close()
		server.Close()
	}()
	for i := range 3 {
		var got json.RawMessage
		if _, err := editor.Call(ctx, "pooled", i, &got); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if want := fmt.Sprintf(`{"call":%d,"waiting":0}`, i); string(got) != want {
			t.Errorf("call %d answered %s, want %s", i, got, want)
		}
	}
}
