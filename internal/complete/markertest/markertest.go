// Package markertest runs marker/golden tests over txtar workspaces, for
// the completion and hover tests.
//
// A workspace archive holds one config file (the first file whose name
// ends in "mcp.json"), whose text carries markers /*@name*/ at the offsets
// under test; they are stripped before parsing. It may hold an "env" file
// of NAME=value lines (the inherited environment) and any other files
// (envFile targets), all under the workspace folder /ws. Each marker has a
// golden section "@name" in the same archive; go test -update rewrites
// them.
package markertest

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"mcpls/internal/config"
)

var update = flag.Bool("update", false, "rewrite the golden sections of testdata/*.txtar")

// Folder is the workspace folder the archive's files live in.
const Folder = "/ws"

// Marker is one marker of the config text.
type Marker struct {
	Name   string
	Offset int // in the text with every marker stripped
}

// Workspace is a parsed test archive.
type Workspace struct {
	File    *config.File
	Env     config.Env
	Markers []Marker
}

var markerRE = regexp.MustCompile(`/\*@([A-Za-z0-9_.-]+)\*/`)

// Strip removes the markers from text and returns where they were.
func Strip(text []byte) ([]byte, []Marker) {
	var out []byte
	var markers []Marker
	last := 0
	for _, m := range markerRE.FindAllSubmatchIndex(text, -1) {
		out = append(out, text[last:m[0]]...)
		markers = append(markers, Marker{Name: string(text[m[2]:m[3]]), Offset: len(out)})
		last = m[1]
	}
	return append(out, text[last:]...), markers
}

// Run runs render at every marker of every archive in dir and compares
// the output with the archive's golden sections.
func Run(t *testing.T, dir string, render func(w *Workspace, m Marker) string) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no archives in %s (%v)", dir, err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			runArchive(t, path, render)
		})
	}
}

func runArchive(t *testing.T, path string, render func(w *Workspace, m Marker) string) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := load(ar)
	if err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	golden := map[string]string{}
	for _, f := range ar.Files {
		if name, ok := strings.CutPrefix(f.Name, "@"); ok {
			golden[name] = string(f.Data)
		}
	}
	got := map[string]string{}
	for _, m := range w.Markers {
		out := render(w, m)
		if !strings.HasSuffix(out, "\n") {
			out += "\n"
		}
		got[m.Name] = out
		if *update {
			continue
		}
		t.Run(m.Name, func(t *testing.T) {
			want, ok := golden[m.Name]
			if !ok {
				t.Fatalf("no golden section @%s (run with -update)", m.Name)
			}
			if diff := cmp.Diff(want, out); diff != "" {
				t.Errorf("@%s mismatch (-want +got):\n%s", m.Name, diff)
			}
		})
	}
	if *update {
		writeGolden(t, path, ar, w.Markers, got)
	}
}

func writeGolden(t *testing.T, path string, ar *txtar.Archive, markers []Marker, got map[string]string) {
	var files []txtar.File
	for _, f := range ar.Files {
		if !strings.HasPrefix(f.Name, "@") {
			files = append(files, f)
		}
	}
	for _, m := range markers {
		files = append(files, txtar.File{Name: "@" + m.Name, Data: []byte(got[m.Name])})
	}
	ar.Files = files
	if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}

// load builds the workspace of an archive.
func load(ar *txtar.Archive) (*Workspace, error) {
	files := map[string][]byte{}
	w := &Workspace{}
	var env map[string]string
	for _, f := range ar.Files {
		switch {
		case strings.HasPrefix(f.Name, "@"):
		case f.Name == "env":
			env = parseEnv(f.Data)
		case w.File == nil && strings.HasSuffix(f.Name, "mcp.json"):
			text, markers := Strip(f.Data)
			w.File = config.Load(filepath.Join(Folder, f.Name), text)
			w.Markers = markers
		default:
			files[filepath.Join(Folder, f.Name)] = f.Data
		}
	}
	if w.File == nil {
		return nil, fmt.Errorf("no *mcp.json file in the archive")
	}
	w.Env = config.Env{
		WorkspaceFolder: Folder,
		UserHome:        "/home/user",
		ReadFile: func(path string) ([]byte, error) {
			if data, ok := files[path]; ok {
				return data, nil
			}
			return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
		},
	}
	if env != nil {
		w.Env.LookupEnv = func(name string) (string, bool) {
			v, ok := env[name]
			return v, ok
		}
	}
	return w, nil
}

func parseEnv(data []byte) map[string]string {
	env := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if name, value, ok := strings.Cut(sc.Text(), "="); ok {
			env[name] = value
		}
	}
	return env
}

// Quote shows a piece of document text on one line.
func Quote(s string) string {
	return fmt.Sprintf("%q", s)
}
