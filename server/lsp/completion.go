package lsp

import (
	"context"

	"go.lsp.dev/protocol"
)

func completion(_ context.Context, s *Server, snap *Snapshot, p *protocol.CompletionParams) (protocol.CompletionResult, error) {
	doc := snap.Document(p.TextDocument.URI)
	if doc == nil {
		return &protocol.CompletionList{Items: []protocol.CompletionItem{}}, nil
	}
	offset := doc.Lines().Offset(int(p.Position.Line), int(p.Position.Character))
	env := fileEnv{WorkspaceFolder: snap.folderOf(doc.Path), UserHome: userHome()}
	items := completeAt(doc.analysis, doc.Path, doc.Text, doc.Lines(), offset, env, s.mcp.catalogs(doc.URI), snap.Caps().Snippets)
	return &protocol.CompletionList{Items: items}, nil
}
