package lsptest

import (
	"fmt"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// codec marshals payloads with the protocol package's union-aware codec.
type codec struct{}

func (codec) Marshal(v any) ([]byte, error) {
	if raw, ok := v.(jsonrpc2.RawMessage); ok {
		return raw, nil
	}
	return protocol.Marshal(v)
}

func (codec) Unmarshal(data []byte, v any) error {
	if p, ok := v.(*jsonrpc2.RawMessage); ok {
		*p = append(jsonrpc2.RawMessage(nil), data...)
		return nil
	}
	return protocol.Unmarshal(data, v)
}

// Position returns the LSP position (UTF-16 characters) of a byte offset in
// text, computed independently of the server's code.
func Position(text string, offset int) protocol.Position {
	before := text[:offset]
	line := strings.Count(before, "\n")
	lineStart := strings.LastIndexByte(before, '\n') + 1
	char := 0
	for _, r := range before[lineStart:] {
		if r >= 0x10000 {
			char += 2
		} else {
			char++
		}
	}
	return protocol.Position{Line: uint32(line), Character: uint32(char)}
}

// Describe renders diagnostics for failure messages.
func Describe(p *protocol.PublishDiagnosticsParams) string {
	if p == nil {
		return "none"
	}
	v, _ := p.Version.Get()
	var b strings.Builder
	fmt.Fprintf(&b, "version %d, %d diagnostic(s)", v, len(p.Diagnostics))
	for _, d := range p.Diagnostics {
		fmt.Fprintf(&b, "; %d:%d %v", d.Range.Start.Line, d.Range.Start.Character, d.Message)
	}
	return b.String()
}
