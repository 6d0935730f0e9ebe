package lsp

import (
	"context"
	"fmt"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"mcpls/internal/jsonc"
	"mcpls/internal/requests"
	"mcpls/server/lspext"
)

// cmdAddRequest inserts a request skeleton through workspace/applyEdit.
func cmdAddRequest(ctx context.Context, s *Server, snap *Snapshot, a *lspext.AddRequestArgs) (any, error) {
	du := uri.URI(a.URI)
	doc := snap.Document(du)
	if doc == nil {
		return nil, fmt.Errorf("%s is not open", a.URI)
	}
	cat, _, _ := s.mcp.catalogs(du)(a.Server)
	e := requestSkeleton(doc.analysis, doc.Path, doc.Text, cat, a.Server, a.Kind, a.Target)
	lines := doc.Lines()
	label := "Add request " + a.Target
	var res protocol.ApplyWorkspaceEditResult
	err := s.client.Call(ctx, protocol.MethodWorkspaceApplyEdit, &protocol.ApplyWorkspaceEditParams{
		Label: &label,
		Edit: protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{
			du: {{Range: toRange(lines, e.Start, e.End), NewText: e.NewText}},
		}},
	}, &res)
	if err != nil {
		return nil, fmt.Errorf("workspace/applyEdit: %w", err)
	}
	if !res.Applied {
		return nil, fmt.Errorf("the editor did not apply the edit")
	}
	return nil, nil
}

// insertRequest is the edit that appends skeleton (a JSON object indented
// by two spaces) to the document's "requests" array, creating the array
// at the end of the root object when there is none.
func insertRequest(doc *jsonc.Document, skeleton string) requests.Edit {
	text := doc.Text
	root := doc.Root
	if root == nil || root.Kind != jsonc.Object {
		return requests.Edit{Start: len(text), End: len(text), NewText: "{\n  \"requests\": [\n" +
			indent(skeleton, "    ") + "\n  ]\n}\n"}
	}
	if p := root.Prop("requests"); p != nil && p.Value != nil && p.Value.Kind == jsonc.Array {
		arr := p.Value
		keyIndent := lineIndent(text, p.Start)
		if n := len(arr.Items()); n > 0 {
			itemIndent := lineIndent(text, arr.Items()[0].Start)
			if !onOwnLine(text, arr.Items()[0].Start) {
				itemIndent = keyIndent + "  "
			}
			last := arr.Items()[n-1]
			return requests.Edit{Start: last.End, End: last.End, NewText: ",\n" + itemIndent + indent(skeleton, itemIndent)}
		}
		at := arr.Start + 1
		return requests.Edit{Start: at, End: at, NewText: "\n" + keyIndent + "  " + indent(skeleton, keyIndent+"  ") + "\n" + keyIndent}
	}
	propIndent := "  "
	at, sep, trailer := root.Start+1, "\n", "\n"
	if n := len(root.Props()); n > 0 {
		propIndent = lineIndent(text, root.Props()[0].Start)
		at, sep, trailer = root.Props()[n-1].End, ",\n", ""
	}
	return requests.Edit{Start: at, End: at, NewText: sep + propIndent + "\"requests\": [\n" + propIndent + "  " +
		indent(skeleton, propIndent+"  ") + "\n" + propIndent + "]" + trailer}
}

// indent prefixes every line of s but the first with prefix.
func indent(s, prefix string) string {
	return strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// lineIndent is the leading white space of the line holding offset.
func lineIndent(text []byte, offset int) string {
	start := offset
	for start > 0 && text[start-1] != '\n' {
		start--
	}
	end := start
	for end < len(text) && (text[end] == ' ' || text[end] == '\t') {
		end++
	}
	return string(text[start:end])
}

// onOwnLine reports whether only white space precedes offset on its line.
func onOwnLine(text []byte, offset int) bool {
	for i := offset - 1; i >= 0 && text[i] != '\n'; i-- {
		if text[i] != ' ' && text[i] != '\t' {
			return false
		}
	}
	return true
}
