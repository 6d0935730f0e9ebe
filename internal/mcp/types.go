package mcp

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"mcpls/internal/console"
)

// Transport names how a Target is reached.
type Transport string

// The transports mcpls speaks.
const (
	TransportStdio Transport = "stdio" // a child process over stdin/stdout
	TransportHTTP  Transport = "http"  // streamable HTTP (falls back to SSE when the server is legacy)
	TransportSSE   Transport = "sse"   // legacy HTTP+SSE (2024-11-05)
)

// Default timeouts for a request; Target overrides them.
const (
	DefaultTimeout    = 60 * time.Second
	DefaultMaxTimeout = 10 * time.Minute
)

// Target is one resolved MCP server: every variable already expanded.
type Target struct {
	Name      string
	Transport Transport
	// stdio
	Command string
	Args    []string
	Env     []string // the full environment of the child (nil = inherit ours)
	Dir     string
	// http and sse
	URL     string
	Headers map[string]string
	// Timeout bounds one request; progress notifications reset it, up to
	// MaxTimeout in total. Zero means DefaultTimeout / DefaultMaxTimeout.
	Timeout    time.Duration
	MaxTimeout time.Duration
}

func (t Target) timeouts() (time.Duration, time.Duration) {
	idle, max := t.Timeout, t.MaxTimeout
	if idle <= 0 {
		idle = DefaultTimeout
	}
	if max <= 0 {
		max = DefaultMaxTimeout
	}
	if max < idle {
		max = idle
	}
	return idle, max
}

// Root is a filesystem root the client exposes to servers (roots/list).
type Root struct {
	URI  string `json:"uri"`
	Name string `json:"name,omitempty"`
}

// Options configure a Session. A nil *Options, and every nil field, means
// the default.
type Options struct {
	Console    console.Sink // nil: console.Discard
	HTTPClient *http.Client // nil: a client tuned for many concurrent requests per host
	Roots      func() []Root
	// Elicit answers elicitation/create. When nil the elicitation capability
	// is not declared, and a server that asks anyway is declined with a
	// reason on the console. Pass DeclineElicitor to declare it and decline.
	Elicit Elicitor
	// Sample answers sampling/createMessage; nil works like Elicit.
	Sample Sampler
	// LogLevel, when set and the server supports logging, is sent with
	// logging/setLevel right after connecting.
	LogLevel string
	// ProtocolVersion is the version offered in initialize. Empty offers
	// 2025-11-25, which every current server accepts without a
	// server/discover probe; "2026-07-28" opts in to the SDK's probe.
	ProtocolVersion string
	// OnCatalog is called after a list_changed notification re-listed the
	// catalog. It runs on its own goroutine, one call at a time.
	OnCatalog func(Catalog)
	// OnResourceUpdated is called for notifications/resources/updated.
	OnResourceUpdated func(uri string)
	// OnDisconnected is called, once per connection, when the connection
	// ends without Close: the process exited, the stream broke for good,
	// or (KindSessionGone) the server forgot the session, which the next
	// request re-initializes. err is an *Error.
	OnDisconnected func(err error)
}

// Elicitor is the UI that answers a server's elicitation request.
type Elicitor interface {
	Elicit(ctx context.Context, server string, req ElicitRequest) (ElicitResult, error)
}

// ElicitRequest is an elicitation/create request: a form (Mode "form",
// RequestedSchema) or a URL to open (Mode "url").
type ElicitRequest struct {
	Mode            string          `json:"mode"`
	Message         string          `json:"message"`
	RequestedSchema json.RawMessage `json:"requestedSchema,omitempty"`
	// PropertyOrder names the schema's properties in the order the server
	// sent them (the fields of the form, top to bottom), when known.
	PropertyOrder []string `json:"propertyOrder,omitempty"`
	URL           string   `json:"url,omitempty"`
	ElicitationID string   `json:"elicitationId,omitempty"`
}

// ElicitResult answers an ElicitRequest: Action is "accept", "decline" or
// "cancel"; Content holds the form values when accepted.
type ElicitResult struct {
	Action  string         `json:"action"`
	Content map[string]any `json:"content,omitempty"`
}

// Sampler is the UI (or model) that answers sampling/createMessage. Params
// and the result are the request's params and result in MCP's wire shape.
type Sampler interface {
	Sample(ctx context.Context, server string, params json.RawMessage) (json.RawMessage, error)
}

