package lsp

import (
	"context"
	"fmt"

	"go.lsp.dev/protocol"
)

// Methods that exist only when Options.TestHooks is set, so that
// integration tests can inject faults into a real server (in process or the
// built binary).
const (
	// TestMethodPanic is a request whose handler panics.
	TestMethodPanic = "mcpls/test/panic"
	// TestMethodPanicNotification is a notification whose handler panics.
	TestMethodPanicNotification = "mcpls/test/panicNotification"
	// TestMethodText is a request for the server's text of an open document
	// (params: TextDocumentIdentifier; result: string, or null when not open).
	TestMethodText = "mcpls/test/text"
	// TestMethodBlock is a request that returns only when cancelled
	// ($/cancelRequest) or when the server stops.
	TestMethodBlock = "mcpls/test/block"
)

var testRequests = map[string]requestSpec{
	TestMethodPanic: {run: request(testPanic)},
	TestMethodText:  {run: request(testText)},
	TestMethodBlock: {run: request(testBlock)},
}

var testNotifications = map[string]notificationFunc{
	TestMethodPanicNotification: notification(testPanicNotification),
}

func testPanic(context.Context, *Server, *Snapshot, *struct{}) (any, error) {
	panic(fmt.Sprintf("injected by %s", TestMethodPanic))
}

func testPanicNotification(context.Context, *Server, *struct{}) error {
	panic(fmt.Sprintf("injected by %s", TestMethodPanicNotification))
}

func testText(_ context.Context, _ *Server, snap *Snapshot, p *protocol.TextDocumentIdentifier) (*string, error) {
	doc := snap.Document(p.URI)
	if doc == nil {
		return nil, nil
	}
	text := string(doc.Text)
	return &text, nil
}

func testBlock(ctx context.Context, _ *Server, _ *Snapshot, _ *struct{}) (any, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}
