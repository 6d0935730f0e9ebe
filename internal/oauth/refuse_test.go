package oauth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"mcpls/internal/oauth"
	"mcpls/internal/oauthtest"
)

// TestRefusals: the flow stops, before any browser opens, where the spec
// says a client must not go on.
func TestRefusals(t *testing.T) {
	tests := []struct {
		name string
		// serve answers everything but /mcp (which always answers 401
		// with challenge).
		challenge string
		serve     func(base string, w http.ResponseWriter, r *http.Request)
		want      error
	}{
		{
			name: "not OAuth", challenge: "",
			serve: func(_ string, w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
			want:  oauth.ErrNotOAuth,
		},
		{
			name: "resource mismatch", challenge: `Bearer resource_metadata="%s/prm"`,
			serve: func(base string, w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/prm" {
					fmt.Fprintf(w, `{"resource":"https://evil.example.com/mcp","authorization_servers":[%q]}`, base)
					return
				}
				http.NotFound(w, r)
			},
			want: oauth.ErrResourceMismatch,
		},
		{
			name: "no PKCE S256", challenge: `Bearer resource_metadata="%s/prm"`,
			serve: func(base string, w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/prm":
					fmt.Fprintf(w, `{"resource":"%s/mcp","authorization_servers":[%q]}`, base, base)
				case "/.well-known/oauth-authorization-server":
					fmt.Fprintf(w, `{"issuer":%q,"authorization_endpoint":"%s/a","token_endpoint":"%s/t","code_challenge_methods_supported":["plain"]}`, base, base, base)
				default:
					http.NotFound(w, r)
				}
			},
			want: oauth.ErrNoPKCE,
		},
		{
			name: "issuer mismatch", challenge: `Bearer resource_metadata="%s/prm"`,
			serve: func(base string, w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/prm":
					fmt.Fprintf(w, `{"resource":"%s/mcp","authorization_servers":[%q]}`, base, base)
				case "/.well-known/oauth-authorization-server":
					fmt.Fprintf(w, `{"issuer":"https://other.test","authorization_endpoint":"%s/a","token_endpoint":"%s/t","code_challenge_methods_supported":["S256"]}`, base, base)
				default:
					http.NotFound(w, r)
				}
			},
			want: oauth.ErrIssuerMismatch,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var base string
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/mcp" {
					if tt.challenge != "" {
						w.Header().Set("WWW-Authenticate", fmt.Sprintf(tt.challenge, base))
					}
					w.WriteHeader(http.StatusUnauthorized)
					return
				}
				tt.serve(base, w, r)
			}))
			defer ts.Close()
			base = ts.URL
			browser := &oauthtest.Browser{}
			a := oauth.New(ts.URL+"/mcp", oauth.Config{}, oauth.Options{UI: browser})
			resp, err := a.Client(nil).Post(ts.URL+"/mcp", "application/json", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("status %d, want the server's 401 passed back", resp.StatusCode)
			}
			if !errors.Is(a.LastError(), tt.want) {
				t.Errorf("LastError = %v, want %v", a.LastError(), tt.want)
			}
			if n := len(browser.Opened()); n != 0 {
				t.Errorf("browser opened %d times, want 0", n)
			}
		})
	}
}

// TestDefaultUIRefuses: with no UI the flow stops with a reason.
func TestDefaultUIRefuses(t *testing.T) {
	ctx := context.Background()
	var ui oauth.RefuseUI
	if _, err := ui.Consent(ctx, oauth.Prompt{}); !errors.Is(err, oauth.ErrNoUI) {
		t.Errorf("Consent = %v", err)
	}
	if err := ui.OpenBrowser(ctx, "https://x.test"); !errors.Is(err, oauth.ErrNoUI) {
		t.Errorf("OpenBrowser = %v", err)
	}
	if _, _, err := ui.AskClient(ctx, oauth.Prompt{}); !errors.Is(err, oauth.ErrNoUI) {
		t.Errorf("AskClient = %v", err)
	}
	if _, err := ui.AskToken(ctx, oauth.Prompt{}); !errors.Is(err, oauth.ErrNoUI) {
		t.Errorf("AskToken = %v", err)
	}
}
