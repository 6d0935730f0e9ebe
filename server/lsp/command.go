package lsp

import (
	"context"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

func executeCommand(ctx context.Context, s *Server, snap *Snapshot, p *protocol.ExecuteCommandParams) (any, error) {
	run, known := commands[p.Command]
	switch {
	case !known:
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "unknown command %q", p.Command)
	case run == nil:
		return nil, jsonrpc2.Errorf(codeRequestFailed, "command %s is not available yet", p.Command)
	}
	return run(ctx, s, snap, p.Arguments)
}
