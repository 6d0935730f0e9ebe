package cache

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"mcpls/internal/console"
)

// Store writes catalog as key's entry, replacing any previous one and
// clearing its recorded error. catalog must be valid JSON and must hold no
// secret (see the package doc).
func (c *Cache) Store(key Key, catalog json.RawMessage) error {
	key = key.normalized()
	c.mu.Lock()
	defer c.mu.Unlock()
	f := file{Format: format, Version: formatVersion, Name: key.Name, Target: key.Target,
		CachedAt: c.now().UTC(), Catalog: catalog}
	if err := c.write(key, &f); err != nil {
		return fmt.Errorf("caching the catalog of %q: %w", key.Name, err)
	}
	return nil
}

// Load returns key's entry. It returns an error wrapping [ErrNotCached]
// when there is none, or when the file is corrupt, of another format or of
// another key; such a file is left for the next Store to replace. Other
// errors (a file that cannot be read) are returned as they are.
func (c *Cache) Load(key Key) (Entry, error) {
	key = key.normalized()
	f, err := c.read(key)
	if err != nil {
		return Entry{}, fmt.Errorf("loading the cached catalog of %q: %w", key.Name, err)
	}
	return Entry{Catalog: f.Catalog, CachedAt: f.CachedAt, Error: f.Error}, nil
}

// MarkError records why refreshing key's catalog failed, keeping the
// catalog and its CachedAt; the next Store clears it. The message is
// redacted before it is written. It returns an error wrapping
// [ErrNotCached] when there is no entry to mark.
func (c *Cache) MarkError(key Key, cause error) error {
	key = key.normalized()
	c.mu.Lock()
	defer c.mu.Unlock()
	f, err := c.read(key)
	if err != nil {
		return fmt.Errorf("recording the refresh error of %q: %w", key.Name, err)
	}
	f.Error = ""
	if cause != nil {
		f.Error = console.RedactText(cause.Error())
	}
	if err := c.write(key, f); err != nil {
		return fmt.Errorf("recording the refresh error of %q: %w", key.Name, err)
	}
	return nil
}

// Delete removes key's entry. Deleting an absent entry is not an error.
func (c *Cache) Delete(key Key) error {
	key = key.normalized()
	err := os.Remove(filepath.Join(c.dir, key.fileName()))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("deleting the cached catalog of %q: %w", key.Name, err)
	}
	return nil
}

// read decodes key's file and checks that it is a cache file of key.
func (c *Cache) read(key Key) (*file, error) {
	data, err := os.ReadFile(filepath.Join(c.dir, key.fileName()))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotCached
	}
	if err != nil {
		return nil, err
	}
	var f file
	switch {
	case json.Unmarshal(data, &f) != nil:
		return nil, fmt.Errorf("%w: the cache file is corrupt", ErrNotCached)
	case f.Format != format || f.Version != formatVersion:
		return nil, fmt.Errorf("%w: the cache file has another format", ErrNotCached)
	case f.Name != key.Name || f.Target != key.Target:
		return nil, fmt.Errorf("%w: the cache file belongs to another server", ErrNotCached)
	case len(f.Catalog) == 0 || !json.Valid(f.Catalog):
		return nil, fmt.Errorf("%w: the cache file holds no catalog", ErrNotCached)
	}
	return &f, nil
}

// write replaces key's file atomically: a temporary file in the same
// directory, synced, then renamed over the old one.
func (c *Cache) write(key Key, f *file) error {
	data, err := encode(f) // checks that the catalog is JSON, compacting it
	if err != nil {
		return fmt.Errorf("encoding: %w", err)
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return fmt.Errorf("creating the cache directory: %w", err)
	}
	tmp, err := os.CreateTemp(c.dir, ".tmp-"+safeName(key.Name)+"-*")
	if err != nil {
		return fmt.Errorf("creating a temporary file: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing left to remove
	if err := writeClose(tmp, data); err != nil {
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(c.dir, key.fileName())); err != nil {
		return fmt.Errorf("replacing the cache file: %w", err)
	}
	return nil
}

// encode marshals f without escaping <, > and &, so that a catalog comes
// back from Load as it was stored, compacted.
func encode(f *file) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeClose writes data to f with mode 0600, syncs and closes it.
func writeClose(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
