package complete

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

// checkRanges fails when an item's range is outside the text or does not
// cover the cursor.
func checkRanges(t testing.TB, text []byte, offset int, items []Item) {
	for _, it := range items {
		if it.Start < 0 || it.Start > offset || it.End < offset || it.End > len(text) {
			t.Fatalf("offset %d of %q: item %q replaces [%d,%d)", offset, text, it.Label, it.Start, it.End)
		}
	}
}

// TestEveryOffset completes at every offset of every test text and of
// its prefixes (text cut off while typing): nothing may panic, and every
// range must cover the cursor.
func TestEveryOffset(t *testing.T) {
	env := config.Env{LookupEnv: func(string) (string, bool) { return "", true }}
	for _, text := range seedTexts(t) {
		for cut := len(text); cut >= 0; cut -= 11 {
			prefix := text[:cut]
			f := config.Load("/ws/.mcp.json", prefix)
			for off := 0; off <= len(prefix); off++ {
				checkRanges(t, prefix, off, Complete(f, off, env))
			}
		}
	}
}

func FuzzComplete(f *testing.F) {
	for _, text := range seedTexts(f) {
		f.Add(text, len(text)/2)
	}
	f.Fuzz(func(t *testing.T, text []byte, offset int) {
		file := config.Load("/ws/.mcp.json", text)
		if offset < 0 || offset > len(text) {
			if items := Complete(file, offset, config.Env{}); items != nil {
				t.Fatalf("items at offset %d outside the text", offset)
			}
			return
		}
		checkRanges(t, text, offset, Complete(file, offset, config.Env{}))
	})
}
