package console

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestRedactJSON(t *testing.T) {
	m := `"` + Mask + `"`
	tests := []struct{ name, in, want string }{
		{"top-level key", `{"access_token":"abc","token_type":"Bearer"}`, `{"access_token":` + m + `,"token_type":"Bearer"}`},
		{"order kept, compacted", `{ "z": 1, "a": 2 }`, `{"z":1,"a":2}`},
		{"nested in arrays", `[{"x":[{"password":"p"}]}, {"refresh_token":"r"}]`, `[{"x":[{"password":` + m + `}]},{"refresh_token":` + m + `}]`},
		{"headers object", `{"headers":{"Authorization":"Bearer x","Accept":"*/*"}}`, `{"headers":{"Authorization":` + m + `,"Accept":"*/*"}}`},
		{"env with token suffix", `{"env":{"GITHUB_TOKEN":"ghp","HOME":"/root"}}`, `{"env":{"GITHUB_TOKEN":` + m + `,"HOME":"/root"}}`},
		{"number and object values masked", `{"secret":42,"api_key":{"k":"v"}}`, `{"secret":` + m + `,"api_key":` + m + `}`},
		{"null and empty kept", `{"token":null,"password":""}`, `{"token":null,"password":""}`},
		{"id_token client_secret cookie", `{"id_token":"i","client_secret":"c","cookie":"s=1","set-cookie":["a"]}`,
			`{"id_token":` + m + `,"client_secret":` + m + `,"cookie":` + m + `,"set-cookie":` + m + `}`},
		{"code in token request", `{"grant_type":"authorization_code","code":"c","code_verifier":"v"}`,
			`{"grant_type":"authorization_code","code":` + m + `,"code_verifier":` + m + `}`},
		{"json-rpc error code kept", `{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"nope"}}`, `{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"nope"}}`},
		{"tool argument code kept", `{"arguments":{"code":"print(1)"}}`, `{"arguments":{"code":"print(1)"}}`},
		{"progress token kept", `{"_meta":{"progressToken":7}}`, `{"_meta":{"progressToken":7}}`},
		{"name/value pair", `[{"name":"Authorization","value":"Bearer x"},{"name":"Accept","value":"a"}]`,
			`[{"name":"Authorization","value":` + m + `},{"name":"Accept","value":"a"}]`},
		{"url in a string", `{"url":"https://h/?token=abc&x=1"}`, `{"url":"https://h/?token=REDACTED&x=1"}`},
		{"bearer in a string", `["Bearer abcdefghijklmnop"]`, `["Bearer ` + Mask + `"]`},
		{"html not escaped", `{"text":"a<b>&c"}`, `{"text":"a<b>&c"}`},
		{"scalars", `"plain"`, `"plain"`},
		{"big number text kept", `{"n":12345678901234567890}`, `{"n":12345678901234567890}`},
		{"invalid JSON redacted as text", `{"token": "abc", "x": 1`, `{"token": "` + Mask + `", "x": 1`},
		{"invalid JSON url", `oops https://h/?key=k`, `oops https://h/?key=REDACTED`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(RedactJSON([]byte(tt.in)))
			if got != tt.want {
				t.Errorf("RedactJSON(%s)\n got %s\nwant %s", tt.in, got, tt.want)
			}
			if json.Valid([]byte(tt.in)) && !json.Valid([]byte(got)) {
				t.Errorf("RedactJSON made valid JSON invalid: %s", got)
			}
		})
	}
}

