package lsp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"mcpls/internal/oauth"
	"mcpls/server/lspext"
)

// storeLocked returns the token store: the editor's secret store
// (mcp/secret/*) when announced, else files under the user config dir
// (0600). Call with sa.mu held.
func (sa *serverAuth) storeLocked() oauth.Store {
	if sa.store != nil {
		return sa.store
	}
	switch {
	case sa.s.state.snapshot().Caps().MCP.Secrets:
		sa.store = &secretStore{c: sa.s.client}
	case sa.fileDir != "":
		sa.store = &oauth.FileStore{Dir: sa.fileDir}
	default:
		fs, err := oauth.DefaultFileStore()
		if err != nil {
			sa.s.logf("tokens are kept in memory only: %v", err)
			sa.store = &oauth.MemoryStore{}
			break
		}
		sa.store = fs
	}
	return sa.store
}

// Names of the secrets mcpls keeps in the editor's store.
const (
	secretPrefix = "mcpls.oauth/"
	secretIndex  = secretPrefix + "index" // the keys stored, as JSON: not secret
)

// secretStore is an oauth.Store in the editor's secret store: one secret
// per record, named after a hash of its key, plus an index of the keys
// (mcp/secret/* has no listing). Its calls go to the editor, so it must
// never be used on the read loop.
type secretStore struct {
	c *client
	// mu serialises the index's read-modify-write.
	mu sync.Mutex
}

func secretName(k oauth.Key) string {
	sum := sha256.Sum256([]byte(k.Resource + "\x00" + k.Issuer + "\x00" + k.ClientID))
	return secretPrefix + hex.EncodeToString(sum[:16])
}

func (s *secretStore) get(ctx context.Context, name string) (*string, error) {
	var v lspext.SecretValue
	if err := s.c.Call(ctx, lspext.MethodSecretGet, lspext.SecretKey{Key: name}, &v); err != nil {
		return nil, fmt.Errorf("reading a secret from the editor: %w", err)
	}
	return v.Value, nil
}

// Get reads the record of k.
func (s *secretStore) Get(ctx context.Context, k oauth.Key) (*oauth.Record, error) {
	v, err := s.get(ctx, secretName(k))
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, oauth.ErrNotFound
	}
	var r oauth.Record
	if err := json.Unmarshal([]byte(*v), &r); err != nil {
		return nil, fmt.Errorf("decoding a token record from the editor's store: %w", err)
	}
	return &r, nil
}

// Put stores r and lists its key in the index.
func (s *secretStore) Put(ctx context.Context, r *oauth.Record) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encoding a token record: %w", err)
	}
	value := string(raw)
	if err := s.c.Call(ctx, lspext.MethodSecretStore, lspext.SecretValue{Key: secretName(r.Key), Value: &value}, nil); err != nil {
		return fmt.Errorf("storing a token in the editor: %w", err)
	}
	return s.updateIndex(ctx, func(keys []oauth.Key) []oauth.Key {
		if slices.Contains(keys, r.Key) {
			return keys
		}
		return append(keys, r.Key)
	})
}

// Delete forgets k.
func (s *secretStore) Delete(ctx context.Context, k oauth.Key) error {
	if err := s.c.Call(ctx, lspext.MethodSecretDelete, lspext.SecretKey{Key: secretName(k)}, nil); err != nil {
		return fmt.Errorf("deleting a token from the editor: %w", err)
	}
	return s.updateIndex(ctx, func(keys []oauth.Key) []oauth.Key {
		return slices.DeleteFunc(keys, func(x oauth.Key) bool { return x == k })
	})
}

// List returns the keys in the index.
func (s *secretStore) List(ctx context.Context) ([]oauth.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.readIndex(ctx)
}

func (s *secretStore) readIndex(ctx context.Context) ([]oauth.Key, error) {
	v, err := s.get(ctx, secretIndex)
	if err != nil || v == nil {
		return nil, err
	}
	var keys []oauth.Key
	if err := json.Unmarshal([]byte(*v), &keys); err != nil {
		return nil, fmt.Errorf("decoding the token index from the editor's store: %w", err)
	}
	return keys, nil
}

func (s *secretStore) updateIndex(ctx context.Context, edit func([]oauth.Key) []oauth.Key) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys, err := s.readIndex(ctx)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(edit(keys))
	if err != nil {
		return fmt.Errorf("encoding the token index: %w", err)
	}
	value := string(raw)
	if err := s.c.Call(ctx, lspext.MethodSecretStore, lspext.SecretValue{Key: secretIndex, Value: &value}, nil); err != nil {
		return fmt.Errorf("storing the token index in the editor: %w", err)
	}
	return nil
}
