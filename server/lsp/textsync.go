package lsp

import (
	"context"
	"fmt"

	"go.lsp.dev/protocol"

	"mcpls/internal/jsonc"
)

func didOpen(_ context.Context, s *Server, p *protocol.DidOpenTextDocumentParams) error {
	td := p.TextDocument
	doc := newDocument(td.URI, td.Version, []byte(td.Text))
	snap := s.state.update(func(next *Snapshot) { next.docs[td.URI] = doc })
	s.diagnoseOpen(doc)
	s.autoConnect(snap, doc)
	return nil
}

func didChange(_ context.Context, s *Server, p *protocol.DidChangeTextDocumentParams) error {
	u := p.TextDocument.URI
	old := s.state.snapshot().Document(u)
	if old == nil {
		return fmt.Errorf("change to %s, which is not open", u)
	}
	text, err := applyChanges(old.Text, old.Lines(), p.ContentChanges)
	if err != nil {
		return fmt.Errorf("applying changes to %s: %w", u, err)
	}
	doc := newDocument(u, p.TextDocument.Version, text)
	s.state.update(func(next *Snapshot) { next.docs[u] = doc })
	s.diagnoseOpen(doc)
	return nil
}

// didSave re-checks: the saved file may be the envFile of another config.
func didSave(_ context.Context, s *Server, p *protocol.DidSaveTextDocumentParams) error {
	snap := s.state.snapshot()
	if doc := snap.Document(p.TextDocument.URI); doc != nil {
		s.diagnoseOpen(doc)
		s.diagnoseEnvOwners(snap, doc.Path)
	}
	return nil
}

// didClose drops the document. A config file in a workspace folder keeps
// diagnostics, now from disk; any other file loses them.
func didClose(_ context.Context, s *Server, p *protocol.DidCloseTextDocumentParams) error {
	u := p.TextDocument.URI
	snap := s.state.update(func(next *Snapshot) { delete(next.docs, u) })
	s.valid.drop(u)
	path := uriPath(u)
	if path != "" && snap.folderOf(path) != "" && isConfigFile(path) {
		s.diagnoseDisk(snap, path)
		return nil
	}
	s.diags.schedule(diagJob{uri: u, clear: true})
	return nil
}

// applyChanges applies LSP content changes in order; ranges are in UTF-16
// code units, converted to byte offsets on the text as it stands before
// each change. lines indexes text (nil to compute it).
func applyChanges(text []byte, lines *jsonc.Lines, changes []protocol.TextDocumentContentChangeEvent) ([]byte, error) {
	for _, ch := range changes {
		switch ch := ch.(type) {
		case *protocol.TextDocumentContentChangeWholeDocument:
			text = []byte(ch.Text)
		case *protocol.TextDocumentContentChangePartial:
			if lines == nil {
				lines = jsonc.NewLines(text)
			}
			text = applyPartial(text, lines, ch)
		default:
			return nil, fmt.Errorf("unknown content change %T", ch)
		}
		lines = nil // text changed
	}
	return text, nil
}

func applyPartial(text []byte, lines *jsonc.Lines, ch *protocol.TextDocumentContentChangePartial) []byte {
	start := lines.Offset(int(ch.Range.Start.Line), int(ch.Range.Start.Character))
	end := lines.Offset(int(ch.Range.End.Line), int(ch.Range.End.Character))
	if end < start {
		start, end = end, start
	}
	out := make([]byte, 0, len(text)-(end-start)+len(ch.Text))
	out = append(out, text[:start]...)
	out = append(out, ch.Text...)
	return append(out, text[end:]...)
}
