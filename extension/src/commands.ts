// commands.ts: the one table of the extension's own commands: the MCP
// view's actions (connect, sign in, call, add request, copy as JSON...),
// the console and the restart. The server's commands (mcpls.connect...)
// are registered by the language client itself; these use their own ids
// (mcpls.view.*) and run the server's through Ctx.execute.
import * as vscode from 'vscode';

import type { ServerEntry } from './catalog';
import type { Ctx } from './ctx';
import { commands, type AddRequestArgs, type RunArgs, type ServerArgs } from './lsp_ext';
import { argumentSkeleton, type ItemNode, type Node, type ServerNode } from './tree_model';
import { expandTemplate, templateVariables } from './uri_template';

type Cmd = (...args: unknown[]) => unknown;

/** Command id -> factory. package.json's contributes.commands lists the same ids. */
export const COMMANDS: Record<string, (ctx: Ctx) => Cmd> = {
    'mcpls.restartServer': (ctx) => () => ctx.restart(),
    'mcpls.view.showConsole': (ctx) => () => {
        ctx.console.show();
    },
    'mcpls.view.connect': (ctx) => serverCommand(ctx, commands.connect),
    'mcpls.view.disconnect': (ctx) => serverCommand(ctx, commands.disconnect),
    'mcpls.view.resync': (ctx) => serverCommand(ctx, commands.resync),
    'mcpls.view.signIn': (ctx) => serverCommand(ctx, commands.signIn),
    'mcpls.view.signOut': (ctx) => serverCommand(ctx, commands.signOut),
    'mcpls.view.run': (ctx) => async (node) => {
        if (isItem(node)) {
            await run(ctx, node);
        }
    },
    'mcpls.view.addRequest': (ctx) => async (node) => {
        if (isItem(node)) {
            await addRequest(ctx, node);
        }
    },
    'mcpls.view.copyJson': () => async (node) => {
        if (isNode(node)) {
            await vscode.env.clipboard.writeText(JSON.stringify(nodeJson(node), null, 2));
            void vscode.window.setStatusBarMessage('mcpls: copied as JSON', 3000);
        }
    },
    'mcpls.view.openFile': () => async (node) => {
        const uri = isNode(node) ? (node.type === 'file' ? node.uri : node.type === 'server' ? node.entry.state.uri : undefined) : undefined;
        if (uri !== undefined) {
            await vscode.window.showTextDocument(vscode.Uri.parse(uri));
        }
    },
};

export function registerCommands(ctx: Ctx, subscriptions: { dispose(): unknown }[]): void {
    for (const [id, factory] of Object.entries(COMMANDS)) {
        subscriptions.push(vscode.commands.registerCommand(id, factory(ctx)));
    }
}

/** A server action from the tree (a server node) or the palette (picks a server). */
function serverCommand(ctx: Ctx, command: string): Cmd {
    return async (node) => {
        const entry = isNode(node) && node.type === 'server' ? node.entry : await pickServer(ctx);
        if (entry === undefined) {
            return;
        }
        const arg: ServerArgs = { uri: entry.state.uri, server: entry.state.name };
        await ctx.execute(command, arg);
    };
}

async function pickServer(ctx: Ctx): Promise<ServerEntry | undefined> {
    const entries = ctx.store.all();
    if (entries.length === 0) {
        void vscode.window.showInformationMessage('mcpls: no MCP servers yet. Open a .mcp.json file first.');
        return undefined;
    }
    const picked = await vscode.window.showQuickPick(entries.map((e) => ({
        label: e.state.name, description: e.state.state, detail: vscode.workspace.asRelativePath(vscode.Uri.parse(e.state.uri)), entry: e,
    })), { placeHolder: 'MCP server' });
    return picked?.entry;
}

/** Call a tool, get a prompt, read a resource or a template, asking for the arguments first. */
async function run(ctx: Ctx, node: ItemNode): Promise<void> {
    const base = { uri: node.entry.state.uri, server: node.entry.state.name };
    switch (node.kind) {
        case 'tool': {
            const args = await askJson(`Arguments of ${node.target}`, argumentSkeleton((node.item as { inputSchema?: unknown }).inputSchema));
            if (args !== undefined) {
                await ctx.execute(commands.callTool, { ...base, target: node.target, arguments: args } satisfies RunArgs);
            }
            return;
        }
        case 'prompt': {
            const declared = (node.item as { arguments?: { name: string; required?: boolean }[] }).arguments ?? [];
            let args: unknown = {};
            if (declared.length > 0) {
                args = await askJson(`Arguments of prompt ${node.target}`, Object.fromEntries(declared.filter((a) => a.required === true).map((a) => [a.name, ''])));
                if (args === undefined) {
                    return;
                }
            }
            await ctx.execute(commands.getPrompt, { ...base, target: node.target, arguments: args } satisfies RunArgs);
            return;
        }
        case 'resource':
            await ctx.execute(commands.readResource, { ...base, target: node.target } satisfies RunArgs);
            return;
        case 'template': {
            const values: Record<string, string> = {};
            for (const name of templateVariables(node.target)) {
                const v = await vscode.window.showInputBox({ title: node.target, prompt: `Value of {${name}}`, ignoreFocusOut: true });
                if (v === undefined) {
                    return;
                }
                values[name] = v;
            }
            await ctx.execute(commands.readResource, { ...base, target: expandTemplate(node.target, values) } satisfies RunArgs);
            return;
        }
    }
}

/** Asks for a JSON object in an input box; undefined when cancelled. */
async function askJson(title: string, skeleton: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    const text = await vscode.window.showInputBox({
        title,
        prompt: 'A JSON object',
        value: JSON.stringify(skeleton),
        ignoreFocusOut: true,
        validateInput: (v) => (parseObject(v) === undefined ? 'enter a JSON object, like {"a": 1}' : undefined),
    });
    return text === undefined ? undefined : parseObject(text);
}

export function parseObject(text: string): Record<string, unknown> | undefined {
    try {
        const v: unknown = JSON.parse(text.trim() === '' ? '{}' : text);
        return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
        return undefined;
    }
}

/** Inserts a saved request for the item into its config file (the server writes the skeleton). */
async function addRequest(ctx: Ctx, node: ItemNode): Promise<void> {
    const uri = vscode.Uri.parse(node.entry.state.uri);
    await vscode.window.showTextDocument(uri);
    const arg: AddRequestArgs = {
        uri: node.entry.state.uri, server: node.entry.state.name, kind: node.kind === 'template' ? 'resource' : node.kind, target: node.target,
    };
    await ctx.execute(commands.addRequest, arg);
}

/** What Copy as JSON copies: the item as the server described it, or the server's state. */
function nodeJson(node: Node): unknown {
    switch (node.type) {
        case 'item':
            return node.item;
        case 'server':
            return serverJson(node);
        case 'group': {
            const c = node.entry.catalog;
            return c === undefined ? [] : { tools: c.tools, prompts: c.prompts, resources: c.resources, templates: c.templates }[node.group];
        }
        case 'file':
            return { uri: node.uri };
    }
}

function serverJson(node: ServerNode): unknown {
    return { ...node.entry.state, catalog: node.entry.catalog };
}

function isNode(v: unknown): v is Node {
    return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string' && typeof (v as { id?: unknown }).id === 'string';
}

function isItem(v: unknown): v is ItemNode {
    return isNode(v) && v.type === 'item';
}
