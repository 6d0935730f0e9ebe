package mcp

import (
	"time"
)

// SetStopGrace shortens the stdio stop escalation for a test.
func SetStopGrace(d time.Duration) (restore func()) {
	old := stopGrace
	stopGrace = d
	return func() { stopGrace = old }
}

// InternKey is the content key under which cat is interned.
func InternKey(cat Catalog) [32]byte {
	return contentKey(&cat)
}

// HasInterned prunes freed catalogs and reports whether key is interned.
func HasInterned(key [32]byte) bool {
	interned.Lock()
	defer interned.Unlock()
	pruneLocked()
	_, ok := interned.table[key]
	return ok
}
