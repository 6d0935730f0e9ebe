package oauth_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"mcpls/internal/console"
	"mcpls/internal/demoserver"
	"mcpls/internal/mcp"
	"mcpls/internal/oauth"
	"mcpls/internal/oauthtest"
)

// An MCP session behind OAuth: the Authorizer wraps the session's HTTP
// client, the first 401 runs the flow through the UI, and the token is
// kept in the Store for the next run.
func Example() {
	auth := demoserver.NewAuth(demoserver.AuthOptions{})
	srv := demoserver.New(demoserver.Options{WrapHandler: auth.Wrap})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	defer srv.Close()

	ctx := context.Background()
	var masker console.Masker
	sink := masker.Sink(console.Discard)
	target := mcp.Target{Name: "demo", URL: ts.URL + demoserver.PathStreamable}
	a := oauth.New(target.URL, oauth.Config{}, oauth.Options{
		Server:  target.Name,
		UI:      &oauthtest.Browser{}, // the editor opens a real browser here
		Store:   &oauth.MemoryStore{}, // the editor: its secret store, else a FileStore
		Console: sink,
		Masker:  &masker,
	})
	s, err := mcp.Connect(ctx, target, &mcp.Options{HTTPClient: mcp.AuthorizedHTTPClient(a), Console: sink})
	if err != nil {
		fmt.Println(err, a.LastError())
		return
	}
	defer s.Close()
	st := a.Status(ctx)
	fmt.Println("signed in:", st.SignedIn, "scopes:", st.Scopes)
	// Output: signed in: true scopes: [mcp offline_access]
}
