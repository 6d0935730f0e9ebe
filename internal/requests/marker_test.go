package requests

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"mcpls/internal/complete"
	"mcpls/internal/config"
	"mcpls/internal/mcp"
)

// -update rewrites the golden sections of testdata/markers/*.txtar.
var update = flag.Bool("update", false, "rewrite the golden sections of the marker tests")

// markerRE finds a marker: /*@c:name*/ completes there, /*@h:name*/ hovers,
// /*@s:name*/ shows the question for the server's completion/complete and
// the items of sampleServerValues as its answer.
var markerRE = regexp.MustCompile(`/\*@([chs]):([\w-]+)\*/`)

// sampleServerValues stand for a server's answer in the marker tests: a
// duplicate, mixed case, and characters that need escaping.
var sampleServerValues = []string{"ada", "Alan", "ada", "bob", "a b/c", `q"uote`}

// testNow is "now" for every marker test: catalogs of the server "offline"
// were cached five minutes before it.
var testNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// recordedCatalogs serves the recorded catalogs: server "demo" and
// "everything" are live, "offline" is the demo catalog from the cache.
func recordedCatalogs(t testing.TB) Catalogs {
	demo, everything := loadCatalog(t, "demo"), loadCatalog(t, "everything")
	return func(server string) (*mcp.Catalog, time.Time, bool) {
		switch server {
		case "demo":
			return demo, time.Time{}, true
		case "everything":
			return everything, time.Time{}, true
		case "offline":
			return demo, testNow.Add(-5 * time.Minute), true
		}
		return nil, time.Time{}, false
	}
}

// TestMarkers runs every testdata/markers/*.txtar: its ".mcp.json" file
// with markers, against the recorded catalogs; the "golden" section holds
// the diagnostics, the code actions of each, and the completions and hover
// at each marker.
func TestMarkers(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "markers", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no marker tests: %v", err)
	}
	catalogs := recordedCatalogs(t)
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var src []byte
			for _, f := range ar.Files {
				if f.Name == ".mcp.json" {
					src = f.Data
				}
			}
			got := runMarkers(src, catalogs)
			golden := -1
			for i, f := range ar.Files {
				if f.Name == "golden" {
					golden = i
				}
			}
			if *update {
				if golden < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "golden"})
					golden = len(ar.Files) - 1
				}
				ar.Files[golden].Data = []byte(got)
				if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if golden < 0 {
				t.Fatal("no golden section; run with -update")
			}
			if diff := cmp.Diff(string(ar.Files[golden].Data), got); diff != "" {
				t.Errorf("(-golden +got):\n%s", diff)
			}
		})
	}
}

type marker struct {
	kind, name string
	offset     int
}

// stripMarkers removes the markers from src and returns where they were.
func stripMarkers(src []byte) ([]byte, []marker) {
	var out []byte
	var ms []marker
	last := 0
	for _, m := range markerRE.FindAllSubmatchIndex(src, -1) {
		out = append(out, src[last:m[0]]...)
		ms = append(ms, marker{string(src[m[2]:m[3]]), string(src[m[4]:m[5]]), len(out)})
		last = m[1]
	}
	return append(out, src[last:]...), ms
}

