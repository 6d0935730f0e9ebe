// secrets.ts: the editor side of mcp/secret/get|store|delete (tokens kept
// in VS Code's SecretStorage, never in a file or a log) and of mcp/prompt
// (one value typed into an input box, masked when it is a password).
import * as vscode from 'vscode';

import type { PromptParams, PromptResult, SecretKey, SecretValue } from './lsp_ext';

/** Secrets are namespaced so that other data in the store is out of the server's reach. */
export const SECRET_PREFIX = 'mcpls.secret:';

export class Secrets {
    constructor(private readonly store: vscode.SecretStorage) {}

    async get(p: SecretKey): Promise<SecretValue> {
        const value = await this.store.get(SECRET_PREFIX + p.key);
        return { key: p.key, value: value ?? null };
    }

    async put(p: SecretValue): Promise<null> {
        if (p.value === null) {
            await this.store.delete(SECRET_PREFIX + p.key);
        } else {
            await this.store.store(SECRET_PREFIX + p.key, p.value);
        }
        return null;
    }

    async delete(p: SecretKey): Promise<null> {
        await this.store.delete(SECRET_PREFIX + p.key);
        return null;
    }
}

/** Asks for one value; null when the user cancelled. */
export async function promptValue(p: PromptParams): Promise<PromptResult> {
    const value = await vscode.window.showInputBox({
        title: p.title,
        prompt: p.prompt,
        password: p.password,
        ignoreFocusOut: true,
        ...(p.value !== undefined ? { value: p.value } : {}),
    });
    return { value: value ?? null };
}
