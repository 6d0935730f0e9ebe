package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"mcpls/internal/console"
	"mcpls/internal/mcp"
	"mcpls/internal/oauth"
	"mcpls/server/lspext"
)

// The actions of the sign-in notification.
const (
	actionSignIn   = "Sign in"
	actionUseToken = "Use a token"
	actionCancel   = "Cancel"
	actionSwitch   = "Switch to sign-in"
)

// waitingMessage is the progress message while the browser step runs.
const waitingMessage = "Waiting for sign-in in the browser…"

// editorUI is the oauth.UI of one server, through LSP: the notification
// (window/showMessageRequest), the browser (window/showDocument external,
// else a message with the URL), questions (mcp/prompt, else a message
// saying what to put in the config).
type editorUI struct {
	sa *serverAuth
	k  serverKey
}

// Consent answers the user's choice during a sign-in the user started.
// Otherwise (a connection met a 401) it offers the sign-in in the
// background and answers Cancel: the connection must not wait for a user.
func (u *editorUI) Consent(_ context.Context, p oauth.Prompt) (oauth.Choice, error) {
	sa := u.sa
	sa.mu.Lock()
	e := sa.servers[u.k]
	choice := oauth.ChoiceCancel
	if e != nil {
		choice = e.choice
	}
	sa.mu.Unlock()
	if e == nil || choice != oauth.ChoiceCancel {
		return choice, nil
	}
	sa.offer(e, fmt.Sprintf("%s needs sign-in at %s.", u.k.name, hostOf(p.Issuer)))
	return oauth.ChoiceCancel, nil
}

// offer shows the sign-in notification for e in the background, one at a
// time per server, and runs what the user picks.
func (sa *serverAuth) offer(e *authServer, text string) {
	sa.askOnce(e, func(ctx context.Context) { sa.offerNow(ctx, e, text) })
}

// askOnce runs ask in the background unless a question about e is already
// on screen: one notification at a time per server.
func (sa *serverAuth) askOnce(e *authServer, ask func(ctx context.Context)) {
	sa.mu.Lock()
	if e.asking {
		sa.mu.Unlock()
		return
	}
	e.asking = true
	sa.mu.Unlock()
	sa.s.client.Go(func(ctx context.Context) {
		defer func() {
			sa.mu.Lock()
			e.asking = false
			sa.mu.Unlock()
		}()
		ask(ctx)
	})
}

func (sa *serverAuth) offerNow(ctx context.Context, e *authServer, text string) {
	sa.event(e.k, console.LevelInfo, "asking the user: %s", text)
	// Every LSP editor should answer showMessageRequest (its capability
	// only qualifies the action items); one that does not gets a message.
	picked, err := sa.ask(ctx, protocol.MessageTypeWarning, text, actionSignIn, actionUseToken, actionCancel)
	if err != nil {
		sa.event(e.k, console.LevelWarning, "%v", err)
		sa.showMessage(protocol.MessageTypeWarning, text+` Run "Sign in" (`+lspext.CmdSignIn+`) on it.`)
		return
	}
	sa.event(e.k, console.LevelInfo, "the user chose %q", pickedOrDismissed(picked))
	choice := oauth.ChoiceCancel
	switch picked {
	case actionSignIn:
		choice = oauth.ChoiceSignIn
	case actionUseToken:
		choice = oauth.ChoiceUseToken
	default:
		return
	}
	sa.mu.Lock()
	e.switched = e.switched || e.header
	sa.mu.Unlock()
	if err := sa.signIn(ctx, e, choice); err != nil {
		sa.s.logf("%v", err)
	}
}

func pickedOrDismissed(title string) string {
	if title == "" {
		return "nothing (dismissed)"
	}
	return title
}

// offerSwitch, when a server refuses the configured Authorization header
// and speaks OAuth, offers to sign in instead.
func (sa *serverAuth) offerSwitch(e *authServer, ch oauth.Challenge) {
	sa.askOnce(e, func(ctx context.Context) {
		issuer := issuerOf(ctx, ch.ResourceMetadata)
		sa.offerNow(ctx, e, fmt.Sprintf("%s refused the Authorization header in its config; it needs sign-in at %s. Switch to sign-in?",
			e.k.name, hostOf(issuer)))
	})
}

