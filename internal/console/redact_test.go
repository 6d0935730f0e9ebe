package console

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRedactURL(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"no query", "https://example.com/mcp", "https://example.com/mcp"},
		{"public params kept", "https://x.test/a?page=2&q=go", "https://x.test/a?page=2&q=go"},
		{"token", "https://x.test/sse?token=abc123", "https://x.test/sse?token=REDACTED"},
		{"access_token among others", "https://x.test/?a=1&access_token=t0k&b=2", "https://x.test/?a=1&access_token=REDACTED&b=2"},
		{"key", "https://maps.test/api?key=AIzaXYZ", "https://maps.test/api?key=REDACTED"},
		{"api_key and apiKey", "http://h/?api_key=1&apiKey=2", "http://h/?api_key=REDACTED&apiKey=REDACTED"},
		{"secret and client_secret", "http://h/?secret=s&client_secret=c", "http://h/?secret=REDACTED&client_secret=REDACTED"},
		{"sig and signature", "http://h/f?sig=x&X-Amz-Signature=y", "http://h/f?sig=REDACTED&X-Amz-Signature=REDACTED"},
		{"password", "http://h/?user=bob&password=hunter2", "http://h/?user=bob&password=REDACTED"},
		{"oauth code, state kept", "http://127.0.0.1:33418/callback?code=c0de&state=xyz", "http://127.0.0.1:33418/callback?code=REDACTED&state=xyz"},
		{"escaped name", "http://h/?access%5Ftoken=t", "http://h/?access%5Ftoken=REDACTED"},
		{"suffix token", "http://h/?github_token=t&refresh_token=r", "http://h/?github_token=REDACTED&refresh_token=REDACTED"},
		{"progress token is public", "http://h/?progressToken=7", "http://h/?progressToken=7"},
		{"empty value masked", "http://h/?token=", "http://h/?token=REDACTED"},
		{"name without value kept", "http://h/?token&x=1", "http://h/?token&x=1"},
		{"userinfo password", "https://bob:hunter2@h.test/p", "https://bob:REDACTED@h.test/p"},
		{"userinfo without password", "https://bob@h.test/p", "https://bob@h.test/p"},
		{"at sign in path is not userinfo", "https://h.test/@user:x", "https://h.test/@user:x"},
		{"fragment params", "http://h/cb#access_token=t&token_type=Bearer", "http://h/cb#access_token=REDACTED&token_type=Bearer"},
		{"plain fragment kept", "http://h/doc#section-2", "http://h/doc#section-2"},
		{"unparseable still redacted", "http://h/%zz?token=abc def", "http://h/%zz?token=REDACTED"},
		{"not a URL", "just text", "just text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RedactURL(tt.in); got != tt.want {
				t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactHeaders(t *testing.T) {
	in := http.Header{
		"Authorization":       {"Bearer ghp_abcdef"},
		"Proxy-Authorization": {"Basic dXNlcjpwYXNz"},
		"Cookie":              {"sid=1; theme=dark"},
		"Set-Cookie":          {"sid=2; HttpOnly", "lang=en"},
		"X-Api-Key":           {"k-123"},
		"X-Github-Token":      {"t"},
		"X-Client-Secret":     {"s"},
		"Private-Token":       {"p"},
		"Location":            {"http://127.0.0.1/cb?code=abc&state=s"},
		"Content-Type":        {"application/json"},
		"Mcp-Session-Id":      {"sess-1"},
		"Www-Authenticate":    {`Bearer resource_metadata="https://h/.well-known/oauth-protected-resource"`},
	}
	want := http.Header{
		"Authorization":       {"Bearer " + Mask},
		"Proxy-Authorization": {"Basic " + Mask},
		"Cookie":              {Mask},
		"Set-Cookie":          {Mask, Mask},
		"X-Api-Key":           {Mask},
		"X-Github-Token":      {Mask},
		"X-Client-Secret":     {Mask},
		"Private-Token":       {Mask},
		"Location":            {"http://127.0.0.1/cb?code=REDACTED&state=s"},
		"Content-Type":        {"application/json"},
		"Mcp-Session-Id":      {"sess-1"},
		"Www-Authenticate":    {`Bearer resource_metadata="https://h/.well-known/oauth-protected-resource"`},
	}
	got := RedactHeaders(in)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RedactHeaders mismatch (-want +got):\n%s", diff)
	}
	if in.Get("Authorization") != "Bearer ghp_abcdef" {
		t.Errorf("RedactHeaders modified its input: %q", in.Get("Authorization"))
	}
	if RedactHeaders(nil) != nil {
		t.Errorf("RedactHeaders(nil) != nil")
	}
}

