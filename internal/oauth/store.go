package oauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Key identifies a Record. A Record whose Resource is empty is a client
// registration, reused by every resource of that authorization server.
type Key struct {
	Resource string `json:"resource"`
	Issuer   string `json:"issuer"`
	ClientID string `json:"clientId"`
}

// Record is what the flow keeps for one key: the client it used and,
// for a resource, the tokens.
type Record struct {
	Key
	ClientSecret       string    `json:"clientSecret,omitempty"`
	AuthMethod         string    `json:"authMethod,omitempty"` // token endpoint auth method
	TokenEndpoint      string    `json:"tokenEndpoint,omitempty"`
	RevocationEndpoint string    `json:"revocationEndpoint,omitempty"`
	AccessToken        string    `json:"accessToken,omitempty"`
	RefreshToken       string    `json:"refreshToken,omitempty"`
	Expiry             time.Time `json:"expiry,omitzero"`
	IssuedAt           time.Time `json:"issuedAt,omitzero"`
	Scopes             []string  `json:"scopes,omitempty"`
}

// Store keeps Records. Implementations must be safe for concurrent use;
// Get returns ErrNotFound for a missing key.
type Store interface {
	Get(ctx context.Context, k Key) (*Record, error)
	Put(ctx context.Context, r *Record) error
	Delete(ctx context.Context, k Key) error
	List(ctx context.Context) ([]Key, error)
}

// MemoryStore keeps records in memory. The zero value is ready to use.
type MemoryStore struct {
	mu sync.Mutex
	m  map[Key]Record
}

// Get returns a copy of the record for k.
func (s *MemoryStore) Get(_ context.Context, k Key) (*Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.m[k]
	if !ok {
		return nil, ErrNotFound
	}
	return &r, nil
}

// Put stores a copy of r.
func (s *MemoryStore) Put(_ context.Context, r *Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[Key]Record{}
	}
	s.m[r.Key] = *r
	return nil
}

// Delete forgets k.
func (s *MemoryStore) Delete(_ context.Context, k Key) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, k)
	return nil
}

// List returns every key, sorted.
func (s *MemoryStore) List(context.Context) ([]Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]Key, 0, len(s.m))
	for k := range s.m {
		keys = append(keys, k)
	}
	sortKeys(keys)
	return keys, nil
}

func sortKeys(keys []Key) {
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		return a.Resource+"\x00"+a.Issuer+"\x00"+a.ClientID < b.Resource+"\x00"+b.Issuer+"\x00"+b.ClientID
	})
}

// FileStore keeps one JSON file per record in Dir: the directory is 0700,
// files are 0600 and written atomically (temp file, then rename).
type FileStore struct {
	Dir string
	mu  sync.Mutex
}

// DefaultFileStore is a FileStore under the user config dir:
// $XDG_CONFIG_HOME/mcpls/tokens on Linux.
func DefaultFileStore() (*FileStore, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return nil, fmt.Errorf("finding the user config dir for tokens: %w", err)
	}
	return &FileStore{Dir: filepath.Join(dir, "mcpls", "tokens")}, nil
}

func (s *FileStore) path(k Key) string {
	sum := sha256.Sum256([]byte(k.Resource + "\x00" + k.Issuer + "\x00" + k.ClientID))
	return filepath.Join(s.Dir, hex.EncodeToString(sum[:16])+".json")
}

// Get reads the record for k.
func (s *FileStore) Get(_ context.Context, k Key) (*Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.read(s.path(k))
}

func (s *FileStore) read(path string) (*Record, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading token file: %w", err)
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decoding token file %s: %w", filepath.Base(path), err)
	}
	return &r, nil
}

// Put writes r atomically with mode 0600.
func (s *FileStore) Put(_ context.Context, r *Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("creating the token dir: %w", err)
	}
	if err := os.Chmod(s.Dir, 0o700); err != nil {
		return fmt.Errorf("securing the token dir: %w", err)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding token record: %w", err)
	}
	tmp, err := os.CreateTemp(s.Dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("writing token file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("securing token file: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("writing token file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing token file: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path(r.Key)); err != nil {
		return fmt.Errorf("writing token file: %w", err)
	}
	return nil
}

// Delete removes the record for k; a missing record is not an error.
func (s *FileStore) Delete(_ context.Context, k Key) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.Remove(s.path(k)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("deleting token file: %w", err)
	}
	return nil
}

// List returns the keys of every readable record, sorted.
func (s *FileStore) List(context.Context) ([]Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing token files: %w", err)
	}
	var keys []Key
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		r, err := s.read(filepath.Join(s.Dir, e.Name()))
		if err != nil {
			continue
		}
		keys = append(keys, r.Key)
	}
	sortKeys(keys)
	return keys, nil
}
