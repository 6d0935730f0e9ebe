package requests

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"

	"mcpls/internal/mcp"
)

// The large generated config of the benchmarks, built the way
// ../shared/tools/lspbench/gen.mjs builds it: 500 tools of 3 to 8
// parameters drawn from the same parameter kinds (lengths, patterns,
// ranges, enums, unique arrays, formats, nested objects), none additional;
// 2,000 requests over 200 servers, each with valid arguments.

type benchParam struct {
	schema string // JSON
	good   func(r *rand.Rand) string
	bad    string
}

var (
	benchWords = []string{"memory leak", "flaky test", "timeout", "regression", "login", "oauth", "docs", "crash"}
	benchUsers = []string{"alice", "bob", "carol", "dave", "erin"}
)

func pickQ(r *rand.Rand, xs []string) string {
	b, _ := json.Marshal(xs[r.IntN(len(xs))])
	return string(b)
}

var benchParams = map[string]benchParam{
	"query":           {`{"type":"string","minLength":1,"maxLength":256,"description":"Free-text search query."}`, func(r *rand.Rand) string { return pickQ(r, benchWords) }, `12345`},
	"owner":           {`{"type":"string","pattern":"^[A-Za-z0-9-]{1,39}$","description":"Account or organisation login."}`, func(r *rand.Rand) string { return `"acme"` }, `42`},
	"repo":            {`{"type":"string","pattern":"^[A-Za-z0-9._-]{1,100}$","description":"Repository name without the owner."}`, func(r *rand.Rand) string { return `"api"` }, `true`},
	"limit":           {`{"type":"integer","minimum":1,"maximum":100,"default":30,"description":"Maximum number of results."}`, func(r *rand.Rand) string { return fmt.Sprint(1 + r.IntN(100)) }, `1000`},
	"page":            {`{"type":"integer","minimum":1,"description":"1-based page number."}`, func(r *rand.Rand) string { return fmt.Sprint(1 + r.IntN(20)) }, `0`},
	"state":           {`{"enum":["open","closed","all"],"description":"Filter by state."}`, func(r *rand.Rand) string { return pickQ(r, []string{"open", "closed", "all"}) }, `"bogus-state"`},
	"sort":            {`{"enum":["created","updated","comments","reactions"],"description":"Sort key."}`, func(r *rand.Rand) string { return `"created"` }, `"popularity"`},
	"direction":       {`{"enum":["asc","desc"],"description":"Sort direction."}`, func(r *rand.Rand) string { return `"asc"` }, `"sideways"`},
	"labels":          {`{"type":"array","items":{"type":"string","minLength":1},"maxItems":20,"uniqueItems":true,"description":"Label names."}`, func(r *rand.Rand) string { return `["bug", "p1"]` }, `"bug"`},
	"assignees":       {`{"type":"array","items":{"type":"string"},"maxItems":10,"description":"Logins to assign."}`, func(r *rand.Rand) string { return "[" + pickQ(r, benchUsers) + "]" }, `{}`},
	"since":           {`{"type":"string","format":"date-time","description":"Only items updated at or after this time."}`, func(r *rand.Rand) string { return `"2025-03-04T05:00:00Z"` }, `20250101`},
	"includeArchived": {`{"type":"boolean","default":false,"description":"Include archived items."}`, func(r *rand.Rand) string { return "true" }, `"yes"`},
	"title":           {`{"type":"string","minLength":1,"maxLength":200,"description":"Title."}`, func(r *rand.Rand) string { return `"Fix ` + benchWords[r.IntN(len(benchWords))] + `"` }, `null`},
	"id":              {`{"type":"integer","minimum":1,"description":"Numeric identifier."}`, func(r *rand.Rand) string { return fmt.Sprint(1 + r.IntN(99999)) }, `"id-1"`},
	"timeoutMs":       {`{"type":"integer","minimum":100,"maximum":600000,"description":"Timeout in milliseconds."}`, func(r *rand.Rand) string { return "5000" }, `5`},
	"filters": {`{"type":"object","additionalProperties":false,"description":"Structured filters.","properties":{"author":{"type":"string"},"createdAfter":{"type":"string","format":"date"},"minScore":{"type":"number","minimum":0,"maximum":1},"tags":{"type":"array","items":{"type":"string"}}}}`,
		func(r *rand.Rand) string {
			return `{ "author": ` + pickQ(r, benchUsers) + `, "createdAfter": "2025-01-02", "minScore": 0.5 }`
		}, `"author:alice"`},
}

type benchTool struct {
	name     string
	params   []string
	required []string
}

// benchCatalog returns n tools and their catalog.
func benchCatalog(n int) ([]benchTool, *mcp.Catalog) {
	r := rand.New(rand.NewPCG(1, 7919))
	// In a fixed order: map order would make the tools differ run to run.
	names := []string{"query", "owner", "repo", "limit", "page", "state", "sort", "direction", "labels",
		"assignees", "since", "includeArchived", "title", "id", "timeoutMs", "filters"}
	cat := &mcp.Catalog{}
	var tools []benchTool
	for i := range n {
		perm := r.Perm(len(names))
		k := 3 + r.IntN(6)
		t := benchTool{name: fmt.Sprintf("tool_%d", i)}
		for _, j := range perm[:k] {
			t.params = append(t.params, names[j])
		}
		t.required = t.params[:1+r.IntN(3)]
		var props []string
		for _, p := range t.params {
			props = append(props, fmt.Sprintf("%q:%s", p, benchParams[p].schema))
		}
		req, _ := json.Marshal(t.required)
		schema := fmt.Sprintf(`{"type":"object","description":"Arguments for the %s tool.","properties":{%s},"required":%s,"additionalProperties":false}`,
			t.name, strings.Join(props, ","), req)
		cat.Tools = append(cat.Tools, mcp.Tool{Name: t.name, Description: "Generated tool " + t.name, InputSchema: json.RawMessage(schema)})
		tools = append(tools, t)
	}
	return tools, cat
}

// benchDoc returns a config with nRequests valid requests over nServers
// servers, one request per line.
func benchDoc(tools []benchTool, nServers, nRequests int) []byte {
	r := rand.New(rand.NewPCG(2, 104729))
	var b strings.Builder
	b.WriteString("{\n  \"mcpServers\": {\n")
	for i := range nServers {
		sep := ","
		if i == nServers-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    \"s%d\": { \"type\": \"http\", \"url\": \"https://mcp.example.com/s%d/mcp\" }%s\n", i, i, sep)
	}
	b.WriteString("  },\n  \"requests\": [\n")
	for i := range nRequests {
		t := tools[r.IntN(len(tools))]
		var args []string
		for j, p := range t.params {
			if j < len(t.required) || r.IntN(2) == 0 {
				args = append(args, fmt.Sprintf("%q: %s", p, benchParams[p].good(r)))
			}
		}
		sep := ","
		if i == nRequests-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    { \"server\": \"s%d\", \"tool\": %q, \"arguments\": { %s } }%s\n", i%nServers, t.name, strings.Join(args, ", "), sep)
	}
	b.WriteString("  ]\n}\n")
	return []byte(b.String())
}
