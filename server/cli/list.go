package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"mcpls/internal/cache"
	"mcpls/internal/mcp"
	"mcpls/internal/runner"
)

// runList connects to one server, discovers its catalog and prints it,
// readably or with --json in MCP's wire shape. The catalog is cached.
// When the server cannot be reached and a catalog of it is cached, that
// catalog is printed, marked "offline, cached <time> ago: <error>", with a
// warning line on stderr, and the exit code is 0: the catalog is what was
// asked for. With nothing cached the exit code is 1.
func runList(ctx context.Context, args []string, stdio Stdio) int {
	flags := flag.NewFlagSet("list", flag.ContinueOnError)
	flags.SetOutput(stdio.Err)
	var m mcpFlags
	var ts targetSpec
	m.register(flags)
	flags.StringVar(&ts.url, "url", "", "connect to this streamable HTTP `URL` instead of a configured server")
	flags.StringVar(&ts.stdio, "stdio", "", "run this `command line` as a stdio server instead of a configured server")
	flags.Usage = func() {
		fmt.Fprintln(stdio.Err, `usage: mcpls list [--config F] [--json] [-v] SERVER | --url URL | --stdio "CMD ARGS"`)
		flags.PrintDefaults()
	}
	operands, code, ok := parseMixed(flags, args)
	if !ok {
		return code
	}
	t, rest, secrets, code := ts.resolve("list", &m, operands, stdio.Err)
	if code != ExitOK {
		return code
	}
	if len(rest) > 0 {
		fmt.Fprintf(stdio.Err, "mcpls list: unexpected argument %q\n", rest[0])
		return ExitUsage
	}
	c := openCache("list", stdio.Err)
	cat, offline, err := discover(ctx, t, c, sessionOptions(m.verbose, stdio.Err, secrets))
	if err != nil {
		fmt.Fprintf(stdio.Err, "mcpls list: %v\n", err)
		return ExitFailure
	}
	if offline != "" {
		fmt.Fprintf(stdio.Err, "mcpls list: warning: %s\n", offline)
	}
	if err := printCatalog(stdio.Out, t.Name, cat, offline, m.json); err != nil {
		fmt.Fprintf(stdio.Err, "mcpls list: writing the catalog: %v\n", err)
		return ExitFailure
	}
	return ExitOK
}

// discover connects to t and returns its catalog, caching it. When the
// server cannot be reached it returns the cached catalog and offline says
// so ("offline, cached 3 min ago: <error>"); err is set only when there is
// nothing to show.
func discover(ctx context.Context, t mcp.Target, c *cache.Cache, opts *mcp.Options) (cat mcp.Catalog, offline string, err error) {
	sess, connErr := mcp.Connect(ctx, t, opts)
	key := runner.CacheKey(t)
	if connErr == nil {
		defer sess.Close()
		cat = sess.Catalog()
		if c != nil {
			if raw, err := json.Marshal(cat); err == nil {
				_ = c.Store(key, raw) // the cache only serves offline display
			}
		}
		return cat, "", nil
	}
	if c == nil {
		return cat, "", connErr
	}
	entry, err := c.Load(key)
	if err != nil {
		if !errors.Is(err, cache.ErrNotCached) {
			return cat, "", fmt.Errorf("%w (and %v)", connErr, err)
		}
		return cat, "", connErr
	}
	if err := json.Unmarshal(entry.Catalog, &cat); err != nil {
		return cat, "", fmt.Errorf("%w (and the cached catalog is unreadable: %v)", connErr, err)
	}
	_ = c.MarkError(key, connErr)
	return cat, fmt.Sprintf("offline, cached %s: %v", ago(time.Since(entry.CachedAt)), connErr), nil
}

// ago says how long ago something happened, roughly.
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

func printCatalog(w io.Writer, name string, cat mcp.Catalog, offline string, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(cat)
	}
	return writeCatalogText(w, name, cat, offline)
}
