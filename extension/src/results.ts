// results.ts: the result view. Each request (saved, or called from the MCP
// view) gets one read-only webview, reused by later runs, showing its newest
// result and the earlier ones (history.ts). The page is static HTML from
// render.ts: scripts are off and the CSP allows only inline styles and
// data: images.
import * as vscode from 'vscode';

import { ResultHistory } from './history';
import type { Result } from './lsp_ext';
import { outcomeMark, renderPage } from './render';

export class ResultViews implements vscode.Disposable {
    private readonly history = new ResultHistory();
    private readonly panels = new Map<string, vscode.WebviewPanel>();

    /** Records a result and shows it, in its request's view. */
    show(r: Result): void {
        const key = this.history.add(r);
        let panel = this.panels.get(key);
        if (panel === undefined) {
            panel = vscode.window.createWebviewPanel('mcpls.result', title(r), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
                enableScripts: false, enableFindWidget: true, retainContextWhenHidden: false, localResourceRoots: [],
            });
            panel.onDidDispose(() => this.panels.delete(key));
            this.panels.set(key, panel);
        } else {
            panel.reveal(undefined, true);
        }
        panel.title = title(r);
        panel.webview.html = renderPage(this.history.get(key));
    }

    dispose(): void {
        for (const p of this.panels.values()) {
            p.dispose();
        }
        this.panels.clear();
    }
}

function title(r: Result): string {
    return `${outcomeMark(r)} ${r.name}`;
}
