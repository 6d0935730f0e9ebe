// status.ts: the status bar item: how many MCP servers are connected, a
// warning background when one needs attention (sign-in, error, offline),
// an error when the language server is not running. Click: the MCP view,
// or a restart when the server is down.
import * as vscode from 'vscode';

import type { ServerEntry } from './catalog';
import { statusOf } from './status_model';

export class StatusItem implements vscode.Disposable {
    private readonly item = vscode.window.createStatusBarItem('mcpls.status', vscode.StatusBarAlignment.Left, 10);

    constructor() {
        this.item.name = 'mcpls';
        this.item.show();
    }

    update(running: boolean, entries: readonly ServerEntry[]): void {
        const s = statusOf(running, entries);
        this.item.text = s.text;
        this.item.tooltip = s.tooltip;
        this.item.backgroundColor = s.error ? new vscode.ThemeColor('statusBarItem.errorBackground')
            : s.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
        this.item.command = running ? 'mcpls.servers.focus' : 'mcpls.restartServer';
    }

    dispose(): void {
        this.item.dispose();
    }
}
