// ctx.ts: owns the language client's lifecycle and the extension's state:
// find the server, start the client with the mcp/* handlers attached,
// restart it on request, on settings that need it, and after a crash
// (with backoff, saying so), stop it on deactivation. Commands that need
// the server go through execute(), which checks that it runs, asks for
// consent in an untrusted workspace, applies the timeouts and reports
// failures with a way to the console. Nothing else creates or disposes
// the client.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, type LanguageClient, type Middleware } from 'vscode-languageclient/node';

import { checkServer, resolveServer, type ServerCandidate } from './bootstrap';
import { ServerStore } from './catalog';
import { createClient } from './client';
import { Config } from './config';
import { McpConsole } from './console';
import { elicit } from './elicit';
import { commands, commandTitles, methods, states, type ConsoleEvent, type ElicitParams, type PromptParams, type Result, type SecretKey, type SecretValue, type ServerState } from './lsp_ext';
import { RestartPolicy } from './restart';
import { ResultViews } from './results';
import { promptValue, Secrets } from './secrets';
import { serverSettings } from './settings';
import { serverForUrl, signInNotice, signInServer } from './signin';
import { StatusItem } from './status';
import { ServerTree } from './tree';
import { TrustGate } from './trust';

/** Commands bounded by the connect timeout, and those bounded by the request timeout. */
const CONNECT_COMMANDS = new Set<string>([commands.connect, commands.resync, commands.signIn]);
const RUN_COMMANDS = new Set<string>([commands.callTool, commands.getPrompt, commands.readResource]);

export class Ctx implements vscode.Disposable {
    readonly config = new Config();
    readonly output: vscode.LogOutputChannel;
    readonly store = new ServerStore();
    readonly console: McpConsole;
    /** The server of the latest Sign in, named in the notice of the page it opens. */
    private signingIn: string | undefined;
    readonly results = new ResultViews();
    readonly tree: ServerTree;
    readonly trust = new TrustGate();
    private readonly status = new StatusItem();
    private readonly secrets: Secrets;
    private readonly policy = new RestartPolicy();
    private client: LanguageClient | undefined;
    private restartTimer: NodeJS.Timeout | undefined;
    // Anything with dispose(): vscode.Disposable is a class, the API returns plain objects.
    private readonly disposables: { dispose(): unknown }[] = [];

