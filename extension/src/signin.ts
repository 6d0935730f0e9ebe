// signin.ts: what the extension says when the server opens a sign-in page
// (window/showDocument with external: true): the notification's text and
// the console line. The URL of an authorization request holds no secret
// (state and the PKCE challenge are public), but a URL that carries
// anything token-like in its query or fragment is logged without it.
const SECRET_PARAM = /token|secret|password|code_verifier|^code$/i;

/** The URL as it may be logged: secret-looking query parameters and any fragment masked. */
export function loggableUrl(raw: string): string {
    let u: URL;
    try {
        u = new URL(raw);
    } catch {
        return '(an unparsable URL)';
    }
    for (const key of [...u.searchParams.keys()]) {
        if (SECRET_PARAM.test(key)) {
            u.searchParams.set(key, '***');
        }
    }
    if (u.hash !== '') {
        u.hash = '***';
    }
    u.username = '';
    u.password = '';
    return u.toString();
}

/** The server a sign-in was asked for, from a command's argument ({ server }), if any. */
export function signInServer(arg: unknown): string | undefined {
    if (typeof arg === 'object' && arg !== null && typeof (arg as { server?: unknown }).server === 'string') {
        return (arg as { server: string }).server;
    }
    return undefined;
}

/** The notification shown beside the opened browser, and the console line. */
export function signInNotice(server: string | undefined, url: string): { message: string; log: string } {
    const who = server ?? hostOf(url);
    return {
        message: `Signing in to ${who}: the browser was opened.`,
        log: `sign-in page opened in the browser: ${loggableUrl(url)}`,
    };
}

function hostOf(url: string): string {
    try {
        return new URL(url).host;
    } catch {
        return 'the server';
    }
}

/** A server as the store knows it: enough to tell which one a sign-in page is for. */
export interface SignInCandidate {
    name: string;
    state: string;
    target?: string;
}

/**
 * The server an authorize URL is for: the one whose URL is the request's
 * resource parameter (RFC 8707), else the only one that needs sign-in,
 * else fallback (the server of the latest Sign in command).
 */
export function serverForUrl(url: string, servers: SignInCandidate[], needsAuth: string, fallback?: string): string | undefined {
    let resource: string | null = null;
    try {
        resource = new URL(url).searchParams.get('resource');
    } catch {
        // Not a URL: no resource to match.
    }
    const byResource = resource === null ? [] : servers.filter((s) => s.target === resource);
    if (byResource.length === 1) {
        return byResource[0]?.name;
    }
    const waiting = servers.filter((s) => s.state === needsAuth);
    if (waiting.length === 1) {
        return waiting[0]?.name;
    }
    return fallback;
}
