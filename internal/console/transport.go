package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// maxLoggedBody is the largest request body the RoundTripper reads to log.
// JSON-RPC requests are small; a larger body is sent unread.
const maxLoggedBody = 1 << 20

// NewRoundTripper returns an [http.RoundTripper] that reports each HTTP
// exchange made through next to sink:
//
//   - the JSON-RPC body of a POST, before it is sent, as [KindSend] events
//     (see [MessageEvents]); the body is read through Request.GetBody when
//     the request has one, or read and restored, so next sends it unchanged;
//   - once the response headers arrive, one [KindHTTP] event: method,
//     redacted URL, status and the time to headers, with the redacted
//     request and response headers in Data; or the error, if there is no
//     response.
//
// Response bodies pass through untouched and unbuffered: an SSE stream
// reaches the caller event by event, and a JSON response is left for the
// MCP layer to report as [KindRecv]. A nil next means
// [http.DefaultTransport]; a nil or [Discard] sink returns next itself.
func NewRoundTripper(next http.RoundTripper, server string, sink Sink) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if sink == nil || sink == Discard {
		return next
	}
	return &roundTripper{next: next, server: server, sink: sink}
}

type roundTripper struct {
	next   http.RoundTripper
	server string
	sink   Sink
}

// RoundTrip implements [http.RoundTripper].
func (t *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	req = t.logBody(req)
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	elapsed := time.Since(start)
	url := RedactURL(req.URL.String())
	e := Event{Time: start, Server: t.server, Kind: KindHTTP, Method: req.Method, Elapsed: elapsed}
	if err != nil {
		e.Level = LevelError
		if errors.Is(err, req.Context().Err()) && req.Context().Err() != nil {
			e.Level = LevelDebug // the caller gave up: closing a stream, cancelling a call
		}
		e.Message = fmt.Sprintf("%s %s: %s", req.Method, url, RedactText(err.Error()))
		e.Data = httpData(url, req, nil)
		t.sink.Emit(e)
		return nil, err
	}
	e.Level = statusLevel(resp.StatusCode)
	e.Message = fmt.Sprintf("%s %s → %s", req.Method, url, resp.Status)
	e.Data = httpData(url, req, resp)
	t.sink.Emit(e)
	return resp, nil
}

func statusLevel(status int) Level {
	switch {
	case status >= 500:
		return LevelError
	case status >= 400:
		return LevelWarning
	}
	return LevelDebug
}

// httpExchange is the Data of a KindHTTP event.
type httpExchange struct {
	URL             string      `json:"url"`
	Status          int         `json:"status,omitempty"`
	RequestHeaders  http.Header `json:"requestHeaders,omitempty"`
	ResponseHeaders http.Header `json:"responseHeaders,omitempty"`
}

func httpData(url string, req *http.Request, resp *http.Response) json.RawMessage {
	x := httpExchange{URL: url, RequestHeaders: RedactHeaders(req.Header)}
	if resp != nil {
		x.Status = resp.StatusCode
		x.ResponseHeaders = RedactHeaders(resp.Header)
	}
	b, err := marshalNoEscape(x)
	if err != nil {
		return nil
	}
	return b
}

// logBody emits the JSON-RPC messages of a POST body and returns the
// request to send: req itself, or a shallow copy whose body was restored.
func (t *roundTripper) logBody(req *http.Request) *http.Request {
	if req.Method != http.MethodPost || req.Body == nil || req.Body == http.NoBody ||
		!isJSONContentType(req.Header.Get("Content-Type")) || req.ContentLength > maxLoggedBody {
		return req
	}
	if req.GetBody != nil {
		if body, err := req.GetBody(); err == nil {
			b, err := io.ReadAll(io.LimitReader(body, maxLoggedBody+1))
			body.Close()
			if err == nil && len(b) <= maxLoggedBody {
				t.emitMessages(b)
			}
			return req
		}
	}
	// No GetBody: read what we may, and send it followed by the rest.
	b, err := io.ReadAll(io.LimitReader(req.Body, maxLoggedBody+1))
	restored := *req
	restored.Body = &restoredBody{Reader: io.MultiReader(bytes.NewReader(b), req.Body), orig: req.Body}
	if err == nil && len(b) <= maxLoggedBody {
		t.emitMessages(b)
	}
	return &restored
}

func (t *roundTripper) emitMessages(body []byte) {
	for _, e := range MessageEvents(t.server, KindSend, body) {
		t.sink.Emit(e)
	}
}

// restoredBody replays what was read from orig, then the rest of orig, and
// closes orig.
type restoredBody struct {
	io.Reader
	orig io.Closer
}

func (b *restoredBody) Close() error { return b.orig.Close() }
