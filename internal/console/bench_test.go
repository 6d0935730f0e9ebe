package console

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// toolsList builds a tools/list result with n tools, the largest message a
// console usually sees.
func toolsList(n int) []byte {
	var tools []string
	for i := range n {
		tools = append(tools, fmt.Sprintf(`{"name":"tool_%d","description":"Does thing %d with care: see https://docs.example.com/tools/%d for details.",`+
			`"inputSchema":{"type":"object","properties":{"a":{"type":"number","description":"first"},"mode":{"type":"string","enum":["x","y","z"]}},"required":["a"]}}`, i, i, i))
	}
	return []byte(`{"jsonrpc":"2.0","id":2,"result":{"tools":[` + strings.Join(tools, ",") + `]}}`)
}

func BenchmarkRedactJSON(b *testing.B) {
	for _, n := range []int{1, 100} {
		doc := toolsList(n)
		b.Run(fmt.Sprint("tools=", n), func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				RedactJSON(doc)
			}
		})
	}
}

func BenchmarkMessageEvents(b *testing.B) {
	call := []byte(`{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2},"_meta":{"progressToken":12}}}`)
	b.SetBytes(int64(len(call)))
	for b.Loop() {
		MessageEvents("s", KindSend, call)
	}
}

func BenchmarkCompactBaseline(b *testing.B) {
	doc := toolsList(100)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		var v any
		_ = json.Unmarshal(doc, &v)
	}
}

// BenchmarkRingFull emits into a Ring whose histories are full, as when
// hundreds of servers connect at once: each event evicts.
func BenchmarkRingFull(b *testing.B) {
	page := json.RawMessage(toolsList(40))
	for _, servers := range []int{1, 200} {
		b.Run(fmt.Sprint("servers=", servers), func(b *testing.B) {
			r := NewRingWith(DefaultRingLimits)
			names := make([]string, servers)
			for i := range names {
				names[i] = fmt.Sprint("server-", i)
			}
			i := 0
			for b.Loop() {
				r.Emit(Event{Server: names[i%servers], Kind: KindRecv, Message: "← result #2", Data: page})
				i++
			}
		})
	}
}
