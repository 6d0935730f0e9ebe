package lsp

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"

	"go.lsp.dev/uri"

	"mcpls/internal/config"
	"mcpls/internal/requests"
)

// validators keeps one requests.Validator per document, so that an edit
// revalidates only the requests it touched.
type validators struct {
	mu sync.Mutex
	m  map[uri.URI]*requests.Validator
}

func newValidators() *validators { return &validators{m: map[uri.URI]*requests.Validator{}} }

func (v *validators) get(u uri.URI) *requests.Validator {
	v.mu.Lock()
	defer v.mu.Unlock()
	val := v.m[u]
	if val == nil {
		val = &requests.Validator{}
		v.m[detachURI(u)] = val
	}
	return val
}

// detachURI copies a URI decoded from an editor message: the decoder's
// strings share the memory of the whole message (a document's full text,
// for didOpen), which a long-lived map key would keep alive.
func detachURI(u uri.URI) uri.URI { return uri.URI(strings.Clone(string(u))) }

// drop forgets the validator of a closed document.
func (v *validators) drop(u uri.URI) {
	v.mu.Lock()
	delete(v.m, u)
	v.mu.Unlock()
}

func readFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return data, nil
}

// autoConnectSlots bounds the automatic connects in flight. A workspace
// opening 200 servers at once would otherwise hold every handshake's and
// listing's data at the same time, for no earlier end on a few cores: the
// peak heap, and what fragments of it stays, grows with the connects in
// flight. Connects the user asks for do not wait for a slot.
const autoConnectSlots = 8

// autoConnect, for an opened config file, loads its servers' cached
// catalogs and connects those the mcpls.autoConnect setting covers. It
// runs in the background: the read loop never waits on a connection.
func (s *Server) autoConnect(snap *Snapshot, doc *Document) {
	if !isConfigFile(doc.Path) {
		return
	}
	mode := snap.Settings().AutoConnect
	folder := snap.folderOf(doc.Path)
	s.client.Go(func(ctx context.Context) {
		f := doc.analysis.load(doc.Path, doc.Text)
		for _, srv := range f.Servers {
			k := serverKey{doc.URI, srv.Name}
			if !wantsAutoConnect(mode, srv.Transport) {
				_, _ = s.mcp.prime(k, f, srv, folder)
				continue
			}
			queued := s.mcp.queue(k, f, srv, folder)
			s.client.Go(func(ctx context.Context) {
				select {
				case s.autoSlots <- struct{}{}:
				case <-ctx.Done():
					return
				}
				defer func() { <-s.autoSlots }()
				if queued && !s.mcp.dequeue(k) {
					return // connected or disconnected by the user meanwhile
				}
				s.connectBounded(ctx, snap, k, f, srv, folder)
			})
		}
	})
}

func wantsAutoConnect(mode, transport string) bool {
	switch mode {
	case AutoConnectAll:
		return true
	case AutoConnectHTTP:
		return transport == config.TransportHTTP || transport == config.TransportSSE
	}
	return false
}
