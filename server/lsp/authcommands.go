package lsp

import (
	"context"
	"fmt"

	"go.lsp.dev/protocol"

	"mcpls/internal/console"
	"mcpls/internal/oauth"
	"mcpls/server/lspext"
)

// signInCommand runs mcpls.signIn: the sign-in flow for the named server
// now (a configured Authorization header is set aside for OAuth), then a
// connection. The command's request bounds it, so the editor's cancel
// cancels it, as does the progress's cancel.
func (sa *serverAuth) signInCommand(ctx context.Context, snap *Snapshot, a *lspext.ServerArgs) (lspext.ServerState, error) {
	e, err := sa.forCommand(ctx, snap, a)
	if err != nil {
		return lspext.ServerState{}, err
	}
	if err := sa.confirmSwitch(ctx, e); err != nil {
		return sa.s.mcp.state(e.k), err
	}
	err = sa.signIn(ctx, e, oauth.ChoiceSignIn)
	return sa.s.mcp.state(e.k), err
}

// confirmSwitch, for a server whose config sets an Authorization header,
// asks before setting it aside for OAuth.
func (sa *serverAuth) confirmSwitch(ctx context.Context, e *authServer) error {
	sa.mu.Lock()
	ask := e.header && !e.switched
	sa.mu.Unlock()
	if !ask {
		return nil
	}
	picked, err := sa.ask(ctx, protocol.MessageTypeWarning,
		fmt.Sprintf("%s is configured with an Authorization header. Switch to OAuth sign-in (the header is then not sent)?", e.k.name),
		actionSwitch, actionCancel)
	if err != nil {
		return err
	}
	sa.event(e.k, console.LevelInfo, "switch from the configured header to sign-in: the user chose %q", pickedOrDismissed(picked))
	if picked != actionSwitch {
		return oauth.ErrCancelled
	}
	sa.mu.Lock()
	e.switched = true
	sa.mu.Unlock()
	return nil
}

// signOutCommand runs mcpls.signOut: the server's session is closed and
// its tokens revoked where supported and forgotten.
func (sa *serverAuth) signOutCommand(ctx context.Context, snap *Snapshot, a *lspext.ServerArgs) (lspext.ServerState, error) {
	e, err := sa.forCommand(ctx, snap, a)
	if err != nil {
		return lspext.ServerState{}, err
	}
	// Disconnect first: closing the session with a revoked token would
	// meet a 401, and offer to sign in again.
	sa.s.mcp.disconnect(e.k)
	err = sa.signOut(ctx, e)
	return sa.s.mcp.state(e.k), err
}

// forCommand prepares the auth state of the server a command names.
func (sa *serverAuth) forCommand(ctx context.Context, snap *Snapshot, a *lspext.ServerArgs) (*authServer, error) {
	f, srv, k, folder, err := sa.s.serverOf(snap, a)
	if err != nil {
		return nil, err
	}
	t, err := sa.s.mcp.prime(k, f, srv, folder)
	if missing, ok := missingInputs(err); ok {
		if err = sa.s.mcp.askInputs(ctx, k, f, missing); err == nil {
			t, err = sa.s.mcp.prime(k, f, srv, folder)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("preparing %q: %w", k.name, err)
	}
	e := sa.prepare(k, f, srv, folder, t)
	if e == nil {
		return nil, fmt.Errorf("%q is a stdio server: it has no sign-in", k.name)
	}
	return e, nil
}
