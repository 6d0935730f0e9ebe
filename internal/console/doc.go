// Package console records what happens on an MCP connection: every
// JSON-RPC message and every transport event, as a timed, structured,
// redacted [Event]. It owns the event model, the sinks that carry events,
// and the redaction rules that keep secrets out of them. It knows nothing
// of MCP sessions, LSP or editors; internal/mcp emits events, the language
// server forwards them to the editor (mcp/console), the CLI prints them.
//
// # Events and sinks
//
// An [Event] says when, which server, what kind ([KindSend], [KindRecv],
// [KindHTTP], [KindEvent], [KindStderr], [KindAuth], [KindLog]), how severe,
// and a one-line human Message; Data optionally holds the redacted message
// body. Events go to a [Sink]:
//
//	sink := console.SinkFunc(func(e console.Event) { fmt.Println(e) })
//	sink.Emit(console.Event{Time: time.Now(), Server: "everything",
//		Kind: console.KindEvent, Level: console.LevelInfo, Message: "connected"})
//
// A Sink must be safe for concurrent use and quick: events are emitted on
// the connection's goroutines. [Tee] fans out to several sinks, [Discard]
// drops everything (and lets emitters skip building events), a [Recorder]
// keeps every event and can [Recorder.Wait] for one, which is how tests
// watch a connection without sleeping:
//
//	var rec console.Recorder
//	// ... connect with rec as the sink ...
//	e, err := rec.Wait(ctx, func(e console.Event) bool { return e.Method == "initialize" })
//
// A [Ring] keeps the recent events of each server, so a console window
// opened late can show history, then follow live events with
// [Ring.Subscribe]. Its history is bounded in events and bytes
// ([RingLimits]): a large body is kept there as a marked excerpt, while
// live subscribers get every event whole.
//
// Events encode to JSON with the elapsed time as "elapsedMs":
//
//	{"time":"...","server":"gh","kind":"http","level":"debug","method":"POST",
//	 "message":"POST https://api.example.com/mcp → 200 OK","data":{...},"elapsedMs":12.5}
//
// # HTTP traffic
//
// [NewRoundTripper] wraps the http.RoundTripper of an MCP client: each POST
// body is reported as [KindSend] events (one per JSON-RPC message), each
// response as a [KindHTTP] event with status, duration and redacted
// headers. Response bodies are not touched, so SSE streams flow as they
// arrive.
//
//	client := &http.Client{Transport: console.NewRoundTripper(base, "gh", sink)}
//
// Messages read from other transports (stdio, or JSON response bodies) are
// turned into events by [MessageEvents].
//
// # Redaction
//
// Nothing secret may reach an event. Redaction works in two ways.
//
// By shape: [RedactJSON] masks the values of secret-looking keys anywhere in
// a document (authorization, token, access_token, client_secret, password,
// api_key, cookie, code_verifier, "code" in an OAuth token request...),
// [RedactHeaders] masks Authorization, Cookie, X-Api-Key and any header
// whose name says token, secret or password, [RedactURL] masks secret query
// parameters and userinfo passwords, and [RedactText] applies the URL and
// credential rules to free text such as a server's stderr. Masked values
// become [Mask] ("«redacted»"), or [URLMask] ("REDACTED") inside URLs.
//
//	console.RedactURL("https://x.test/sse?api_key=abc&v=2")
//	// https://x.test/sse?api_key=REDACTED&v=2
//
// By value: a [Masker] remembers secrets learnt at run time (tokens from
// an auth flow, values of password inputs) and scrubs them wherever they
// appear. Put it last before the real sink, so it sees every event:
//
//	var m console.Masker
//	sink := m.Sink(console.Tee(ring, editorSink))
//	// later, when the auth flow gets a token:
//	m.Add(tok.AccessToken, tok.RefreshToken)
//
// [RedactString] is the one-shot form: replace given secret values in a
// string.
package console
