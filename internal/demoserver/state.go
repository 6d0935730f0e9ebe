package demoserver

import (
	"context"
	"maps"
	"slices"
	"sync"
)

// Stats counts what the server has done; tests and the `stats` tool read it.
type Stats struct {
	Calls         map[string]int `json:"calls"`         // tools/call per tool name
	SlowStarted   int            `json:"slowStarted"`   // slow calls begun
	SlowCompleted int            `json:"slowCompleted"` // slow calls that ran every step
	SlowCancelled int            `json:"slowCancelled"` // slow calls stopped by cancellation or shutdown
	ToolsAdded    int            `json:"toolsAdded"`    // tools added at runtime by add_tool
}

// state is the server's mutable data: counters, the item store and the
// scratch note. changed is closed and replaced on every update so that
// waiters need no polling.
type state struct {
	mu      sync.Mutex
	stats   Stats
	items   map[int]item
	note    string
	changed chan struct{}
}

type item struct {
	ID    int      `json:"id"`
	Name  string   `json:"name"`
	Price float64  `json:"price"`
	Tags  []string `json:"tags"`
}

const initialItems = 12

func newState() *state {
	st := &state{
		stats:   Stats{Calls: map[string]int{}},
		items:   map[int]item{},
		note:    "This note is empty. Call write_note to change it.",
		changed: make(chan struct{}),
	}
	names := []string{"anvil", "bolt", "cog", "drill", "easel", "file", "gauge", "hammer", "iron", "jack", "knife", "lever"}
	for i := 1; i <= initialItems; i++ {
		st.items[i] = item{ID: i, Name: names[(i-1)%len(names)], Price: float64(i) * 2.5, Tags: []string{"demo", "tool"}}
	}
	return st
}

// update runs f under the lock and wakes every waiter.
func (st *state) update(f func(*state)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	f(st)
	close(st.changed)
	st.changed = make(chan struct{})
}

func (st *state) snapshot() (Stats, <-chan struct{}) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.stats
	s.Calls = maps.Clone(st.stats.Calls)
	return s, st.changed
}

func (st *state) itemIDs() []int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return slices.Sorted(maps.Keys(st.items))
}

func (st *state) item(id int) (item, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	it, ok := st.items[id]
	return it, ok
}

func (st *state) noteText() string {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.note
}

// Stats returns a copy of the server's counters.
func (s *Server) Stats() Stats {
	stats, _ := s.state.snapshot()
	return stats
}

// WaitStats blocks until cond holds for the counters or ctx is done; it is
// the hook tests use to observe, without sleeping, that a call was
// cancelled or completed.
func (s *Server) WaitStats(ctx context.Context, cond func(Stats) bool) (Stats, error) {
	for {
		stats, changed := s.state.snapshot()
		if cond(stats) {
			return stats, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return stats, ctx.Err()
		}
	}
}
