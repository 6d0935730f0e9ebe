package lsp

import (
	"context"
	"path/filepath"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"mcpls/internal/version"
)

func initialize(_ context.Context, s *Server, _ *Snapshot, p *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	caps := readClientCaps(p)
	folders := initialFolders(p)
	s.state.update(func(next *Snapshot) {
		next.caps = caps
		next.folders = folders
		next.settings = applySettings(defaultSettings, p.InitializationOptions)
	})
	s.state.setLifecycle(stateInitialized)
	s.logf("initialize: client %q, %d workspace folder(s), extensions %+v", caps.ClientName, len(folders), caps.MCP)
	return &protocol.InitializeResult{
		Capabilities: serverCapabilities(),
		ServerInfo:   protocol.ServerInfo{Name: version.Name, Version: protocol.NewOptional(version.Version)},
	}, nil
}

// initialFolders reads the workspace folders, falling back to the
// deprecated rootUri for editors that send only that.
func initialFolders(p *protocol.InitializeParams) []string {
	var paths []string
	if folders, ok := p.WorkspaceFolders.Get(); ok {
		for _, f := range folders {
			paths = addFolder(paths, f.URI)
		}
	}
	if len(paths) == 0 && p.RootURI != nil {
		paths = addFolder(paths, *p.RootURI)
	}
	return paths
}

func addFolder(paths []string, u uri.URI) []string {
	path := uriPath(u)
	if path == "" || !filepath.IsAbs(path) {
		return paths
	}
	for _, p := range paths {
		if p == path {
			return paths
		}
	}
	return append(paths, path)
}

// initialized starts watching the workspace folders; their config files get
// diagnostics whether or not they are open.
func initialized(_ context.Context, s *Server, _ *protocol.InitializedParams) error {
	s.watchFolders(s.state.snapshot().Folders(), nil)
	return nil
}

func shutdown(_ context.Context, s *Server, _ *Snapshot, _ *struct{}) (any, error) {
	s.state.setLifecycle(stateShutdown)
	return nil, nil
}

func exit(_ context.Context, s *Server, _ *struct{}) error {
	s.exitOnce.Do(func() { close(s.exited) })
	return nil
}
