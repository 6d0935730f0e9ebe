package mcp

import (
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// TestDecodeMessages checks the transport's decoder against what the
// SDK's makes of the same bytes, and its refusals.
func TestDecodeMessages(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		n       int    // messages
		wantErr string // "" when it decodes
	}{
		{"response", `{"jsonrpc":"2.0","id":7,"result":{"content":[]}}`, 1, ""},
		{"string id", `{"jsonrpc":"2.0","id":"a","result":{}}`, 1, ""},
		{"negative id", `{"jsonrpc":"2.0","id":-3,"result":{}}`, 1, ""},
		{"error response", `{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"bad"}}`, 1, ""},
		{"request", `{"jsonrpc":"2.0","id":2,"method":"roots/list","params":{}}`, 1, ""},
		{"notification", ` {"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}}`, 1, ""},
		{"batch", `[{"jsonrpc":"2.0","id":1,"result":{}},{"jsonrpc":"2.0","method":"notifications/message","params":{}}]`, 2, ""},
		{"truncated", `{"jsonrpc":"2.0","id":`, 0, "unexpected end of JSON input"},
		{"not 2.0", `{"jsonrpc":"1.0","id":1,"result":{}}`, 0, `not JSON-RPC 2.0 (jsonrpc is "1.0")`},
		{"response without id", `{"jsonrpc":"2.0","result":{}}`, 0, "a response without an id"},
		{"empty", ``, 0, "unexpected end of JSON input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs, err := decodeMessages([]byte(tt.raw))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(msgs) != tt.n {
				t.Fatalf("decodeMessages = %d messages, %v; want %d", len(msgs), err, tt.n)
			}
			if tt.n != 1 {
				return
			}
			want, err := jsonrpc.DecodeMessage([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := jsonrpc.EncodeMessage(msgs[0])
			wantRaw, _ := jsonrpc.EncodeMessage(want)
			if string(got) != string(wantRaw) {
				t.Errorf("decoded as %s, the SDK decodes %s", got, wantRaw)
			}
		})
	}
}
