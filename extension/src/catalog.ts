// catalog.ts: the servers the language server reported (mcp/serverState),
// and their catalogs decoded from MCP's wire shapes. Pure: the tree, the
// status bar and the commands read this store; nothing here knows VS Code.
import type { ServerState } from './lsp_ext';

export interface Tool {
    name: string;
    title?: string;
    description?: string;
    inputSchema?: unknown;
    outputSchema?: unknown;
    annotations?: Record<string, unknown>;
}
export interface PromptArgument {
    name: string;
    title?: string;
    description?: string;
    required?: boolean;
}
export interface Prompt {
    name: string;
    title?: string;
    description?: string;
    arguments?: PromptArgument[];
}
export interface Resource {
    uri: string;
    name: string;
    title?: string;
    description?: string;
    mimeType?: string;
    annotations?: Record<string, unknown>;
}
export interface Template {
    uriTemplate: string;
    name: string;
    title?: string;
    description?: string;
    mimeType?: string;
    annotations?: Record<string, unknown>;
}
export interface Catalog {
    tools: Tool[];
    prompts: Prompt[];
    resources: Resource[];
    templates: Template[];
    instructions?: string;
}

/** Decodes the catalog of a ServerState; items without a name are dropped. */
export function decodeCatalog(raw: unknown): Catalog | undefined {
    if (!isObject(raw)) {
        return undefined;
    }
    return {
        tools: items<Tool>(raw.tools, 'name'),
        prompts: items<Prompt>(raw.prompts, 'name'),
        resources: items<Resource>(raw.resources, 'uri'),
        templates: items<Template>(raw.resourceTemplates, 'uriTemplate'),
        ...(typeof raw.instructions === 'string' && raw.instructions !== '' ? { instructions: raw.instructions } : {}),
    };
}

/**
 * The objects of a list that have a string key; name defaults to the key.
 * Other fields are trusted to have MCP's types: they come from the SDK's
 * own decoding on the Go side.
 */
function items<T>(v: unknown, key: string): T[] {
    if (!Array.isArray(v)) {
        return [];
    }
    return v
        .filter((x): x is Record<string, unknown> => isObject(x) && typeof x[key] === 'string')
        .map((x) => (typeof x.name === 'string' ? x : { ...x, name: x[key] }) as unknown as T);
}

export function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One server of one config file, with its decoded catalog. */
export interface ServerEntry {
    key: string;
    state: ServerState;
    catalog: Catalog | undefined;
}

/** The key of one server of one config file. */
export function serverKey(uri: string, name: string): string {
    return `${uri}#${name}`;
}

/** Holds the last state of every server, in the order they were first seen. */
export class ServerStore {
    private readonly entries = new Map<string, ServerEntry>();

    /** Takes a new state; returns the entry. */
    update(state: ServerState): ServerEntry {
        const key = serverKey(state.uri, state.name);
        const entry: ServerEntry = { key, state, catalog: decodeCatalog(state.catalog) };
        this.entries.set(key, entry);
        return entry;
    }

    get(uri: string, name: string): ServerEntry | undefined {
        return this.entries.get(serverKey(uri, name));
    }

    all(): ServerEntry[] {
        return [...this.entries.values()];
    }

    /** The config files with servers, in first-seen order. */
    files(): string[] {
        return [...new Set(this.all().map((e) => e.state.uri))];
    }

    /** Forgets everything: the language server restarted. */
    clear(): void {
        this.entries.clear();
    }
}
