// console.ts: the MCP console, a log output channel fed by mcp/console with
// each MCP message and transport event (already redacted by the server).
// Warnings and errors keep their level; traffic (debug) and info events are
// written at info so that they show without changing the channel's own log
// level; the mcpls.console.level setting decides what is written at all.
import * as vscode from 'vscode';

import { formatEvent } from './console_format';
import type { ConsoleEvent } from './lsp_ext';
import { levelAtLeast, type ConsoleLevel } from './settings';

export class McpConsole implements vscode.Disposable {
    readonly channel: vscode.LogOutputChannel;

    constructor(private readonly minLevel: () => ConsoleLevel) {
        this.channel = vscode.window.createOutputChannel('MCP Console', { log: true });
    }

    event(e: ConsoleEvent): void {
        if (!levelAtLeast(e.level, this.minLevel())) {
            return;
        }
        const line = formatEvent(e);
        switch (e.level) {
            case 'error':
                this.channel.error(line);
                break;
            case 'warning':
                this.channel.warn(line);
                break;
            default:
                this.channel.info(line);
        }
    }

    /** A line of the extension's own about the servers (trust prompts, timeouts). */
    note(server: string, message: string): void {
        this.channel.info(`[${server}] • ${message}`);
    }

    show(): void {
        this.channel.show(true);
    }

    dispose(): void {
        this.channel.dispose();
    }
}
