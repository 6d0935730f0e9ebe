package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"mcpls/internal/config"
)

// checkResult is one diagnostic as `mcpls check` prints it: 1-based lines,
// columns in characters.
type checkResult struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	Severity  string `json:"severity"`
	Code      string `json:"code"`
	Message   string `json:"message"`
}

// codeUnreadable marks a file that could not be read at all.
const codeUnreadable = "file/unreadable"

// runCheck lints config files (and the config files under directories)
// with the diagnostics the language server publishes. Exit 1 when any
// error is found or a file cannot be read, 2 on usage errors.
func runCheck(_ context.Context, args []string, stdio Stdio) int {
	flags := flag.NewFlagSet("check", flag.ContinueOnError)
	flags.SetOutput(stdio.Err)
	format := flags.String("format", "text", "output `format`: text or json")
	flags.Usage = func() {
		fmt.Fprintln(stdio.Err, "usage: mcpls check [--format text|json] FILE|DIR...")
		flags.PrintDefaults()
	}
	operands, err := parseInterleaved(flags, args)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		return ExitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stdio.Err, "mcpls check: unknown format %q (text or json)\n", *format)
		return ExitUsage
	}
	if len(operands) == 0 {
		flags.Usage()
		return ExitUsage
	}
	files := configFiles(operands, stdio.Err)
	if len(files) == 0 {
		fmt.Fprintln(stdio.Err, "mcpls check: no MCP config files to check")
		return ExitUsage
	}
	results, failed := checkFiles(files)
	if err := writeResults(stdio.Out, *format, results); err != nil {
		fmt.Fprintf(stdio.Err, "mcpls check: writing results: %v\n", err)
		return ExitFailure
	}
	if failed {
		return ExitFailure
	}
	return ExitOK
}

// parseInterleaved parses flags that may come before, between or after
// the operands.
func parseInterleaved(flags *flag.FlagSet, args []string) ([]string, error) {
	var operands []string
	for {
		if err := flags.Parse(args); err != nil {
			return nil, err
		}
		args = flags.Args()
		if len(args) == 0 {
			return operands, nil
		}
		operands = append(operands, args[0])
		args = args[1:]
	}
}

// configFiles lists the operands, replacing each directory with the config
// files under it (skipping node_modules and .git). A missing operand is
// kept, to be reported as unreadable.
func configFiles(operands []string, stderr io.Writer) []string {
	var files []string
	for _, op := range operands {
		info, err := os.Stat(op)
		if err != nil || !info.IsDir() {
			files = append(files, op)
			continue
		}
		found := 0
		err = filepath.WalkDir(op, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != op && (d.Name() == "node_modules" || d.Name() == ".git") {
				return filepath.SkipDir
			}
			if !d.IsDir() && config.IsConfigFile(path) {
				files = append(files, path)
				found++
			}
			return nil
		})
		if err != nil {
			fmt.Fprintf(stderr, "mcpls check: walking %s: %v\n", op, err)
		}
		if found == 0 {
			fmt.Fprintf(stderr, "mcpls check: no MCP config files under %s\n", op)
		}
	}
	return files
}

// checkFiles loads and checks each file; failed reports an error
// diagnostic or an unreadable file.
func checkFiles(files []string) (results []checkResult, failed bool) {
	home, _ := os.UserHomeDir()
	env := config.Env{LookupEnv: os.LookupEnv, ReadFile: os.ReadFile, UserHome: home}
	for _, name := range files {
		text, err := os.ReadFile(name)
		if err != nil {
			results = append(results, checkResult{
				File: name, Line: 1, Column: 1, EndLine: 1, EndColumn: 1, Severity: "error",
				Code: codeUnreadable, Message: fmt.Sprintf("cannot read the file: %v", unwrapPath(err)),
			})
			failed = true
			continue
		}
		abs, err := filepath.Abs(name)
		if err != nil {
			abs = name
		}
		f := config.Load(abs, text)
		lines := config.NewLineIndex(text)
		for _, d := range config.Check(f, env) {
			l1, c1 := lines.Position(d.Start)
			l2, c2 := lines.Position(d.End)
			results = append(results, checkResult{
				File: name, Line: l1, Column: c1, EndLine: l2, EndColumn: c2,
				Severity: d.Severity.String(), Code: d.Code, Message: d.Message,
			})
			failed = failed || d.Severity == config.SeverityError
		}
	}
	return results, failed
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func writeResults(w io.Writer, format string, results []checkResult) error {
	if format == "json" {
		if results == nil {
			results = []checkResult{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	for _, r := range results {
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s: %s [%s]\n", r.File, r.Line, r.Column, r.Severity, r.Message, r.Code); err != nil {
			return err
		}
	}
	return nil
}
