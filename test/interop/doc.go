// Package interop holds mcpls's interoperability tests: the MCP client core
// (internal/mcp) against real servers it did not write, and against faulty
// servers that break the protocol the ways real ones do.
//
// The peers are @modelcontextprotocol/server-everything from npm (pinned in
// this directory's package.json, installed by `make deps` with
// `npm ci --prefix test/interop`) over stdio and over streamable HTTP, the
// `mcpls demo-server` binary (built by TestMain), and go-sdk servers built
// in test code (internal/mcptest). Each test checks that no goroutine and
// no child process outlives it.
//
// The package has no code outside its tests; this file documents it.
package interop
