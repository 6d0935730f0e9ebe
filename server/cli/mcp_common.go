package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"mcpls/internal/cache"
	"mcpls/internal/config"
	"mcpls/internal/console"
	"mcpls/internal/mcp"
	"mcpls/internal/runner"
)

// defaultConfigs are looked for in the current directory, in this order,
// when a command needs a config and --config is not given.
var defaultConfigs = []string{".mcp.json", filepath.Join(".vscode", "mcp.json"), filepath.Join(".cursor", "mcp.json")}

// mcpFlags are the flags list, call and run share.
type mcpFlags struct {
	config  string
	json    bool
	verbose bool
}

func (m *mcpFlags) register(flags *flag.FlagSet) {
	flags.StringVar(&m.config, "config", "", "the MCP config `file` (default: .mcp.json, .vscode/mcp.json or .cursor/mcp.json here)")
	flags.BoolVar(&m.json, "json", false, "print JSON")
	flags.BoolVar(&m.verbose, "verbose", false, "print the MCP traffic (redacted) to stderr")
	flags.BoolVar(&m.verbose, "v", false, "short for --verbose")
}

// parseMixed parses flags that may come before, between or after the
// operands. It returns the exit code to use when parsing stops the command.
func parseMixed(flags *flag.FlagSet, args []string) (operands []string, code int, ok bool) {
	for {
		if err := flags.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, ExitOK, false
			}
			return nil, ExitUsage, false
		}
		args = flags.Args()
		if len(args) == 0 {
			return operands, ExitOK, true
		}
		operands = append(operands, args[0])
		args = args[1:]
	}
}

// cliEnv is the environment the headless commands expand configs with:
// this process's, and ${input:id} from MCPLS_INPUT_<ID> (never a prompt).
func cliEnv() config.Env {
	home, _ := os.UserHomeDir()
	return config.Env{LookupEnv: os.LookupEnv, ReadFile: os.ReadFile, UserHome: home,
		LookupInput: runner.EnvInputs(os.LookupEnv)}
}

// loadedConfig is a config file that passed its checks.
type loadedConfig struct {
	path string // as the user named it
	file *config.File
	env  config.Env
}

// loadConfig reads, loads and checks the config file. A file with errors
// is refused: its diagnostics are printed as mcpls check prints them.
func loadConfig(cmd, path string, stderr io.Writer) (*loadedConfig, int) {
	if path == "" {
		found, err := findConfig()
		if err != nil {
			fmt.Fprintf(stderr, "mcpls %s: %v\n", cmd, err)
			return nil, ExitUsage
		}
		path = found
	}
	text, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "mcpls %s: reading the config: %v\n", cmd, err)
		return nil, ExitFailure
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	lc := &loadedConfig{path: path, file: config.Load(abs, text), env: cliEnv()}
	if printConfigErrors(path, text, config.Check(lc.file, lc.env), stderr) {
		fmt.Fprintf(stderr, "mcpls %s: %s has errors; fix them first (mcpls check %s)\n", cmd, path, path)
		return nil, ExitFailure
	}
	return lc, ExitOK
}

// printConfigErrors prints the diagnostics of a file that has errors, in
// mcpls check's format, and reports whether it has any.
func printConfigErrors(path string, text []byte, diags []config.Diagnostic, w io.Writer) bool {
	failed := false
	for _, d := range diags {
		failed = failed || d.Severity == config.SeverityError
	}
	if !failed {
		return false
	}
	lines := config.NewLineIndex(text)
	for _, d := range diags {
		line, col := lines.Position(d.Start)
		fmt.Fprintf(w, "%s:%d:%d: %s: %s [%s]\n", path, line, col, d.Severity, d.Message, d.Code)
	}
	return true
}

func findConfig() (string, error) {
	for _, name := range defaultConfigs {
		if info, err := os.Stat(name); err == nil && !info.IsDir() {
			return name, nil
		}
	}
	return "", fmt.Errorf("no config file here (looked for %s): pass --config FILE", strings.Join(defaultConfigs, ", "))
}

// passwordSecrets are the values of the password inputs the environment
// answers, for the console's masker.
func passwordSecrets(f *config.File, env config.Env) []string {
	var secrets []string
	for _, in := range f.Inputs {
		if !in.Password.Value || !in.ID.Set || env.LookupInput == nil {
			continue
		}
		if v, ok := env.LookupInput(in.ID.Value); ok {
			secrets = append(secrets, v)
		}
	}
	return secrets
}

// sessionOptions are the MCP options of the headless commands: with
// verbose, every console event goes to stderr, one line each, redacted
// (and scrubbed of the given secrets).
func sessionOptions(verbose bool, stderr io.Writer, secrets []string) *mcp.Options {
	if !verbose {
		return &mcp.Options{}
	}
	var mu sync.Mutex
	print := console.SinkFunc(func(e console.Event) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(stderr, e.String())
	})
	m := &console.Masker{}
	m.Add(secrets...)
	return &mcp.Options{Console: m.Sink(print)}
}

// openCache opens the catalog cache; a cache that cannot be opened only
// costs the offline fallback, so it is reported and not fatal.
func openCache(cmd string, stderr io.Writer) *cache.Cache {
	c, err := cache.New(nil)
	if err != nil {
		fmt.Fprintf(stderr, "mcpls %s: warning: no catalog cache: %v\n", cmd, err)
		return nil
	}
	return c
}
