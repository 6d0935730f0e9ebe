package console_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"mcpls/internal/console"
)

func ExampleRedactURL() {
	fmt.Println(console.RedactURL("https://bob:hunter2@h.example/sse?api_key=abc&page=2"))
	// Output: https://bob:REDACTED@h.example/sse?api_key=REDACTED&page=2
}

func ExampleRedactJSON() {
	body := `{"headers": {"Authorization": "Bearer ghp_x", "Accept": "*/*"}, "error": {"code": -32601}}`
	fmt.Println(string(console.RedactJSON([]byte(body))))
	// Output: {"headers":{"Authorization":"«redacted»","Accept":"*/*"},"error":{"code":-32601}}
}

func ExampleRedactHeaders() {
	h := http.Header{"Authorization": {"Bearer ghp_x"}, "Mcp-Session-Id": {"s1"}}
	r := console.RedactHeaders(h)
	fmt.Println(r.Get("Authorization"), r.Get("Mcp-Session-Id"))
	// Output: Bearer «redacted» s1
}

func ExampleMasker() {
	var rec console.Recorder
	var m console.Masker
	sink := m.Sink(&rec)

	// The auth flow learns a token after the sink was wired.
	m.Add("tok-1234567")
	sink.Emit(console.Event{Kind: console.KindAuth, Message: "refreshed: tok-1234567"})

	fmt.Println(rec.Events()[0].Message)
	// Output: refreshed: «redacted»
}

func ExampleRecorder_Wait() {
	var rec console.Recorder
	go rec.Emit(console.Event{Server: "demo", Kind: console.KindEvent, Message: "connected"})

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	e, err := rec.Wait(ctx, func(e console.Event) bool { return e.Message == "connected" })
	fmt.Println(e.Server, e.Message, err)
	// Output: demo connected <nil>
}

func ExampleMessageEvents() {
	raw := []byte(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"add","arguments":{"password":"p"}}}`)
	for _, e := range console.MessageEvents("demo", console.KindSend, raw) {
		fmt.Println(e.Message)
		fmt.Println(string(e.Data))
	}
	// Output:
	// → tools/call #3
	// {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"add","arguments":{"password":"«redacted»"}}}
}
