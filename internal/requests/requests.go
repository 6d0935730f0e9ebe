// Package requests owns the editing features of saved requests (the
// "requests" list of a config file) that come from the servers' catalogs:
// diagnostics (arguments validated against a tool's inputSchema, unknown
// tools, prompts and resources, a prompt's or a template's missing
// arguments, catalogs served from the offline cache), completion (tool,
// prompt and resource names; argument keys and values from the schema),
// hover (descriptions, schema summaries, tool annotations), code actions
// (fix a misspelt name, add missing required arguments) and request
// skeletons for mcpls.addRequest.
//
// Every feature is a pure function of a loaded config.File, an offset and
// the catalogs, which the caller supplies through a Catalogs function; the
// package does no I/O. A catalog's identity is its pointer: the caller
// hands out the same *mcp.Catalog while a server's catalog is unchanged and
// never mutates one it handed out, so that compiled schemas (and a
// Validator's results) are reused until a new catalog arrives.
//
// Config keys and the file's own values (server names, variables) are
// completed and hovered by packages complete and hover; this package
// returns nothing there, so an editor can merge both lists.
package requests

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"mcpls/internal/config"
	"mcpls/internal/mcp"
)

// Catalogs returns the catalog of the server named server. ok is false
// when none is known (not connected, nothing cached). cachedAt is zero for
// a live catalog, else the time the offline copy was saved.
type Catalogs func(server string) (cat *mcp.Catalog, cachedAt time.Time, ok bool)

// Diagnostic codes of this package (config.Diagnostic.Code); Codes says
// what each means.
const (
	CodeUnknownTool      = "request/unknown-tool"
	CodeUnknownPrompt    = "request/unknown-prompt"
	CodeUnknownResource  = "request/unknown-resource"
	CodeInvalidArguments = "request/invalid-arguments"
	CodeMissingArgument  = "request/missing-argument"
	CodeUnknownArgument  = "request/unknown-argument"
	CodeArgumentsType    = "request/arguments-not-object"
	CodeInvalidSchema    = "request/invalid-schema"
	CodeCatalogCached    = "request/catalog-cached"
)

// Codes lists every diagnostic code of this package: its severity (the
// most severe it is reported with) and meaning. A test checks that
// Diagnostics keeps to it.
var Codes = []config.CodeInfo{
	{Code: CodeUnknownTool, Severity: config.SeverityError, Doc: "a tool the server's catalog does not list; \"did you mean\" and a fix when one is close"},
	{Code: CodeUnknownPrompt, Severity: config.SeverityError, Doc: "a prompt the server's catalog does not list"},
	{Code: CodeUnknownResource, Severity: config.SeverityWarning, Doc: "a URI that is no listed resource and matches no resource template (servers may serve unlisted ones, hence a warning)"},
	{Code: CodeInvalidArguments, Severity: config.SeverityError, Doc: "an argument value that fails the tool's inputSchema (type, enum, format, range...), at the value"},
	{Code: CodeMissingArgument, Severity: config.SeverityError, Doc: "a required argument (or nested property) that is absent, on the key of the object lacking it; a code action adds it"},
	{Code: CodeUnknownArgument, Severity: config.SeverityError, Doc: "an argument the tool does not take (error) or a prompt or template does not take (warning), on its key"},
	{Code: CodeArgumentsType, Severity: config.SeverityError, Doc: "the arguments of a prompt or template are not an object"},
	{Code: CodeInvalidSchema, Severity: config.SeverityWarning, Doc: "the tool's inputSchema does not compile, so its arguments are not checked"},
	{Code: CodeCatalogCached, Severity: config.SeverityInformation, Doc: "the server's catalog comes from the offline cache, saying since when"},
}

// Edit replaces the bytes [Start, End) of the document with NewText.
type Edit struct {
	Start, End int
	NewText    string
}

// Action is a code action: edits that fix a diagnostic.
type Action struct {
	Title      string
	Edits      []Edit
	Diagnostic config.Diagnostic
}

// requestAt returns the request whose object contains offset, or nil.
func requestAt(f *config.File, offset int) *config.Request {
	rs := f.Requests
	i := sort.Search(len(rs), func(i int) bool { return rs[i].Range.End >= offset })
	for ; i < len(rs); i++ {
		r := rs[i]
		if r.Range.Start > offset {
			return nil
		}
		if r.Range.Start <= offset && offset <= r.Range.End {
			return r
		}
	}
	return nil
}

// closest returns the candidate closest to name when it is close enough to
// be a likely typo (or name is a prefix of it), else "": also when name is
// one of the candidates.
func closest(name string, candidates []string) string {
	if containsString(candidates, name) {
		return ""
	}
	best, bestD := "", -1
	lname := strings.ToLower(name)
	for _, c := range candidates {
		if c == name {
			continue
		}
		lc := strings.ToLower(c)
		d := editDistance(lname, lc)
		if d > maxTypo(name, c) && !(len(name) >= 3 && strings.HasPrefix(lc, lname)) {
			continue
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func maxTypo(name, c string) int {
	switch n := min(len(name), len(c)); {
	case n <= 3:
		return 1
	case n <= 8:
		return 2
	default:
		return 3
	}
}

// editDistance is the Damerau-Levenshtein (optimal string alignment)
// distance in bytes.
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func didYouMean(best string) string {
	if best == "" {
		return ""
	}
	return " (did you mean " + strconv.Quote(best) + "?)"
}

// quoteFix is the JSON string for a replacement, "" for none.
func quoteFix(s string) string {
	if s == "" {
		return ""
	}
	return jsonString(s)
}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&15])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// age says how long ago t was, briefly: "5 min ago".
func age(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "less than a minute ago"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min ago"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h ago"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + " days ago"
}
