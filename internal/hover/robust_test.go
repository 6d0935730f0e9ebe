package hover

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"

	"mcpls/internal/complete/markertest"
	"mcpls/internal/config"
)

// seedTexts are the config texts of the test archives, markers stripped.
func seedTexts(t testing.TB) [][]byte {
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no test archives: %v", err)
	}
	var texts [][]byte
	for _, path := range paths {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if filepath.Ext(f.Name) == ".json" {
				text, _ := markertest.Strip(f.Data)
				texts = append(texts, text)
				break
			}
		}
	}
	return texts
}

func checkHover(t testing.TB, text []byte, offset int, r Result, ok bool) {
	if !ok {
		return
	}
	if r.Markdown == "" || r.Start < 0 || r.Start > offset || r.End < offset || r.End > len(text) {
		t.Fatalf("offset %d of %q: hover %+v", offset, text, r)
	}
}

// TestEveryOffset hovers at every offset of every test text and of its
// prefixes, with and without an environment: nothing may panic, and every
// range must cover the cursor.
func TestEveryOffset(t *testing.T) {
	env := config.Env{
		LookupEnv: func(string) (string, bool) { return "", false },
		ReadFile:  func(string) ([]byte, error) { return []byte("A=1\n"), nil },
	}
	for _, text := range seedTexts(t) {
		for cut := len(text); cut >= 0; cut -= 11 {
			prefix := text[:cut]
			f := config.Load("/ws/.mcp.json", prefix)
			for off := 0; off <= len(prefix); off++ {
				r, ok := Hover(f, off)
				checkHover(t, prefix, off, r, ok)
				r, ok = HoverEnv(f, off, env)
				checkHover(t, prefix, off, r, ok)
			}
		}
	}
}

func FuzzHover(f *testing.F) {
	for _, text := range seedTexts(f) {
		f.Add(text, len(text)/2)
	}
	f.Fuzz(func(t *testing.T, text []byte, offset int) {
		file := config.Load("/ws/.mcp.json", text)
		r, ok := Hover(file, offset)
		if offset < 0 || offset > len(text) {
			if ok {
				t.Fatalf("hover at offset %d outside the text", offset)
			}
			return
		}
		checkHover(t, text, offset, r, ok)
	})
}
