// client.ts: builds the language client: which files it serves, the mcp/*
// extensions it announces (capabilities.experimental.mcpls), the settings
// and workspace trust it passes in initializationOptions, and the error
// handler that hands crashes to Ctx (which restarts with backoff). The
// handlers of the extensions themselves are attached by Ctx.
import type * as vscode from 'vscode';
import {
    CloseAction,
    ErrorAction,
    LanguageClient,
    TransportKind,
    type ClientCapabilities,
    type FeatureState,
    type LanguageClientOptions,
    type Middleware,
    type ServerOptions,
    type StaticFeature,
} from 'vscode-languageclient/node';

import type { ServerCandidate } from './bootstrap';
import { capabilityName, type Capabilities } from './lsp_ext';

/** The files the server handles, by name whatever language mode they are in. */
export const DOCUMENT_SELECTOR = [
    { scheme: 'file', pattern: '**/.mcp.json' },
    { scheme: 'file', pattern: '**/mcp.json' },
    { scheme: 'file', pattern: '**/*.mcp.json' },
];

/** Every mcp/* extension the VS Code extension handles. */
export const CAPABILITIES: Required<Capabilities> = {
    serverState: true,
    console: true,
    results: true,
    secrets: true,
    elicit: true,
    prompt: true,
};

/** Announces CAPABILITIES under capabilities.experimental.mcpls in initialize. */
export class McpFeature implements StaticFeature {
    fillClientCapabilities(capabilities: ClientCapabilities): void {
        capabilities.experimental = { ...(capabilities.experimental as object | undefined), [capabilityName]: CAPABILITIES };
    }

    initialize(): void {
        // Nothing to set up: the handlers are attached to the client by Ctx.
    }

    getState(): FeatureState {
        return { kind: 'static' };
    }

    clear(): void {
        // Static: nothing registered.
    }
}

export interface ClientHooks {
    output: vscode.LogOutputChannel;
    /** initializationOptions, computed at each start (settings and trust may have changed). */
    initializationOptions: () => unknown;
    /** Called when the server process went away without being asked to; returns what to log. */
    onCrash: () => string;
    middleware: Middleware;
}

export function createClient(server: ServerCandidate, hooks: ClientHooks): LanguageClient {
    const serverOptions: ServerOptions = {
        command: server.path,
        args: ['serve'],
        transport: TransportKind.stdio,
    };
    const clientOptions: LanguageClientOptions = {
        documentSelector: DOCUMENT_SELECTOR,
        outputChannel: hooks.output,
        initializationOptions: hooks.initializationOptions,
        middleware: hooks.middleware,
        errorHandler: {
            // A broken message is reported by the client; the connection goes on.
            error: () => ({ action: ErrorAction.Continue, handled: false }),
            // Ctx restarts the server itself, with backoff: the client must not.
            closed: () => ({ action: CloseAction.DoNotRestart, handled: true, message: hooks.onCrash() }),
        },
    };
    const client = new LanguageClient('mcpls', 'mcpls', serverOptions, clientOptions);
    client.registerFeature(new McpFeature());
    return client;
}
