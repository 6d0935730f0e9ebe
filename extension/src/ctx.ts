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
import { DidChangeConfigurationNotification, MessageType, ShowMessageRequest, type LanguageClient, type MessageActionItem, type Middleware, type ShowMessageRequestParams } from 'vscode-languageclient/node';

import { checkServer, resolveServer, type ServerCandidate } from './bootstrap';
import { ServerStore } from './catalog';
import { createClient } from './client';
import { Config } from './config';
import { McpConsole } from './console';
import { elicit } from './elicit';
import { commands, commandTitles, methods, states, type ConsoleEvent, type ElicitParams, type PromptParams, type Result, type SecretKey, type SecretValue, type ServerState } from './lsp_ext';
import { noticeText, PICK_COMMAND, serverKey, serversNamed, SignInNotices, type NoticeKind } from './notices';
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
/**
 * The server applies the timeouts to connects and calls itself and says
 * so in its answer; the extension's own timer, this much later, is a
 * backstop (a server that does not, and Sign in, which it does not bound).
 */
const BACKSTOP_GRACE_MS = 2000;
/** The action of the server's sign-in offer (window/showMessageRequest). */
const SIGN_IN_ACTION = 'Sign in';

export class Ctx implements vscode.Disposable {
    readonly config = new Config();
    readonly output: vscode.LogOutputChannel;
    readonly store = new ServerStore();
    readonly console: McpConsole;
    /** The server of the latest Sign in, named in the notice of the page it opens. */
    private signingIn: string | undefined;
    /** The sign-in notices on screen, closed once their server is connected. */
    private readonly notices = new SignInNotices(states.connected);
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
        this.disposables.push(vscode.commands.registerCommand(PICK_COMMAND, (id: unknown, title: unknown) => {
            if (typeof id === 'number' && typeof title === 'string') {
                this.notices.answer(id, title);
            }
        }));
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
        this.notices.clear();
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
        const timer = timeoutMs > 0 ? setTimeout(() => { cts.cancel(); }, timeoutMs + BACKSTOP_GRACE_MS) : undefined;
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
        const keys = this.store.all().filter((e) => e.state.name === server).map((e) => serverKey(e.state.uri, e.state.name));
        void this.notice(notice.message, keys, 'browser', ['Copy link'])?.then(async (pick) => {
            if (pick === 'Copy link') {
                await vscode.env.clipboard.writeText(url);
            }
        });
    }

    /**
     * Shows a sign-in notice until it is answered: by one of its actions
     * (links in its text), its Cancel button, or its server connecting.
     * Undefined when an open notice about the same server makes it needless.
     */
    private notice(message: string, keys: string[], kind: NoticeKind, actions: string[]): Promise<string | undefined> | undefined {
        const n = this.notices.add(keys, kind);
        if (n === undefined) {
            return undefined;
        }
        const title = noticeText(message, n.id, actions);
        void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
            token.onCancellationRequested(() => {
                this.notices.answer(n.id, undefined);
            });
            return n.answer;
        });
        return n.answer;
    }

    /**
     * window/showMessageRequest: the server's sign-in offer about a known
     * server is a notice that closes once it is connected (the pick is then
     * none, which the server takes as dismissed); any other request is
     * shown as the language client would.
     */
    private async showMessageRequest(p: ShowMessageRequestParams): Promise<MessageActionItem | null> {
        const actions = p.actions ?? [];
        const keys = actions.some((a) => a.title === SIGN_IN_ACTION) ? serversNamed(p.message, this.store.all().map((e) => e.state)) : [];
        if (keys.length === 0) {
            return (await showMessage(p.type, p.message, actions)) ?? null;
        }
        const titles = actions.map((a) => a.title).filter((t) => t !== 'Cancel');
        const pick = await this.notice(p.message, keys, 'server', titles);
        return actions.find((a) => a.title === pick) ?? null;
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
        const text = `mcpls: ${res.name} ${needsAuth ? 'needs sign-in' : 'did not connect'}: ${res.error ?? ''}`;
        const answer = needsAuth
            ? this.notice(text, [serverKey(res.uri, res.name)], 'extension', [SIGN_IN_ACTION, 'Show console'])
            : vscode.window.showWarningMessage(text, 'Show console');
        void answer?.then(async (pick) => {
            if (pick === SIGN_IN_ACTION) {
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
            this.notices.update(s);
            this.tree.refresh();
            this.updateStatus();
        });
        client.onNotification(methods.console, (e: ConsoleEvent) => {
            this.console.event(e);
        });
        client.onNotification(methods.result, (r: Result) => {
            this.results.show(r);
        });
        client.onRequest(ShowMessageRequest.type, (p: ShowMessageRequestParams) => this.showMessageRequest(p));
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

/** A message with actions at the severity of its type, as the language client shows one. */
function showMessage(type: MessageType, message: string, actions: MessageActionItem[]): Thenable<MessageActionItem | undefined> {
    switch (type) {
        case MessageType.Error:
            return vscode.window.showErrorMessage(message, ...actions);
        case MessageType.Warning:
            return vscode.window.showWarningMessage(message, ...actions);
        default:
            return vscode.window.showInformationMessage(message, ...actions);
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
