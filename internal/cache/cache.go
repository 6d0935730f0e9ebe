// Package cache keeps each MCP server's catalog on disk, so that a server
// that cannot be reached still shows its tools, prompts and resources,
// marked with when they were cached and why the refresh failed.
//
// The cache owns files, not catalogs: a catalog is opaque JSON that the
// caller (internal/mcp) encodes and decodes. Each catalog is stored under
// the identity of its server, a [Key]: the server's name in the config and
// its target, the URL or the command line it runs. A renamed server, or one
// pointed elsewhere, never gets another's catalog.
//
// # Using the cache
//
// Open the cache once; nil options mean the default directory,
// $MCPLS_CACHE_DIR or else os.UserCacheDir()/mcpls/catalogs:
//
//	c, err := cache.New(nil)
//
// After a successful discovery, store the catalog:
//
//	key := cache.Key{Name: "github", Target: cache.URLTarget(cfg.URL)}
//	err = c.Store(key, catalogJSON)
//
// When the server cannot be reached, serve what was cached and say why:
//
//	entry, err := c.Load(key)
//	switch {
//	case errors.Is(err, cache.ErrNotCached):
//		// nothing to show offline
//	case err == nil:
//		show(entry.Catalog, entry.CachedAt, connectErr)
//		_ = c.MarkError(key, connectErr)
//	}
//
// Resync stores the fresh catalog over the old one; removing a server from
// the config may [Cache.Delete] its entry.
//
// # Files and safety
//
// A catalog lives in one file per key, named from the server name and a
// SHA-256 of the key. Files are written atomically (a temporary file in the
// same directory, then a rename), so a reader never sees half a catalog and
// concurrent writers leave one whole file; files are 0600 in a 0700
// directory. The name and target are kept inside the file and checked on
// [Cache.Load]. A file that is corrupt, of another format, or of another key
// is treated as absent ([ErrNotCached]) and replaced by the next Store: the
// cache is never a reason to fail.
//
// Nothing secret may enter the cache. Callers pass catalogs only (tools,
// prompts, resources as the server listed them), never headers or tokens.
// Targets are redacted on the way in ([console.RedactText]: secret query
// parameters, userinfo passwords and token=... arguments are masked), and
// so are recorded errors.
package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"mcpls/internal/console"
)

// ErrNotCached is returned by [Cache.Load] when there is no usable entry
// for the key: no file, or one that is corrupt or belongs to another key.
var ErrNotCached = errors.New("catalog not cached")

// EnvDir names the environment variable that overrides the cache directory.
const EnvDir = "MCPLS_CACHE_DIR"

// format tags cache files, so a foreign JSON file is never taken for one.
const (
	format        = "mcpls-catalog"
	formatVersion = 1
)

// Key identifies a server: its name in the config and its target.
type Key struct {
	Name   string
	Target string // the URL, or the command line; see URLTarget and CommandTarget
}

// URLTarget returns the target of an HTTP or SSE server: its URL with
// secret query parameters and userinfo password masked.
func URLTarget(url string) string {
	return console.RedactURL(url)
}

// CommandTarget returns the target of a stdio server: its command and
// arguments, as a JSON array so that arguments with spaces stay distinct,
// each redacted by [console.RedactText].
func CommandTarget(command string, args []string) string {
	parts := make([]string, 0, len(args)+1)
	for _, s := range append([]string{command}, args...) {
		parts = append(parts, console.RedactText(s))
	}
	b, _ := json.Marshal(parts)
	return string(b)
}

// normalized returns k with its target redacted, whatever the caller did.
func (k Key) normalized() Key {
	return Key{Name: k.Name, Target: console.RedactText(k.Target)}
}

// fileName is the base name of k's file: the server name, made safe for a
// file system, for people browsing the directory, and the hash that
// identifies the key.
func (k Key) fileName() string {
	sum := sha256.Sum256([]byte(k.Name + "\x00" + k.Target))
	return safeName(k.Name) + "-" + hex.EncodeToString(sum[:16]) + ".json"
}

// safeName keeps the first 32 letters, digits, '-' and '_' of name.
func safeName(name string) string {
	var b strings.Builder
	for _, r := range name {
		if b.Len() >= 32 {
			break
		}
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "server"
	}
	return b.String()
}

// Entry is a cached catalog.
type Entry struct {
	Catalog  json.RawMessage // as stored, compacted
	CachedAt time.Time       // when Store wrote the catalog
	// Error is the last refresh failure recorded by MarkError since the
	// catalog was stored, redacted; empty when none.
	Error string
}

// file is the on-disk shape of an entry.
type file struct {
	Format   string          `json:"format"`
	Version  int             `json:"version"`
	Name     string          `json:"name"`
	Target   string          `json:"target"`
	CachedAt time.Time       `json:"cachedAt"`
	Error    string          `json:"error,omitempty"`
	Catalog  json.RawMessage `json:"catalog"`
}

// Options configure a [Cache]. The zero value means defaults.
type Options struct {
	// Dir is the directory of catalog files. Empty means $MCPLS_CACHE_DIR,
	// or else os.UserCacheDir()/mcpls/catalogs.
	Dir string
	// Now returns the current time, for CachedAt. Nil means time.Now.
	Now func() time.Time
}

// Cache stores catalogs in a directory. It is safe for concurrent use, by
// goroutines and by processes sharing the directory.
type Cache struct {
	dir string
	now func() time.Time

	// mu orders this process's writes, so that MarkError, which reads then
	// writes, never puts back a catalog that a concurrent Store replaced.
	mu sync.Mutex
}

// New returns a cache in the directory opts choose. It creates nothing
// until the first Store.
func New(opts *Options) (*Cache, error) {
	if opts == nil {
		opts = &Options{}
	}
	dir, err := resolveDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Cache{dir: dir, now: now}, nil
}

func resolveDir(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	if dir = os.Getenv(EnvDir); dir != "" {
		return dir, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the user cache directory (set %s to choose one): %w", EnvDir, err)
	}
	return filepath.Join(base, "mcpls", "catalogs"), nil
}

// Dir returns the directory the cache keeps its files in.
func (c *Cache) Dir() string { return c.dir }

// Path returns the file that holds key's catalog, whether or not it exists.
func (c *Cache) Path(key Key) string {
	return filepath.Join(c.dir, key.normalized().fileName())
}
