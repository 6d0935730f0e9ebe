package mcp

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"sync"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"mcpls/internal/console"
)

// Resync lists the whole catalog again (every page of what the server
// advertises) and replaces the session's catalog.
func (s *Session) Resync(ctx context.Context) (Catalog, error) {
	conn, err := s.current(ctx)
	if err != nil {
		return Catalog{}, err
	}
	cat, err := s.list(ctx, conn)
	if err != nil && conn.wire != nil && conn.wire.sessionGone.Load() {
		if conn, err = s.reinitialize(ctx, conn); err == nil {
			cat, err = s.list(ctx, conn)
		}
	}
	if err != nil {
		return Catalog{}, err
	}
	cat = Intern(cat)
	s.mu.Lock()
	s.catalog, s.schemas = cat, map[string]*jsonschema.Schema{}
	s.mu.Unlock()
	return cat, nil
}

// list discovers everything the server advertises, bounded by the
// target's maximum timeout.
func (s *Session) list(ctx context.Context, conn *connection) (Catalog, error) {
	_, max := s.target.timeouts()
	ctx, cancel := context.WithTimeout(ctx, max)
	defer cancel()
	res := conn.cs.InitializeResult()
	cat := Catalog{ProtocolVersion: res.ProtocolVersion, Instructions: res.Instructions,
		Tools: []Tool{}, Prompts: []Prompt{}, Resources: []Resource{}, Templates: []ResourceTemplate{}}
	if res.ServerInfo != nil {
		cat.Server = ServerInfo{Name: res.ServerInfo.Name, Title: res.ServerInfo.Title, Version: res.ServerInfo.Version}
	}
	caps := res.Capabilities
	if caps == nil {
		caps = &sdk.ServerCapabilities{}
	}
	cat.Capabilities, _ = json.Marshal(caps)
	lctx, slot := withSlot(ctx)
	var lists []func() error
	if caps.Tools != nil {
		lists = append(lists, func() error { return listTools(lctx, conn, &cat.Tools) })
	}
	if caps.Prompts != nil {
		lists = append(lists, func() error { return listPrompts(lctx, conn, &cat.Prompts) })
	}
	if caps.Resources != nil {
		lists = append(lists,
			func() error { return listResources(lctx, conn, &cat.Resources) },
			func() error { return listTemplates(lctx, conn, &cat.Templates) })
	}
	if err := runAll(lists); err != nil {
		return Catalog{}, s.callError(lctx, nil, conn, slot, "discovery", err)
	}
	s.em.event(console.LevelInfo, "catalog: %d tools, %d prompts, %d resources, %d templates",
		len(cat.Tools), len(cat.Prompts), len(cat.Resources), len(cat.Templates))
	return cat, nil
}

// The four lists take the direct path when the connection has one, else
// the SDK's paginating iterators.

func listTools(ctx context.Context, conn *connection, out *[]Tool) error {
	if conn.fast() {
		return listAll(ctx, conn.stream, "tools/list", "tools", out)
	}
	return collect(conn.cs.Tools(ctx, nil), out)
}

func listPrompts(ctx context.Context, conn *connection, out *[]Prompt) error {
	if conn.fast() {
		return listAll(ctx, conn.stream, "prompts/list", "prompts", out)
	}
	return collect(conn.cs.Prompts(ctx, nil), out)
}

func listResources(ctx context.Context, conn *connection, out *[]Resource) error {
	if conn.fast() {
		return listAll(ctx, conn.stream, "resources/list", "resources", out)
	}
	return collect(conn.cs.Resources(ctx, nil), out)
}

func listTemplates(ctx context.Context, conn *connection, out *[]ResourceTemplate) error {
	if conn.fast() {
		return listAll(ctx, conn.stream, "resources/templates/list", "resourceTemplates", out)
	}
	return collect(conn.cs.ResourceTemplates(ctx, nil), out)
}

// runAll runs fns concurrently (the lists of a catalog are independent
// round trips) and returns the first error in their order.
func runAll(fns []func() error) error {
	if len(fns) == 1 {
		return fns[0]()
	}
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn()
		}()
	}
	wg.Wait()
	return firstErr(errs)
}

func firstErr(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// collect drains a paginating SDK iterator (it follows nextCursor) into
// our own types through their shared JSON shape, in one conversion.
func collect[S any, T any](seq iter.Seq2[S, error], out *[]T) error {
	var items []S
	for item, err := range seq {
		if err != nil {
			return err
		}
		items = append(items, item)
	}
	if len(items) == 0 {
		return nil
	}
	return convert(items, out)
}

// convert copies src into dst through JSON: our types mirror the wire.
func convert(src, dst any) error {
	raw, err := json.Marshal(src)
	if err != nil {
		return fmt.Errorf("encoding %T: %w", src, err)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("decoding %T: %w", dst, err)
	}
	return nil
}

// relistState runs the re-listings that list_changed notifications ask
// for, one at a time, in a goroutine that lives only while there is one to
// do: a session spends its life waiting, and a workspace may hold hundreds.
type relistState struct {
	mu      sync.Mutex
	armed   bool // Connect has listed once: re-lists may start
	running bool // a re-lister goroutine is running
	pending bool // a re-list was asked for and has not started
	ended   bool // the session is closing: no more goroutines
}

// requestRelist asks for a re-list; it never blocks, so the SDK's
// notification handlers can call it. Asks that come while one runs make
// one more, not one each.
func (s *Session) requestRelist() {
	s.relist.mu.Lock()
	defer s.relist.mu.Unlock()
	s.relist.pending = true
	s.startRelistLocked()
}

// armRelist lets re-lists start, once Connect has its first catalog; asks
// that came during it are served now.
func (s *Session) armRelist() {
	s.relist.mu.Lock()
	defer s.relist.mu.Unlock()
	s.relist.armed = true
	s.startRelistLocked()
}

// endRelist starts no more re-lists; Close then waits for a running one.
func (s *Session) endRelist() {
	s.relist.mu.Lock()
	defer s.relist.mu.Unlock()
	s.relist.ended = true
}

func (s *Session) startRelistLocked() {
	r := &s.relist
	if !r.armed || r.running || !r.pending || r.ended {
		return
	}
	r.running = true
	s.wg.Add(1)
	go s.relistWhilePending()
}

// relistWhilePending re-lists until no ask is pending.
func (s *Session) relistWhilePending() {
	defer s.wg.Done()
	for {
		s.relist.mu.Lock()
		if !s.relist.pending || s.relist.ended {
			s.relist.running = false
			s.relist.mu.Unlock()
			return
		}
		s.relist.pending = false
		s.relist.mu.Unlock()
		s.relistOnce()
	}
}

// relistOnce re-lists the catalog and hands it to OnCatalog.
func (s *Session) relistOnce() {
	cat, err := s.Resync(s.ctx)
	if err != nil {
		if s.ctx.Err() == nil {
			s.em.event(console.LevelWarning, "re-listing after list_changed: %v", err)
		}
		return
	}
	if s.opts.OnCatalog != nil {
		s.opts.OnCatalog(cat)
	}
}

// hasCapability reports whether the server advertised a capability.
func (s *Session) hasCapability(name string) bool {
	var caps map[string]json.RawMessage
	_ = json.Unmarshal(s.Catalog().Capabilities, &caps)
	_, ok := caps[name]
	return ok
}

// tool finds a tool of the catalog by name.
func (s *Session) tool(name string) (Tool, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.catalog.Tools {
		if t.Name == name {
			return t, true
		}
	}
	return Tool{}, false
}
