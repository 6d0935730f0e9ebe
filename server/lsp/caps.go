package lsp

import (
	"encoding/json"

	"go.lsp.dev/protocol"

	"mcpls/server/lspext"
)

// ClientCaps is what the editor said it supports in initialize, reduced to
// the questions mcpls asks. Later features (mcp/* extensions, sign-in,
// progress) feature-detect through it.
type ClientCaps struct {
	ClientName string
	// WorkDoneProgress: window/workDoneProgress/create and $/progress.
	WorkDoneProgress bool
	// ShowDocument: window/showDocument (used to open a browser).
	ShowDocument bool
	// ShowMessageRequest: window/showMessageRequest with action items.
	ShowMessageRequest bool
	// WorkspaceFolders: the editor sends didChangeWorkspaceFolders.
	WorkspaceFolders bool
	// Snippets: completion items may use snippet syntax.
	Snippets bool
	// MarkdownHover: hover contents may be markdown.
	MarkdownHover bool
	// ApplyEdit: workspace/applyEdit (mcpls.addRequest).
	ApplyEdit bool
	// CodeLensRefresh: workspace/codeLens/refresh.
	CodeLensRefresh bool
	// MCP is what the editor announced under experimental.mcpls: the mcp/*
	// extensions it handles. Zero for plain LSP editors.
	MCP lspext.Capabilities
	// Experimental holds the editor's experimental capabilities by name,
	// raw: the mcp/* extensions are announced there.
	Experimental map[string]json.RawMessage
}

// HasExperimental reports whether the editor announced the experimental
// capability name with a value other than false or null.
func (c ClientCaps) HasExperimental(name string) bool {
	v, ok := c.Experimental[name]
	return ok && string(v) != "false" && string(v) != "null"
}

func readClientCaps(p *protocol.InitializeParams) ClientCaps {
	caps := p.Capabilities
	c := ClientCaps{ClientName: p.ClientInfo.Name}
	if w := caps.Window; w != nil {
		c.WorkDoneProgress = isTrue(w.WorkDoneProgress)
		c.ShowDocument = w.ShowDocument != nil && w.ShowDocument.Support
		c.ShowMessageRequest = w.ShowMessage != nil
	}
	if w := caps.Workspace; w != nil {
		c.WorkspaceFolders = isTrue(w.WorkspaceFolders)
		c.ApplyEdit = isTrue(w.ApplyEdit)
		c.CodeLensRefresh = w.CodeLens != nil && isTrue(w.CodeLens.RefreshSupport)
	}
	if td := caps.TextDocument; td != nil {
		if comp := td.Completion; comp != nil && comp.CompletionItem != nil {
			c.Snippets = isTrue(comp.CompletionItem.SnippetSupport)
		}
		if h := td.Hover; h != nil {
			for _, k := range h.ContentFormat {
				c.MarkdownHover = c.MarkdownHover || k == protocol.MarkupKindMarkdown
			}
		}
	}
	if len(caps.Experimental) > 0 {
		// A malformed experimental object only means no extensions.
		_ = json.Unmarshal(caps.Experimental, &c.Experimental)
		if raw, ok := c.Experimental[lspext.CapabilityName]; ok {
			_ = json.Unmarshal(raw, &c.MCP)
		}
	}
	return c
}

func isTrue(b *bool) bool { return b != nil && *b }

// serverCapabilities is what mcpls announces in initialize.
func serverCapabilities() protocol.ServerCapabilities {
	incremental := protocol.TextDocumentSyncKindIncremental
	yes := true
	return protocol.ServerCapabilities{
		TextDocumentSync: &protocol.TextDocumentSyncOptions{
			OpenClose: &yes,
			Change:    &incremental,
			Save:      &protocol.SaveOptions{IncludeText: new(bool)},
		},
		CompletionProvider: &protocol.CompletionOptions{
			TriggerCharacters: []string{`"`, ":", "{", "$"},
		},
		HoverProvider:      protocol.Boolean(true),
		CodeActionProvider: protocol.Boolean(true),
		// Announced always: Neovim 0.7 asks for lenses without advertising
		// textDocument.codeLens.
		CodeLensProvider:       &protocol.CodeLensOptions{},
		ExecuteCommandProvider: protocol.ExecuteCommandOptions{Commands: lspext.CommandNames()},
		Workspace: &protocol.WorkspaceOptions{
			WorkspaceFolders: &protocol.WorkspaceFoldersServerCapabilities{
				Supported:           &yes,
				ChangeNotifications: protocol.Boolean(true),
			},
		},
	}
}
