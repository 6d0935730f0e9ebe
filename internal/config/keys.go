package config

import "mcpls/internal/jsonc"

// This file is the one table of the keys mcpls knows in an MCP config file:
// where each key may stand (its Context), which JSON kinds it accepts, its
// documentation, its enum values and, for server entries, the transports it
// applies to. Diagnostics (unknown keys, wrong types), completion and hover
// all read it, so a key is added here once and every feature learns it.

// Context says what kind of object or array a JSON path points at.
type Context int

// The contexts of an MCP config file.
const (
	CtxNone        Context = iota // outside anything we know, or free-form content
	CtxRoot                       // the top-level object
	CtxServers                    // mcpServers / servers: a map of name -> server
	CtxServer                     // one server entry
	CtxOAuth                      // a server's oauth object
	CtxInputs                     // the inputs array
	CtxInput                      // one input
	CtxRequests                   // the requests array
	CtxRequest                    // one saved request
	CtxStringMap                  // env or headers: free names, string values
	CtxStringArray                // args, oauth.scopes, an input's options
	CtxArguments                  // a request's arguments: free keys, any values (the tool's schema decides)
)

var contextNames = [...]string{
	CtxNone:        "none",
	CtxRoot:        "root",
	CtxServers:     "servers",
	CtxServer:      "server",
	CtxOAuth:       "oauth",
	CtxInputs:      "inputs",
	CtxInput:       "input",
	CtxRequests:    "requests",
	CtxRequest:     "request",
	CtxStringMap:   "string map",
	CtxStringArray: "string array",
	CtxArguments:   "arguments",
}

func (c Context) String() string {
	if c >= 0 && int(c) < len(contextNames) {
		return contextNames[c]
	}
	return "none"
}

// Transports of a server entry, as spelled in its "type" key.
const (
	TransportStdio = "stdio"
	TransportHTTP  = "http"
	TransportSSE   = "sse"
)

// Key describes one known key of an object context.
type Key struct {
	Name  string
	Kinds []jsonc.Kind // the JSON kinds its value may have
	// Doc is markdown: what the key does, which tools read it, an example.
	Doc string
	// Enum lists the allowed string values, when the set is closed;
	// EnumDocs documents them (same order, markdown).
	Enum     []string
	EnumDocs []string
	// Transports (CtxServer only) lists the transports the key applies to;
	// empty means every transport.
	Transports []string
	// Snippet is an LSP snippet for the value, inserted after `"name": `
	// when the key is completed. Empty means a scaffold by kind.
	Snippet string
}

// AppliesTo reports whether a server key applies to the transport t
// ("stdio", "http", "sse"); an empty t (unknown transport) matches all.
func (k Key) AppliesTo(t string) bool {
	if t == "" || len(k.Transports) == 0 {
		return true
	}
	for _, x := range k.Transports {
		if x == t {
			return true
		}
	}
	return false
}

// Accepts reports whether a value of kind kind is allowed for the key.
func (k Key) Accepts(kind jsonc.Kind) bool {
	for _, x := range k.Kinds {
		if x == kind {
			return true
		}
	}
	return false
}

// ContextOf returns the context of the object or array at path (the path
// of a container, as in jsonc.Location.Path).
func ContextOf(path []jsonc.PathSeg) Context {
	c := CtxRoot
	for _, seg := range path {
		c = childContext(c, seg)
		if c == CtxNone {
			return CtxNone
		}
	}
	return c
}

// childContext is the context of the value at seg inside a container of
// context c.
func childContext(c Context, seg jsonc.PathSeg) Context {
	isKey := seg.Index < 0
	switch c {
	case CtxRoot:
		if !isKey {
			return CtxNone
		}
		switch seg.Key {
		case "mcpServers", "servers":
			return CtxServers
		case "inputs":
			return CtxInputs
		case "requests":
			return CtxRequests
		}
	case CtxServers:
		if isKey {
			return CtxServer
		}
	case CtxServer:
		if !isKey {
			return CtxNone
		}
		switch seg.Key {
		case "oauth":
			return CtxOAuth
		case "env", "headers":
			return CtxStringMap
		case "args":
			return CtxStringArray
		}
	case CtxOAuth:
		if isKey && seg.Key == "scopes" {
			return CtxStringArray
		}
	case CtxInputs:
		if !isKey {
			return CtxInput
		}
	case CtxInput:
		if isKey && seg.Key == "options" {
			return CtxStringArray
		}
	case CtxRequests:
		if !isKey {
			return CtxRequest
		}
	case CtxRequest:
		if isKey && seg.Key == "arguments" {
			return CtxArguments
		}
	}
	return CtxNone
}