func TestRedactBody(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"valid", `{"token":"t"}`, `{"token":"` + Mask + `"}`},
		{"invalid is quoted", `not json token=abc`, `"not json token=` + Mask + `"`},
		{"empty", `  `, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(RedactBody([]byte(tt.in)))
			if got != tt.want {
				t.Errorf("RedactBody(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestMasker(t *testing.T) {
	var m Masker
	m.Add("short", "", "s3cr3t-value", "s3cr3t-value", "redacted")
	if got := m.Secrets(); len(got) != 1 || got[0] != "s3cr3t-value" {
		t.Fatalf("Secrets() = %q, want only the long, new, unmaskable-free value", got)
	}
	tests := []struct{ name, in, want string }{
		{"in a string value", `{"msg":"got s3cr3t-value back"}`, `{"msg":"got ` + Mask + ` back"}`},
		{"in a key", `{"s3cr3t-value":1}`, `{"` + Mask + `":1}`},
		{"escaped in input", `{"m":"s3cr3t\u002dvalue"}`, `{"m":"` + Mask + `"}`},
		{"rules still apply", `{"token":"other"}`, `{"token":"` + Mask + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(m.ScrubJSON([]byte(tt.in))); got != tt.want {
				t.Errorf("ScrubJSON(%s) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
	t.Run("scrub text", func(t *testing.T) {
		if got, want := m.Scrub("x s3cr3t-value y"), "x "+Mask+" y"; got != want {
			t.Errorf("Scrub = %q, want %q", got, want)
		}
	})
	t.Run("number holding a secret", func(t *testing.T) {
		var n Masker
		n.Add("9876543")
		if got, want := string(n.ScrubJSON([]byte(`[19876543210]`))), `["`+Mask+`"]`; got != want {
			t.Errorf("JSON = %s, want %s", got, want)
		}
	})
	t.Run("sink scrubs secrets added later", func(t *testing.T) {
		var rec Recorder
		var late Masker
		sink := late.Sink(&rec)
		late.Add("tok-123456")
		sink.Emit(Event{Message: "refreshed tok-123456", ID: "tok-123456", Data: json.RawMessage(`{"t":"tok-123456"}`)})
		e := rec.Events()[0]
		for _, field := range []string{e.Message, e.ID, string(e.Data)} {
			if strings.Contains(field, "tok-123456") {
				t.Errorf("secret leaked: %q", field)
			}
		}
	})
}

func TestRedactJSONKeepsCleanDocuments(t *testing.T) {
	docs := []string{
		` { "a" : [ ] , "b" : { } , "c" : "\u00e9\n\"q\"" , "d" : -1.5e-3 , "e" : [ true , false , null ] } `,
		`[[[[]]],{"x":{"y":{"z":[1,{"w":"v"}]}}}]`,
		`"just a string"`,
		`0`,
		`{"name":"Accept","value":"text/html"}`,
		`{"error":{"code":-32000,"message":"boom","data":{"code":"E1"}}}`,
	}
	for _, doc := range docs {
		t.Run(doc, func(t *testing.T) {
			var want bytes.Buffer
			if err := json.Compact(&want, []byte(doc)); err != nil {
				t.Fatal(err)
			}
			if got := RedactJSON([]byte(doc)); string(got) != want.String() {
				t.Errorf("RedactJSON(%s)\n got %s\nwant %s", doc, got, want.String())
			}
		})
	}
}

func TestRedactJSONEscapes(t *testing.T) {
	m := `"` + Mask + `"`
	tests := []struct{ name, in, want string }{
		{"escaped secret key", `{"access\u005ftoken":"x"}`, `{"access\u005ftoken":` + m + `}`},
		{"escaped url", `{"u":"https:\/\/h\/?token=abc"}`, `{"u":"https://h/?token=REDACTED"}`},
		{"escaped clean string kept as is", `{"s":"tab\there"}`, `{"s":"tab\there"}`},
		{"masked value in a token request with spaces", `{ "code" : "c" , "redirect_uri" : "http://127.0.0.1/cb" }`, `{"code":` + m + `,"redirect_uri":"http://127.0.0.1/cb"}`},
		{"code before and after", `{"code":"a","grant_type":"x","nested":{"code":"b"}}`, `{"code":` + m + `,"grant_type":"x","nested":{"code":"b"}}`},
		{"empty code kept", `{"code":"","grant_type":"x"}`, `{"code":"","grant_type":"x"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(RedactJSON([]byte(tt.in))); got != tt.want {
				t.Errorf("RedactJSON(%s)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}