// ServerInfo is the server's implementation info from initialize.
type ServerInfo struct {
	Name    string `json:"name"`
	Title   string `json:"title,omitempty"`
	Version string `json:"version"`
}

// Catalog is everything a server offers, in MCP's wire shape.
type Catalog struct {
	Server          ServerInfo         `json:"serverInfo"`
	ProtocolVersion string             `json:"protocolVersion"`
	Instructions    string             `json:"instructions,omitempty"`
	Capabilities    json.RawMessage    `json:"capabilities,omitempty"`
	Tools           []Tool             `json:"tools"`
	Prompts         []Prompt           `json:"prompts"`
	Resources       []Resource         `json:"resources"`
	Templates       []ResourceTemplate `json:"resourceTemplates"`
}

// Tool is one tool; schemas stay raw JSON.
type Tool struct {
	Name         string          `json:"name"`
	Title        string          `json:"title,omitempty"`
	Description  string          `json:"description,omitempty"`
	InputSchema  json.RawMessage `json:"inputSchema,omitempty"`
	OutputSchema json.RawMessage `json:"outputSchema,omitempty"`
	Annotations  json.RawMessage `json:"annotations,omitempty"`
	Meta         json.RawMessage `json:"_meta,omitempty"`
}

// Prompt is one prompt template.
type Prompt struct {
	Name        string           `json:"name"`
	Title       string           `json:"title,omitempty"`
	Description string           `json:"description,omitempty"`
	Arguments   []PromptArgument `json:"arguments,omitempty"`
	Meta        json.RawMessage  `json:"_meta,omitempty"`
}

// PromptArgument is one argument of a Prompt.
type PromptArgument struct {
	Name        string `json:"name"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Required    bool   `json:"required,omitempty"`
}

// Resource is one concrete resource.
type Resource struct {
	URI         string          `json:"uri"`
	Name        string          `json:"name"`
	Title       string          `json:"title,omitempty"`
	Description string          `json:"description,omitempty"`
	MIMEType    string          `json:"mimeType,omitempty"`
	Size        int64           `json:"size,omitempty"`
	Annotations json.RawMessage `json:"annotations,omitempty"`
	Meta        json.RawMessage `json:"_meta,omitempty"`
}

// ResourceTemplate is a parameterised resource (RFC 6570 URI template).
type ResourceTemplate struct {
	URITemplate string          `json:"uriTemplate"`
	Name        string          `json:"name"`
	Title       string          `json:"title,omitempty"`
	Description string          `json:"description,omitempty"`
	MIMEType    string          `json:"mimeType,omitempty"`
	Annotations json.RawMessage `json:"annotations,omitempty"`
	Meta        json.RawMessage `json:"_meta,omitempty"`
}

// Progress is one notifications/progress for a running request.
type Progress struct {
	Progress float64 `json:"progress"`
	Total    float64 `json:"total,omitempty"`
	Message  string  `json:"message,omitempty"`
}

// ToolResult is the outcome of tools/call. IsError is the tool reporting
// failure (a result, not a protocol error). SchemaError is set when the
// structuredContent does not match the tool's outputSchema.
type ToolResult struct {
	Content           []json.RawMessage `json:"content"`
	StructuredContent json.RawMessage   `json:"structuredContent,omitempty"`
	IsError           bool              `json:"isError,omitempty"`
	Meta              json.RawMessage   `json:"_meta,omitempty"`
	SchemaError       string            `json:"-"`
}

// PromptResult is the outcome of prompts/get.
type PromptResult struct {
	Description string          `json:"description,omitempty"`
	Messages    []PromptMessage `json:"messages"`
}

// PromptMessage is one message of a rendered prompt.
type PromptMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// ResourceResult is the outcome of resources/read.
type ResourceResult struct {
	Contents []ResourceContents `json:"contents"`
}

// ResourceContents is one part of a read resource: Text or base64 Blob.
type ResourceContents struct {
	URI      string `json:"uri"`
	MIMEType string `json:"mimeType,omitempty"`
	Text     string `json:"text,omitempty"`
	Blob     string `json:"blob,omitempty"`
}

// CompletionRef names what completion/complete completes: a prompt's
// argument (Type "ref/prompt", Name) or a template's variable (Type
// "ref/resource", URI).
type CompletionRef struct {
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
	URI  string `json:"uri,omitempty"`
}

// Result is one server's outcome in DiscoverAll: Session is nil when Err
// is set.
type Result struct {
	Target  Target
	Session *Session
	Catalog Catalog
	Err     error
}
