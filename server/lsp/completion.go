package lsp

import (
	"context"

	"go.lsp.dev/protocol"
)

// completion lists the file's own completions and, where a prompt argument
// or a template variable is being typed, the server's (argcomplete.go).
// A list that is only a catalog's names goes out pre-encoded, from a
// pooled buffer (namelist.go, reply.go).
func completion(ctx context.Context, s *Server, snap *Snapshot, p *protocol.CompletionParams) (any, error) {
	doc := snap.Document(p.TextDocument.URI)
	if doc == nil {
		return &protocol.CompletionList{Items: []protocol.CompletionItem{}}, nil
	}
	offset := doc.Lines().Offset(int(p.Position.Line), int(p.Position.Character))
	env := fileEnv{WorkspaceFolder: snap.folderOf(doc.Path), UserHome: userHome()}
	catalogs := s.mcp.catalogs(doc.URI)
	q, ask := serverQueryAt(doc.analysis, doc.Path, doc.Text, offset, catalogs)
	if !ask {
		reply := newPooledReply()
		if buf, ok := nameListAt(*reply.buf, doc.analysis, doc.Path, doc.Text, doc.Lines(), offset, env, catalogs); ok {
			*reply.buf = buf
			return reply, nil
		}
		replyBufs.Put(reply.buf)
	}
	items := completeAt(doc.analysis, doc.Path, doc.Text, doc.Lines(), offset, env, catalogs, snap.Caps().Snippets)
	list := &protocol.CompletionList{Items: items}
	if ask {
		toItems := func(values []string) []protocol.CompletionItem { return serverItems(doc.Lines(), q, values) }
		s.args.complete(ctx, serverKey{doc.URI, q.Server}, q, list, toItems)
	}
	return list, nil
}
