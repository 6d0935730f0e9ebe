package oauth

import (
	"context"
	"errors"
	"net/http"
	"time"

	"mcpls/internal/console"
)

// Config is what the user configured for one server (the "oauth" object of
// a server in .mcp.json, plus the machine grants the CLI can use).
type Config struct {
	// ClientID and ClientSecret name a client registered beforehand. An
	// empty secret is a public client.
	ClientID     string
	ClientSecret string
	// Scopes, when set, replace the scopes the server asks for.
	Scopes []string
	// CallbackPort fixes the loopback redirect port; 0 picks a free one.
	CallbackPort int
	// ClientMetadataURL is this client's Client ID Metadata Document (an
	// https URL), used as client_id where the authorization server supports
	// it. Empty: no CIMD.
	ClientMetadataURL string
	// ClientName is sent in dynamic registration ("mcpls" when empty).
	ClientName string
	// ClientCredentials, when set, replaces the user's sign-in with the
	// client_credentials grant.
	ClientCredentials *ClientCredentials
	// Enterprise, when set, replaces the user's sign-in with the enterprise
	// managed flow: an ID token exchanged at the IdP for an ID-JAG, then the
	// JWT bearer grant at the authorization server.
	Enterprise *Enterprise
}

// ClientCredentials authenticate a machine client: a secret
// (client_secret_basic) or a private key (private_key_jwt).
type ClientCredentials struct {
	ClientID     string
	ClientSecret string
	// PrivateKeyPEM is a PKCS#8 EC P-256 key (ES256) or RSA key (RS256).
	PrivateKeyPEM string
}

// Enterprise configures SEP-990 (enterprise managed authorization).
type Enterprise struct {
	IDPTokenEndpoint string
	IDPClientID      string
	IDToken          func(ctx context.Context) (string, error)
	// ClientID and ClientSecret authenticate at the MCP authorization server.
	ClientID     string
	ClientSecret string
}

// Options wire an Authorizer into its surroundings. Nil fields get
// defaults.
type Options struct {
	// Server names the server in events and prompts.
	Server string
	// UI opens the browser and asks the user; nil refuses every question
	// with a reason (RefuseUI).
	UI UI
	// Store keeps tokens and registrations; nil means a new MemoryStore.
	Store Store
	// Console receives every step as a KindAuth event; nil discards.
	Console console.Sink
	// Masker learns every secret the flow sees; nil means a private one.
	Masker *console.Masker
	// HTTPClient makes the flow's own requests (metadata, registration,
	// token); nil means a client with a 30 s timeout.
	HTTPClient *http.Client
	// RedirectTimeout bounds the wait for the browser's redirect
	// (default 5 minutes).
	RedirectTimeout time.Duration
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
}

// UI is the user-facing half of the flow. The editor implements it with
// LSP requests, the CLI with a terminal or with nothing, tests with fakes.
type UI interface {
	// Consent asks whether to sign in now.
	Consent(ctx context.Context, p Prompt) (Choice, error)
	// OpenBrowser shows the authorization URL to the user.
	OpenBrowser(ctx context.Context, authURL string) error
	// AskClient asks for a client id (and optional secret) when the
	// authorization server offers no way to register one.
	AskClient(ctx context.Context, p Prompt) (clientID, clientSecret string, err error)
	// AskToken asks for an access token typed by the user (a PAT).
	AskToken(ctx context.Context, p Prompt) (string, error)
}

// Prompt says what a UI question is about.
type Prompt struct {
	Server   string   // the server's name in the config
	Resource string   // the protected resource (the server's canonical URL)
	Issuer   string   // the authorization server, when known
	Scopes   []string // the scopes that will be requested
	Reason   string   // why the question is asked, one sentence
}

// Choice is the answer to Consent.
type Choice int

// The answers to Consent.
const (
	ChoiceCancel   Choice = iota // do not sign in
	ChoiceSignIn                 // run the browser flow
	ChoiceUseToken               // ask for a token instead
)

// Sentinel errors callers branch on.
var (
	ErrNoUI             = errors.New("sign-in needs a user, and no UI is attached")
	ErrCancelled        = errors.New("sign-in cancelled")
	ErrResourceMismatch = errors.New("the protected resource metadata names another resource")
	ErrNoPKCE           = errors.New("the authorization server does not advertise PKCE S256")
	ErrStateMismatch    = errors.New("the redirect carried a wrong state")
	ErrIssuerMismatch   = errors.New("the issuer does not match")
	ErrNoClient         = errors.New("no way to obtain a client id")
	ErrTooManyAttempts  = errors.New("authorization attempts exhausted")
	ErrNotFound         = errors.New("not found")
	ErrNotOAuth         = errors.New("the server does not use OAuth")
)

// RefuseUI answers every question with ErrNoUI.
type RefuseUI struct{}

// Consent refuses.
func (RefuseUI) Consent(context.Context, Prompt) (Choice, error) { return ChoiceCancel, ErrNoUI }

// OpenBrowser refuses.
func (RefuseUI) OpenBrowser(context.Context, string) error { return ErrNoUI }

// AskClient refuses.
func (RefuseUI) AskClient(context.Context, Prompt) (string, string, error) {
	return "", "", ErrNoUI
}

// AskToken refuses.
func (RefuseUI) AskToken(context.Context, Prompt) (string, error) { return "", ErrNoUI }
