package config

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"
)

// FuzzLoadCheck runs Load, Check and every server's Expand on arbitrary
// text, seeded with the config files of testdata. No input may panic or
// hang, and diagnostics must stay inside the text, ordered.
func FuzzLoadCheck(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, af := range ar.Files {
			if IsConfigFile(af.Name) {
				f.Add(af.Data)
			}
		}
	}
	f.Add([]byte(`{"servers":{"a":{"command":"\u0024{X","args":["\ud83d\ude00${Y:-z}\\${input:"]}}}`))
	f.Fuzz(func(t *testing.T, text []byte) {
		ws := &workspace{files: map[string][]byte{"/ws/.env": []byte("A=1\n")}, env: map[string]string{"HOME": "/h"}}
		cfg := Load("/ws/.vscode/mcp.json", text)
		ds := Check(cfg, ws.Env())
		for i, d := range ds {
			if d.Start < 0 || d.End < d.Start || d.End > len(text) {
				t.Fatalf("diagnostic %+v out of the text (%d bytes)", d, len(text))
			}
			if i > 0 && ds[i-1].Start > d.Start {
				t.Fatalf("diagnostics not sorted: %+v before %+v", ds[i-1], d)
			}
			if d.Code == "" || d.Message == "" || d.Severity < SeverityError || d.Severity > SeverityHint {
				t.Fatalf("incomplete diagnostic %+v", d)
			}
		}
		for _, s := range cfg.Servers {
			_, problems := s.Expand(ws.Env())
			for _, d := range problems {
				if d.Start < 0 || d.End < d.Start || d.End > len(text) {
					t.Fatalf("problem %+v out of the text", d)
				}
			}
			s.InputIDs()
		}
		cfg.EnvFiles()
	})
}