// Keys returns the known keys of an object context in display order. It
// returns nil for contexts whose keys are free (CtxServers, CtxStringMap,
// CtxArguments) or that are not objects.
func Keys(c Context) []Key {
	return keyTable[c]
}

// LookupKey returns the known key name of context c.
func LookupKey(c Context, name string) (Key, bool) {
	if k := findKey(keyTable[c], name); k != nil {
		return *k, true
	}
	return Key{}, false
}

// findKey returns the key called name in keys, nil if none. It does not
// copy: Check looks up every member of a document, and copying each Key
// it compared (as ranging by value does) was most of Check's time.
func findKey(keys []Key, name string) *Key {
	for i := range keys {
		if keys[i].Name == name {
			return &keys[i]
		}
	}
	return nil
}

// Shorthands for the Kinds of the table.
var (
	kString  = []jsonc.Kind{jsonc.String}
	kNumber  = []jsonc.Kind{jsonc.Number}
	kBool    = []jsonc.Kind{jsonc.Bool}
	kObject  = []jsonc.Kind{jsonc.Object}
	kArray   = []jsonc.Kind{jsonc.Array}
	stdio    = []string{TransportStdio}
	remote   = []string{TransportHTTP, TransportSSE}
	mapSnip  = "{\n\t\"${1:NAME}\": \"${2:value}\"\n}"
	listSnip = "[\"$1\"]"
)

var keyTable = map[Context][]Key{
	CtxRoot:    rootKeys,
	CtxServer:  serverKeys,
	CtxOAuth:   oauthKeys,
	CtxInput:   inputKeys,
	CtxRequest: requestKeys,
}

var rootKeys = []Key{
	{
		Name: "mcpServers", Kinds: kObject, Snippet: "{\n\t$0\n}",
		Doc: "The MCP servers, by name. Read by **Claude Code** (`.mcp.json`), **Cursor** " +
			"(`.cursor/mcp.json`) and **mcpls**. Each entry is a stdio server (`command`) or a " +
			"remote one (`url`).\n\n" +
			"```jsonc\n\"mcpServers\": {\n  \"everything\": { \"command\": \"npx\", \"args\": [\"-y\", \"@modelcontextprotocol/server-everything\"] }\n}\n```",
	},
	{
		Name: "servers", Kinds: kObject, Snippet: "{\n\t$0\n}",
		Doc: "The MCP servers, by name, in **VS Code**'s format (`.vscode/mcp.json`); read by " +
			"VS Code and **mcpls**. Same entries as `mcpServers`; variables such as " +
			"`${input:id}` refer to the `inputs` list.\n\n" +
			"```jsonc\n\"servers\": {\n  \"github\": { \"type\": \"http\", \"url\": \"https://api.githubcopilot.com/mcp/\" }\n}\n```",
	},
	{
		Name: "inputs", Kinds: kArray, Snippet: "[\n\t{ \"id\": \"${1:id}\", \"type\": \"promptString\", \"description\": \"${2}\" }\n]",
		Doc: "Values asked of the user on first use and referenced as `${input:id}` " +
			"(**VS Code** format; mcpls asks through the editor).\n\n" +
			"```jsonc\n\"inputs\": [\n  { \"id\": \"api-key\", \"type\": \"promptString\", \"description\": \"API key\", \"password\": true }\n]\n```",
	},
	{
		Name: "requests", Kinds: kArray, Snippet: "[\n\t{ \"name\": \"${1:name}\", \"server\": \"${2}\", \"tool\": \"${3}\", \"arguments\": {} }\n]",
		Doc: "Saved MCP requests, an **mcpls** extension (other tools ignore the key). Each names a " +
			"server and exactly one of `tool`, `prompt` or `resource`; run them from the code lens " +
			"or with `mcpls run`.\n\n" +
			"```jsonc\n\"requests\": [\n  { \"name\": \"add\", \"server\": \"everything\", \"tool\": \"add\", \"arguments\": { \"a\": 1, \"b\": 2 } }\n]\n```",
	},
	{
		Name: "$schema", Kinds: kString,
		Doc: "The URL of a JSON Schema for this file, used by editors' JSON support. " +
			"mcpls accepts it and does not fetch it.",
	},
}

