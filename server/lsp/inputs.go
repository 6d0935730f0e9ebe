package lsp

import (
	"context"
	"errors"
	"fmt"

	"go.lsp.dev/uri"

	"mcpls/internal/config"
	"mcpls/internal/runner"
	"mcpls/server/lspext"
)

// inputs remembers the values of ${input:id} the user typed, per config
// file, for the life of the server (as VS Code does); they are never
// written anywhere. A value not typed yet comes from MCPLS_INPUT_<ID> in
// this process's environment, as in the CLI.
func (m *mcpServers) lookupInput(u uri.URI) func(id string) (string, bool) {
	fromEnv := runner.EnvInputs(envLookup)
	return func(id string) (string, bool) {
		m.mu.Lock()
		v, ok := m.inputs[u][id]
		m.mu.Unlock()
		if ok {
			return v, true
		}
		return fromEnv(id)
	}
}

// askInputs asks the editor (mcp/prompt) for the inputs a server needs.
// It returns nil when every one got a value, else why not: an editor
// without mcp/prompt gets the MissingInputError, which names the
// environment variables that can answer instead.
func (m *mcpServers) askInputs(ctx context.Context, k serverKey, f *config.File, missing *runner.MissingInputError) error {
	if !m.s.state.snapshot().Caps().MCP.Prompt {
		return missing
	}
	for _, id := range missing.IDs {
		params := lspext.PromptParams{Title: fmt.Sprintf("%s needs %q", k.name, id), Prompt: missing.Descriptions[id]}
		if in := f.Input(id); in != nil {
			params.Password = in.Password.Value
			params.Value = in.Default.Value
		}
		var res lspext.PromptResult
		if err := m.s.client.Call(ctx, lspext.MethodPrompt, params, &res); err != nil {
			return fmt.Errorf("asking for input %q: %w", id, err)
		}
		if res.Value == nil {
			return fmt.Errorf("input %q was not given", id)
		}
		m.mu.Lock()
		if m.inputs[k.uri] == nil {
			m.inputs[k.uri] = map[string]string{}
		}
		m.inputs[k.uri][id] = *res.Value
		m.mu.Unlock()
		if params.Password {
			m.masker.Add(*res.Value)
		}
	}
	return nil
}

// missingInputs returns the MissingInputError in err, if any.
func missingInputs(err error) (*runner.MissingInputError, bool) {
	var missing *runner.MissingInputError
	ok := errors.As(err, &missing)
	return missing, ok
}
