// Package version holds the mcpls version, the one value the binary, the
// MCP clientInfo and the extension manifest agree on.
package version

// Version is the release version of mcpls. package.json carries the same
// value; a test checks that they agree.
const Version = "0.1.0"

// Name is the implementation name sent as MCP clientInfo and LSP serverInfo.
const Name = "mcpls"
