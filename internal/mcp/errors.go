package mcp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"syscall"
)

// Kind classifies a failure so callers can branch on it and say what went
// wrong. Match with errors.Is against the sentinels below, or read
// (*Error).Kind after errors.As.
type Kind string

// The failure kinds.
const (
	KindDNS          Kind = "dns"               // the host name does not resolve
	KindRefused      Kind = "refused"           // nothing listens at the address
	KindTLS          Kind = "tls"               // TLS handshake or certificate failure
	KindHTTPStatus   Kind = "http-status"       // the server answered with a non-2xx status
	KindHandshake    Kind = "handshake"         // the peer does not speak MCP (bad JSON, wrong answer)
	KindBadResponse  Kind = "bad-response"      // a response body of a live session was not valid JSON-RPC
	KindTimeout      Kind = "timeout"           // no answer in time
	KindExited       Kind = "exited"            // the stdio server process exited
	KindNotFound     Kind = "command-not-found" // the stdio command does not exist
	KindSessionGone  Kind = "session-gone"      // the server forgot our session (HTTP 404)
	KindNetwork      Kind = "network"           // another transport failure
	KindProtocol     Kind = "protocol"          // a JSON-RPC error from the server
	KindClosed       Kind = "closed"            // the session was closed
	KindUnclassified Kind = "error"
)

// Sentinels for errors.Is; every *Error matches the one of its Kind.
var (
	ErrDNS            = errors.New("host not found")
	ErrRefused        = errors.New("connection refused")
	ErrTLS            = errors.New("TLS failure")
	ErrHTTPStatus     = errors.New("HTTP error status")
	ErrHandshake      = errors.New("not an MCP server")
	ErrBadResponse    = errors.New("invalid JSON from server")
	ErrTimeout        = errors.New("timed out")
	ErrExited         = errors.New("server process exited")
	ErrCommandMissing = errors.New("command not found")
	ErrSessionGone    = errors.New("session expired on the server")
	ErrClosed         = errors.New("session closed")
)

var kindSentinel = map[Kind]error{
	KindDNS: ErrDNS, KindRefused: ErrRefused, KindTLS: ErrTLS, KindHTTPStatus: ErrHTTPStatus,
	KindHandshake: ErrHandshake, KindBadResponse: ErrBadResponse, KindTimeout: ErrTimeout, KindExited: ErrExited,
	KindNotFound: ErrCommandMissing, KindSessionGone: ErrSessionGone, KindClosed: ErrClosed,
}

// Error is a failure talking to one server. Its message says what failed
// and carries no secrets (URLs and bodies are redacted).
type Error struct {
	Server string // Target.Name
	Op     string // "connect", "tools/call", ...
	Kind   Kind
	Detail string   // one line: the status and body excerpt, the exit status, ...
	Status int      // HTTP status for KindHTTPStatus
	Stderr []string // last stderr lines of a stdio server, when it exited
	Err    error    // the underlying error, when there is one
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %q: %s", e.Op, e.Server, e.summary())
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if len(e.Stderr) > 0 {
		b.WriteString("; last stderr: " + strings.Join(e.Stderr, " | "))
	}
	return b.String()
}

func (e *Error) summary() string {
	if s, ok := kindSentinel[e.Kind]; ok {
		return s.Error()
	}
	if e.Kind == KindNetwork {
		return "network error"
	}
	return "failed"
}

// Unwrap exposes the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinel of e's Kind.
func (e *Error) Is(target error) bool {
	s, ok := kindSentinel[e.Kind]
	return ok && s == target
}

// classifyNetErr maps a transport error from net/http to a Kind.
func classifyNetErr(err error) Kind {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recordErr tls.RecordHeaderError
	var alert tls.AlertError
	switch {
	case errors.As(err, &dnsErr):
		return KindDNS
	case errors.Is(err, syscall.ECONNREFUSED):
		return KindRefused
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr),
		errors.As(err, &recordErr), errors.As(err, &alert):
		return KindTLS
	case errors.Is(err, context.DeadlineExceeded), isNetTimeout(err):
		return KindTimeout
	case errors.Is(err, exec.ErrNotFound):
		return KindNotFound
	}
	return KindNetwork
}

func isNetTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// excerpt shortens s to at most n bytes on one line.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// culprit picks, from the tail of a stream that broke, the last line that
// is not JSON (the garbage; responses may have arrived after it), or else
// the last line; at most n bytes of its end.
func culprit(tail string, n int) string {
	lines := strings.Split(strings.TrimRight(tail, "\r\n"), "\n")
	pick := lines[len(lines)-1]
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" && !json.Valid([]byte(l)) {
			pick = l
			break
		}
	}
	if len(pick) > n {
		pick = "…" + pick[len(pick)-n:]
	}
	return pick
}
