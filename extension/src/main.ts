// main.ts: activation. Creates the one Ctx, registers the commands of
// commands.ts and starts the language server; everything else lives in the
// modules it calls.
import * as vscode from 'vscode';

import { registerCommands } from './commands';
import { Ctx } from './ctx';

let ctx: Ctx | undefined;

export async function activate(extension: vscode.ExtensionContext): Promise<void> {
    ctx = new Ctx(extension);
    extension.subscriptions.push(ctx);
    registerCommands(ctx, extension.subscriptions);
    await ctx.start();
}

export async function deactivate(): Promise<void> {
    await ctx?.stop();
    ctx = undefined;
}
