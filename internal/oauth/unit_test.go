package oauth

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPRMURLs(t *testing.T) {
	tests := []struct {
		name, challenge, server string
		want                    []string
	}{
		{"header first", "https://a.test/custom.json", "https://a.test/mcp",
			[]string{"https://a.test/custom.json", "https://a.test/.well-known/oauth-protected-resource/mcp", "https://a.test/.well-known/oauth-protected-resource"}},
		{"path inserted then root", "", "https://a.test/v1/mcp/",
			[]string{"https://a.test/.well-known/oauth-protected-resource/v1/mcp", "https://a.test/.well-known/oauth-protected-resource"}},
		{"root only", "", "https://a.test", []string{"https://a.test/.well-known/oauth-protected-resource"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, prmURLs(tt.challenge, tt.server)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestASMetadataURLs(t *testing.T) {
	tests := []struct {
		issuer string
		want   []string
	}{
		{"https://as.test", []string{"https://as.test/.well-known/oauth-authorization-server", "https://as.test/.well-known/openid-configuration"}},
		{"https://as.test/tenant1", []string{
			"https://as.test/.well-known/oauth-authorization-server/tenant1",
			"https://as.test/.well-known/openid-configuration/tenant1",
			"https://as.test/tenant1/.well-known/openid-configuration"}},
	}
	for _, tt := range tests {
		t.Run(tt.issuer, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, asMetadataURLs(tt.issuer)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestResourceCovers(t *testing.T) {
	tests := []struct {
		resource, server string
		want             bool
	}{
		{"https://a.test/mcp", "https://a.test/mcp", true},
		{"https://a.test", "https://a.test/mcp", true},
		{"https://a.test/", "https://a.test/mcp", true},
		{"https://a.test/mc", "https://a.test/mcp", false},
		{"https://evil.example.com/mcp", "https://a.test/mcp", false},
		{"http://a.test/mcp", "https://a.test/mcp", false},
		{"https://a.test/mcp#frag", "https://a.test/mcp", false},
		{"https://a.test/other", "https://a.test/mcp", false},
	}
	for _, tt := range tests {
		t.Run(tt.resource, func(t *testing.T) {
			if got := resourceCovers(tt.resource, tt.server); got != tt.want {
				t.Errorf("resourceCovers(%q, %q) = %v, want %v", tt.resource, tt.server, got, tt.want)
			}
		})
	}
}

func TestParseChallenge(t *testing.T) {
	tests := []struct {
		name, header string
		want         Challenge
	}{
		{"full", `Bearer resource_metadata="https://a.test/prm", scope="a b", error="insufficient_scope"`,
			Challenge{Bearer: true, ResourceMetadata: "https://a.test/prm", Scopes: []string{"a", "b"}, Error: "insufficient_scope"}},
		{"other scheme ignored", `Basic realm="x", Bearer scope="s"`, Challenge{Bearer: true, Scopes: []string{"s"}}},
		{"basic only", `Basic realm="x"`, Challenge{}},
		{"none", ``, Challenge{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.header != "" {
				h.Set("WWW-Authenticate", tt.header)
			}
			if diff := cmp.Diff(tt.want, ParseChallenge(h)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestCheckIssAndPKCE(t *testing.T) {
	md := &ServerMetadata{Issuer: "https://as.test", IssParameterSupported: true, CodeChallengeMethodsSupported: []string{"S256"}}
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"iss matches", checkIss("https://as.test", md), nil},
		{"iss missing but advertised", checkIss("", md), ErrIssuerMismatch},
		{"iss from another server", checkIss("https://evil.test", md), ErrIssuerMismatch},
		{"iss absent, not advertised", checkIss("", &ServerMetadata{Issuer: "https://as.test"}), nil},
		{"S256 advertised", checkPKCE(md), nil},
		{"only plain", checkPKCE(&ServerMetadata{CodeChallengeMethodsSupported: []string{"plain"}}), ErrNoPKCE},
		{"nothing advertised", checkPKCE(&ServerMetadata{}), ErrNoPKCE},
		{"2025-03-26 fallback", checkPKCE(&ServerMetadata{Fallback: true}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !errors.Is(tt.err, tt.want) || (tt.want == nil && tt.err != nil) {
				t.Errorf("got %v, want %v", tt.err, tt.want)
			}
		})
	}
}

func TestPickMethod(t *testing.T) {
	tests := []struct {
		supported []string
		secret    bool
		want      string
	}{
		{nil, true, authBasic},
		{[]string{authPost}, true, authPost},
		{[]string{authPost, authBasic}, true, authBasic},
		{[]string{authBasic}, false, authNone},
	}
	for _, tt := range tests {
		if got := pickMethod(&ServerMetadata{TokenEndpointAuthMethodsSupported: tt.supported}, tt.secret); got != tt.want {
			t.Errorf("pickMethod(%v, %v) = %q, want %q", tt.supported, tt.secret, got, tt.want)
		}
	}
}

func TestFileStore(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "mcpls", "tokens")
	s := &FileStore{Dir: dir}
	rec := &Record{Key: Key{Resource: "https://a.test/mcp", Issuer: "https://as.test", ClientID: "c"}, AccessToken: "at-123456"}
	if err := s.Put(ctx, rec); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, rec.Key)
	if err != nil || got.AccessToken != rec.AccessToken {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v, want 0700", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("files = %v, want exactly one (no temp files left)", entries)
	}
	if fi, _ := entries[0].Info(); fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
	}
	keys, err := s.List(ctx)
	if err != nil || len(keys) != 1 || keys[0] != rec.Key {
		t.Errorf("List = %v, %v", keys, err)
	}
	if err := s.Delete(ctx, rec.Key); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, rec.Key); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete = %v, want ErrNotFound", err)
	}
}

func TestRedirectListenerOnceAndLoopback(t *testing.T) {
	l, err := listenRedirect(0)
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	addr := l.ln.Addr().(*net.TCPAddr)
	if !addr.IP.Equal(net.IPv4(127, 0, 0, 1)) {
		t.Fatalf("listening on %v, want 127.0.0.1", addr.IP)
	}
	// Not reachable on any other interface address.
	ifaddrs, _ := net.InterfaceAddrs()
	for _, ia := range ifaddrs {
		ipn, ok := ia.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() {
			continue
		}
		c, err := net.DialTimeout("tcp", net.JoinHostPort(ipn.IP.String(), itoa(addr.Port)), time.Second)
		if err == nil {
			c.Close()
			t.Errorf("the redirect listener answered on %s", ipn.IP)
		}
	}
	l.expect("good-state")
	tests := []struct {
		query  string
		status int
	}{
		{"?code=abc&state=good-state", http.StatusOK},
		{"?code=abc&state=good-state", http.StatusGone},
	}
	for _, tt := range tests {
		resp, err := http.Get(l.uri() + tt.query)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("GET %s = %d, want %d", tt.query, resp.StatusCode, tt.status)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cb, err := l.wait(ctx)
	if err != nil || cb.code != "abc" {
		t.Errorf("wait = %+v, %v", cb, err)
	}
}

func TestRedirectListenerWrongState(t *testing.T) {
	l, err := listenRedirect(0)
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	l.expect("good-state")
	resp, err := http.Get(l.uri() + "?code=abc&state=forged")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status %d, want 400", resp.StatusCode)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := l.wait(ctx); !errors.Is(err, ErrStateMismatch) {
		t.Errorf("wait = %v, want ErrStateMismatch", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
