// ctx.ts: owns the language client's lifecycle: find the server, start the
// client, restart it on request or when its settings change, stop it on
// deactivation. Nothing else creates or disposes the client.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

import { checkServer, resolveServer, type ServerCandidate } from './bootstrap';
import { Config } from './config';

/** The files the server handles, by name whatever language mode they are in. */
export const DOCUMENT_SELECTOR = [
    { scheme: 'file', pattern: '**/.mcp.json' },
    { scheme: 'file', pattern: '**/mcp.json' },
    { scheme: 'file', pattern: '**/*.mcp.json' },
];

export class Ctx implements vscode.Disposable {
    readonly config = new Config();
    readonly output: vscode.LogOutputChannel;
    private client: LanguageClient | undefined;
    // Anything with dispose(): vscode.Disposable is a class, the API returns plain objects.
    private readonly disposables: { dispose(): unknown }[] = [];

    constructor(private readonly extension: vscode.ExtensionContext) {
        this.output = vscode.window.createOutputChannel('mcpls', { log: true });
        this.disposables.push(this.output);
        this.disposables.push(
            vscode.workspace.onDidChangeConfiguration(async (e) => {
                if (this.config.needsRestart(e)) {
                    await this.restart();
                }
            }),
        );
    }

    get running(): boolean {
        return this.client?.isRunning() ?? false;
    }

    /** Finds and checks the binary, then starts the client. Errors are shown, not thrown. */
    async start(): Promise<void> {
        let server: ServerCandidate;
        try {
            server = this.findServer();
            const version = await checkServer(server);
            this.output.info(`mcpls ${version} at ${server.path} (${server.source})`);
        } catch (err) {
            const msg = err instanceof Error ? err.message : String(err);
            this.output.error(`cannot start mcpls: ${msg}`);
            void vscode.window.showErrorMessage(`mcpls: cannot start the language server: ${msg}`);
            return;
        }
        this.client = this.createClient(server);
        try {
            await this.client.start();
        } catch (err) {
            const msg = err instanceof Error ? err.message : String(err);
            this.output.error(`mcpls did not start: ${msg}`);
            void vscode.window.showErrorMessage(`mcpls: the language server did not start: ${msg}`);
        }
    }

    async stop(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        if (client !== undefined) {
            await client.dispose();
        }
    }

    async restart(): Promise<void> {
        await this.stop();
        await this.start();
    }

    dispose(): void {
        void this.stop();
        for (const d of this.disposables.splice(0)) {
            d.dispose();
        }
    }

    private findServer(): ServerCandidate {
        return resolveServer({
            settingPath: this.config.serverPath,
            env: process.env,
            extensionPath: this.extension.extensionPath,
            platform: process.platform,
            homeDir: os.homedir(),
            workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
        });
    }

    private createClient(server: ServerCandidate): LanguageClient {
        const serverOptions: ServerOptions = {
            command: server.path,
            args: ['serve'],
            transport: TransportKind.stdio,
        };
        const clientOptions: LanguageClientOptions = {
            documentSelector: DOCUMENT_SELECTOR,
            outputChannel: this.output,
        };
        return new LanguageClient('mcpls', 'mcpls', serverOptions, clientOptions);
    }
}
