package cli

import (
	"fmt"
	"io"
	"strings"

	"mcpls/internal/config"
	"mcpls/internal/mcp"
	"mcpls/internal/runner"
)

// targetSpec is how list and call name a server: one of a server of the
// config, --url or --stdio.
type targetSpec struct {
	url   string
	stdio string
}

// resolve returns the target and the operands left after the server name.
// cfg is loaded only when the server comes from a config file.
func (ts targetSpec) resolve(cmd string, m *mcpFlags, operands []string, stderr io.Writer) (mcp.Target, []string, []string, int) {
	switch {
	case ts.url != "" && ts.stdio != "":
		fmt.Fprintf(stderr, "mcpls %s: give --url or --stdio, not both\n", cmd)
		return mcp.Target{}, nil, nil, ExitUsage
	case ts.url != "":
		return mcp.Target{Name: ts.url, Transport: mcp.TransportHTTP, URL: ts.url}, operands, nil, ExitOK
	case ts.stdio != "":
		words, err := splitCommand(ts.stdio)
		if err != nil || len(words) == 0 {
			fmt.Fprintf(stderr, "mcpls %s: --stdio %q: want a command line (%v)\n", cmd, ts.stdio, err)
			return mcp.Target{}, nil, nil, ExitUsage
		}
		t := mcp.Target{Name: words[0], Transport: mcp.TransportStdio, Command: words[0], Args: words[1:]}
		return t, operands, nil, ExitOK
	}
	if len(operands) == 0 {
		fmt.Fprintf(stderr, "mcpls %s: name a server of the config, or give --url or --stdio\n", cmd)
		return mcp.Target{}, nil, nil, ExitUsage
	}
	lc, code := loadConfig(cmd, m.config, stderr)
	if lc == nil {
		return mcp.Target{}, nil, nil, code
	}
	return configTarget(cmd, lc, operands[0], operands[1:], stderr)
}

func configTarget(cmd string, lc *loadedConfig, name string, rest []string, stderr io.Writer) (mcp.Target, []string, []string, int) {
	s := lc.file.Server(name)
	if s == nil {
		fmt.Fprintf(stderr, "mcpls %s: no server %q in %s (servers: %s)\n", cmd, name, lc.path, serverNames(lc.file))
		return mcp.Target{}, nil, nil, ExitUsage
	}
	t, err := runner.TargetFor(lc.file, s, lc.env)
	if err != nil {
		fmt.Fprintf(stderr, "mcpls %s: %v\n", cmd, err)
		return mcp.Target{}, nil, nil, ExitFailure
	}
	return t, rest, passwordSecrets(lc.file, lc.env), ExitOK
}

func serverNames(f *config.File) string {
	names := make([]string, len(f.Servers))
	for i, s := range f.Servers {
		names[i] = s.Name
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// splitCommand splits a command line into words the way a POSIX shell
// would for plain words, 'single' and "double" quotes and backslashes; it
// expands nothing.
func splitCommand(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\\':
			escaped, inWord = true, true
		case quote == '"':
			if r == '"' {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 || escaped {
		return nil, fmt.Errorf("unterminated quote or escape")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
