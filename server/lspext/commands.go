package lspext

import "encoding/json"

// Commands mcpls runs through workspace/executeCommand. Each takes one
// argument of the type named in its Command entry.
const (
	CmdConnect      = "mcpls.connect"      // ServerArgs -> ServerState
	CmdDisconnect   = "mcpls.disconnect"   // ServerArgs -> ServerState
	CmdResync       = "mcpls.resync"       // ServerArgs -> ServerState
	CmdSignIn       = "mcpls.signIn"       // ServerArgs -> ServerState
	CmdSignOut      = "mcpls.signOut"      // ServerArgs -> ServerState
	CmdCallTool     = "mcpls.callTool"     // RunArgs -> Result
	CmdGetPrompt    = "mcpls.getPrompt"    // RunArgs -> Result
	CmdReadResource = "mcpls.readResource" // RunArgs -> Result
	CmdAddRequest   = "mcpls.addRequest"   // AddRequestArgs -> null (edits through workspace/applyEdit)
	CmdShowResult   = "mcpls.showResult"   // RequestArgs -> Result (the last one)
	CmdShowConsole  = "mcpls.showConsole"  // ServerArgs -> null (opens the console for editors without mcp/console)
)

// Command describes one command for the editor and the generated
// declarations.
type Command struct {
	Name  string // the command id
	Title string // what a user reads
	Args  string // the name of its argument type in this package
}

// Commands is the one table of commands, in the order editors list them.
var Commands = []Command{
	{CmdConnect, "Connect", "ServerArgs"},
	{CmdDisconnect, "Disconnect", "ServerArgs"},
	{CmdResync, "Resync", "ServerArgs"},
	{CmdSignIn, "Sign in", "ServerArgs"},
	{CmdSignOut, "Sign out", "ServerArgs"},
	{CmdCallTool, "Call tool", "RunArgs"},
	{CmdGetPrompt, "Get prompt", "RunArgs"},
	{CmdReadResource, "Read resource", "RunArgs"},
	{CmdAddRequest, "Add request", "AddRequestArgs"},
	{CmdShowResult, "Show result", "RequestArgs"},
	{CmdShowConsole, "Show console", "ServerArgs"},
}

// CommandNames lists the command ids, for executeCommandProvider.
func CommandNames() []string {
	names := make([]string, len(Commands))
	for i, c := range Commands {
		names[i] = c.Name
	}
	return names
}

// ServerArgs names one server of one config file.
type ServerArgs struct {
	URI    string `json:"uri"`
	Server string `json:"server"`
}

// RequestArgs names one saved request by its index in "requests".
type RequestArgs struct {
	URI     string `json:"uri"`
	Request int    `json:"request"`
}

// RunArgs runs a saved request (Request set) or an ad-hoc call from the
// catalog (Server, Target and Arguments set).
type RunArgs struct {
	URI       string          `json:"uri"`
	Request   *int            `json:"request,omitempty"`
	Server    string          `json:"server,omitempty"`
	Target    string          `json:"target,omitempty"` // tool or prompt name, or resource URI
	Arguments json.RawMessage `json:"arguments,omitempty"`
}

// AddRequestArgs inserts a request skeleton for a tool, prompt or resource
// into the config file's "requests".
type AddRequestArgs struct {
	URI    string `json:"uri"`
	Server string `json:"server"`
	Kind   string `json:"kind"` // tool, prompt, resource
	Target string `json:"target"`
}