func runMarkers(src []byte, catalogs Catalogs) string {
	text, markers := stripMarkers(src)
	f := config.Load(".mcp.json", text)
	pos := func(off int) string {
		line := bytes.Count(text[:off], []byte("\n")) + 1
		col := off - (bytes.LastIndexByte(text[:off], '\n') + 1) + 1
		return fmt.Sprintf("%d:%d", line, col)
	}
	span := func(s, e int) string { return pos(s) + "-" + pos(e) }
	var b strings.Builder
	v := &Validator{Now: func() time.Time { return testNow }}
	diags := v.Diagnostics(f, catalogs)
	b.WriteString("== diagnostics\n")
	for _, d := range diags {
		fmt.Fprintf(&b, "%s %s %s: %s", span(d.Start, d.End), d.Severity, d.Code, d.Message)
		if d.Fix != "" {
			fmt.Fprintf(&b, " [fix %s]", d.Fix)
		}
		b.WriteString("\n")
	}
	b.WriteString("== actions\n")
	for _, a := range CodeActions(f, diags, 0, len(text), catalogs) {
		fmt.Fprintf(&b, "%s (for %s)\n", a.Title, span(a.Diagnostic.Start, a.Diagnostic.End))
		for _, e := range a.Edits {
			fmt.Fprintf(&b, "  %s %q\n", span(e.Start, e.End), e.NewText)
			fmt.Fprintf(&b, "  => %s\n", lineAfter(text, e))
		}
	}
	for _, m := range markers {
		switch m.kind {
		case "c":
			fmt.Fprintf(&b, "== complete %s\n", m.name)
			items := sortedItems(Complete(f, m.offset, catalogs))
			if dup := offeredTwice(items, complete.Complete(f, m.offset, config.Env{})); dup != "" {
				fmt.Fprintf(&b, "OFFERED TWICE: %s\n", dup)
			}
			for _, it := range items {
				fmt.Fprintf(&b, "%s %s | %s | %s %q\n", it.Kind, it.Label, it.Detail, span(it.Start, it.End), it.InsertText)
			}
		case "s":
			fmt.Fprintf(&b, "== server %s\n", m.name)
			writeServerQuery(&b, f, m.offset, catalogs, span)
		case "h":
			fmt.Fprintf(&b, "== hover %s\n", m.name)
			if h, ok := Hover(f, m.offset, catalogs); ok {
				fmt.Fprintf(&b, "%s\n%s\n", span(h.Start, h.End), h.Markdown)
			}
		}
	}
	return b.String()
}

// writeServerQuery writes the completion/complete question at offset and
// the items made of sampleServerValues.
func writeServerQuery(b *strings.Builder, f *config.File, offset int, catalogs Catalogs, span func(s, e int) string) {
	q, ok := ServerCompletion(f, offset, catalogs)
	if !ok {
		b.WriteString("none\n")
		return
	}
	keys := make([]string, 0, len(q.Context))
	for k := range q.Context {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ctx := make([]string, len(keys))
	for i, k := range keys {
		ctx[i] = k + "=" + q.Context[k]
	}
	fmt.Fprintf(b, "%s %s%s %s=%q context{%s} %s\n", q.Server, q.Ref.Type, " "+q.Ref.Name+q.Ref.URI, q.Argument, q.Value,
		strings.Join(ctx, ","), span(q.Start, q.End))
	for _, it := range q.Items(sampleServerValues) {
		fmt.Fprintf(b, "%s %s | %s | %s %q\n", it.Kind, it.Label, it.Detail, span(it.Start, it.End), it.InsertText)
	}
}

// offeredTwice names an item that package complete offers too, since an
// editor merges both lists.
func offeredTwice(ours, theirs []complete.Item) string {
	for _, a := range ours {
		for _, b := range theirs {
			if a.Label == b.Label || a.InsertText == b.InsertText {
				return a.Label
			}
		}
	}
	return ""
}

func sortedItems(items []complete.Item) []complete.Item {
	sort.SliceStable(items, func(i, j int) bool { return items[i].SortText < items[j].SortText })
	return items
}

// lineAfter shows the edited text of the lines an edit touches.
func lineAfter(text []byte, e Edit) string {
	edited := string(text[:e.Start]) + e.NewText + string(text[e.End:])
	start := strings.LastIndexByte(edited[:e.Start], '\n') + 1
	end := e.Start + len(e.NewText)
	if i := strings.IndexByte(edited[end:], '\n'); i >= 0 {
		end += i
	} else {
		end = len(edited)
	}
	return strings.ReplaceAll(edited[start:end], "\n", "⏎")
}
