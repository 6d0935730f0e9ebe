package lsp

import (
	"bytes"
	"context"
	"fmt"
	"unsafe"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"go.lsp.dev/protocol"

	"mcpls/internal/jsonc"
)

func didOpen(_ context.Context, s *Server, p *openParams) error {
	td := p.TextDocument
	doc := newDocument(td.URI, td.Version, textBytes(td.Text))
	snap := s.state.update(func(next *Snapshot) { next.docs[td.URI] = doc })
	s.diagnoseOpen(doc)
	s.autoConnect(snap, doc)
	return nil
}

func didChange(_ context.Context, s *Server, p *changeParams) error {
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
// diagnostics, now from disk; any other file loses them, and the idle
// entries of its servers go too (a workspace config that is not on disk
// loses them when its disk check finds it gone).
func didClose(_ context.Context, s *Server, p *protocol.DidCloseTextDocumentParams) error {
	u := p.TextDocument.URI
	snap := s.state.update(func(next *Snapshot) { delete(next.docs, u) })
	s.valid.drop(u)
	path := uriPath(u)
	if path != "" && snap.folderOf(path) != "" && isConfigFile(path) {
		s.diagnoseDisk(snap, path)
		return nil
	}
	s.mcp.forgetIdle(u)
	s.diags.schedule(diagJob{uri: u, clear: true})
	return nil
}

// textBytes returns the bytes of a text decoded from an editor message
// without copying them: a Document never changes its text, and the decoder
// made the string for this message alone. On a large file the copy was
// half a megabyte of garbage per open or whole-text change.
func textBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// applyChanges applies LSP content changes in order; ranges are in UTF-16
// code units, converted to byte offsets on the text as it stands before
// each change. lines indexes text (nil to compute it).
func applyChanges(text []byte, lines *jsonc.Lines, changes []protocol.TextDocumentContentChangeEvent) ([]byte, error) {
	for _, ch := range changes {
		switch ch := ch.(type) {
		case *protocol.TextDocumentContentChangeWholeDocument:
			text = textBytes(ch.Text)
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

// openParams are didOpen's params, decoded as protocol decodes them but
// for the text, which is unquoted in one pass into a buffer of its final
// size. The generic decoder grows it by appending: for a 500 KiB file that
// was 3.7 MB of garbage per open (now 0.6 MB, the text itself), nearly as
// much as the parse allocates.
//
// It declares protocol's fields rather than embedding its type, whose
// decoding methods would be promoted and win.
type openParams struct {
	TextDocument protocol.TextDocumentItem
}

// UnmarshalJSONFrom decodes the params (protocol.Unmarshal calls it).
func (p *openParams) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeMembers(dec, func(name string) error {
		if name != "textDocument" {
			return dec.SkipValue()
		}
		text, rest, err := decodeText(dec)
		if err != nil {
			return err
		}
		if err := protocol.Unmarshal(rest.raw, &p.TextDocument); err != nil {
			return err
		}
		p.TextDocument.Text = text
		return nil
	})
}

// changeParams are didChange's params, the texts of their changes decoded
// like openParams's (an editor may send the whole text on each change).
type changeParams struct {
	TextDocument   protocol.VersionedTextDocumentIdentifier
	ContentChanges []protocol.TextDocumentContentChangeEvent
}

// UnmarshalJSONFrom decodes the params (protocol.Unmarshal calls it).
func (p *changeParams) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeMembers(dec, func(name string) error {
		switch name {
		case "textDocument":
			v, err := dec.ReadValue()
			if err != nil {
				return err
			}
			return protocol.Unmarshal(bytes.Clone(v), &p.TextDocument)
		case "contentChanges":
			return p.decodeChanges(dec)
		}
		return dec.SkipValue()
	})
}

func (p *changeParams) decodeChanges(dec *jsontext.Decoder) error {
	if tok, err := dec.ReadToken(); err != nil {
		return err
	} else if tok.Kind() != '[' {
		return fmt.Errorf("contentChanges: expected an array, got %v", tok.Kind())
	}
	for dec.PeekKind() != ']' {
		text, rest, err := decodeText(dec)
		if err != nil {
			return err
		}
		if !rest.hasRange {
			p.ContentChanges = append(p.ContentChanges, &protocol.TextDocumentContentChangeWholeDocument{Text: text})
			continue
		}
		ch := &protocol.TextDocumentContentChangePartial{}
		if err := protocol.Unmarshal(rest.raw, ch); err != nil {
			return err
		}
		ch.Text = text
		p.ContentChanges = append(p.ContentChanges, ch)
	}
	_, err := dec.ReadToken()
	return err
}

// members are the members of an object but its text, as a JSON object.
type members struct {
	raw      []byte
	hasRange bool // one of them is "range"
}

// decodeText reads an object that has a "text" member: the text, decoded,
// and the other members, for protocol.Unmarshal.
func decodeText(dec *jsontext.Decoder) (text string, rest members, err error) {
	rest.raw = append(rest.raw, '{')
	err = decodeMembers(dec, func(name string) error {
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if name == "text" {
			text, err = unquoteText(v)
			return err
		}
		if len(rest.raw) > 1 {
			rest.raw = append(rest.raw, ',')
		}
		rest.hasRange = rest.hasRange || name == "range"
		rest.raw, _ = jsontext.AppendQuote(rest.raw, name)
		rest.raw = append(append(rest.raw, ':'), v...)
		return nil
	})
	rest.raw = append(rest.raw, '}')
	return text, rest, err
}

// unquoteText decodes a JSON string read by the decoder (so well formed)
// into memory of its own, sized once: the decoder's buffer is reused for
// the next message.
func unquoteText(v jsontext.Value) (string, error) {
	if v.Kind() != '"' {
		return "", fmt.Errorf("text: expected a string, got %v", v.Kind())
	}
	buf, err := jsontext.AppendUnquote(make([]byte, 0, len(v)), v)
	if err != nil {
		// Invalid UTF-8, which the decoder lets through: decoded the
		// way protocol does, with replacement characters.
		var s string
		return s, json.Unmarshal(v, &s, jsontext.AllowInvalidUTF8(true))
	}
	return unsafe.String(unsafe.SliceData(buf), len(buf)), nil
}

// decodeMembers reads an object, calling member for each name; member
// reads the value.
func decodeMembers(dec *jsontext.Decoder, member func(name string) error) error {
	if tok, err := dec.ReadToken(); err != nil {
		return err
	} else if tok.Kind() != '{' {
		return fmt.Errorf("expected an object, got %v", tok.Kind())
	}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		if err := member(tok.String()); err != nil {
			return err
		}
	}
	_, err := dec.ReadToken()
	return err
}
