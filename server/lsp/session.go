package lsp

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"mcpls/internal/jsonc"
)

// lifecycle is where the session stands in the LSP initialize/shutdown
// protocol.
type lifecycle int

const (
	stateCreated     lifecycle = iota // before initialize
	stateInitialized                  // initialize answered
	stateShutdown                     // shutdown answered; only exit is accepted
)

// Document is one open text document at one version. It is immutable: an
// edit makes a new Document.
type Document struct {
	URI     uri.URI
	Path    string // file system path; "" for non-file URIs
	Version int32
	Text    []byte
	// analysis memoises the parse of Text for the feature functions.
	analysis *analysis

	linesOnce sync.Once
	lines     *jsonc.Lines
}

func newDocument(u uri.URI, version int32, text []byte) *Document {
	u = detachURI(u)
	return &Document{URI: u, Path: uriPath(u), Version: version, Text: text, analysis: &analysis{}}
}

// Lines indexes the text for position conversions. It is computed on first
// use, taken from the parse when that has already run: on a large file the
// index costs a pass over the text, and the parse makes one anyway.
func (d *Document) Lines() *jsonc.Lines {
	d.linesOnce.Do(func() {
		if d.lines = d.analysis.lines(); d.lines == nil {
			d.lines = jsonc.NewLines(d.Text)
		}
	})
	return d.lines
}

// Snapshot is the immutable state of the session between two
// notifications: open documents and workspace folders. Requests read one.
type Snapshot struct {
	docs     map[uri.URI]*Document
	folders  []string // absolute paths, sorted
	caps     ClientCaps
	settings Settings
}

// Document returns the open document u, or nil.
func (s *Snapshot) Document(u uri.URI) *Document { return s.docs[u] }

// Folders returns the workspace folders as absolute paths.
func (s *Snapshot) Folders() []string { return s.folders }

// Settings returns the user's settings.
func (s *Snapshot) Settings() Settings { return s.settings }

// Caps returns what the editor said it supports in initialize.
func (s *Snapshot) Caps() ClientCaps { return s.caps }

// documentAt returns the open document whose file is path, or nil.
func (s *Snapshot) documentAt(path string) *Document {
	for _, d := range s.docs {
		if d.Path == path {
			return d
		}
	}
	return nil
}

// folderOf returns the workspace folder holding path (the deepest), or "".
func (s *Snapshot) folderOf(path string) string {
	best := ""
	for _, f := range s.folders {
		if within(path, f) && len(f) > len(best) {
			best = f
		}
	}
	return best
}

// session holds the current snapshot and the lifecycle state. Notifications
// replace the snapshot; they all run on the read loop, so updates never race
// each other, but requests read concurrently.
type session struct {
	mu    sync.Mutex
	state lifecycle
	snap  *Snapshot
}

func newSession() *session {
	return &session{snap: &Snapshot{docs: map[uri.URI]*Document{}, settings: defaultSettings}}
}

func (s *session) snapshot() *Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snap
}

func (s *session) lifecycle() lifecycle {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

func (s *session) setLifecycle(l lifecycle) {
	s.mu.Lock()
	s.state = l
	s.mu.Unlock()
}

// update makes a new snapshot from a copy of the current one.
func (s *session) update(f func(next *Snapshot)) *Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := &Snapshot{docs: maps.Clone(s.snap.docs), folders: slices.Clone(s.snap.folders), caps: s.snap.caps,
		settings: s.snap.settings}
	f(next)
	s.snap = next
	return next
}

// admitRequest applies the lifecycle rules to a request.
func (s *session) admitRequest(method string) error {
	switch st := s.lifecycle(); {
	case st == stateShutdown:
		return jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "%s after shutdown", method)
	case st == stateCreated && method != protocol.MethodInitialize:
		return jsonrpc2.Errorf(jsonrpc2.ServerNotInitialized, "%s before initialize", method)
	case st == stateInitialized && method == protocol.MethodInitialize:
		return jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "initialize sent twice")
	}
	return nil
}

// admitNotification applies the lifecycle rules to a notification: before
// initialize and after shutdown only exit (and cancellation) get through.
func (s *session) admitNotification(method string) bool {
	if method == protocol.MethodExit || method == protocol.MethodCancelRequest {
		return true
	}
	return s.lifecycle() == stateInitialized
}

// uriPath returns the file system path of a file URI, "" for other schemes.
func uriPath(u uri.URI) string {
	if !u.IsFile() {
		return ""
	}
	return filepath.Clean(u.FsPath())
}

// within reports whether path is dir or lies under it.
func within(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, dir+string(filepath.Separator))
}
