package oauth

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// callbackPath is where the loopback listener takes the redirect.
const callbackPath = "/callback"

// callback is what the redirect brought.
type callback struct {
	code, iss string
	err       error
}

// redirectListener takes the authorization redirect on 127.0.0.1, once:
// the first request to callbackPath settles the flow (a wrong state fails
// it), later ones get 410. close stops it and waits for its goroutine.
type redirectListener struct {
	ln     net.Listener
	srv    *http.Server
	done   chan struct{}
	result chan callback

	mu    sync.Mutex
	state string
	used  bool
}

// listenRedirect listens on 127.0.0.1:port (0 picks a free port).
func listenRedirect(port int) (*redirectListener, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("listening for the sign-in redirect on 127.0.0.1:%d: %w", port, err)
	}
	l := &redirectListener{ln: ln, done: make(chan struct{}), result: make(chan callback, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc(callbackPath, l.handle)
	l.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(l.done)
		_ = l.srv.Serve(ln)
	}()
	return l, nil
}

// uri is the redirect URI to register and send.
func (l *redirectListener) uri() string {
	return "http://" + l.ln.Addr().String() + callbackPath
}

// expect sets the state the redirect must carry.
func (l *redirectListener) expect(state string) {
	l.mu.Lock()
	l.state = state
	l.mu.Unlock()
}

func (l *redirectListener) handle(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	used, state := l.used, l.state
	l.used = true
	l.mu.Unlock()
	if used {
		page(w, http.StatusGone, "This sign-in link was already used", "Start the sign-in again from your editor.")
		return
	}
	q := r.URL.Query()
	var cb callback
	switch {
	case q.Get("state") != state || state == "":
		cb.err = ErrStateMismatch
		page(w, http.StatusBadRequest, "Sign-in refused", "The answer did not match the sign-in mcpls started. Start it again from your editor.")
	case q.Get("error") != "":
		cb.err = fmt.Errorf("the authorization server refused: %s", oauthError(q.Get("error"), q.Get("error_description")))
		page(w, http.StatusOK, "Sign-in failed", "The authorization server said: "+q.Get("error")+". You can close this tab.")
	case q.Get("code") == "":
		cb.err = errors.New("the redirect carried no authorization code")
		page(w, http.StatusBadRequest, "Sign-in failed", "The redirect carried no authorization code.")
	default:
		cb.code, cb.iss = q.Get("code"), q.Get("iss")
		page(w, http.StatusOK, "Signed in", "mcpls got the authorization. You can close this tab and return to your editor.")
	}
	l.result <- cb
}

// page answers a small HTML page.
func page(w http.ResponseWriter, status int, title, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html><meta charset=utf-8><title>mcpls: %s</title><h1>%s</h1><p>%s</p>\n",
		html.EscapeString(title), html.EscapeString(title), html.EscapeString(text))
}

// wait blocks until the redirect arrives or ctx ends.
func (l *redirectListener) wait(ctx context.Context) (callback, error) {
	select {
	case cb := <-l.result:
		return cb, cb.err
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return callback{}, fmt.Errorf("no sign-in redirect arrived in time: %w", ctx.Err())
		}
		return callback{}, fmt.Errorf("%w: %w", ErrCancelled, ctx.Err())
	}
}

// close stops listening and waits for the server goroutine; the page of
// the one redirect has been written by then.
func (l *redirectListener) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := l.srv.Shutdown(ctx); err != nil {
		l.srv.Close()
	}
	<-l.done
}
