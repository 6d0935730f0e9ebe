package lsp

import (
	"context"

	"go.lsp.dev/protocol"
)

// requestTable is the one table of LSP requests the server answers.
var requestTable = map[string]requestSpec{
	protocol.MethodInitialize:              {run: request(initialize), inline: true},
	protocol.MethodShutdown:                {run: request(shutdown), inline: true},
	protocol.MethodTextDocumentCompletion:  {run: request(completion)},
	protocol.MethodTextDocumentHover:       {run: request(hover)},
	protocol.MethodWorkspaceExecuteCommand: {run: request(executeCommand)},
	protocol.MethodTextDocumentCodeLens:    {run: request(codeLens)},
	protocol.MethodTextDocumentCodeAction:  {run: request(codeAction)},
}

// notifications is the one table of LSP notifications the server follows.
var notifications = map[string]notificationFunc{
	protocol.MethodInitialized:                        notification(initialized),
	protocol.MethodExit:                               notification(exit),
	protocol.MethodCancelRequest:                      notification(cancelRequest),
	protocol.MethodTextDocumentDidOpen:                notification(didOpen),
	protocol.MethodTextDocumentDidChange:              notification(didChange),
	protocol.MethodTextDocumentDidSave:                notification(didSave),
	protocol.MethodTextDocumentDidClose:               notification(didClose),
	protocol.MethodWorkspaceDidChangeWorkspaceFolders: notification(didChangeWorkspaceFolders),
	protocol.MethodSetTrace:                           notification(ignore[protocol.SetTraceParams]),
	protocol.MethodWorkspaceDidChangeConfiguration:    notification(didChangeConfiguration),
	protocol.MethodWindowWorkDoneProgressCancel:       notification(workDoneProgressCancel),
}

// ignore accepts a notification the server has no use for yet, so that it
// is not logged as unknown.
func ignore[P any](_ context.Context, _ *Server, _ *P) error { return nil }
