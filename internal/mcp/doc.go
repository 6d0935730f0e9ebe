// Package mcp owns mcpls's MCP client sessions: it connects to one server
// over stdio, streamable HTTP or legacy SSE, negotiates the protocol,
// discovers the whole catalog (tools, prompts, resources, templates, every
// page), calls tools, prompts and resources with progress, cancellation and
// timeouts, serves the client features (roots, elicitation, sampling,
// logging) through injected interfaces, and reports every message and
// transport event to a console.Sink with secrets redacted.
//
// It is built on the official Go SDK (github.com/modelcontextprotocol/go-sdk)
// but keeps the SDK's types out of its API: a Target is a resolved server
// (variables already expanded by the caller), a Session is a live
// connection, and Catalog, ToolResult and friends are plain JSON-shaped
// values. It knows nothing about LSP or the config file format.
//
// Connect-time failures are typed (see ConnectError and the Err* sentinels)
// so callers can say exactly what went wrong: DNS, refused, TLS, HTTP
// status, bad handshake, timeout, process exit, command not found.
package mcp
