package lsp

// This file is the only one in the package that calls the editor-agnostic
// feature packages (internal/config, internal/complete, internal/hover,
// internal/requests).
// Everything else deals in Documents, snapshots and LSP types; here a
// document's text becomes diagnostics, completions and hovers, and their
// byte ranges become LSP ranges.

import (
	"os"
	"sync"
	"sync/atomic"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"mcpls/internal/complete"
	"mcpls/internal/config"
	hoverdoc "mcpls/internal/hover" // the package name is taken by the hover handler
	"mcpls/internal/jsonc"
	"mcpls/internal/mcp"
	"mcpls/internal/requests"
)

// diagnosticSource names mcpls as the origin of its diagnostics.
const diagnosticSource = "mcpls"

// analysis memoises the load of one document version, shared by the
// diagnostics and the requests that read the same snapshot.
type analysis struct {
	once sync.Once
	file atomic.Pointer[config.File]
}

func (a *analysis) load(path string, text []byte) *config.File {
	a.once.Do(func() { a.file.Store(config.Load(path, text)) })
	return a.file.Load()
}

// lines returns the line index made by the parse, nil before the parse.
func (a *analysis) lines() *jsonc.Lines {
	if f := a.file.Load(); f != nil {
		return f.Doc.Lines
	}
	return nil
}

// fileEnv is what the features need to know about a file's surroundings.
type fileEnv struct {
	WorkspaceFolder string // the workspace folder holding the file, "" if none
	UserHome        string
}

// configEnv is the environment the file's servers would get: this
// process's environment and file system.
func (e fileEnv) configEnv() config.Env {
	return config.Env{
		LookupEnv:       os.LookupEnv,
		ReadFile:        os.ReadFile,
		WorkspaceFolder: e.WorkspaceFolder,
		UserHome:        e.UserHome,
	}
}

// diagResult is the outcome of checking one file.
type diagResult struct {
	diagnostics []protocol.Diagnostic
	envFiles    []string // absolute paths of the file's envFile targets, to watch
}

// diagnose checks one config file's text: the file alone (config.Check)
// and its requests against the servers' catalogs (memoised by v).
func diagnose(a *analysis, path string, text []byte, env fileEnv, catalogs requests.Catalogs, v *requests.Validator) diagResult {
	f := a.load(path, text)
	cenv := env.configEnv()
	found := config.Check(f, cenv)
	if v != nil {
		found = append(found, v.Diagnostics(f, catalogs)...)
	}
	res := diagResult{diagnostics: make([]protocol.Diagnostic, 0, len(found)), envFiles: f.EnvFilesFor(cenv)}
	for _, d := range found {
		res.diagnostics = append(res.diagnostics,
			toDiagnostic(f.Doc.Lines, d.Start, d.End, protocol.DiagnosticSeverity(d.Severity), d.Code, d.Message))
	}
	return res
}

// completeAt lists the completions at a byte offset.
func completeAt(a *analysis, path string, text []byte, lines *jsonc.Lines, offset int, env fileEnv, catalogs requests.Catalogs, snippets bool) []protocol.CompletionItem {
	f := a.load(path, text)
	found := complete.Complete(f, offset, env.configEnv())
	found = append(found, requests.Complete(f, offset, catalogs)...)
	return toCompletionItems(lines, found, snippets)
}

// toCompletionItems converts items in bulk: their edits and documentation
// share two allocations, and items replacing the same range (a list of
// 500 tool names) convert it once.
func toCompletionItems(lines *jsonc.Lines, found []complete.Item, snippets bool) []protocol.CompletionItem {
	items := make([]protocol.CompletionItem, len(found))
	edits := make([]protocol.TextEdit, len(found))
	docs := make([]protocol.MarkupContent, 0, len(found))
	var r protocol.Range
	lastStart, lastEnd := -1, -1
	for i, it := range found {
		if it.Start != lastStart || it.End != lastEnd {
			r, lastStart, lastEnd = toRange(lines, it.Start, it.End), it.Start, it.End
		}
		items[i] = completionItem(it, snippets, r, &edits[i])
		if it.Documentation != "" {
			docs = append(docs, protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: it.Documentation})
			items[i].Documentation = &docs[len(docs)-1]
		}
	}
	return items
}

// serverQueryAt returns the question for the server's completion/complete
// at a byte offset, ok false where the server has nothing to complete.
func serverQueryAt(a *analysis, path string, text []byte, offset int, catalogs requests.Catalogs) (requests.ServerQuery, bool) {
	return requests.ServerCompletion(a.load(path, text), offset, catalogs)
}

// serverItems converts the values a server answered q with.
func serverItems(lines *jsonc.Lines, q requests.ServerQuery, values []string) []protocol.CompletionItem {
	return toCompletionItems(lines, q.Items(values), false)
}

// hoverAt returns the hover at a byte offset, ok false when there is none.
func hoverAt(a *analysis, path string, text []byte, lines *jsonc.Lines, offset int, env fileEnv, catalogs requests.Catalogs, markdown bool) (*protocol.Hover, bool) {
	f := a.load(path, text)
	res, ok := requests.Hover(f, offset, catalogs)
	if !ok {
		res, ok = hoverdoc.HoverEnv(f, offset, env.configEnv())
	}
	if !ok {
		return nil, false
	}
	kind := protocol.MarkupKindMarkdown
	if !markdown {
		kind = protocol.MarkupKindPlainText
	}
	r := toRange(lines, res.Start, res.End)
	return &protocol.Hover{Contents: &protocol.MarkupContent{Kind: kind, Value: res.Markdown}, Range: &r}, true
}