    constructor(private readonly extension: vscode.ExtensionContext) {
        this.output = vscode.window.createOutputChannel('mcpls', { log: true });
        this.console = new McpConsole(() => this.config.settings.consoleLevel);
        this.tree = new ServerTree(this.store);
        this.secrets = new Secrets(extension.secrets);
        this.disposables.push(this.output, this.console, this.results, this.tree, this.status);
        this.disposables.push(
            vscode.workspace.onDidChangeConfiguration(async (e) => {
                if (this.config.needsRestart(e)) {
                    await this.restart();
                } else if (this.config.affectsServerSettings(e)) {
                    this.pushSettings();
                }
            }),
            vscode.workspace.onDidGrantWorkspaceTrust(() => {
                this.output.info('workspace trusted: stdio servers may start now');
                this.pushSettings();
            }),
        );
        this.updateStatus();
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
            const msg = errorText(err);
            this.output.error(`cannot start mcpls: ${msg}`);
            void vscode.window.showErrorMessage(`mcpls: cannot start the language server: ${msg}`);
            this.updateStatus();
            return;
        }
        const client = createClient(server, {
            output: this.output,
            initializationOptions: () => ({ mcpls: serverSettings(this.config.settings, this.trust.trusted) }),
            onCrash: () => this.crashed(client),
            middleware: this.middleware(),
        });
        this.attach(client);
        this.client = client;
        try {
            await client.start();
        } catch (err) {
            const msg = errorText(err);
            this.output.error(`mcpls did not start: ${msg}`);
            void vscode.window.showErrorMessage(`mcpls: the language server did not start: ${msg}`);
        }
        this.updateStatus();
    }

    async stop(): Promise<void> {
        clearTimeout(this.restartTimer);
        this.restartTimer = undefined;
        const client = this.client;
        this.client = undefined;
        this.store.clear();
        this.tree.refresh();
        if (client !== undefined) {
            try {
                await client.dispose();
            } catch (err) {
                this.output.warn(`stopping mcpls: ${errorText(err)}`);
            }
        }
        this.updateStatus();
    }

    /** Restarts the server; a restart by hand forgets earlier crashes. */
    async restart(byHand = true): Promise<void> {
        if (byHand) {
            this.policy.reset();
        }
        await this.stop();
        await this.start();
    }

    /**
     * Runs a command of the server through workspace/executeCommand.
     * Returns its result, or undefined when it did not run or failed (the
     * user has been told).
     */
    async execute(command: string, arg: unknown): Promise<unknown> {
        const client = this.client;
        const title = commandTitles[command] ?? command;
        if (!client?.isRunning()) {
            const pick = await vscode.window.showErrorMessage(`mcpls: ${title} needs the language server, which is not running.`, 'Restart');
            if (pick === 'Restart') {
                await this.restart();
            }
            return undefined;
        }
        if (command === commands.signIn) {
            this.signingIn = signInServer(arg);
        }
        if (!(await this.trust.allow(command, arg, (uri, name) => this.store.get(uri, name)))) {
            return undefined;
        }
        const settings = this.config.settings;
        const timeoutMs = CONNECT_COMMANDS.has(command) ? settings.connectTimeoutMs : RUN_COMMANDS.has(command) ? settings.requestTimeoutMs : 0;
        const cts = new vscode.CancellationTokenSource();
        const timer = timeoutMs > 0 ? setTimeout(() => { cts.cancel(); }, timeoutMs) : undefined;
        try {
            const res = await client.sendRequest<unknown>('workspace/executeCommand', { command, arguments: [arg] }, cts.token);
            if (CONNECT_COMMANDS.has(command)) {
                this.reportState(res);
            }
            return res;
        } catch (err) {
            const msg = cts.token.isCancellationRequested ? `timed out after ${Math.round(timeoutMs / 1000)} s (mcpls.timeouts)` : errorText(err);
            this.output.warn(`${command}: ${msg}`);
            void vscode.window.showErrorMessage(`mcpls: ${title}: ${msg}`, 'Show console').then((pick) => {
                if (pick === 'Show console') {
                    this.console.show();
                }
            });
            return undefined;
        } finally {
            clearTimeout(timer);
            cts.dispose();
        }
    }

    dispose(): void {
        void this.stop();
        for (const d of this.disposables.splice(0)) {
            d.dispose();
        }
    }

    /**
     * Lens clicks and the language client's own command registrations go
     * through execute() too; showConsole opens this extension's console
     * instead of the file the server would write, showResult the result view.
     */
    private middleware(): Middleware {
        return {
            executeCommand: async (command: string, args: unknown[]) => {
                if (command === commands.showConsole) {
                    this.console.show();
                    return null;
                }
                const res = await this.execute(command, args[0]);
                if (command === commands.showResult && isResult(res)) {
                    this.results.show(res);
                }
                return res;
            },
            window: {
                showDocument: async (params, token, next) => {
                    if (params.external === true) {
                        this.signInOpened(params.uri);
                    }
                    return next(params, token);
                },
            },
        };
    }

    /**
     * The server opens a sign-in page in the browser: said in the console
     * (the URL, which holds no secret) and in a notification whose Copy
     * link puts the URL on the clipboard, for when the browser did not open.
     */
    private signInOpened(url: string): void {
        const server = serverForUrl(url, this.store.all().map((e) => e.state), states.needsAuth, this.signingIn);
        const notice = signInNotice(server, url);
        this.console.note(server ?? 'mcpls', notice.log);
        void vscode.window.showInformationMessage(notice.message, 'Copy link').then(async (pick) => {
            if (pick === 'Copy link') {
                await vscode.env.clipboard.writeText(url);
            }
        });
    }

    /**
     * A connect that ended in an error or a need to sign in is said, with
     * a way to sign in or to the console.
     */
    private reportState(res: unknown): void {
        if (!isServerState(res) || (res.state !== states.error && res.state !== states.needsAuth)) {
            return;
        }
        const needsAuth = res.state === states.needsAuth;
        const actions = needsAuth ? ['Sign in', 'Show console'] : ['Show console'];
        const text = `mcpls: ${res.name} ${needsAuth ? 'needs sign-in' : 'did not connect'}: ${res.error ?? ''}`;
        void vscode.window.showWarningMessage(text, ...actions).then(async (pick) => {
            if (pick === 'Sign in') {
                await this.execute(commands.signIn, { uri: res.uri, server: res.name });
            } else if (pick === 'Show console') {
                this.console.show();
            }
        });
    }

    /** Attaches the handlers of the mcp/* extensions announced in client.ts. */
    private attach(client: LanguageClient): void {
        client.onNotification(methods.serverState, (s: ServerState) => {
            this.store.update(s);
            this.tree.refresh();
            this.updateStatus();
        });
        client.onNotification(methods.console, (e: ConsoleEvent) => {
            this.console.event(e);
        });
        client.onNotification(methods.result, (r: Result) => {
            this.results.show(r);
        });
        client.onRequest(methods.secretGet, (p: SecretKey) => this.secrets.get(p));
        client.onRequest(methods.secretStore, (p: SecretValue) => this.secrets.put(p));
        client.onRequest(methods.secretDelete, (p: SecretKey) => this.secrets.delete(p));
        client.onRequest(methods.elicit, (p: ElicitParams) => elicit(p));
        client.onRequest(methods.prompt, (p: PromptParams) => promptValue(p));
    }

    /**
     * The server went away unasked: restart it after a growing delay, or
     * give up and say so. Returns the line the client logs.
     */
    private crashed(client: LanguageClient): string {
        if (client !== this.client) {
            return 'an old mcpls connection closed';
        }
        this.store.clear();
        this.tree.refresh();
        this.updateStatus();
        const d = this.policy.crashed(Date.now());
        if (d.delayMs === undefined) {
            void vscode.window.showErrorMessage(`mcpls stopped unexpectedly ${d.crashes} times and is no longer restarted.`, 'Restart', 'Show log').then(async (pick) => {
                if (pick === 'Restart') {
                    await this.restart();
                } else if (pick === 'Show log') {
                    this.output.show();
                }
            });
            return `mcpls stopped unexpectedly ${d.crashes} times in a short while; not restarting it`;
        }
        const secs = d.delayMs / 1000;
        void vscode.window.showWarningMessage(`mcpls stopped unexpectedly; restarting it in ${secs} s.`);
        clearTimeout(this.restartTimer);
        this.restartTimer = setTimeout(() => {
            this.restartTimer = undefined;
            void this.restart(false);
        }, d.delayMs);
        return `mcpls stopped unexpectedly (crash ${d.crashes}); restarting it in ${secs} s`;
    }

    /** Tells the server the settings it reads and the workspace trust. */
    private pushSettings(): void {
        if (!this.client?.isRunning()) {
            return;
        }
        const settings = { mcpls: serverSettings(this.config.settings, this.trust.trusted) };
        this.client.sendNotification(DidChangeConfigurationNotification.type, { settings }).catch((err: unknown) => {
            this.output.warn(`sending settings: ${errorText(err)}`);
        });
    }

    private updateStatus(): void {
        this.status.update(this.running, this.store.all());
        void vscode.commands.executeCommand('setContext', 'mcpls.running', this.running);
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
}

function isServerState(v: unknown): v is ServerState {
    return typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string' && typeof (v as { state?: unknown }).state === 'string';
}

function isResult(v: unknown): v is Result {
    return typeof v === 'object' && v !== null && typeof (v as { uri?: unknown }).uri === 'string' && typeof (v as { summary?: unknown }).summary === 'string';
}

function errorText(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}
