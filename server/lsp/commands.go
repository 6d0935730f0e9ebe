package lsp

import (
	"context"
	"slices"

	"go.lsp.dev/protocol"
)

// commandFunc runs one workspace/executeCommand command.
type commandFunc func(ctx context.Context, s *Server, snap *Snapshot, args []protocol.LSPAny) (any, error)

// commands is the one table of the commands mcpls offers through
// workspace/executeCommand (announced in initialize). A nil func is a
// command whose implementation has not landed yet (issue 4): it answers
// with a clear "not available yet" error.
var commands = map[string]commandFunc{
	"mcpls.connect":      nil,
	"mcpls.disconnect":   nil,
	"mcpls.resync":       nil,
	"mcpls.signIn":       nil,
	"mcpls.signOut":      nil,
	"mcpls.callTool":     nil,
	"mcpls.getPrompt":    nil,
	"mcpls.readResource": nil,
	"mcpls.addRequest":   nil,
	"mcpls.showResult":   nil,
}

// CommandNames lists the commands, sorted, for the server capabilities.
func CommandNames() []string {
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
