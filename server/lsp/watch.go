package lsp

import (
	"context"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/fsnotify/fsnotify"
)

// maxWatchedDirs bounds the inotify watches one workspace may take.
const maxWatchedDirs = 4000

// skipDirs are directories never searched for config files: dependencies
// and build output are large and hold no configs of the user.
var skipDirs = map[string]bool{
	"node_modules": true, "vendor": true, "venv": true, "__pycache__": true,
	"dist": true, "target": true,
}

// skipDir reports whether a directory is left out of the search. Hidden
// directories (.git, .cache, .venv...) are, except the two that hold
// editor configs.
func skipDir(name string) bool {
	if name == ".vscode" || name == ".cursor" {
		return false
	}
	return strings.HasPrefix(name, ".") || skipDirs[name]
}

// watcher follows config files on disk in the workspace folders (open or
// not) and the envFile targets of the configs it knows, and reports every
// change through its callbacks. Folder walks and events are handled on its
// own goroutine, never on the read loop.
type watcher struct {
	ctx     context.Context
	logger  *log.Logger
	changed func(path string) // a config or envFile was created, written or removed
	gone    func(path string) // a config left the watched folders

	fs *fsnotify.Watcher // nil when the platform refused a watcher

	mu       sync.Mutex
	ops      []folderOp
	wake     chan struct{}
	stop     chan struct{}       // closed by close
	dirs     map[string]bool     // watched directories
	configs  map[string]bool     // config files known under the folders
	envFiles map[string][]string // config file -> its envFile targets
	closed   bool
	wg       sync.WaitGroup
}

// folderOp adds or removes one workspace folder.
type folderOp struct {
	path   string
	remove bool
}

func newWatcher(ctx context.Context, logger *log.Logger, changed, gone func(path string)) *watcher {
	w := &watcher{
		ctx: ctx, logger: logger, changed: changed, gone: gone,
		wake:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
		dirs:     map[string]bool{},
		configs:  map[string]bool{},
		envFiles: map[string][]string{},
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		logger.Printf("file watching disabled: %v", err)
	} else {
		w.fs = fw
	}
	w.wg.Add(1)
	go w.loop()
	return w
}

// folders queues workspace folders to add and remove; it never blocks.
func (w *watcher) folders(added, removed []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, f := range removed {
		w.ops = append(w.ops, folderOp{path: f, remove: true})
	}
	for _, f := range added {
		w.ops = append(w.ops, folderOp{path: f})
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *watcher) loop() {
	defer w.wg.Done()
	var events chan fsnotify.Event
	var errs chan error
	if w.fs != nil {
		events, errs = w.fs.Events, w.fs.Errors
	}
	for {
		select {
		case <-w.ctx.Done():
			return
		case <-w.stop:
			return
		case <-w.wake:
			w.runOps()
		case ev, ok := <-events:
			if !ok {
				return
			}
			w.event(ev)
		case err, ok := <-errs:
			if !ok {
				return
			}
			w.logger.Printf("watching files: %v", err)
		}
	}
}

func (w *watcher) runOps() {
	w.mu.Lock()
	ops := w.ops
	w.ops = nil
	w.mu.Unlock()
	for _, op := range ops {
		if w.ctx.Err() != nil {
			return
		}
		if op.remove {
			w.removeFolder(op.path)
		} else {
			w.walk(op.path)
		}
	}
}

// walk watches dir and the directories under it and reports every config
// file found there.
func (w *watcher) walk(root string) {
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable parts of the tree are skipped
		}
		if w.stopped() {
			return filepath.SkipAll
		}
		if d.IsDir() {
			if path != root && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			w.watchDir(path)
			return nil
		}
		if isConfigFile(path) {
			w.mu.Lock()
			w.configs[path] = true
			w.mu.Unlock()
			w.changed(path)
		}
		return nil
	})
	if err != nil {
		w.logger.Printf("walking %s: %v", root, err)
	}
}

func (w *watcher) watchDir(dir string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fs == nil || w.dirs[dir] || w.closed {
		return
	}
	if len(w.dirs) >= maxWatchedDirs {
		w.logger.Printf("not watching %s: already watching %d directories", dir, maxWatchedDirs)
		return
	}
	if err := w.fs.Add(dir); err != nil {
		w.logger.Printf("watching %s: %v", dir, err)
		return
	}
	w.dirs[dir] = true
}

// removeFolder stops watching under root and reports its configs as gone.
func (w *watcher) removeFolder(root string) {
	var gone []string
	w.mu.Lock()
	for dir := range w.dirs {
		if within(dir, root) {
			delete(w.dirs, dir)
			if w.fs != nil {
				_ = w.fs.Remove(dir) // the directory may be gone already
			}
		}
	}
	for path := range w.configs {
		if within(path, root) {
			delete(w.configs, path)
			gone = append(gone, path)
		}
	}
	w.mu.Unlock()
	for _, path := range gone {
		w.gone(path)
	}
}

// event handles one change on disk: a new directory is walked (it may hold
// configs), any other path is reported.
func (w *watcher) event(ev fsnotify.Event) {
	path := filepath.Clean(ev.Name)
	if ev.Has(fsnotify.Create) {
		if info, err := os.Stat(path); err == nil && info.IsDir() {
			if !skipDir(filepath.Base(path)) && w.watched(filepath.Dir(path)) {
				w.walk(path)
			}
			return
		}
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		w.mu.Lock()
		delete(w.dirs, path)
		w.mu.Unlock()
	}
	if ev.Op == fsnotify.Chmod {
		return
	}
	if isConfigFile(path) {
		w.mu.Lock()
		w.configs[path] = true
		w.mu.Unlock()
	}
	w.changed(path)
}

func (w *watcher) stopped() bool {
	select {
	case <-w.stop:
		return true
	case <-w.ctx.Done():
		return true
	default:
		return false
	}
}

func (w *watcher) watched(dir string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.dirs[dir]
}

// setEnvFiles records the envFile targets of config and watches their
// directories.
func (w *watcher) setEnvFiles(config string, targets []string) {
	w.mu.Lock()
	if len(targets) == 0 {
		delete(w.envFiles, config)
	} else {
		w.envFiles[config] = slices.Clone(targets)
	}
	w.mu.Unlock()
	for _, t := range targets {
		w.watchDir(filepath.Dir(t))
	}
}

// envOwners returns the configs that name path as an envFile.
func (w *watcher) envOwners(path string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var owners []string
	for config, targets := range w.envFiles {
		if slices.Contains(targets, path) {
			owners = append(owners, config)
		}
	}
	slices.Sort(owners)
	return owners
}

// forgetConfig drops a config file that no longer exists.
func (w *watcher) forgetConfig(path string) {
	w.mu.Lock()
	delete(w.configs, path)
	delete(w.envFiles, path)
	w.mu.Unlock()
}

// close stops watching and waits for the event loop. It is idempotent.
func (w *watcher) close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	w.mu.Unlock()
	close(w.stop)
	w.wg.Wait()
	if w.fs != nil {
		w.fs.Close()
	}
}