var serverKeys = []Key{
	{
		Name: "type", Kinds: kString, Snippet: "\"${1|stdio,http,sse|}\"",
		Enum: []string{TransportStdio, TransportHTTP, TransportSSE},
		EnumDocs: []string{
			"A local process started with `command`, speaking JSON-RPC on its stdin/stdout.",
			"A remote server at `url` over **streamable HTTP** (the current MCP transport).",
			"A remote server at `url` over the legacy **HTTP+SSE** transport (MCP 2024-11-05).",
		},
		Doc: "The transport: `stdio`, `http` (streamable HTTP) or `sse` (legacy HTTP+SSE). " +
			"Optional: `stdio` when `command` is set, `http` when `url` is set. Read by Claude Code, " +
			"VS Code, Cursor and mcpls; it must match the fields (`command` for stdio, `url` otherwise).\n\n" +
			"```jsonc\n\"type\": \"http\"\n```",
	},
	{
		Name: "command", Kinds: kString, Transports: stdio,
		Doc: "The program that runs a **stdio** server, found on `PATH` or given as a path. " +
			"Arguments go in `args`, not here. Read by Claude Code, VS Code, Cursor and mcpls.\n\n" +
			"```jsonc\n\"command\": \"npx\"\n```",
	},
	{
		Name: "args", Kinds: kArray, Transports: stdio, Snippet: listSnip,
		Doc: "The arguments of `command`, one string each (no shell splitting). Variables such as " +
			"`${workspaceFolder}` or `${env:HOME}` are expanded. Read by Claude Code, VS Code, Cursor and mcpls.\n\n" +
			"```jsonc\n\"args\": [\"-y\", \"@modelcontextprotocol/server-everything\"]\n```",
	},
	{
		Name: "env", Kinds: kObject, Transports: stdio, Snippet: mapSnip,
		Doc: "Environment variables for the server process, added to the environment it inherits. " +
			"Values may use variables (`${env:TOKEN}`, `${input:id}`, `${VAR:-default}`). Read by Claude Code, " +
			"VS Code, Cursor and mcpls.\n\n" +
			"```jsonc\n\"env\": { \"API_KEY\": \"${input:api-key}\" }\n```",
	},
	{
		Name: "envFile", Kinds: kString, Transports: stdio, Snippet: "\"\\${workspaceFolder}/${1:.env}\"",
		Doc: "A `.env` file (`NAME=value` lines) whose variables are added to the server's " +
			"environment; `env` wins on conflicts. Read by VS Code, Cursor and mcpls.\n\n" +
			"```jsonc\n\"envFile\": \"${workspaceFolder}/.env\"\n```",
	},
	{
		Name: "cwd", Kinds: kString, Transports: stdio,
		Doc: "The working directory of the server process; defaults to the workspace folder. Read by VS Code and mcpls.\n\n" +
			"```jsonc\n\"cwd\": \"${workspaceFolder}/server\"\n```",
	},
	{
		Name: "url", Kinds: kString, Transports: remote,
		Doc: "The endpoint of a remote (**http** or **sse**) server, an `http://` or `https://` URL. " +
			"Read by Claude Code, VS Code, Cursor and mcpls.\n\n" +
			"```jsonc\n\"url\": \"https://api.githubcopilot.com/mcp/\"\n```",
	},
	{
		Name: "headers", Kinds: kObject, Transports: remote, Snippet: "{\n\t\"${1:Authorization}\": \"${2:Bearer \\${env:TOKEN\\}}\"\n}",
		Doc: "HTTP headers sent with every request to a remote server, for example a personal " +
			"access token. Keep secrets out of the file: use `${env:VAR}` or `${input:id}`. Read by Claude Code, " +
			"VS Code, Cursor and mcpls.\n\n" +
			"```jsonc\n\"headers\": { \"Authorization\": \"Bearer ${env:GITHUB_PAT}\" }\n```",
	},
	{
		Name: "oauth", Kinds: kObject, Transports: remote,
		Snippet: "{\n\t\"clientId\": \"${1}\"$0\n}",
		Doc: "OAuth settings for a remote server that needs sign-in: a pre-registered client " +
			"(`clientId`, `clientSecret`), `scopes` and the loopback `callbackPort`. Without it " +
			"mcpls tries a client ID metadata document, then dynamic registration, then asks. Read by mcpls " +
			"and Claude Code.\n\n" +
			"```jsonc\n\"oauth\": { \"clientId\": \"my-app\", \"scopes\": [\"repo\"], \"callbackPort\": 33418 }\n```",
	},
	{
		Name: "timeout", Kinds: kNumber, Snippet: "${1:60}",
		Doc: "How long mcpls waits for a reply from this server, in **seconds** (default 60). " +
			"Progress notifications reset the wait. Read by mcpls.\n\n" +
			"```jsonc\n\"timeout\": 120\n```",
	},
	{
		Name: "dev", Kinds: kObject, Transports: stdio,
		Doc: "**VS Code** development mode for a stdio server you are writing: `watch` (a glob " +
			"whose changes restart the server) and `debug`. mcpls accepts and ignores it.\n\n" +
			"```jsonc\n\"dev\": { \"watch\": \"src/**/*.ts\" }\n```",
	},
}

