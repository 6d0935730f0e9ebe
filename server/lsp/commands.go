package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"mcpls/internal/config"
	"mcpls/server/lspext"
)

// commandFunc runs one workspace/executeCommand command with its one
// argument, raw.
type commandFunc func(ctx context.Context, s *Server, snap *Snapshot, arg json.RawMessage) (any, error)

// commands implements lspext.Commands, the one table of commands (a test
// checks that every command there has an entry here and no other).
var commands = map[string]commandFunc{
	lspext.CmdConnect:      serverCommand(cmdConnect),
	lspext.CmdDisconnect:   serverCommand(cmdDisconnect),
	lspext.CmdResync:       serverCommand(cmdResync),
	lspext.CmdSignIn:       serverCommand(cmdSignIn),
	lspext.CmdSignOut:      serverCommand(cmdSignOut),
	lspext.CmdCallTool:     command(cmdRun(config.RequestTool)),
	lspext.CmdGetPrompt:    command(cmdRun(config.RequestPrompt)),
	lspext.CmdReadResource: command(cmdRun(config.RequestResource)),
	lspext.CmdAddRequest:   command(cmdAddRequest),
	lspext.CmdShowResult:   command(cmdShowResult),
	lspext.CmdShowConsole:  command(cmdShowConsole),
}

// command adapts a typed command: it decodes the one argument.
func command[A, R any](f func(ctx context.Context, s *Server, snap *Snapshot, a *A) (R, error)) commandFunc {
	return func(ctx context.Context, s *Server, snap *Snapshot, raw json.RawMessage) (any, error) {
		a := new(A)
		if len(raw) == 0 {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "missing the command's argument")
		}
		if err := json.Unmarshal(raw, a); err != nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "decoding the command's argument: %v", err)
		}
		return f(ctx, s, snap, a)
	}
}

// serverCommand adapts a command whose result is a server's state: the
// editor gets it with the catalog, as in mcp/serverState.
func serverCommand(f func(ctx context.Context, s *Server, snap *Snapshot, a *lspext.ServerArgs) (lspext.ServerState, error)) commandFunc {
	return command(func(ctx context.Context, s *Server, snap *Snapshot, a *lspext.ServerArgs) (lspext.ServerState, error) {
		st, err := f(ctx, s, snap, a)
		if st.Name != "" {
			st = s.mcp.withCatalog(st)
		}
		return st, err
	})
}

func executeCommand(ctx context.Context, s *Server, snap *Snapshot, p *protocol.ExecuteCommandParams) (any, error) {
	run, known := commands[p.Command]
	if !known {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "unknown command %q", p.Command)
	}
	var arg json.RawMessage
	if len(p.Arguments) > 0 {
		arg = json.RawMessage(p.Arguments[0])
	}
	res, err := run(ctx, s, snap, arg)
	var jerr *jsonrpc2.Error
	if err != nil && !errors.As(err, &jerr) && ctx.Err() == nil {
		err = jsonrpc2.Errorf(codeRequestFailed, "%s: %v", p.Command, err)
	}
	return res, err
}

// configOf loads the config file u: the open document, else the disk. It
// also returns the workspace folder holding it.
func (s *Server) configOf(snap *Snapshot, u string) (*config.File, uri.URI, string, error) {
	du := uri.URI(u)
	if doc := snap.Document(du); doc != nil {
		return doc.analysis.load(doc.Path, doc.Text), du, snap.folderOf(doc.Path), nil
	}
	path := uriPath(du)
	if path == "" {
		return nil, du, "", fmt.Errorf("%s is neither open nor a file", u)
	}
	text, err := readFile(path)
	if err != nil {
		return nil, du, "", err
	}
	return (&analysis{}).load(path, text), du, snap.folderOf(path), nil
}

// serverOf finds the server named in a ServerArgs.
func (s *Server) serverOf(snap *Snapshot, a *lspext.ServerArgs) (*config.File, *config.Server, serverKey, string, error) {
	f, du, folder, err := s.configOf(snap, a.URI)
	if err != nil {
		return nil, nil, serverKey{}, "", err
	}
	srv := f.Server(a.Server)
	if srv == nil {
		return nil, nil, serverKey{}, "", fmt.Errorf("no server %q in %s", a.Server, a.URI)
	}
	return f, srv, serverKey{du, a.Server}, folder, nil
}

func cmdConnect(ctx context.Context, s *Server, snap *Snapshot, a *lspext.ServerArgs) (lspext.ServerState, error) {
	f, srv, k, folder, err := s.serverOf(snap, a)
	if err != nil {
		return lspext.ServerState{}, err
	}
	return s.connectBounded(ctx, snap, k, f, srv, folder), nil
}

func cmdDisconnect(_ context.Context, s *Server, snap *Snapshot, a *lspext.ServerArgs) (lspext.ServerState, error) {
	return s.mcp.disconnect(serverKey{uri.URI(a.URI), a.Server}), nil
}

func cmdResync(ctx context.Context, s *Server, snap *Snapshot, a *lspext.ServerArgs) (lspext.ServerState, error) {
	return s.resyncBounded(ctx, snap, serverKey{uri.URI(a.URI), a.Server})
}

func cmdSignIn(ctx context.Context, s *Server, snap *Snapshot, a *lspext.ServerArgs) (lspext.ServerState, error) {
	return s.auth.signInCommand(ctx, snap, a)
}

func cmdSignOut(ctx context.Context, s *Server, snap *Snapshot, a *lspext.ServerArgs) (lspext.ServerState, error) {
	return s.auth.signOutCommand(ctx, snap, a)
}

func cmdShowResult(_ context.Context, s *Server, _ *Snapshot, a *lspext.RequestArgs) (*lspext.Result, error) {
	r, ok := s.mcp.outcome(requestKey{uri.URI(a.URI), a.Request})
	if !ok {
		return nil, fmt.Errorf("request %d of %s has not run yet", a.Request, a.URI)
	}
	return &r, nil
}

func cmdShowConsole(ctx context.Context, s *Server, _ *Snapshot, a *lspext.ServerArgs) (any, error) {
	path, err := writeConsole(s.outputDir(), a.Server, s.mcp.ring.Events(a.Server))
	if err != nil {
		return nil, err
	}
	return nil, s.showDocument(ctx, path)
}
