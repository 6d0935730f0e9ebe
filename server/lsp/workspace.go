package lsp

import (
	"context"
	"slices"

	"go.lsp.dev/protocol"
)

func didChangeWorkspaceFolders(_ context.Context, s *Server, p *protocol.DidChangeWorkspaceFoldersParams) error {
	var added, removed []string
	for _, f := range p.Event.Removed {
		removed = addFolder(removed, f.URI)
	}
	for _, f := range p.Event.Added {
		added = addFolder(added, f.URI)
	}
	s.state.update(func(next *Snapshot) {
		next.folders = slices.DeleteFunc(next.folders, func(f string) bool { return slices.Contains(removed, f) })
		for _, f := range added {
			next.folders = addFolderPath(next.folders, f)
		}
	})
	s.watchFolders(added, removed)
	return nil
}

func addFolderPath(paths []string, path string) []string {
	if slices.Contains(paths, path) {
		return paths
	}
	return append(paths, path)
}

// watchFolders starts and stops following workspace folders. The walk runs
// on the watcher's goroutine; configs found there are diagnosed from disk.
func (s *Server) watchFolders(added, removed []string) {
	s.watch.folders(added, removed)
}
