package complete

import (
	"fmt"
	"strings"
	"testing"

	"mcpls/internal/complete/markertest"
	"mcpls/internal/jsonc"
)

// TestComplete runs completion at every marker of testdata/*.txtar and
// compares the items with the golden sections: the replaced text, then
// one line per item: kind, label, insert text, detail.
func TestComplete(t *testing.T) {
	markertest.Run(t, "testdata", func(w *markertest.Workspace, m markertest.Marker) string {
		items := Complete(w.File, m.Offset, w.Env)
		checkItems(t, w.File.Doc.Text, m, items)
		return render(w.File.Doc.Text, items) + applied(w.File.Doc.Text, items)
	})
}

// checkItems asserts what holds for every item: its range is inside the
// text and covers the cursor.
func checkItems(t *testing.T, text []byte, m markertest.Marker, items []Item) {
	t.Helper()
	for _, it := range items {
		if it.Start < 0 || it.Start > m.Offset || it.End < m.Offset || it.End > len(text) {
			t.Errorf("@%s: item %q replaces [%d,%d), which does not cover the cursor at %d", m.Name, it.Label, it.Start, it.End, m.Offset)
		}
		if strings.Contains(it.Detail+it.Documentation+it.InsertText, "never-shown") {
			t.Errorf("@%s: item %q shows a secret from the environment", m.Name, it.Label)
		}
		if it.InsertText == "" || it.Label == "" || it.Kind == 0 {
			t.Errorf("@%s: incomplete item %+v", m.Name, it)
		}
	}
}

// applied tells how the first item, inserted as plain text, changes the
// number of syntax errors of the document: half-typed text completes to
// valid JSON.
func applied(text []byte, items []Item) string {
	if len(items) == 0 {
		return ""
	}
	it := items[0]
	var edited []byte
	edited = append(edited, text[:it.Start]...)
	edited = append(edited, it.PlainText()...)
	edited = append(edited, text[it.End:]...)
	before, after := len(jsonc.Parse(text).Errors), len(jsonc.Parse(edited).Errors)
	return fmt.Sprintf("first item applied: syntax errors %d -> %d\n", before, after)
}

var oneLine = strings.NewReplacer("\n", `\n`, "\t", `\t`)

func render(text []byte, items []Item) string {
	if len(items) == 0 {
		return "(no items)\n"
	}
	var b strings.Builder
	first := items[0]
	fmt.Fprintf(&b, "replace %s\n", markertest.Quote(string(text[first.Start:first.End])))
	for _, it := range items {
		fmt.Fprintf(&b, "%-9s %-24s %s", it.Kind, it.Label, oneLine.Replace(it.InsertText))
		if it.Start != first.Start || it.End != first.End {
			fmt.Fprintf(&b, "  [replaces %s]", markertest.Quote(string(text[it.Start:it.End])))
		}
		if it.Detail != "" {
			fmt.Fprintf(&b, "  -- %s", it.Detail)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
