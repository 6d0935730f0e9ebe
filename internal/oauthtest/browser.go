// Package oauthtest holds helpers that play the user of an OAuth flow:
// a browser that follows an authorization server's immediate redirect into
// the flow's loopback listener, and a UI built on it. Tests use it against
// `mcpls demo-server --auth`; the conformance client uses it against the
// suite's mock authorization servers, which approve at once too.
package oauthtest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"mcpls/internal/oauth"
)

// Follow plays a browser on an authorization URL whose server approves at
// once: it GETs authURL, lets rewrite change the redirect (nil keeps it),
// and GETs the redirect, which lands on the flow's loopback listener.
func Follow(ctx context.Context, authURL string, rewrite func(*url.URL)) error {
	hc := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	loc, err := redirectOf(ctx, hc, authURL)
	if err != nil {
		return fmt.Errorf("requesting the authorization URL: %w", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		return fmt.Errorf("parsing the redirect: %w", err)
	}
	if rewrite != nil {
		rewrite(u)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("delivering the redirect: %w", err)
	}
	resp.Body.Close()
	return nil
}

// redirectOf GETs u and returns the Location it redirects to.
func redirectOf(ctx context.Context, hc *http.Client, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode < 300 || resp.StatusCode > 399 || loc == "" {
		return "", fmt.Errorf("HTTP %d without a redirect", resp.StatusCode)
	}
	return loc, nil
}

// Browser is an oauth.UI that consents and plays the browser with Follow.
// It records every URL it opened. The zero value is ready to use.
type Browser struct {
	// Rewrite, if set, changes each redirect before it is delivered (to
	// forge a wrong state, say).
	Rewrite func(*url.URL)

	mu     sync.Mutex
	opened []string
}

// Consent signs in.
func (b *Browser) Consent(context.Context, oauth.Prompt) (oauth.Choice, error) {
	return oauth.ChoiceSignIn, nil
}

// OpenBrowser follows the authorization URL.
func (b *Browser) OpenBrowser(ctx context.Context, authURL string) error {
	b.mu.Lock()
	b.opened = append(b.opened, authURL)
	b.mu.Unlock()
	return Follow(ctx, authURL, b.Rewrite)
}

// AskClient refuses: the servers under test offer registration.
func (b *Browser) AskClient(context.Context, oauth.Prompt) (string, string, error) {
	return "", "", oauth.ErrNoUI
}

// AskToken refuses.
func (b *Browser) AskToken(context.Context, oauth.Prompt) (string, error) {
	return "", oauth.ErrNoUI
}

// Opened returns the authorization URLs opened so far.
func (b *Browser) Opened() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.opened...)
}
