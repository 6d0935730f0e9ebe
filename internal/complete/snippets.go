package complete

import (
	"strings"

	"mcpls/internal/config"
)

// The bodies of new entries, as LSP snippets. Placeholders from $2 on:
// $1 is the server name when the entry is completed as a key.
const (
	stdioServerBody = "{\n\t\"command\": \"${2:npx}\",\n\t\"args\": [\"${3:-y}\", \"${4:package}\"]\n}"
	httpServerBody  = "{\n\t\"type\": \"http\",\n\t\"url\": \"${2:https://}\"\n}"
	inputBody       = "{\n\t\"id\": \"${1:id}\",\n\t\"type\": \"${2|promptString,pickString|}\",\n\t\"description\": \"${3}\",\n\t\"password\": ${4|true,false|}\n}"
)

// serverSnippets offers a new stdio and a new http server: as a whole
// member ("name": {...}) when asKey, else as the value of a name already
// typed.
func (c *completer) serverSnippets(asKey bool) []Item {
	if asKey && c.loc.Prop != nil && c.loc.Prop.Colon >= 0 {
		return nil // renaming an existing entry: names are free
	}
	entries := []struct{ label, doc, body string }{
		{"New stdio server", "A server run as a local process: `command` and `args`.", stdioServerBody},
		{"New http server", "A remote server over streamable HTTP at `url`.", httpServerBody},
	}
	items := make([]Item, 0, len(entries))
	for i, e := range entries {
		body := e.body
		if asKey {
			body = `"${1:name}": ` + body
		} else {
			body = renumber(body)
		}
		it := c.item(e.label, KindSnippet, c.withCommas(body), true)
		it.Detail = "server"
		it.Documentation = e.doc
		it.SortText = string(rune('0' + i))
		it.FilterText = c.filterWord()
		items = append(items, it)
	}
	return items
}

// renumber shifts placeholders down by one ($2 -> $1) for a body used
// without the name placeholder.
func renumber(body string) string {
	return renumberer.Replace(body)
}

// filterWord is the filter text of snippet items: the text already typed
// (so the editor keeps them whatever was typed), quotes included.
func (c *completer) filterWord() string {
	if c.start < c.end {
		return string(c.text[c.start:c.end])
	}
	return ""
}

// requestKinds are the kinds of saved request a snippet can start.
var requestKinds = []struct{ kind, doc, placeholder, args string }{
	{config.RequestTool, "Call a tool with arguments.", "tool", ",\n\t\"arguments\": {$0}"},
	{config.RequestPrompt, "Get a prompt with its arguments.", "prompt", ""},
	{config.RequestResource, "Read a resource by URI.", "uri", ""},
}

// requestSnippets offers a new saved request of each kind, with a choice
// of the file's servers.
func (c *completer) requestSnippets() []Item {
	items := make([]Item, 0, len(requestKinds))
	for i, k := range requestKinds {
		it := c.item("New "+k.kind+" request", KindSnippet, c.withCommas(c.requestBody(i)), true)
		it.Detail = "request"
		it.Documentation = k.doc + " Run it from its code lens or with `mcpls run`."
		it.SortText = sortKey(i)
		it.FilterText = c.filterWord()
		items = append(items, it)
	}
	return items
}

// requestBody is the snippet of a new request of requestKinds[i].
func (c *completer) requestBody(i int) string {
	k := requestKinds[i]
	server := "\"${2:server}\""
	if names := c.serverChoice(); names != "" {
		server = "\"${2|" + names + "|}\""
	}
	return "{\n\t\"name\": \"${1:name}\",\n\t\"server\": " + server +
		",\n\t\"" + k.kind + "\": \"${3:" + k.placeholder + "}\"" + k.args + "\n}"
}

// serverChoice is the file's server names as the options of a snippet
// choice, "" when there are none.
func (c *completer) serverChoice() string {
	seen := make(map[string]bool, len(c.f.Servers))
	names := make([]string, 0, len(c.f.Servers))
	for _, s := range c.f.Servers {
		if !seen[s.Name] {
			seen[s.Name] = true
			names = append(names, escapeChoice(jsonString(s.Name)))
		}
	}
	return strings.Join(names, ",")
}

// escapeChoice escapes an option of a snippet choice.
func escapeChoice(s string) string {
	if !strings.ContainsAny(s, `\$},|`) {
		return s
	}
	return choiceEscaper.Replace(s)
}

func (c *completer) inputSnippets() []Item {
	it := c.item("New input", KindSnippet, c.withCommas(inputBody), true)
	it.Detail = "input"
	it.Documentation = "A value asked of the user on first use, referenced as `${input:id}`."
	it.FilterText = c.filterWord()
	return []Item{it}
}

// skeletons offers a whole file when the document is empty.
func (c *completer) skeletons() []Item {
	entries := []struct{ label, doc, body string }{
		{"MCP config (Claude Code, Cursor)", "An `.mcp.json` with `mcpServers`.",
			"{\n\t\"mcpServers\": {\n\t\t\"${1:name}\": {\n\t\t\t\"command\": \"${2:npx}\",\n\t\t\t\"args\": [\"${3:-y}\", \"${4:package}\"]\n\t\t}\n\t}\n}"},
		{"MCP config (VS Code)", "A `.vscode/mcp.json` with `servers` and `inputs`.",
			"{\n\t\"servers\": {\n\t\t\"${1:name}\": {\n\t\t\t\"type\": \"http\",\n\t\t\t\"url\": \"${2:https://}\"\n\t\t}\n\t},\n\t\"inputs\": []\n}"},
	}
	items := make([]Item, 0, len(entries))
	for i, e := range entries {
		it := c.item(e.label, KindSnippet, e.body, true)
		it.Documentation = e.doc
		it.SortText = string(rune('0' + i))
		it.FilterText = c.filterWord()
		items = append(items, it)
	}
	return items
}
