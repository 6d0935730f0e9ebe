package lsp

import (
	"context"
	"errors"
	"io/fs"
	"log"
	"os"
	"runtime/debug"
	"sync"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// diagJob asks for the diagnostics of one file.
type diagJob struct {
	uri  uri.URI
	path string
	// doc is the open document to check; nil means read path from disk.
	doc *Document
	// folder is the workspace folder holding the file ("" if none).
	folder string
	// clear publishes no diagnostics (file closed outside the workspace,
	// or deleted).
	clear bool
}

// diagnoser computes diagnostics off the read loop. Per URI at most one
// computation runs at a time, and a job scheduled while one runs replaces
// any job still waiting (latest wins): a result that a newer job has made
// stale is not published.
type diagnoser struct {
	ctx     context.Context
	compute func(ctx context.Context, job diagJob) *protocol.PublishDiagnosticsParams
	publish func(p *protocol.PublishDiagnosticsParams)
	logger  *log.Logger

	mu      sync.Mutex
	pending map[uri.URI]diagJob
	running map[uri.URI]bool
	closed  bool
	wg      sync.WaitGroup
}

func newDiagnoser(ctx context.Context, compute func(context.Context, diagJob) *protocol.PublishDiagnosticsParams,
	publish func(*protocol.PublishDiagnosticsParams), logger *log.Logger) *diagnoser {
	return &diagnoser{
		ctx:     ctx,
		compute: compute,
		publish: publish,
		logger:  logger,
		pending: make(map[uri.URI]diagJob),
		running: make(map[uri.URI]bool),
	}
}

// schedule queues job, replacing a job for the same URI that has not
// started yet. It never blocks.
func (d *diagnoser) schedule(job diagJob) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	d.pending[job.uri] = job
	if d.running[job.uri] {
		return
	}
	d.running[job.uri] = true
	d.wg.Add(1)
	go d.run(job.uri)
}

// run drains the jobs of one URI.
func (d *diagnoser) run(u uri.URI) {
	defer d.wg.Done()
	for {
		job, ok := d.next(u)
		if !ok {
			return
		}
		p := d.safeCompute(job)
		if p == nil || d.superseded(u) || d.ctx.Err() != nil {
			continue
		}
		d.publish(p)
	}
}

func (d *diagnoser) next(u uri.URI) (diagJob, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	job, ok := d.pending[u]
	if !ok || d.closed {
		delete(d.running, u)
		return diagJob{}, false
	}
	delete(d.pending, u)
	return job, true
}

func (d *diagnoser) superseded(u uri.URI) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.pending[u]
	return ok
}

// safeCompute runs one computation; a panic is logged and the file gets no
// new diagnostics, but the server keeps serving.
func (d *diagnoser) safeCompute(job diagJob) (p *protocol.PublishDiagnosticsParams) {
	defer func() {
		if r := recover(); r != nil {
			d.logger.Printf("panic computing diagnostics of %s: %v\n%s", job.uri, r, debug.Stack())
			p = nil
		}
	}()
	if job.clear {
		return &protocol.PublishDiagnosticsParams{URI: job.uri, Diagnostics: []protocol.Diagnostic{}}
	}
	return d.compute(d.ctx, job)
}

// close stops accepting jobs and waits for running computations.
func (d *diagnoser) close() {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.wg.Wait()
}

// computeDiagnostics checks one file: the open text when there is one, the
// disk otherwise. A file gone from disk gets its diagnostics cleared. A
// document closed since its job was scheduled gets nothing: its close
// scheduled what it gets now, and checking it would make it a request
// validator again, which nothing would drop.
func (s *Server) computeDiagnostics(_ context.Context, job diagJob) *protocol.PublishDiagnosticsParams {
	p := &protocol.PublishDiagnosticsParams{URI: job.uri, Diagnostics: []protocol.Diagnostic{}}
	var a *analysis
	var text []byte
	if job.doc != nil {
		if s.state.snapshot().Document(job.uri) == nil {
			return nil
		}
		p.Version = protocol.NewOptional(job.doc.Version)
		a, text = job.doc.analysis, job.doc.Text
	} else {
		data, err := os.ReadFile(job.path)
		if errors.Is(err, fs.ErrNotExist) {
			s.watch.forgetConfig(job.path)
			if s.state.snapshot().Document(job.uri) == nil {
				s.mcp.forgetIdle(job.uri)
			}
			return p
		}
		if err != nil {
			s.logf("reading %s: %v", job.path, err)
			return p
		}
		a, text = &analysis{}, data
	}
	env := fileEnv{WorkspaceFolder: job.folder, UserHome: userHome()}
	res := diagnose(a, job.path, text, env, s.mcp.catalogs(job.uri), s.valid.get(job.uri))
	p.Diagnostics = res.diagnostics
	s.watch.setEnvFiles(job.path, res.envFiles)
	return p
}

// diagnoseOpen schedules the diagnostics of an open document.
func (s *Server) diagnoseOpen(doc *Document) {
	snap := s.state.snapshot()
	s.diags.schedule(diagJob{uri: doc.URI, path: doc.Path, doc: doc, folder: snap.folderOf(doc.Path)})
}

// diagnoseDisk schedules the diagnostics of path: from its open document if
// there is one (the editor's text wins over the disk), else from disk.
func (s *Server) diagnoseDisk(snap *Snapshot, path string) {
	if doc := snap.documentAt(path); doc != nil {
		s.diagnoseOpen(doc)
		return
	}
	s.diags.schedule(diagJob{uri: uri.File(path), path: path, folder: snap.folderOf(path)})
}

// diagnoseEnvOwners re-checks the config files that name path as envFile.
func (s *Server) diagnoseEnvOwners(snap *Snapshot, path string) {
	for _, owner := range s.watch.envOwners(path) {
		s.diagnoseDisk(snap, owner)
	}
}

// onDiskChange is called by the watcher for a file created, written or
// removed on disk: a config file in a workspace folder is checked again (a
// deleted one gets its diagnostics cleared), and so are the configs that
// name the file as their envFile.
func (s *Server) onDiskChange(path string) {
	snap := s.state.snapshot()
	if isConfigFile(path) && snap.folderOf(path) != "" {
		s.diagnoseDisk(snap, path)
	}
	s.diagnoseEnvOwners(snap, path)
}

// onConfigGone is called by the watcher for a config file of a workspace
// folder that is no longer followed: unless open, it loses its diagnostics.
func (s *Server) onConfigGone(path string) {
	if s.state.snapshot().documentAt(path) == nil {
		s.diags.schedule(diagJob{uri: uri.File(path), clear: true})
	}
}

var userHome = sync.OnceValue(func() string {
	home, _ := os.UserHomeDir()
	return home
})
