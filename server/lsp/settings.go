package lsp

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"
)

// Values of the mcpls.autoConnect setting.
const (
	AutoConnectNever = "never" // connect only on mcpls.connect (the default)
	AutoConnectHTTP  = "http"  // connect HTTP and SSE servers when their file opens
	AutoConnectAll   = "all"   // connect every server, stdio included, when its file opens
)

// Settings are the user's choices, from initializationOptions and
// workspace/didChangeConfiguration.
type Settings struct {
	AutoConnect string
	// Trusted is false when the editor says the workspace is untrusted:
	// stdio servers (programs named by the file) are then never started.
	Trusted bool
}

// defaultSettings apply to editors that send nothing: plain LSP editors
// have no notion of workspace trust, so the workspace counts as trusted.
var defaultSettings = Settings{AutoConnect: AutoConnectNever, Trusted: true}

// rawSettings is the wire shape, accepted flat or under "mcpls".
type rawSettings struct {
	AutoConnect *string      `json:"autoConnect"`
	Trusted     *bool        `json:"trusted"`
	MCPLS       *rawSettings `json:"mcpls"`
}

// applySettings returns cur with what raw sets. Unknown autoConnect values
// and malformed JSON change nothing.
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
	}
	return cur
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
