package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"go.lsp.dev/protocol"
)

// Values of the mcpls.autoConnect setting.
const (
	AutoConnectNever = "never" // connect only on mcpls.connect (the default)
	AutoConnectHTTP  = "http"  // connect HTTP and SSE servers when their file opens
	AutoConnectAll   = "all"   // connect every server, stdio included, when its file opens
)

// The defaults of mcpls.timeouts.connect and mcpls.timeouts.request (the
// VS Code extension's defaults too).
const (
	DefaultConnectTimeout = 30 * time.Second
	DefaultRequestTimeout = 300 * time.Second
)

// Settings are the user's choices, from initializationOptions and
// workspace/didChangeConfiguration.
type Settings struct {
	AutoConnect string
	// Trusted is false when the editor says the workspace is untrusted:
	// stdio servers (programs named by the file) are then never started.
	Trusted bool
	// ConnectTimeout bounds a Connect, a Resync and an automatic connect
	// (mcpls.timeouts.connect); 0 means no bound.
	ConnectTimeout time.Duration
	// RequestTimeout bounds a tool call, prompt or resource read from the
	// first byte sent to the result, progress or not
	// (mcpls.timeouts.request); 0 means no bound.
	RequestTimeout time.Duration
}

// defaultSettings apply to editors that send nothing: plain LSP editors
// have no notion of workspace trust, so the workspace counts as trusted.
var defaultSettings = Settings{AutoConnect: AutoConnectNever, Trusted: true,
	ConnectTimeout: DefaultConnectTimeout, RequestTimeout: DefaultRequestTimeout}

// rawSettings is the wire shape, accepted flat or under "mcpls".
type rawSettings struct {
	AutoConnect *string      `json:"autoConnect"`
	Trusted     *bool        `json:"trusted"`
	Timeouts    *rawTimeouts `json:"timeouts"`
	MCPLS       *rawSettings `json:"mcpls"`
}

// rawTimeouts are mcpls.timeouts.*, in seconds as in VS Code's settings.
type rawTimeouts struct {
	Connect *float64 `json:"connect"`
	Request *float64 `json:"request"`
}

// maxTimeoutSeconds is the longest timeout kept as a bound; longer ones
// (and 0) mean none.
const maxTimeoutSeconds = 1e6

// applyTimeout sets *d from secs: 0 or more than maxTimeoutSeconds is no
// bound; negative values change nothing.
func applyTimeout(d *time.Duration, secs *float64) {
	switch {
	case secs == nil || *secs < 0 || math.IsNaN(*secs):
	case *secs == 0 || *secs > maxTimeoutSeconds:
		*d = 0
	default:
		*d = time.Duration(*secs * float64(time.Second))
	}
}

// applySettings returns cur with what raw sets. Unknown autoConnect values,
// negative timeouts and malformed JSON change nothing.
func applySettings(cur Settings, raw []byte) Settings {
	if len(raw) == 0 {
		return cur
	}
	var r rawSettings
	if err := json.Unmarshal(raw, &r); err != nil {
		return cur
	}
	for p := &r; p != nil; p = p.MCPLS {
		if p.AutoConnect != nil {
			switch *p.AutoConnect {
			case AutoConnectNever, AutoConnectHTTP, AutoConnectAll:
				cur.AutoConnect = *p.AutoConnect
			}
		}
		if p.Trusted != nil {
			cur.Trusted = *p.Trusted
		}
		if p.Timeouts != nil {
			applyTimeout(&cur.ConnectTimeout, p.Timeouts.Connect)
			applyTimeout(&cur.RequestTimeout, p.Timeouts.Request)
		}
	}
	return cur
}

// TimeoutError is the cause of a context that ran out of a timeout setting.
type TimeoutError struct {
	Setting string // "connect" or "request"
	After   time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("timed out after %s (mcpls.timeouts.%s)", e.After, e.Setting)
}

// connectContext bounds ctx by the connect timeout.
func (st Settings) connectContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return boundBy(ctx, "connect", st.ConnectTimeout)
}

// requestContext bounds ctx by the request timeout.
func (st Settings) requestContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return boundBy(ctx, "request", st.RequestTimeout)
}

// boundBy bounds ctx by d (none when d is 0), with a *TimeoutError naming
// setting as the cause when it runs out.
func boundBy(ctx context.Context, setting string, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, d, &TimeoutError{Setting: setting, After: d})
}

// timedOut is the *TimeoutError ctx ran out of, or nil.
func timedOut(ctx context.Context) *TimeoutError {
	var te *TimeoutError
	if errors.As(context.Cause(ctx), &te) {
		return te
	}
	return nil
}

// didChangeConfiguration takes new settings; a wider autoConnect connects
// the servers of the open files it now covers.
func didChangeConfiguration(_ context.Context, s *Server, p *protocol.DidChangeConfigurationParams) error {
	snap := s.state.update(func(next *Snapshot) { next.settings = applySettings(next.settings, p.Settings) })
	for _, doc := range snap.docs {
		s.autoConnect(snap, doc)
	}
	return nil
}
