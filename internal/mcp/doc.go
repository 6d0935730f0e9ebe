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
// What comes from the SDK and what this package adds: the SDK provides the
// session (JSON-RPC, initialize, the call layer that sends
// notifications/cancelled when a context ends, pagination iterators that
// follow nextCursor), the stdio and legacy SSE transports. Streamable HTTP
// is this package's own transport (streamhttp.go): it keeps the
// Mcp-Session-Id, reads JSON and SSE responses, opens the standalone GET
// stream, resumes a dropped stream with Last-Event-ID after the server's
// retry delay, and sends DELETE on close, like the SDK's; unlike it, it
// decodes each message once from its exact bytes (the SDK's allocates a
// 32 KiB decoder buffer per message, and decodes every outgoing request's
// params again), fails a call fast when its stream broke and the server
// refuses connections, and keeps the session past a response that is not
// JSON. This package also adds the tuned http.Client, configured headers,
// console logging at the RoundTripper (and around the stdio connection),
// re-initialization after a 404 or when a session died, the fallback to
// legacy SSE when POSTing initialize gets 400/404/405, its own stdio
// process handling (process group, stderr to the console,
// stdin-close/SIGTERM/SIGKILL), timeouts that progress resets,
// outputSchema checks, typed errors (an HTTP failure of a call says its
// status and a redacted body excerpt), and offering 2025-11-25 by default
// so the first connect does not probe server/discover.
//
// Connect-time failures are typed (see ConnectError and the Err* sentinels)
// so callers can say exactly what went wrong: DNS, refused, TLS, HTTP
// status, bad handshake, timeout, process exit, command not found.
package mcp
