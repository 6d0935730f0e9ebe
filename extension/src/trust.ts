// trust.ts: asks before a command connects to a server in an untrusted
// workspace (trust_model.ts decides when), remembering a yes for the
// session. Trust granted later makes every question moot.
import * as vscode from 'vscode';

import type { ServerEntry } from './catalog';
import { trustQuestion } from './trust_model';

export class TrustGate {
    private readonly allowed = new Set<string>();

    get trusted(): boolean {
        return vscode.workspace.isTrusted;
    }

    /** Resolves true when the command may run. */
    async allow(command: string, arg: unknown, find: (uri: string, name: string) => ServerEntry | undefined): Promise<boolean> {
        const q = trustQuestion(command, arg, this.trusted, find);
        if (q === undefined || this.allowed.has(q.key)) {
            return true;
        }
        const pick = await vscode.window.showWarningMessage(q.message, { modal: true }, 'Connect');
        if (pick !== 'Connect') {
            return false;
        }
        this.allowed.add(q.key);
        return true;
    }
}
