// status_model.ts: the status bar's text, tooltip and whether it warns,
// from the servers' states and whether the language server runs. Pure.
import type { ServerEntry } from './catalog';
import { states } from './lsp_ext';

export interface Status {
    text: string;
    tooltip: string;
    warning: boolean;
    error: boolean;
}

const ATTENTION = new Set<string>([states.needsAuth, states.error, states.offline]);

export function statusOf(running: boolean, entries: readonly ServerEntry[]): Status {
    if (!running) {
        return { text: '$(error) mcpls', tooltip: 'The mcpls language server is not running. Click to restart it.', warning: false, error: true };
    }
    const connected = entries.filter((e) => e.state.state === states.connected);
    const attention = entries.filter((e) => ATTENTION.has(e.state.state));
    const icon = attention.length > 0 ? '$(warning)' : connected.length > 0 ? '$(plug)' : '$(debug-disconnect)';
    const text = entries.length === 0 ? '$(plug) mcpls' : `${icon} MCP ${connected.length}/${entries.length}`;
    const lines = entries.length === 0 ? ['No MCP servers seen yet: open a .mcp.json.'] : entries.map((e) => `${e.state.name}: ${words(e)}`);
    return { text, tooltip: lines.join('\n'), warning: attention.length > 0, error: false };
}

function words(e: ServerEntry): string {
    switch (e.state.state) {
        case states.needsAuth:
            return 'needs sign-in';
        case states.offline:
            return 'offline (cached catalog)';
        case states.error:
            return `error: ${e.state.error ?? ''}`;
    }
    return e.state.state;
}
