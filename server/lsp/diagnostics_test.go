package lsp

import (
	"context"
	"io"
	"log"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"mcpls/server/lsp/lsptest"
)

// TestDiagnoserLatestWins: jobs scheduled while a computation runs replace
// each other, and a result made stale by a newer job is not published.
func TestDiagnoserLatestWins(t *testing.T) {
	ctx := context.Background()
	started := make(chan int32, 10)
	release := make(chan struct{})
	var mu sync.Mutex
	var computed, published []int32
	compute := func(_ context.Context, job diagJob) *protocol.PublishDiagnosticsParams {
		mu.Lock()
		computed = append(computed, job.doc.Version)
		mu.Unlock()
		started <- job.doc.Version
		if job.doc.Version == 1 {
			<-release
		}
		return &protocol.PublishDiagnosticsParams{URI: job.uri, Version: protocol.NewOptional(job.doc.Version)}
	}
	publish := func(p *protocol.PublishDiagnosticsParams) {
		v, _ := p.Version.Get()
		mu.Lock()
		published = append(published, v)
		mu.Unlock()
	}
	d := newDiagnoser(ctx, compute, publish, log.New(io.Discard, "", 0))
	u := uri.File("/w/.mcp.json")
	job := func(v int32) diagJob { return diagJob{uri: u, doc: &Document{URI: u, Version: v}} }

	d.schedule(job(1))
	<-started // version 1 is being computed
	d.schedule(job(2))
	d.schedule(job(3))
	close(release)
	if v := <-started; v != 3 {
		t.Fatalf("computed version %d after 1, want 3", v)
	}
	d.close()
	if want := []int32{1, 3}; !slices.Equal(computed, want) {
		t.Errorf("computed %v, want %v", computed, want)
	}
	if want := []int32{3}; !slices.Equal(published, want) {
		t.Errorf("published %v, want %v", published, want)
	}
}

// TestDiagnoserRecoversPanics: a panicking computation publishes nothing
// and the next job of the same URI still runs.
func TestDiagnoserRecoversPanics(t *testing.T) {
	done := make(chan int32, 1)
	compute := func(_ context.Context, job diagJob) *protocol.PublishDiagnosticsParams {
		if job.doc.Version == 1 {
			panic("boom")
		}
		return &protocol.PublishDiagnosticsParams{URI: job.uri, Version: protocol.NewOptional(job.doc.Version)}
	}
	publish := func(p *protocol.PublishDiagnosticsParams) {
		v, _ := p.Version.Get()
		done <- v
	}
	d := newDiagnoser(context.Background(), compute, publish, log.New(io.Discard, "", 0))
	defer d.close()
	u := uri.File("/w/.mcp.json")
	d.schedule(diagJob{uri: u, doc: &Document{URI: u, Version: 1}})
	d.schedule(diagJob{uri: u, doc: &Document{URI: u, Version: 2}})
	if v := <-done; v != 2 {
		t.Errorf("published version %d, want 2", v)
	}
}

// A job for a document closed since it was scheduled computes nothing and
// leaves no request validator behind (the close dropped it): each one used
// to stay for the life of the process.
func TestClosedDocumentIsNotChecked(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	serverEnd, _ := lsptest.Pipe()
	s := newServer(ctx, serverEnd, Options{Log: io.Discard, CacheDir: t.TempDir(), OutputDir: t.TempDir()})
	t.Cleanup(func() { cancel(); s.close() })
	u := uri.File(filepath.Join(t.TempDir(), ".mcp.json"))
	doc := newDocument(u, 3, []byte(`{"mcpServers": {"a": {"command": "npx"}}, "requests": [{"server": "a", "tool": "t"}]}`))
	validators := func() int {
		s.valid.mu.Lock()
		defer s.valid.mu.Unlock()
		return len(s.valid.m)
	}

	if p := s.computeDiagnostics(ctx, diagJob{uri: u, path: doc.Path, doc: doc}); p != nil {
		t.Errorf("closed document: got diagnostics %+v, want none", p)
	}
	if n := validators(); n != 0 {
		t.Errorf("closed document: %d validators, want 0", n)
	}

	s.state.update(func(next *Snapshot) { next.docs[u] = doc })
	p := s.computeDiagnostics(ctx, diagJob{uri: u, path: doc.Path, doc: doc})
	if p == nil {
		t.Fatal("open document: no diagnostics")
	}
	if v, ok := p.Version.Get(); !ok || v != 3 {
		t.Errorf("open document: diagnostics of version %d (%v), want 3", v, ok)
	}
	if n := validators(); n != 1 {
		t.Errorf("open document: %d validators, want 1", n)
	}
}
