// Package lspext is the one source of truth for what mcpls adds to LSP: the
// mcp/* notifications and requests, the commands run through
// workspace/executeCommand, their parameter types, and the experimental
// capability an editor announces to receive them. The VS Code extension's
// declarations (extension/src/lsp_ext.ts) are generated from this package
// (go run ./server/lspext/gen); a test fails when they drift.
//
// Every extension is optional: an editor opts in per feature under
// capabilities.experimental.mcpls in initialize, and mcpls falls back to
// plain LSP (window/logMessage, window/showMessageRequest, showDocument)
// for whatever the editor did not announce.
package lspext

import "encoding/json"

// Methods of the mcp/* extensions.
const (
	// MethodServerState (notification, server -> editor) carries ServerState
	// each time a server's connection, catalog or auth changes.
	MethodServerState = "mcp/serverState"
	// MethodConsole (notification, server -> editor) carries one
	// ConsoleEvent: an MCP message or transport event, secrets redacted.
	MethodConsole = "mcp/console"
	// MethodResult (notification, server -> editor) carries the Result of
	// a saved request run, for the editor's result view.
	MethodResult = "mcp/result"
	// MethodSecretGet, MethodSecretStore, MethodSecretDelete (requests,
	// server -> editor) keep tokens in the editor's secret store.
	MethodSecretGet    = "mcp/secret/get"
	MethodSecretStore  = "mcp/secret/store"
	MethodSecretDelete = "mcp/secret/delete"
	// MethodElicit (request, server -> editor) shows a form for an MCP
	// elicitation request and returns the user's answer.
	MethodElicit = "mcp/elicit"
	// MethodPrompt (request, server -> editor) asks the user for a value
	// (a client id, a secret, a token) in an input box.
	MethodPrompt = "mcp/prompt"
)

// CapabilityName is the key under capabilities.experimental in initialize
// where an editor announces Capabilities.
const CapabilityName = "mcpls"

// Capabilities are the extensions an editor handles.
type Capabilities struct {
	ServerState bool `json:"serverState,omitempty"`
	Console     bool `json:"console,omitempty"`
	Results     bool `json:"results,omitempty"`
	Secrets     bool `json:"secrets,omitempty"`
	Elicit      bool `json:"elicit,omitempty"`
	Prompt      bool `json:"prompt,omitempty"`
}

// Connection states of a server, as ServerState.State.
const (
	StateDisconnected = "disconnected"
	StateConnecting   = "connecting"
	StateConnected    = "connected"
	StateOffline      = "offline"   // unreachable; the cached catalog is shown
	StateNeedsAuth    = "needsAuth" // a 401: sign-in or a token is needed
	StateError        = "error"
)

// ServerState is one server of one config file, as the editor shows it.
type ServerState struct {
	URI   string `json:"uri"`  // the config file
	Name  string `json:"name"` // the server's key in the file
	State string `json:"state"`
	// Queued: in state connecting, an automatic connect is waiting for its
	// turn (a few run at once); connecting by hand does not wait.
	Queued    bool   `json:"queued,omitempty"`
	Transport string `json:"transport"`        // stdio, http or sse
	Target    string `json:"target,omitempty"` // URL (redacted) or command line
	Counts    Counts `json:"counts"`
	// Catalog is the server's catalog (MCP wire shapes: tools, prompts,
	// resources, resourceTemplates), live or cached; absent when unknown.
	Catalog   json.RawMessage `json:"catalog,omitempty"`
	Auth      *AuthState      `json:"auth,omitempty"`
	Error     string          `json:"error,omitempty"`
	CachedAt  string          `json:"cachedAt,omitempty"`  // RFC 3339, when the catalog comes from the cache
	Protocol  string          `json:"protocol,omitempty"`  // negotiated MCP version
	ServerApp string          `json:"serverApp,omitempty"` // serverInfo name and version
}

// Counts are the sizes of a catalog.
type Counts struct {
	Tools     int `json:"tools"`
	Prompts   int `json:"prompts"`
	Resources int `json:"resources"`
	Templates int `json:"templates"`
}

// AuthState says how a server authenticates and whether the user is signed in.
type AuthState struct {
	Kind     string `json:"kind"` // none, oauth, token
	SignedIn bool   `json:"signedIn"`
	Issuer   string `json:"issuer,omitempty"`
}

// ConsoleEvent is one console line: an MCP message or a transport event.
type ConsoleEvent struct {
	Time      string          `json:"time"` // RFC 3339 with milliseconds
	Server    string          `json:"server"`
	Kind      string          `json:"kind"`  // send, recv, event, http, stderr, auth, log
	Level     string          `json:"level"` // debug, info, warning, error
	Method    string          `json:"method,omitempty"`
	ID        string          `json:"id,omitempty"`
	Message   string          `json:"message"`
	Data      json.RawMessage `json:"data,omitempty"`
	ElapsedMs float64         `json:"elapsedMs,omitempty"`
}

// Result is the outcome of running one saved request.
type Result struct {
	URI     string `json:"uri"`     // the config file
	Request int    `json:"request"` // index in "requests"
	Name    string `json:"name"`    // the request's name, or its target
	Server  string `json:"server"`
	Kind    string `json:"kind"` // tool, prompt, resource
	Target  string `json:"target"`
	OK      bool   `json:"ok"`      // no protocol error and not isError
	IsError bool   `json:"isError"` // the tool reported an error result
	Error   string `json:"error,omitempty"`
	// Cancelled: the user (or the editor) cancelled the request; not OK,
	// but no failure either. A timeout is a failure.
	Cancelled  bool    `json:"cancelled,omitempty"`
	Summary    string  `json:"summary"` // "212 ms · 3 items", or the error
	DurationMs float64 `json:"durationMs"`
	// Response is the MCP result (CallToolResult, GetPromptResult,
	// ReadResourceResult), as received.
	Response json.RawMessage `json:"response,omitempty"`
	Time     string          `json:"time"` // RFC 3339, when it finished
}

// SecretKey names one secret in the editor's store.
type SecretKey struct {
	Key string `json:"key"`
}

// SecretValue is a secret read from or written to the editor's store.
type SecretValue struct {
	Key   string  `json:"key"`
	Value *string `json:"value"` // null: no such secret
}

// ElicitParams is an MCP elicitation request shown to the user.
type ElicitParams struct {
	Server  string `json:"server"`
	Message string `json:"message"`
	Mode    string `json:"mode"` // form or url
	// RequestedSchema is the flat JSON Schema of the form (form mode).
	RequestedSchema json.RawMessage `json:"requestedSchema,omitempty"`
	// PropertyOrder names the schema's properties in the order the MCP
	// server sent them: the order of the form's fields. Absent when
	// unknown; editors then keep the order of the decoded properties.
	PropertyOrder []string `json:"propertyOrder,omitempty"`
	URL           string   `json:"url,omitempty"` // url mode
}

// ElicitResult is the user's answer to an elicitation.
type ElicitResult struct {
	Action  string          `json:"action"` // accept, decline, cancel
	Content json.RawMessage `json:"content,omitempty"`
}

// PromptParams asks the user for one value in an input box.
type PromptParams struct {
	Title    string `json:"title"`
	Prompt   string `json:"prompt"`
	Password bool   `json:"password"`
	Value    string `json:"value,omitempty"` // a default
}

// PromptResult is the value entered, null when the user cancelled.
type PromptResult struct {
	Value *string `json:"value"`
}
