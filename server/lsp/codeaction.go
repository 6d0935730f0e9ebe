package lsp

import (
	"context"

	"go.lsp.dev/protocol"
)

func codeAction(_ context.Context, s *Server, snap *Snapshot, p *protocol.CodeActionParams) ([]protocol.CodeAction, error) {
	doc := snap.Document(p.TextDocument.URI)
	if doc == nil || !isConfigFile(doc.Path) {
		return []protocol.CodeAction{}, nil
	}
	lines := doc.Lines()
	start := lines.Offset(int(p.Range.Start.Line), int(p.Range.Start.Character))
	end := lines.Offset(int(p.Range.End.Line), int(p.Range.End.Character))
	env := fileEnv{WorkspaceFolder: snap.folderOf(doc.Path), UserHome: userHome()}
	return codeActionsAt(doc.URI, doc.analysis, doc.Path, doc.Text, lines, start, end, env, s.mcp.catalogs(doc.URI), s.valid.get(doc.URI)), nil
}
