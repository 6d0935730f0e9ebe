package config

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden sections of testdata/*.txtar")

// Each testdata/*.txtar archive is a workspace rooted at /ws: exactly one
// config file (a name IsConfigFile accepts) plus any other files (envFile
// targets). Special sections, not part of the workspace:
//
//	-- env --          the inherited environment, NAME=value lines;
//	                   "input:ID=value" lines give input values to Expand
//	-- diagnostics --  golden: Check's output, "line:col-line:col severity code: message"
//	-- expand --       golden (only when present): every server's Expand result
const wsRoot = "/ws"

type workspace struct {
	configName string
	config     []byte
	files      map[string][]byte // absolute path -> content
	env        map[string]string
	inputs     map[string]string
}

func loadWorkspace(t testing.TB, ar *txtar.Archive) *workspace {
	t.Helper()
	ws := &workspace{files: map[string][]byte{}, env: map[string]string{}, inputs: map[string]string{}}
	for _, f := range ar.Files {
		switch f.Name {
		case "diagnostics", "expand":
		case "env":
			for line := range strings.Lines(string(f.Data)) {
				name, value, _ := strings.Cut(strings.TrimSpace(line), "=")
				if id, ok := strings.CutPrefix(name, "input:"); ok {
					ws.inputs[id] = value
				} else if name != "" {
					ws.env[name] = value
				}
			}
		default:
			ws.files[path.Join(wsRoot, f.Name)] = f.Data
			if IsConfigFile(f.Name) {
				if ws.configName != "" {
					t.Fatalf("two config files: %s and %s", ws.configName, f.Name)
				}
				ws.configName, ws.config = f.Name, f.Data
			}
		}
	}
	if ws.configName == "" {
		t.Fatal("no config file in the archive")
	}
	return ws
}

func (ws *workspace) Env() Env {
	return Env{
		LookupEnv: func(name string) (string, bool) { v, ok := ws.env[name]; return v, ok },
		ReadFile: func(p string) ([]byte, error) {
			if data, ok := ws.files[p]; ok {
				return data, nil
			}
			for name := range ws.files {
				if strings.HasPrefix(name, p+"/") {
					return nil, &fs.PathError{Op: "read", Path: p, Err: errors.New("is a directory")}
				}
			}
			return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
		},
		UserHome:    "/home/user",
		LookupInput: func(id string) (string, bool) { v, ok := ws.inputs[id]; return v, ok },
	}
}

func (ws *workspace) load() *File {
	return Load(path.Join(wsRoot, ws.configName), ws.config)
}

// formatDiagnostics renders diagnostics one a line, positions 1-based with
// columns in characters.
func formatDiagnostics(text []byte, ds []Diagnostic) string {
	x := NewLineIndex(text)
	var b strings.Builder
	for _, d := range ds {
		l1, c1 := x.Position(d.Start)
		l2, c2 := x.Position(d.End)
		fmt.Fprintf(&b, "%d:%d-%d:%d %s %s: %s", l1, c1, l2, c2, d.Severity, d.Code, d.Message)
		if d.Fix != "" {
			fmt.Fprintf(&b, " fix=%s", d.Fix)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func formatExpand(f *File, env Env) string {
	var b strings.Builder
	for _, s := range f.Servers {
		t, problems := s.Expand(env)
		data, err := json.MarshalIndent(t, "", "  ")
		if err != nil {
			panic(err)
		}
		fmt.Fprintf(&b, "%s:\n%s\n", s.Name, data)
		for _, line := range strings.Split(strings.TrimSuffix(formatDiagnostics(f.Doc.Text, problems), "\n"), "\n") {
			if line != "" {
				fmt.Fprintf(&b, "  problem %s\n", line)
			}
		}
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			ws := loadWorkspace(t, ar)
			f := ws.load()
			got := map[string]string{"diagnostics": formatDiagnostics(f.Doc.Text, Check(f, ws.Env()))}
			if section(ar, "expand") != nil {
				got["expand"] = formatExpand(f, ws.Env())
			}
			if *update {
				for name, data := range got {
					setSection(ar, name, data)
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, name := range []string{"diagnostics", "expand"} {
				want := section(ar, name)
				if want == nil && name == "diagnostics" {
					t.Fatalf("no -- diagnostics -- section (run go test -update)")
				}
				if want != nil {
					if diff := cmp.Diff(string(want.Data), got[name]); diff != "" {
						t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
					}
				}
			}
		})
	}
}

func section(ar *txtar.Archive, name string) *txtar.File {
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			return &ar.Files[i]
		}
	}
	return nil
}

func setSection(ar *txtar.Archive, name, data string) {
	if f := section(ar, name); f != nil {
		f.Data = []byte(data)
		return
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(data)})
}

// TestGoldenCoversEveryCode keeps the code table and the golden files
// honest: every code of Codes is produced by some archive, and every
// diagnostic there has a code of the table (or syntax/*) with the
// table's severity.
func TestGoldenCoversEveryCode(t *testing.T) {
	table := map[string]Severity{}
	for _, c := range Codes() {
		table[c.Code] = c.Severity
	}
	seen := map[string]bool{}
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		ws := loadWorkspace(t, ar)
		f := ws.load()
		ds := Check(f, ws.Env())
		for _, s := range f.Servers {
			_, problems := s.Expand(ws.Env())
			ds = append(ds, problems...)
		}
		for _, d := range ds {
			seen[d.Code] = true
			sev, ok := table[d.Code]
			switch {
			case strings.HasPrefix(d.Code, "syntax/"):
				if d.Severity != SeverityError {
					t.Errorf("%s: %s has severity %s, want error", file, d.Code, d.Severity)
				}
			case !ok:
				t.Errorf("%s: code %s is not in the table of codes.go", file, d.Code)
			case sev != d.Severity:
				t.Errorf("%s: %s has severity %s, the table says %s", file, d.Code, d.Severity, sev)
			}
		}
	}
	for code := range table {
		if !seen[code] {
			t.Errorf("no golden file produces %s", code)
		}
	}
}
