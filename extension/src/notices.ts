// notices.ts: the sign-in notices of servers (the server's "needs sign-in"
// offer, the extension's own, "the browser was opened"), which must go away
// once the server they are about is connected. VS Code cannot close a
// notification shown with showWarningMessage, so a notice is a progress
// notification that lasts until its answer is known; its actions are
// command links in its text. This module holds the bookkeeping, free of
// vscode: which notices are open, for which servers, and who answered.

/** The command a notice's links run, with [notice id, action title]. */
export const PICK_COMMAND = 'mcpls.notice.pick';

/**
 * What a notice is: the server's sign-in offer (window/showMessageRequest),
 * the extension's own offer after a Connect, or "the browser was opened".
 */
export type NoticeKind = 'server' | 'extension' | 'browser';

/** The open notices of a server that a new one of a kind replaces. */
const REPLACES: Record<NoticeKind, NoticeKind[]> = { server: ['extension'], extension: [], browser: ['browser'] };
/** The open notices of a server that make a new one of a kind needless. */
const YIELDS_TO: Record<NoticeKind, NoticeKind[]> = { server: [], extension: ['server', 'extension'], browser: [] };

/** A server as the store knows it. */
export interface NoticeServer {
    uri: string;
    name: string;
    state: string;
}

interface Notice {
    keys: Set<string>;
    kind: NoticeKind;
    answer: (pick: string | undefined) => void;
}

/** One server's key: its config file and its name. */
export function serverKey(uri: string, name: string): string {
    return `${uri}\u0000${name}`;
}

/**
 * The keys of the servers a message is about: those whose name starts it
 * ("secure needs sign-in at ..."), the longest name only when names
 * overlap ("a" and "a b").
 */
export function serversNamed(message: string, servers: Pick<NoticeServer, 'uri' | 'name'>[]): string[] {
    const named = servers.filter((s) => s.name !== '' && message.startsWith(`${s.name} `));
    const longest = Math.max(0, ...named.map((s) => s.name.length));
    return named.filter((s) => s.name.length === longest).map((s) => serverKey(s.uri, s.name));
}

/**
 * The notice's text: the message, then its actions as command links
 * ([title](command:mcpls.notice.pick?[id,"title"])). A link ends at the
 * first ')' or space, so those are escaped too.
 */
export function noticeText(message: string, id: number, actions: string[]): string {
    const links = actions.map((a) => {
        const arg = encodeURIComponent(JSON.stringify([id, a])).replace(/[()'!*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
        return `[${a.replace(/[[\]]/g, '')}](command:${PICK_COMMAND}?${arg})`;
    });
    return links.length === 0 ? message : `${message} ${links.join(' · ')}`;
}

/**
 * The open notices. A notice is answered once: by a link (its action's
 * title), by its Cancel button or a newer notice (undefined), or by the
 * server it is about becoming connected (undefined).
 */
export class SignInNotices {
    private nextId = 1;
    private readonly open = new Map<number, Notice>();

    constructor(private readonly connected: string) {}

    /**
     * Opens a notice about the servers of keys; returns its id and the
     * answer to wait for, or undefined when an open notice about the same
     * server makes it needless (the extension's offer beside the server's).
     * It replaces (answers) the older ones it supersedes: the server's offer
     * the extension's, a "browser opened" the previous one.
     */
    add(keys: string[], kind: NoticeKind): { id: number; answer: Promise<string | undefined> } | undefined {
        const same = [...this.open.entries()].filter(([, n]) => keys.some((k) => n.keys.has(k)));
        if (same.some(([, n]) => YIELDS_TO[kind].includes(n.kind))) {
            return undefined;
        }
        for (const [id, n] of same) {
            if (REPLACES[kind].includes(n.kind)) {
                this.answer(id, undefined);
            }
        }
        const id = this.nextId++;
        const answer = new Promise<string | undefined>((resolve) => {
            this.open.set(id, { keys: new Set(keys), kind, answer: resolve });
        });
        return { id, answer };
    }

    /** Answers notice id (once; later answers are ignored). */
    answer(id: number, pick: string | undefined): void {
        const n = this.open.get(id);
        if (n !== undefined) {
            this.open.delete(id);
            n.answer(pick);
        }
    }

    /** A server's new state: once it is connected, its notices are answered and close. */
    update(s: NoticeServer): void {
        if (s.state !== this.connected) {
            return;
        }
        const key = serverKey(s.uri, s.name);
        for (const [id, n] of [...this.open.entries()]) {
            if (n.keys.has(key)) {
                this.answer(id, undefined);
            }
        }
    }

    /** Answers every open notice (the client stopped). */
    clear(): void {
        for (const id of [...this.open.keys()]) {
            this.answer(id, undefined);
        }
    }

    /** The number of open notices. */
    get size(): number {
        return this.open.size;
    }
}
