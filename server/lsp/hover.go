package lsp

import (
	"context"

	"go.lsp.dev/protocol"
)

func hover(_ context.Context, s *Server, snap *Snapshot, p *protocol.HoverParams) (*protocol.Hover, error) {
	doc := snap.Document(p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	offset := doc.Lines().Offset(int(p.Position.Line), int(p.Position.Character))
	env := fileEnv{WorkspaceFolder: snap.folderOf(doc.Path), UserHome: userHome()}
	h, ok := hoverAt(doc.analysis, doc.Path, doc.Text, doc.Lines(), offset, env, s.mcp.catalogs(doc.URI), snap.Caps().MarkdownHover)
	if !ok {
		return nil, nil
	}
	return h, nil
}