func TestRedactHeaderValue(t *testing.T) {
	tests := []struct{ name, header, value, want string }{
		{"bearer keeps scheme", "authorization", "Bearer x.y.z", "Bearer " + Mask},
		{"bare credential", "Authorization", "sometoken", Mask},
		{"lower-case name", "x-api-key", "k", Mask},
		{"api-key with dash", "Api-Key", "k", Mask},
		{"ordinary header", "Accept", "text/event-stream", "text/event-stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redactHeaderValue(tt.header, tt.value); got != tt.want {
				t.Errorf("redactHeaderValue(%q, %q) = %q, want %q", tt.header, tt.value, got, tt.want)
			}
		})
	}
}

func TestRedactString(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		secrets []string
		want    string
	}{
		{"no secrets", "token abc", nil, "token abc"},
		{"one secret, twice", "abc and abc", []string{"abc"}, Mask + " and " + Mask},
		{"longer secret first", "key=abcdef", []string{"abc", "abcdef"}, "key=" + Mask},
		{"empty secret ignored", "hello", []string{""}, "hello"},
		{"absent secret", "hello", []string{"zzz"}, "hello"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RedactString(tt.in, tt.secrets...); got != tt.want {
				t.Errorf("RedactString(%q, %q) = %q, want %q", tt.in, tt.secrets, got, tt.want)
			}
		})
	}
}

func TestRedactText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"url in a sentence", "fetching https://h.test/x?token=abc now", "fetching https://h.test/x?token=REDACTED now"},
		{"bearer credential", "sent Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig", "sent Authorization: Bearer " + Mask},
		{"short word after bearer kept", "Bearer token expired", "Bearer token expired"},
		{"assignment", "GITHUB_TOKEN=ghp_123 started", "GITHUB_TOKEN=" + Mask + " started"},
		{"colon assignment", `password: "hunter2"`, `password: "` + Mask + `"`},
		{"api key", "using api_key=xyz", "using api_key=" + Mask},
		{"json in a log line", `got {"access_token": "abc", "token_type": "Bearer"}`, `got {"access_token": "` + Mask + `", "token_type": "Bearer"}`},
		{"progress token kept", "progressToken=5", "progressToken=5"},
		{"plain line", "listening on 127.0.0.1:8080", "listening on 127.0.0.1:8080"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RedactText(tt.in); got != tt.want {
				t.Errorf("RedactText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestIsSecretKey(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{"authorization", true}, {"Authorization", true}, {"token", true}, {"access_token", true},
		{"refresh_token", true}, {"id_token", true}, {"client_secret", true}, {"clientSecret", true},
		{"password", true}, {"secret", true}, {"api_key", true}, {"apikey", true}, {"apiKey", true},
		{"cookie", true}, {"set-cookie", true}, {"code_verifier", true}, {"GITHUB_PERSONAL_ACCESS_TOKEN", true},
		{"progressToken", false}, {"token_type", false}, {"maxTokens", false}, {"code", false},
		{"name", false}, {"method", false}, {"cursor", false}, {"nextCursor", false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if got := IsSecretKey(tt.key); got != tt.want {
				t.Errorf("IsSecretKey(%q) = %v, want %v", tt.key, got, tt.want)
			}
		})
	}
}
