package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// The JSON-RPC bodies the raw peer POSTs: what a client must send, and
// nothing else.
const (
	protocolVersion = "2025-11-25"
	initBody        = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"` + protocolVersion + `","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}`
	initializedBody = `{"jsonrpc":"2.0","method":"notifications/initialized"}`
	callBody        = `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"}}}`
)

var listBodies = []string{
	`{"jsonrpc":"2.0","id":3,"method":"tools/list"}`,
	`{"jsonrpc":"2.0","id":4,"method":"prompts/list"}`,
	`{"jsonrpc":"2.0","id":5,"method":"resources/list"}`,
	`{"jsonrpc":"2.0","id":6,"method":"resources/templates/list"}`,
}

// newHTTPClient is tuned like mcpls's: many idle connections per host.
func newHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 512, 128
	tr.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: tr}
}

// rawSession is the floor: net/http POSTs of fixed JSON-RPC bodies.
type rawSession struct {
	hc      *http.Client
	url     string
	session string
}

// rawConnect initializes a session and, with discover, lists the four
// kinds of catalog items, as a plain POST each.
func rawConnect(ctx context.Context, hc *http.Client, url string, discover bool) (*rawSession, error) {
	r := &rawSession{hc: hc, url: url}
	if _, err := r.post(ctx, initBody); err != nil {
		return nil, fmt.Errorf("initialize: %w", err)
	}
	if _, err := r.post(ctx, initializedBody); err != nil {
		return nil, fmt.Errorf("initialized: %w", err)
	}
	if discover {
		for _, b := range listBodies {
			if _, err := r.post(ctx, b); err != nil {
				return nil, err
			}
		}
	}
	return r, nil
}

// call POSTs the tools/call body and reads the whole answer.
func (r *rawSession) call(ctx context.Context) error {
	body, err := r.post(ctx, callBody)
	if err == nil && !bytes.Contains(body, []byte(`"hello"`)) {
		err = fmt.Errorf("unexpected answer %.200s", body)
	}
	return err
}

// close ends the session on the server with DELETE, as a client should:
// sessions left open pile up in the server for the rest of the run.
func (r *rawSession) close(ctx context.Context) {
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, r.url, nil)
	if err != nil || r.session == "" {
		return
	}
	req.Header.Set("Mcp-Session-Id", r.session)
	req.Header.Set("Mcp-Protocol-Version", protocolVersion)
	if resp, err := r.hc.Do(req); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func (r *rawSession) post(ctx context.Context, body string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewReader([]byte(body)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Protocol-Version", protocolVersion)
	if r.session != "" {
		req.Header.Set("Mcp-Session-Id", r.session)
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, out)
	}
	if id := resp.Header.Get("Mcp-Session-Id"); id != "" {
		r.session = id
	}
	return out, nil
}