var oauthKeys = []Key{
	{
		Name: "clientId", Kinds: kString,
		Doc: "The client ID of an OAuth app registered with the authorization server, for servers " +
			"without dynamic client registration.\n\n```jsonc\n\"clientId\": \"Iv1.0123456789abcdef\"\n```",
	},
	{
		Name: "clientSecret", Kinds: kString,
		Doc: "The client secret of that app, when it is a confidential client. Do not write it in " +
			"the file: use `${input:id}` (with `\"password\": true`) or `${env:VAR}`.\n\n" +
			"```jsonc\n\"clientSecret\": \"${input:gh-secret}\"\n```",
	},
	{
		Name: "scopes", Kinds: kArray, Snippet: listSnip,
		Doc: "The scopes to ask for at sign-in; by default those the server advertises.\n\n" +
			"```jsonc\n\"scopes\": [\"repo\", \"read:org\"]\n```",
	},
	{
		Name: "callbackPort", Kinds: kNumber, Snippet: "${1:33418}",
		Doc: "The loopback port (on 127.0.0.1) that takes the browser's redirect at sign-in; " +
			"set it when the app's registered redirect URI names a fixed port. Default: a random port.\n\n" +
			"```jsonc\n\"callbackPort\": 33418\n```",
	},
}

var inputKeys = []Key{
	{
		Name: "id", Kinds: kString,
		Doc: "The name that `${input:id}` refers to. Unique among the inputs.\n\n" +
			"```jsonc\n\"id\": \"api-key\"\n```",
	},
	{
		Name: "type", Kinds: kString, Snippet: "\"${1|promptString,pickString|}\"",
		Enum: []string{"promptString", "pickString"},
		EnumDocs: []string{
			"Ask for free text (set `password` to hide it).",
			"Ask to pick one of `options`.",
		},
		Doc: "How the value is asked: `promptString` (free text) or `pickString` (one of `options`). " +
			"**VS Code** input format; mcpls asks through the editor.\n\n" +
			"```jsonc\n\"type\": \"promptString\"\n```",
	},
	{
		Name: "description", Kinds: kString,
		Doc: "The prompt shown when the value is asked.\n\n```jsonc\n\"description\": \"GitHub personal access token\"\n```",
	},
	{
		Name: "password", Kinds: kBool,
		Doc: "For `promptString`: hide what is typed, and keep the value in the editor's secret " +
			"store, never in logs.\n\n```jsonc\n\"password\": true\n```",
	},
	{
		Name: "default", Kinds: kString,
		Doc: "The value proposed when asking.\n\n```jsonc\n\"default\": \"main\"\n```",
	},
	{
		Name: "options", Kinds: kArray, Snippet: listSnip,
		Doc: "For `pickString`: the values to pick from.\n\n```jsonc\n\"options\": [\"staging\", \"production\"]\n```",
	},
}