// issuerOf reads the first authorization server of a protected resource
// metadata document, for the notification; the metadata's own URL when it
// cannot.
func issuerOf(ctx context.Context, prmURL string) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, prmURL, nil)
	if err != nil {
		return prmURL
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return prmURL
	}
	defer resp.Body.Close()
	var prm struct {
		AuthorizationServers []string `json:"authorization_servers"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&prm) != nil || len(prm.AuthorizationServers) == 0 {
		return prmURL
	}
	return prm.AuthorizationServers[0]
}

// hostOf is the host of a URL, for messages.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}

// OpenBrowser asks the editor to open the authorization URL outside
// (window/showDocument external), else shows it in a message, and reports
// the wait on the sign-in's progress.
func (u *editorUI) OpenBrowser(ctx context.Context, authURL string) error {
	sa := u.sa
	sa.mu.Lock()
	var prog progress
	if e := sa.servers[u.k]; e != nil {
		prog = e.prog
	}
	sa.mu.Unlock()
	prog.report(mcp.Progress{Message: waitingMessage})
	if sa.s.state.snapshot().Caps().ShowDocument {
		yes := true
		var res protocol.ShowDocumentResult
		err := sa.s.client.Call(ctx, protocol.MethodWindowShowDocument,
			&protocol.ShowDocumentParams{URI: uri.URI(authURL), External: &yes}, &res)
		if err == nil && res.Success {
			return nil
		}
		sa.event(u.k, console.LevelWarning, "the editor did not open the browser (%v); showing the URL", err)
	}
	sa.showMessage(protocol.MessageTypeInfo, fmt.Sprintf("Sign in to %s: open %s", u.k.name, authURL))
	return nil
}

// AskClient asks for a client id and secret (mcp/prompt), else says what
// to add to the config and gives up.
func (u *editorUI) AskClient(ctx context.Context, p oauth.Prompt) (string, string, error) {
	sa := u.sa
	if !sa.s.state.snapshot().Caps().MCP.Prompt {
		sa.showMessage(protocol.MessageTypeWarning, clientAdvice(u.k.name, p))
		return "", "", fmt.Errorf("%w: %s offers no registration; add an \"oauth\" object to %q", oauth.ErrNoClient, hostOf(p.Issuer), u.k.name)
	}
	id, ok, err := u.prompt(ctx, lspext.PromptParams{Title: u.k.name + ": OAuth client id",
		Prompt: fmt.Sprintf("%s offers no registration. Client id registered for mcpls at %s:", hostOf(p.Issuer), hostOf(p.Issuer))})
	if err != nil || !ok || strings.TrimSpace(id) == "" {
		return "", "", orCancelled(err)
	}
	secret, ok, err := u.prompt(ctx, lspext.PromptParams{Title: u.k.name + ": OAuth client secret",
		Prompt: "Client secret (leave empty for a public client):", Password: true})
	if err != nil || !ok {
		return "", "", orCancelled(err)
	}
	sa.s.mcp.masker.Add(secret)
	return strings.TrimSpace(id), secret, nil
}

// AskToken asks for a token (mcp/prompt, masked), else says what to add to
// the config and gives up.
func (u *editorUI) AskToken(ctx context.Context, p oauth.Prompt) (string, error) {
	sa := u.sa
	if !sa.s.state.snapshot().Caps().MCP.Prompt {
		sa.showMessage(protocol.MessageTypeInfo, tokenAdvice(u.k.name))
		return "", fmt.Errorf("%w: this editor cannot ask for a token; add it to the headers of %q", oauth.ErrNoUI, u.k.name)
	}
	tok, ok, err := u.prompt(ctx, lspext.PromptParams{Title: u.k.name + ": access token",
		Prompt: fmt.Sprintf("Token for %s (sent as Bearer):", p.Resource), Password: true})
	if err != nil || !ok {
		return "", orCancelled(err)
	}
	sa.s.mcp.masker.Add(tok)
	return tok, nil
}

// prompt asks the editor for one value; ok is false when the user cancelled.
func (u *editorUI) prompt(ctx context.Context, p lspext.PromptParams) (string, bool, error) {
	var res lspext.PromptResult
	if err := u.sa.s.client.Call(ctx, lspext.MethodPrompt, p, &res); err != nil {
		return "", false, fmt.Errorf("asking the editor (%s): %w", lspext.MethodPrompt, err)
	}
	if res.Value == nil {
		return "", false, nil
	}
	return *res.Value, true, nil
}

func orCancelled(err error) error {
	if err != nil {
		return err
	}
	return oauth.ErrCancelled
}

// clientAdvice says exactly what to add to the config when no client can
// be registered and the editor cannot ask.
func clientAdvice(server string, p oauth.Prompt) string {
	return fmt.Sprintf(`%s offers no client registration for %s. Register a client there, then add under "%s" in the config: `+
		`"oauth": {"clientId": "...", "clientSecret": "${input:%s-client-secret}"} `+
		`(and an input {"id": "%s-client-secret", "type": "promptString", "password": true}).`,
		hostOf(p.Issuer), server, server, server, server)
}

// tokenAdvice says how to configure a token when the editor cannot ask.
func tokenAdvice(server string) string {
	env := strings.ToUpper(fileSafe(server)) + "_TOKEN"
	env = strings.NewReplacer("-", "_", ".", "_").Replace(env)
	return fmt.Sprintf(`To use a token with %s, add under "%s" in the config: "headers": {"Authorization": "Bearer ${env:%s}"} and set %s.`,
		server, server, env, env)
}
