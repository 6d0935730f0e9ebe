package demoserver

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Values offered by completion/complete for prompt arguments.
var (
	greetStyles = []string{"casual", "formal", "pirate", "poetic"}
	languages   = []string{"c", "cpp", "csharp", "go", "java", "javascript", "kotlin", "python", "ruby", "rust", "swift", "typescript"}
	focuses     = []string{"correctness", "performance", "readability", "security", "tests"}
)

func (s *Server) addPrompts() {
	s.mcp.AddPrompt(&mcp.Prompt{Name: "simple", Title: "Simple prompt", Description: "A prompt without arguments."},
		func(context.Context, *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			return userText("Say something nice about MCP."), nil
		})
	s.mcp.AddPrompt(&mcp.Prompt{Name: "greet", Title: "Greeting", Description: "Greets someone in a style.",
		Arguments: []*mcp.PromptArgument{
			{Name: "name", Description: "Who to greet (completes from the demo users).", Required: true},
			{Name: "style", Description: "casual, formal, pirate or poetic (completes).", Required: false},
		}}, s.getGreet)
	s.mcp.AddPrompt(&mcp.Prompt{Name: "code_review", Title: "Code review", Description: "Asks for a review of a snippet.",
		Arguments: []*mcp.PromptArgument{
			{Name: "language", Description: "Programming language (completes).", Required: true},
			{Name: "code", Description: "The code to review.", Required: true},
			{Name: "focus", Description: "What to look at first (completes).", Required: false},
		}}, s.getCodeReview)
	s.mcp.AddPrompt(&mcp.Prompt{Name: "summarize_item", Title: "Summarize an item", Description: "Embeds an item resource and asks for a summary.",
		Arguments: []*mcp.PromptArgument{{Name: "id", Description: "Item id (completes).", Required: true}}}, s.getSummarizeItem)
}

func userText(text string) *mcp.GetPromptResult {
	return &mcp.GetPromptResult{Messages: []*mcp.PromptMessage{{Role: "user", Content: &mcp.TextContent{Text: text}}}}
}

// requireArgs returns an invalid-params error naming the missing arguments.
func requireArgs(req *mcp.GetPromptRequest, names ...string) error {
	var missing []string
	for _, n := range names {
		if req.Params.Arguments[n] == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams,
		Message: fmt.Sprintf("prompt %s: missing required argument(s): %s", req.Params.Name, strings.Join(missing, ", "))}
}

func (s *Server) getGreet(_ context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
	if err := requireArgs(req, "name"); err != nil {
		return nil, err
	}
	style := req.Params.Arguments["style"]
	if style == "" {
		style = "casual"
	}
	res := userText(fmt.Sprintf("Write a %s greeting for %s.", style, req.Params.Arguments["name"]))
	res.Description = "A " + style + " greeting"
	return res, nil
}

func (s *Server) getCodeReview(_ context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
	if err := requireArgs(req, "language", "code"); err != nil {
		return nil, err
	}
	a := req.Params.Arguments
	text := fmt.Sprintf("Review this %s code", a["language"])
	if a["focus"] != "" {
		text += ", looking at " + a["focus"] + " first"
	}
	return &mcp.GetPromptResult{Messages: []*mcp.PromptMessage{
		{Role: "user", Content: &mcp.TextContent{Text: text + ":\n\n" + a["code"]}},
		{Role: "assistant", Content: &mcp.TextContent{Text: "Here is my review."}},
	}}, nil
}

func (s *Server) getSummarizeItem(ctx context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
	if err := requireArgs(req, "id"); err != nil {
		return nil, err
	}
	id, err := strconv.Atoi(req.Params.Arguments["id"])
	if err != nil {
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: fmt.Sprintf("prompt summarize_item: id %q is not a number", req.Params.Arguments["id"])}
	}
	read, err := s.readItem(ctx, &mcp.ReadResourceRequest{Params: &mcp.ReadResourceParams{URI: itemURI(id)}})
	if err != nil {
		return nil, err
	}
	return &mcp.GetPromptResult{Messages: []*mcp.PromptMessage{
		{Role: "user", Content: &mcp.EmbeddedResource{Resource: read.Contents[0]}},
		{Role: "user", Content: &mcp.TextContent{Text: "Summarize this item in one sentence."}},
	}}, nil
}

// maxCompletions is the most values one completion answer carries.
const maxCompletions = 100

// complete answers completion/complete for prompt arguments and resource
// template variables.
func (s *Server) complete(_ context.Context, req *mcp.CompleteRequest) (*mcp.CompleteResult, error) {
	p := req.Params
	var vars map[string]string
	if p.Context != nil {
		vars = p.Context.Arguments
	}
	var values []string
	switch p.Ref.Type {
	case "ref/prompt":
		values = s.promptValues(p.Ref.Name, p.Argument.Name)
	case "ref/resource":
		values = s.templateValues(p.Ref.URI, p.Argument.Name, vars)
	}
	return completionResult(values, p.Argument.Value), nil
}

func (s *Server) promptValues(prompt, arg string) []string {
	switch prompt + "." + arg {
	case "greet.name":
		return slices.Sorted(maps.Keys(users))
	case "greet.style":
		return greetStyles
	case "code_review.language":
		return languages
	case "code_review.focus":
		return focuses
	case "summarize_item.id":
		return s.itemIDStrings()
	}
	return nil
}

func (s *Server) templateValues(template, variable string, vars map[string]string) []string {
	switch template + "#" + variable {
	case itemTemplate + "#id":
		return s.itemIDStrings()
	case notesTemplate + "#user":
		return slices.Sorted(maps.Keys(users))
	case notesTemplate + "#note":
		if u := vars["user"]; u != "" {
			return users[u]
		}
		var all []string
		for _, notes := range users {
			all = append(all, notes...)
		}
		slices.Sort(all)
		return slices.Compact(all)
	}
	return nil
}

func (s *Server) itemIDStrings() []string {
	var ids []string
	for _, id := range s.state.itemIDs() {
		ids = append(ids, strconv.Itoa(id))
	}
	return ids
}

// completionResult keeps the values starting with prefix (ignoring case).
func completionResult(values []string, prefix string) *mcp.CompleteResult {
	match := []string{}
	for _, v := range values {
		if strings.HasPrefix(strings.ToLower(v), strings.ToLower(prefix)) {
			match = append(match, v)
		}
	}
	res := &mcp.CompleteResult{Completion: mcp.CompletionResultDetails{Values: match, Total: len(match)}}
	if len(match) > maxCompletions {
		res.Completion.Values = match[:maxCompletions]
		res.Completion.HasMore = true
	}
	return res
}
