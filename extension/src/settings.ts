// settings.ts: the extension's settings as plain data. Parsing is pure
// (a getter in, a typed Settings out) so that defaults and validation are
// tested without VS Code; config.ts reads VS Code's configuration through
// it. package.json's contributes.configuration declares the same keys.

/** Which servers mcpls connects on its own when their file opens. */
export type AutoConnect = 'never' | 'http' | 'all';
/** Levels of console events, lowest first. */
export type ConsoleLevel = 'debug' | 'info' | 'warning' | 'error';
/** Values of the LSP trace setting that vscode-languageclient understands. */
export type TraceLevel = 'off' | 'messages' | 'verbose';

export interface Settings {
    /** mcpls.server.path, undefined when unset or blank. */
    serverPath: string | undefined;
    autoConnect: AutoConnect;
    /** How long a connect or resync may take, in ms; 0 means no limit. */
    connectTimeoutMs: number;
    /** How long a call, prompt or read may take, in ms; 0 means no limit. */
    requestTimeoutMs: number;
    /** The lowest level of console event written to the MCP console. */
    consoleLevel: ConsoleLevel;
    traceServer: TraceLevel;
}

export const AUTO_CONNECT: readonly AutoConnect[] = ['never', 'http', 'all'];
export const CONSOLE_LEVELS: readonly ConsoleLevel[] = ['debug', 'info', 'warning', 'error'];
const TRACE_LEVELS: readonly TraceLevel[] = ['off', 'messages', 'verbose'];

export const DEFAULTS: Settings = {
    serverPath: undefined,
    autoConnect: 'never',
    connectTimeoutMs: 30_000,
    requestTimeoutMs: 300_000,
    consoleLevel: 'debug',
    traceServer: 'off',
};

/** Reads one setting by its key under `mcpls.`; undefined when unset. */
export type Getter = (key: string) => unknown;

/** Builds Settings from raw values; anything malformed falls back to its default. */
export function parseSettings(get: Getter): Settings {
    return {
        serverPath: nonBlank(get('server.path')),
        autoConnect: oneOf(get('autoConnect'), AUTO_CONNECT, DEFAULTS.autoConnect),
        connectTimeoutMs: seconds(get('timeouts.connect'), DEFAULTS.connectTimeoutMs),
        requestTimeoutMs: seconds(get('timeouts.request'), DEFAULTS.requestTimeoutMs),
        consoleLevel: oneOf(get('console.level'), CONSOLE_LEVELS, DEFAULTS.consoleLevel),
        traceServer: oneOf(get('trace.server'), TRACE_LEVELS, DEFAULTS.traceServer),
    };
}

/** The settings the server reads, as sent (timeouts in seconds, 0 for none). */
export interface ServerSettings {
    autoConnect: AutoConnect;
    trusted: boolean;
    timeouts: { connect: number; request: number };
}

/**
 * What the server is told in initializationOptions and
 * workspace/didChangeConfiguration: auto-connect, the workspace trust and
 * the timeouts, which it applies to the connects and calls it runs.
 * An untrusted workspace never auto-connects: HTTP connects ask first there.
 */
export function serverSettings(s: Settings, trusted: boolean): ServerSettings {
    return {
        autoConnect: trusted ? s.autoConnect : 'never',
        trusted,
        timeouts: { connect: s.connectTimeoutMs / 1000, request: s.requestTimeoutMs / 1000 },
    };
}

/** True when an event at level passes the minimum level min. */
export function levelAtLeast(level: string, min: ConsoleLevel): boolean {
    const i = CONSOLE_LEVELS.indexOf(level as ConsoleLevel);
    // Unknown levels are shown: losing a line is worse than an extra one.
    return i < 0 || i >= CONSOLE_LEVELS.indexOf(min);
}

function nonBlank(v: unknown): string | undefined {
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T {
    return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

/** A timeout setting in seconds as ms; negative or non-numbers give the default. */
function seconds(v: unknown, fallbackMs: number): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        return fallbackMs;
    }
    return Math.round(v * 1000);
}
