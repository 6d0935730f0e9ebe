package lsp

import (
	"context"
	"io"
	"log"
	"slices"
	"sync"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
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
