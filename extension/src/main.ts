// main.ts: activation. Creates the one Ctx, registers the commands and starts
// the language server; everything else lives in the modules it calls.
import * as vscode from 'vscode';

import { Ctx } from './ctx';

let ctx: Ctx | undefined;

export async function activate(extension: vscode.ExtensionContext): Promise<void> {
    ctx = new Ctx(extension);
    extension.subscriptions.push(ctx);
    extension.subscriptions.push(
        vscode.commands.registerCommand('mcpls.restartServer', async () => {
            await ctx?.restart();
        }),
    );
    await ctx.start();
}

export async function deactivate(): Promise<void> {
    await ctx?.stop();
    ctx = undefined;
}
