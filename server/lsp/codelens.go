package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"mcpls/internal/config"
	"mcpls/server/lspext"
)

// codeLens shows each server's state and actions, and a run lens with the
// last outcome on each saved request.
func codeLens(_ context.Context, s *Server, snap *Snapshot, p *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	doc := snap.Document(p.TextDocument.URI)
	if doc == nil || !isConfigFile(doc.Path) {
		return []protocol.CodeLens{}, nil
	}
	f := doc.analysis.load(doc.Path, doc.Text)
	lenses := []protocol.CodeLens{}
	for _, srv := range f.Servers {
		k := serverKey{doc.URI, srv.Name}
		r := toRange(doc.Lines(), srv.NameRange.Start, srv.NameRange.Start)
		for _, c := range serverLenses(s.mcp.state(k), time.Now()) {
			lenses = append(lenses, protocol.CodeLens{Range: r, Command: c})
		}
	}
	for _, req := range f.Requests {
		r := toRange(doc.Lines(), req.Range.Start, req.Range.Start)
		res, ran := s.mcp.outcome(requestKey{doc.URI, req.Index})
		for _, c := range requestLenses(doc.URI, req, res, ran) {
			lenses = append(lenses, protocol.CodeLens{Range: r, Command: c})
		}
	}
	return lenses, nil
}

// serverLenses are the lenses of one server in state st.
func serverLenses(st lspext.ServerState, now time.Time) []protocol.Command {
	arg := lensArg(lspext.ServerArgs{URI: st.URI, Server: st.Name})
	cmd := func(title, name string) protocol.Command {
		return protocol.Command{Title: title, Command: name, Arguments: arg}
	}
	switch st.State {
	case lspext.StateConnecting:
		if st.Queued {
			return []protocol.Command{cmd("Queued to connect", lspext.CmdShowConsole), cmd("Connect now", lspext.CmdConnect)}
		}
		return []protocol.Command{cmd("Connecting…", lspext.CmdShowConsole)}
	case lspext.StateConnected:
		c := st.Counts
		return []protocol.Command{
			cmd(fmt.Sprintf("● %s · %s · %s", plural(c.Tools, "tool"), plural(c.Prompts, "prompt"), plural(c.Resources, "resource")), lspext.CmdShowConsole),
			cmd("Resync", lspext.CmdResync),
			cmd("Disconnect", lspext.CmdDisconnect),
		}
	case lspext.StateOffline:
		return []protocol.Command{cmd("Offline: cached "+ago(st.CachedAt, now), lspext.CmdShowConsole), cmd("Retry", lspext.CmdConnect)}
	case lspext.StateNeedsAuth:
		return []protocol.Command{cmd("Sign in", lspext.CmdSignIn), cmd("Error: "+st.Error, lspext.CmdShowConsole)}
	case lspext.StateError:
		return []protocol.Command{cmd("Error: "+st.Error, lspext.CmdConnect), cmd("Show console", lspext.CmdShowConsole)}
	}
	return []protocol.Command{cmd("Connect", lspext.CmdConnect)}
}

// runCommands maps a request kind to the command that runs it.
var runCommands = map[string]struct{ name, title string }{
	config.RequestTool:     {lspext.CmdCallTool, "▶ Call tool"},
	config.RequestPrompt:   {lspext.CmdGetPrompt, "▶ Get prompt"},
	config.RequestResource: {lspext.CmdReadResource, "▶ Read resource"},
}

// requestLenses are the lenses of one saved request: run it, and its last
// outcome when it ran.
func requestLenses(u uri.URI, req *config.Request, last lspext.Result, ran bool) []protocol.Command {
	kind, _, ok := req.Kind()
	if !ok {
		return nil
	}
	index := req.Index
	run := runCommands[kind]
	out := []protocol.Command{{Title: run.title, Command: run.name,
		Arguments: lensArg(lspext.RunArgs{URI: string(u), Request: &index})}}
	if ran {
		out = append(out, protocol.Command{Title: outcomeMark(last) + " " + last.Summary, Command: lspext.CmdShowResult,
			Arguments: lensArg(lspext.RequestArgs{URI: string(u), Request: index})})
	}
	return out
}

func lensArg(v any) []protocol.LSPAny {
	raw, _ := json.Marshal(v)
	return []protocol.LSPAny{raw}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// ago says how long ago an RFC 3339 time was, as "5 min ago".
func ago(at string, now time.Time) string {
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return "earlier"
	}
	switch d := now.Sub(t); {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	default:
		return fmt.Sprintf("%d days ago", int(d.Hours()/24))
	}
}

// refreshLenses asks the editor to fetch code lenses again, when it can.
// Asks made while one is out make one more, not one each: 200 servers
// changing state at once cost the editor two refreshes, not 200.
func (s *Server) refreshLenses() {
	if !s.state.snapshot().Caps().CodeLensRefresh {
		return
	}
	s.lenses.trigger(s.client.Go, func(ctx context.Context) {
		if err := s.client.Call(ctx, protocol.MethodWorkspaceCodeLensRefresh, nil, nil); err != nil && ctx.Err() == nil {
			s.logf("refreshing code lenses: %v", err)
		}
	})
}
