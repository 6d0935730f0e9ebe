// history.ts: the earlier results of each request, newest first, capped,
// keyed by the saved request (config file and index) or, for calls made
// from the MCP view, by server and target. Pure.
import type { Result } from './lsp_ext';

export function resultKey(r: Pick<Result, 'uri' | 'request' | 'server' | 'kind' | 'target'>): string {
    return r.request >= 0 ? `${r.uri}#${r.request}` : `${r.uri}#${r.server}/${r.kind}/${r.target}`;
}

export class ResultHistory {
    private readonly byKey = new Map<string, Result[]>();

    constructor(private readonly max = 10) {}

    /** Adds a result unless it is the same as the newest one (showResult re-sends it); returns its key. */
    add(r: Result): string {
        const key = resultKey(r);
        const list = this.byKey.get(key) ?? [];
        const newest = list[0];
        if (newest?.time !== r.time || newest.summary !== r.summary) {
            list.unshift(r);
            list.length = Math.min(list.length, this.max);
        }
        this.byKey.set(key, list);
        return key;
    }

    get(key: string): readonly Result[] {
        return this.byKey.get(key) ?? [];
    }
}
