package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"mcpls/internal/mcp"
	"mcpls/internal/oauth"
	"mcpls/internal/oauthtest"
)

// conformanceClientMetadataURL is the Client ID Metadata Document the
// suite expects a CIMD-capable client to use (auth/basic-cimd).
const conformanceClientMetadataURL = "https://conformance-test.local/client-metadata.json"

// conformanceAuthContext is MCP_CONFORMANCE_CONTEXT for the auth scenarios
// that hand the client credentials.
type conformanceAuthContext struct {
	ClientID         string `json:"client_id"`
	ClientSecret     string `json:"client_secret"`
	PrivateKeyPEM    string `json:"private_key_pem"`
	IDPClientID      string `json:"idp_client_id"`
	IDPIDToken       string `json:"idp_id_token"`
	IDPTokenEndpoint string `json:"idp_token_endpoint"`
}

// playOAuth plays every auth/* scenario with internal/oauth (the scenario
// and its context come from MCP_CONFORMANCE_SCENARIO and
// MCP_CONFORMANCE_CONTEXT, as the suite sets them): connect (the
// 401 starts the flow), list, and call the first tool (a 403 there starts a
// step-up). The browser step is played by oauthtest.Browser, which follows
// the mock's immediate redirect into the flow's own loopback listener.
func playOAuth(ctx context.Context, run *conformanceRun) (err error) {
	cfg, err := conformanceAuthConfig(os.Getenv("MCP_CONFORMANCE_SCENARIO"), os.Getenv("MCP_CONFORMANCE_CONTEXT"))
	if err != nil {
		return err
	}
	a := oauth.New(run.url, cfg, oauth.Options{Server: "conformance", UI: &oauthtest.Browser{},
		Console: run.console, RedirectTimeout: 10 * time.Second})
	s, err := run.connect(ctx, &mcp.Options{HTTPClient: mcp.AuthorizedHTTPClient(a)})
	if err != nil {
		if aerr := a.LastError(); aerr != nil {
			return fmt.Errorf("%w (authorization: %v)", err, aerr)
		}
		return err
	}
	defer closeSession(s, &err)
	tools := s.Catalog().Tools
	if len(tools) == 0 {
		return nil
	}
	if _, err := s.CallTool(ctx, tools[0].Name, json.RawMessage(`{}`), nil); err != nil {
		if aerr := a.LastError(); aerr != nil {
			return fmt.Errorf("calling %s: %w (authorization: %v)", tools[0].Name, err, aerr)
		}
		return fmt.Errorf("calling %s: %w", tools[0].Name, err)
	}
	return nil
}

// conformanceAuthConfig builds the client's OAuth configuration for a
// scenario: the machine grants where the scenario is about them, the
// suite's pre-registered client where it hands one, else a public client
// with the suite's CIMD URL (dynamic registration where CIMD is not
// supported).
func conformanceAuthConfig(scenario, rawContext string) (oauth.Config, error) {
	var c conformanceAuthContext
	if rawContext != "" {
		if err := json.Unmarshal([]byte(rawContext), &c); err != nil {
			return oauth.Config{}, fmt.Errorf("decoding MCP_CONFORMANCE_CONTEXT: %w", err)
		}
	}
	cfg := oauth.Config{ClientName: "mcpls conformance client", ClientMetadataURL: conformanceClientMetadataURL}
	switch {
	case strings.HasPrefix(scenario, "auth/client-credentials-"):
		cfg.ClientCredentials = &oauth.ClientCredentials{ClientID: c.ClientID, ClientSecret: c.ClientSecret, PrivateKeyPEM: c.PrivateKeyPEM}
	case c.IDPIDToken != "":
		token := c.IDPIDToken
		cfg.Enterprise = &oauth.Enterprise{IDPTokenEndpoint: c.IDPTokenEndpoint, IDPClientID: c.IDPClientID,
			IDToken:  func(context.Context) (string, error) { return token, nil },
			ClientID: c.ClientID, ClientSecret: c.ClientSecret}
	case c.ClientID != "":
		cfg.ClientID, cfg.ClientSecret = c.ClientID, c.ClientSecret
	}
	return cfg, nil
}
