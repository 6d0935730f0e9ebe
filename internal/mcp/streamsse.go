package mcp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"

	"mcpls/internal/console"
)

// This file holds the SSE side of streamableTransport: a call's response
// stream, the standalone GET stream, and their resumption.

// startStandalone opens the GET stream for server-initiated messages,
// once, after initialization.
func (c *streamConn) startStandalone() {
	c.mu.Lock()
	started := c.standalone
	c.standalone = true
	c.mu.Unlock()
	if started {
		return
	}
	c.spawn(func() {
		resp, err := c.get(c.life, "")
		if err != nil || !c.streamOK(resp) {
			// 405 is the spec's "no standalone stream"; other failures
			// leave the session working without it.
			if err == nil && resp.StatusCode != http.StatusMethodNotAllowed {
				c.em.event(console.LevelWarning, "the server refused the standalone stream: HTTP %d", resp.StatusCode)
			}
			return
		}
		c.readStream(c.life, resp, nil)
	})
}

// streamOK checks a GET's answer is an event stream; it closes the body
// when not.
func (c *streamConn) streamOK(resp *http.Response) bool {
	if resp.StatusCode == http.StatusOK && mediaType(resp.Header.Get("Content-Type")) == "text/event-stream" {
		return true
	}
	resp.Body.Close()
	return false
}

func (c *streamConn) get(ctx context.Context, lastEventID string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	c.setHeaders(req.Header)
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	return c.client.Do(req)
}

// streamState is what reading a stream left behind.
type streamState struct {
	lastID   string        // the last event id seen
	retry    time.Duration // the server's reconnect delay
	answered bool          // the call got its answer
	err      error         // the stream broke (nil: it ended)
}

// readStream delivers the events of an SSE response until call is
// answered (call nil: the standalone stream, until Close) and resumes the
// stream with Last-Event-ID when it ends early.
func (c *streamConn) readStream(ctx context.Context, resp *http.Response, call *jsonrpc.Request) {
	var st streamState
	progress := ""
	failures := 0
	for {
		c.consume(ctx, resp.Body, call, &st)
		if st.answered || ctx.Err() != nil || c.closing() || c.ending.Load() {
			return
		}
		if st.lastID == "" && call != nil {
			c.answer(call, codeRejected, "the response stream ended without an answer")
			return
		}
		if st.lastID != progress {
			progress, failures = st.lastID, 0
		}
		var err error
		if resp, err = c.resume(ctx, &st, failures, call != nil); err != nil {
			c.giveUp(ctx, call, err)
			return
		}
		failures++
	}
}

func (c *streamConn) closing() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// consume reads one response body's events into st. Close ends the read.
func (c *streamConn) consume(ctx context.Context, body io.ReadCloser, call *jsonrpc.Request, st *streamState) {
	stop := context.AfterFunc(c.life, func() { body.Close() })
	defer stop()
	defer body.Close()
	st.err = nil
	r := bufio.NewReaderSize(body, streamBuffer(call))
	var data bytes.Buffer
	event, hasData := "", false
	for {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			err = c.longLine(r, &line, data.Len())
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				st.err = err
			}
			return
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			// An event without data (a priming event that only carries
			// an id) is no message.
			if data.Len() > 0 && (event == "" || event == "message") && c.receive(data.Bytes(), call) {
				st.answered = true
				return
			}
			data.Reset()
			event, hasData = "", false
			continue
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(field) {
		case "data":
			if hasData {
				data.WriteByte('\n')
			}
			data.Write(value)
			hasData = true
		case "event":
			event = string(value)
		case "id":
			st.lastID = string(value)
		case "retry":
			if ms, err := strconv.Atoi(string(value)); err == nil && ms >= 0 {
				st.retry = time.Duration(ms) * time.Millisecond
				c.em.event(console.LevelInfo, "server set reconnect delay to %dms", ms)
			}
		}
		if data.Len() > maxEventSize {
			st.err = fmt.Errorf("an event exceeded %d bytes", maxEventSize)
			return
		}
	}
}

// streamBuffer is the read buffer of a stream. The standalone stream
// (call nil) lives as long as its session, mostly idle, and a workspace
// may hold hundreds: a small buffer, as net/http buffers the connection
// already; longer lines go through longLine.
func streamBuffer(call *jsonrpc.Request) int {
	if call == nil {
		return 512
	}
	return 4096
}

// longLine completes a line longer than the reader's buffer.
func (c *streamConn) longLine(r *bufio.Reader, line *[]byte, have int) error {
	buf := append([]byte(nil), *line...)
	for {
		more, err := r.ReadSlice('\n')
		buf = append(buf, more...)
		if len(buf)+have > maxEventSize {
			return fmt.Errorf("an event exceeded %d bytes", maxEventSize)
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			*line = buf
			return err
		}
	}
}

// resume reconnects a stream after the server's retry delay (or
// resumeDelay, growing), with Last-Event-ID. A call's broken stream gives
// up at once when the server no longer accepts connections: the user
// learns it now rather than after the whole backoff. The standalone
// stream keeps trying for a while: a restarting server comes back, and
// then answers 404 for our session, which the next request handles.
func (c *streamConn) resume(ctx context.Context, st *streamState, failures int, fast bool) (*http.Response, error) {
	if failures >= resumeAttempts {
		return nil, fmt.Errorf("the stream ended %d times without progress", failures)
	}
	if st.err != nil && fast {
		if u, err := url.Parse(c.url); err == nil {
			if err := probe(ctx, u); err != nil && unreachable(err) {
				return nil, err
			}
		}
	}
	delay := st.retry
	if delay == 0 {
		delay = resumeDelay
	}
	var last error
	for attempt := range resumeAttempts {
		if attempt > 0 && st.retry == 0 {
			delay = delay * 3 / 2
		}
		if err := c.sleep(ctx, delay); err != nil {
			return nil, err
		}
		resp, err := c.get(ctx, st.lastID)
		if err == nil && c.streamOK(resp) {
			return resp, nil
		}
		if err == nil {
			err = fmt.Errorf("GET got HTTP %d", resp.StatusCode)
			if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
				return nil, err
			}
		}
		if fast && unreachable(err) {
			return nil, err
		}
		last = err
	}
	return nil, fmt.Errorf("resuming the stream failed %d times: %w", resumeAttempts, last)
}

func (c *streamConn) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-c.done:
		return errors.New("the connection closed")
	}
}

// giveUp ends a stream that could not be resumed: a call fails with the
// reason (recorded for callError, which says "connection refused"); the
// session goes on without the standalone stream.
func (c *streamConn) giveUp(ctx context.Context, call *jsonrpc.Request, err error) {
	if ctx.Err() != nil || c.closing() {
		return
	}
	if call == nil {
		c.em.event(console.LevelWarning, "the standalone stream ended: %v", err)
		return
	}
	if slot := slotOf(ctx); slot != nil {
		slot.setFailure(&httpFailure{method: http.MethodGet, err: err})
	}
	c.answer(call, codeRejected, "the response stream broke: "+console.RedactText(err.Error()))
}