var requestKeys = []Key{
	{
		Name: "name", Kinds: kString,
		Doc: "The request's name, for `mcpls run --request NAME` and the editor's lists. " +
			"Optional; unique when set.\n\n```jsonc\n\"name\": \"add\"\n```",
	},
	{
		Name: "server", Kinds: kString,
		Doc: "The server the request goes to: a name from `mcpServers` / `servers`.\n\n" +
			"```jsonc\n\"server\": \"everything\"\n```",
	},
	{
		Name: "tool", Kinds: kString,
		Doc: "Call this tool (`tools/call`) with `arguments`. A request names exactly one of " +
			"`tool`, `prompt` and `resource`.\n\n```jsonc\n\"tool\": \"add\"\n```",
	},
	{
		Name: "prompt", Kinds: kString,
		Doc: "Get this prompt (`prompts/get`) with `arguments` (string values). A request names " +
			"exactly one of `tool`, `prompt` and `resource`.\n\n```jsonc\n\"prompt\": \"simple_prompt\"\n```",
	},
	{
		Name: "resource", Kinds: kString,
		Doc: "Read this resource (`resources/read`): a URI, or a URI template whose variables " +
			"come from `arguments`. A request names exactly one of `tool`, `prompt` and `resource`.\n\n" +
			"```jsonc\n\"resource\": \"test://static/resource/1\"\n```",
	},
	{
		Name: "arguments", Kinds: kObject, Snippet: "{\n\t$0\n}",
		Doc: "The arguments: a tool's input (checked against its `inputSchema`), a prompt's " +
			"arguments, or a resource template's variables. Values may use variables.\n\n" +
			"```jsonc\n\"arguments\": { \"a\": 1, \"b\": 2 }\n```",
	},
	{
		Name: "description", Kinds: kString,
		Doc: "A note on what the request is for; shown in hovers and lists.\n\n" +
			"```jsonc\n\"description\": \"Smoke test of the add tool\"\n```",
	},
}

// VarForm is one form of variable reference usable in string values.
type VarForm struct {
	Label   string // as written, e.g. "${env:VAR}"
	Snippet string // the whole reference as an LSP snippet (its "$" escaped)
	Doc     string // markdown
}

// VariableForms lists the variable reference forms, in display order.
func VariableForms() []VarForm {
	return varForms
}

var varForms = []VarForm{
	{"${env:VAR}", `\${env:${1:VAR}}`, "The environment variable `VAR` of the server's environment: its `env` entries, else its `envFile`, else the environment mcpls inherits. **VS Code, Cursor**."},
	{"${input:id}", `\${input:${1:id}}`, "The value of the input `id` from `inputs`, asked of the user on first use. **VS Code**."},
	{"${workspaceFolder}", `\${workspaceFolder}`, "The workspace folder (the folder open in the editor). **VS Code, Cursor**."},
	{"${workspaceFolderBasename}", `\${workspaceFolderBasename}`, "The name of the workspace folder, without its path. **VS Code**."},
	{"${userHome}", `\${userHome}`, "The user's home directory. **VS Code, Cursor**."},
	{"${pathSeparator}", `\${pathSeparator}`, "The path separator of the OS: `/`, or `\\` on Windows (also written `${/}`). **VS Code**."},
	{"${VAR}", `\${${1:VAR}}`, "The environment variable `VAR`. **Claude Code** form."},
	{"${VAR:-default}", `\${${1:VAR}:-${2:default}}`, "The environment variable `VAR`, or `default` when it is unset or empty. **Claude Code** form."},
}
