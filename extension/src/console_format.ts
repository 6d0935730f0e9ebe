// console_format.ts: one mcp/console event as one console line:
// "[server] → tools/call #3 (12.5 ms) {data}". Pure; console.ts
// writes the lines to a LogOutputChannel at the event's level.
import type { ConsoleEvent } from './lsp_ext';

/** How many characters of an event's data are shown; the rest is cut. */
export const MAX_DATA = 4000;

const ARROWS: Record<string, string> = { send: '→', recv: '←', http: '⇄', stderr: '⚠', auth: '🔑', event: '•', log: '✎' };

export function formatEvent(e: ConsoleEvent): string {
    // The server's message is already a line of its own ("→ tools/call #3",
    // "POST http://… → 200 OK"); the kind's arrow, method and id only stand
    // in when it is empty.
    const parts = [`[${e.server}]`];
    if (e.message !== '') {
        parts.push(e.message);
    } else {
        parts.push(ARROWS[e.kind] ?? e.kind);
        if (e.method !== undefined && e.method !== '') {
            parts.push(e.method);
        }
        if (e.id !== undefined && e.id !== '') {
            parts.push(`#${e.id}`);
        }
    }
    if (e.elapsedMs !== undefined && e.elapsedMs > 0) {
        parts.push(`(${formatMs(e.elapsedMs)})`);
    }
    if (e.data !== undefined && e.data !== null) {
        parts.push(cut(JSON.stringify(e.data)));
    }
    return parts.join(' ');
}

export function formatMs(ms: number): string {
    return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

function cut(s: string): string {
    return s.length > MAX_DATA ? `${s.slice(0, MAX_DATA)}… (${s.length - MAX_DATA} more characters)` : s;
}
