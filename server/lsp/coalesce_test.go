package lsp

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestCoalesced(t *testing.T) {
	var (
		c       coalesced
		wg      sync.WaitGroup
		mu      sync.Mutex
		runs    int
		started = make(chan struct{}, 10)
		release = make(chan struct{})
	)
	spawn := func(f func(context.Context)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(context.Background())
		}()
	}
	job := func(context.Context) {
		mu.Lock()
		runs++
		mu.Unlock()
		started <- struct{}{}
		<-release
	}
	c.trigger(spawn, job)
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the first trigger did not run the job")
	}
	for range 10 {
		c.trigger(spawn, job) // while the first run is out
	}
	close(release)
	wg.Wait()
	if runs != 2 {
		t.Errorf("1 + 10 triggers during the run made %d runs, want 2", runs)
	}
	c.trigger(spawn, job) // idle again: runs at once
	wg.Wait()
	if runs != 3 {
		t.Errorf("a trigger after the runs ended made %d runs in all, want 3", runs)
	}
}
