package cache_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"mcpls/internal/cache"
)

func Example() {
	dir, _ := os.MkdirTemp("", "catalogs")
	defer os.RemoveAll(dir)
	c, _ := cache.New(&cache.Options{Dir: dir})

	key := cache.Key{Name: "everything", Target: cache.URLTarget("http://127.0.0.1:3001/mcp?token=t")}
	if _, err := c.Load(key); errors.Is(err, cache.ErrNotCached) {
		fmt.Println("nothing cached yet")
	}

	_ = c.Store(key, json.RawMessage(`{"tools":[{"name":"add"}]}`))
	_ = c.MarkError(key, errors.New("dial tcp 127.0.0.1:3001: connect: connection refused"))

	entry, _ := c.Load(key)
	fmt.Println(string(entry.Catalog))
	fmt.Println(entry.Error)
	// Output:
	// nothing cached yet
	// {"tools":[{"name":"add"}]}
	// dial tcp 127.0.0.1:3001: connect: connection refused
}
