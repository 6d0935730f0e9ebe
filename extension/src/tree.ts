// tree.ts: the MCP view, a tree of the servers the language server
// reported, their state, and their tools, prompts, resources and templates
// (tree_model.ts builds the nodes; this file only maps them to TreeItems).
// Catalogs from the offline cache are shown too, marked "cached … ago".
import * as vscode from 'vscode';

import type { ServerStore } from './catalog';
import { childNodes, rootNodes, type Node } from './tree_model';

export const VIEW_ID = 'mcpls.servers';

export class ServerTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
    private readonly changed = new vscode.EventEmitter<Node | undefined>();
    readonly onDidChangeTreeData = this.changed.event;
    readonly view: vscode.TreeView<Node>;

    constructor(private readonly store: ServerStore) {
        this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    }

    refresh(): void {
        this.changed.fire(undefined);
    }

    getChildren(node?: Node): Node[] {
        const entries = this.store.all();
        return node === undefined ? rootNodes(entries, new Date()) : childNodes(node, entries, new Date());
    }

    getTreeItem(node: Node): vscode.TreeItem {
        const collapsible = node.type === 'item' ? vscode.TreeItemCollapsibleState.None
            : node.type === 'group' ? vscode.TreeItemCollapsibleState.Collapsed
                : vscode.TreeItemCollapsibleState.Expanded;
        const item = new vscode.TreeItem(node.label, collapsible);
        item.id = node.id;
        if (node.description !== undefined) {
            item.description = node.description;
        }
        if (node.tooltip !== undefined) {
            const tip = new vscode.MarkdownString(node.tooltip, true);
            tip.isTrusted = false;
            item.tooltip = tip;
        }
        item.iconPath = node.icon.color !== undefined ? new vscode.ThemeIcon(node.icon.id, new vscode.ThemeColor(node.icon.color)) : new vscode.ThemeIcon(node.icon.id);
        item.contextValue = node.contextValue;
        if (node.type === 'file') {
            item.resourceUri = vscode.Uri.parse(node.uri);
        }
        return item;
    }

    dispose(): void {
        this.view.dispose();
        this.changed.dispose();
    }
}
