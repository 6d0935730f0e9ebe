// trust_model.ts: which commands need the user's consent in an untrusted
// workspace. mcpls itself never starts a stdio server there (it is told
// trusted=false); connecting to an HTTP server is allowed but asked first,
// once per server (or per file, for a saved request whose server the
// extension cannot name). Pure.
import { serverKey, type ServerEntry } from './catalog';
import { commands, states } from './lsp_ext';

/** Commands that may open a connection when the server is not connected. */
const CONNECTING = new Set<string>([
    commands.connect, commands.resync, commands.signIn, commands.callTool, commands.getPrompt, commands.readResource,
]);

export interface TrustQuestion {
    /** What consent is remembered under. */
    key: string;
    message: string;
}

/**
 * The question to ask before running command with arg in a workspace that
 * is not trusted, or undefined when none is needed.
 */
export function trustQuestion(command: string, arg: unknown, trusted: boolean, find: (uri: string, name: string) => ServerEntry | undefined): TrustQuestion | undefined {
    if (trusted || !CONNECTING.has(command) || typeof arg !== 'object' || arg === null) {
        return undefined;
    }
    const a = arg as { uri?: unknown; server?: unknown };
    if (typeof a.uri !== 'string') {
        return undefined;
    }
    if (typeof a.server !== 'string' || a.server === '') {
        return {
            key: a.uri,
            message: `This workspace is not trusted. Running a saved request connects to the MCP server it names in ${fileName(a.uri)}. Connect?`,
        };
    }
    const entry = find(a.uri, a.server);
    if (entry?.state.state === states.connected || entry?.state.transport === 'stdio') {
        return undefined; // nothing new is opened, or mcpls refuses anyway
    }
    const target = entry?.state.target !== undefined && entry.state.target !== '' ? ` at ${entry.state.target}` : '';
    return {
        key: serverKey(a.uri, a.server),
        message: `This workspace is not trusted. Connect to the MCP server "${a.server}"${target}?`,
    };
}

function fileName(uri: string): string {
    return decodeURIComponent(uri.split('/').pop() ?? uri);
}