// isConfigFile reports whether path names an MCP config file.
func isConfigFile(path string) bool { return config.IsConfigFile(path) }

// completionKinds maps complete's item kinds to LSP's.
var completionKinds = map[complete.ItemKind]protocol.CompletionItemKind{
	complete.KindProperty:   protocol.CompletionItemKindProperty,
	complete.KindValue:      protocol.CompletionItemKindValue,
	complete.KindSnippet:    protocol.CompletionItemKindSnippet,
	complete.KindVariable:   protocol.CompletionItemKindVariable,
	complete.KindEnumMember: protocol.CompletionItemKindEnumMember,
	complete.KindReference:  protocol.CompletionItemKindReference,
}

// toCompletionItem converts an item that replaces the bytes [Start,End).
// For an editor without snippet support a snippet becomes its plain text.
func toCompletionItem(lines *jsonc.Lines, it complete.Item, snippets bool) protocol.CompletionItem {
	return toCompletionItems(lines, []complete.Item{it}, snippets)[0]
}

// completionItem converts an item that replaces r, filling edit for its
// text edit. Documentation is the caller's.
func completionItem(it complete.Item, snippets bool, r protocol.Range, edit *protocol.TextEdit) protocol.CompletionItem {
	text, format := it.InsertText, protocol.InsertTextFormatPlainText
	if it.Snippet {
		if snippets {
			format = protocol.InsertTextFormatSnippet
		} else {
			text = it.PlainText()
		}
	}
	item := protocol.CompletionItem{
		Label:            it.Label,
		Kind:             completionKinds[it.Kind],
		InsertTextFormat: format,
		TextEdit:         edit,
	}
	*edit = protocol.TextEdit{Range: r, NewText: text}
	if it.Detail != "" {
		item.Detail = protocol.NewOptional(it.Detail)
	}
	if it.SortText != "" {
		item.SortText = protocol.NewOptional(it.SortText)
	}
	if it.FilterText != "" {
		item.FilterText = protocol.NewOptional(it.FilterText)
	}
	return item
}

// toDiagnostic converts a diagnostic on a byte range.
func toDiagnostic(lines *jsonc.Lines, start, end int, sev protocol.DiagnosticSeverity, code, message string) protocol.Diagnostic {
	return protocol.Diagnostic{
		Range:    toRange(lines, start, end),
		Severity: sev,
		Code:     protocol.String(code),
		Source:   protocol.NewOptional(diagnosticSource),
		Message:  protocol.String(message),
	}
}

// toRange converts a byte range to an LSP range.
func toRange(lines *jsonc.Lines, start, end int) protocol.Range {
	return protocol.Range{Start: toPosition(lines, start), End: toPosition(lines, end)}
}

func toPosition(lines *jsonc.Lines, offset int) protocol.Position {
	line, char := lines.Position(offset)
	return protocol.Position{Line: uint32(line), Character: uint32(char)}
}

// codeActionsAt lists the fixes for the diagnostics on [start, end]: the
// "did you mean" of config.Check, and the request fixes (names, missing
// arguments) of internal/requests.
func codeActionsAt(u uri.URI, a *analysis, path string, text []byte, lines *jsonc.Lines, start, end int, env fileEnv, catalogs requests.Catalogs, v *requests.Validator) []protocol.CodeAction {
	f := a.load(path, text)
	out := []protocol.CodeAction{}
	for _, d := range config.Check(f, env.configEnv()) {
		if d.Fix == "" || d.Start > end || d.End < start {
			continue
		}
		out = append(out, toCodeAction(u, lines, requests.Action{Title: "Change to " + d.Fix, Diagnostic: d,
			Edits: []requests.Edit{{Start: d.Start, End: d.End, NewText: d.Fix}}}))
	}
	diags := v.Diagnostics(f, catalogs)
	for _, act := range requests.CodeActions(f, diags, start, end, catalogs) {
		out = append(out, toCodeAction(u, lines, act))
	}
	return out
}

func toCodeAction(u uri.URI, lines *jsonc.Lines, act requests.Action) protocol.CodeAction {
	kind := protocol.CodeActionKindQuickFix
	edits := make([]protocol.TextEdit, 0, len(act.Edits))
	for _, e := range act.Edits {
		edits = append(edits, protocol.TextEdit{Range: toRange(lines, e.Start, e.End), NewText: e.NewText})
	}
	d := act.Diagnostic
	return protocol.CodeAction{
		Title:       act.Title,
		Kind:        &kind,
		Diagnostics: []protocol.Diagnostic{toDiagnostic(lines, d.Start, d.End, protocol.DiagnosticSeverity(d.Severity), d.Code, d.Message)},
		Edit:        &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{u: edits}},
	}
}

// requestSkeleton is the edit that adds a request for target to the
// file's "requests" (creating the list when missing).
func requestSkeleton(a *analysis, path string, text []byte, cat *mcp.Catalog, server, kind, target string) requests.Edit {
	f := a.load(path, text)
	return insertRequest(f.Doc, requests.Skeleton(cat, server, kind, target))
}
