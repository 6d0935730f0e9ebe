package requests

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"mcpls/internal/demoserver"
	"mcpls/internal/mcp"
)

// -record connects to the real servers and rewrites the recorded catalogs:
//
//	go test ./internal/requests -run TestRecordedCatalogs -record
//
// server-everything is run with node from the directory named by
// MCPLS_EVERYTHING_DIR (where `npm install @modelcontextprotocol/server-everything`
// was run).
var record = flag.Bool("record", false, "record the catalogs of the real servers into testdata/catalogs")

// waitFor bounds every wait in these tests.
const waitFor = 60 * time.Second

func startDemo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- demoserver.New(demoserver.Options{}).Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(waitFor):
			t.Errorf("demo server did not stop")
		}
	})
	return demoserver.URL(ln.Addr())
}

func discover(t *testing.T, target mcp.Target) mcp.Catalog {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	s, err := mcp.Connect(ctx, target, nil)
	if err != nil {
		t.Fatalf("connecting to %s: %v", target.Name, err)
	}
	defer s.Close()
	return s.Catalog()
}

func catalogJSON(t *testing.T, cat mcp.Catalog) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(cat); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func loadCatalog(t testing.TB, name string) *mcp.Catalog {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "catalogs", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var cat mcp.Catalog
	if err := json.Unmarshal(data, &cat); err != nil {
		t.Fatalf("reading catalog %s: %v", name, err)
	}
	return &cat
}

// TestRecordedCatalogs checks that the recorded demo catalog is the live
// demo server's (listed over streamable HTTP with internal/mcp), and with
// -record rewrites both recordings.
func TestRecordedCatalogs(t *testing.T) {
	live := catalogJSON(t, discover(t, mcp.Target{Name: "demo", Transport: mcp.TransportHTTP, URL: startDemo(t)}))
	path := filepath.Join("testdata", "catalogs", "demo.json")
	if *record {
		if err := os.WriteFile(path, live, 0o644); err != nil {
			t.Fatal(err)
		}
		recordEverything(t)
	}
	recorded, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Compared as JSON values: key order inside a schema is not meaningful.
	if diff := cmp.Diff(decodeJSON(t, recorded), decodeJSON(t, live)); diff != "" {
		t.Errorf("the demo server's catalog changed; run with -record (-recorded +live):\n%s", diff)
	}
}

func decodeJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("decoding a catalog: %v", err)
	}
	return v
}

func recordEverything(t *testing.T) {
	dir := os.Getenv("MCPLS_EVERYTHING_DIR")
	if dir == "" {
		t.Fatal("-record needs MCPLS_EVERYTHING_DIR: a directory where @modelcontextprotocol/server-everything is installed")
	}
	script := filepath.Join(dir, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js")
	cat := discover(t, mcp.Target{Name: "everything", Transport: mcp.TransportStdio, Command: "node", Args: []string{script, "stdio"}})
	if err := os.WriteFile(filepath.Join("testdata", "catalogs", "everything.json"), catalogJSON(t, cat), 0o644); err != nil {
		t.Fatal(err)
	}
}
