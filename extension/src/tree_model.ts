// tree_model.ts: what the MCP view shows, as plain data: a node per config
// file (when there are several), per server, per catalog group and per
// tool, prompt, resource and template, with label, description, tooltip
// (markdown), icon and contextValue (which menus apply). tree.ts turns these
// into VS Code TreeItems. Pure, so the shape is unit-tested.
import type { Prompt, Resource, ServerEntry, Template, Tool } from './catalog';
import { states } from './lsp_ext';

export type ItemKind = 'tool' | 'prompt' | 'resource' | 'template';
export type GroupKind = 'tools' | 'prompts' | 'resources' | 'templates';

export interface Icon {
    id: string; // a codicon name
    color?: string; // a theme color id
}

interface NodeBase {
    id: string;
    label: string;
    description?: string;
    tooltip?: string; // markdown
    icon: Icon;
    contextValue: string;
}
export interface FileNode extends NodeBase {
    type: 'file';
    uri: string;
}
export interface ServerNode extends NodeBase {
    type: 'server';
    entry: ServerEntry;
}
export interface GroupNode extends NodeBase {
    type: 'group';
    entry: ServerEntry;
    group: GroupKind;
}
export interface ItemNode extends NodeBase {
    type: 'item';
    entry: ServerEntry;
    kind: ItemKind;
    /** Tool or prompt name, resource URI, or URI template. */
    target: string;
    item: Tool | Prompt | Resource | Template;
}
export type Node = FileNode | ServerNode | GroupNode | ItemNode;

const STATE_ICONS: Record<string, Icon> = {
    [states.connected]: { id: 'pass-filled', color: 'testing.iconPassed' },
    [states.connecting]: { id: 'sync~spin' },
    [states.disconnected]: { id: 'circle-outline' },
    [states.offline]: { id: 'cloud-offline', color: 'list.warningForeground' },
    [states.needsAuth]: { id: 'key', color: 'list.warningForeground' },
    [states.error]: { id: 'error', color: 'list.errorForeground' },
};

const STATE_WORDS: Record<string, string> = {
    [states.connected]: 'connected',
    [states.connecting]: 'connecting…',
    [states.disconnected]: 'disconnected',
    [states.offline]: 'offline',
    [states.needsAuth]: 'needs sign-in',
    [states.error]: 'error',
};

/** The top level: servers directly when one file has servers, else a node per file. */
export function rootNodes(entries: ServerEntry[], now: Date): Node[] {
    const files = [...new Set(entries.map((e) => e.state.uri))];
    if (files.length <= 1) {
        return entries.map((e) => serverNode(e, now));
    }
    return files.map((uri) => fileNode(uri, entries.filter((e) => e.state.uri === uri).length));
}

export function fileNode(uri: string, servers: number): FileNode {
    return {
        type: 'file', id: `file:${uri}`, uri, label: shortPath(uri), description: plural(servers, 'server'),
        tooltip: uri, icon: { id: 'json' }, contextValue: 'mcpls.file',
    };
}

/** The children of a node. */
export function childNodes(node: Node, entries: ServerEntry[], now: Date): Node[] {
    switch (node.type) {
        case 'file':
            return entries.filter((e) => e.state.uri === node.uri).map((e) => serverNode(e, now));
        case 'server':
            return groupNodes(node.entry);
        case 'group':
            return itemNodes(node.entry, node.group);
        case 'item':
            return [];
    }
}

export function serverNode(e: ServerEntry, now: Date): ServerNode {
    const st = e.state;
    const cached = e.catalog !== undefined && st.cachedAt !== undefined && st.cachedAt !== '';
    const parts = [stateWords(st)];
    if (e.catalog !== undefined) {
        parts.push(countsText(st.counts.tools, st.counts.prompts, st.counts.resources + st.counts.templates));
    }
    if (cached) {
        parts.push(`cached ${ago(st.cachedAt ?? '', now)}`);
    }
    return {
        type: 'server', id: `server:${e.key}`, entry: e, label: st.name, description: parts.join(' · '),
        tooltip: serverTooltip(e, now), icon: st.queued === true ? { id: 'clock' } : STATE_ICONS[st.state] ?? { id: 'circle-outline' },
        contextValue: serverContext(e),
    };
}

/** What a server's state is called; an automatic connect waiting for its turn is queued. */
function stateWords(st: ServerEntry['state']): string {
    if (st.state === states.connecting && st.queued === true) {
        return 'queued to connect';
    }
    return STATE_WORDS[st.state] ?? st.state;
}

/** contextValue of a server: its state, whether it is queued to connect, and whether it has auth to sign out of. */
export function serverContext(e: ServerEntry): string {
    const parts = ['mcpls.server', e.state.state];
    if (e.state.queued === true) {
        parts.push('queued');
    }
    if (e.state.auth?.signedIn === true) {
        parts.push('signedIn');
    }
    return parts.join('.');
}

export function serverTooltip(e: ServerEntry, now: Date): string {
    const st = e.state;
    const lines = [`**${md(st.name)}** — ${md(stateWords(st))}`, ''];
    lines.push(`- transport: ${md(st.transport || 'unknown')}`);
    if (st.target !== undefined && st.target !== '') {
        lines.push(`- target: \`${code(st.target)}\``);
    }
    if (st.serverApp !== undefined && st.serverApp !== '') {
        lines.push(`- server: ${md(st.serverApp)}${st.protocol !== undefined && st.protocol !== '' ? ` (MCP ${md(st.protocol)})` : ''}`);
    }
    if (st.auth !== undefined && st.auth !== null) {
        const who = st.auth.issuer !== undefined && st.auth.issuer !== '' ? ` at ${md(st.auth.issuer)}` : '';
        lines.push(`- auth: ${md(st.auth.kind)}${who}, ${st.auth.signedIn ? 'signed in' : 'signed out'}`);
    }
    if (e.catalog !== undefined) {
        const c = st.counts;
        lines.push(`- ${plural(c.tools, 'tool')}, ${plural(c.prompts, 'prompt')}, ${plural(c.resources, 'resource')}, ${plural(c.templates, 'template')}`);
    }
    if (st.cachedAt !== undefined && st.cachedAt !== '') {
        lines.push(`- catalog from the cache, ${ago(st.cachedAt, now)} (offline)`);
    }
    if (st.error !== undefined && st.error !== '') {
        lines.push('', `$(error) ${md(st.error)}`);
    }
    return lines.join('\n');
}

const GROUPS: { kind: GroupKind; label: string; icon: string; count: (e: ServerEntry) => number }[] = [
    { kind: 'tools', label: 'Tools', icon: 'tools', count: (e) => e.catalog?.tools.length ?? 0 },
    { kind: 'prompts', label: 'Prompts', icon: 'comment-discussion', count: (e) => e.catalog?.prompts.length ?? 0 },
    { kind: 'resources', label: 'Resources', icon: 'file', count: (e) => e.catalog?.resources.length ?? 0 },
    { kind: 'templates', label: 'Resource templates', icon: 'file-symlink-file', count: (e) => e.catalog?.templates.length ?? 0 },
];

/** The catalog groups of a server, those with items only. */
export function groupNodes(e: ServerEntry): GroupNode[] {
    if (e.catalog === undefined) {
        return [];
    }
    return GROUPS.filter((g) => g.count(e) > 0).map((g) => ({
        type: 'group', id: `group:${e.key}:${g.kind}`, entry: e, group: g.kind, label: g.label,
        description: String(g.count(e)), icon: { id: g.icon }, contextValue: `mcpls.group.${g.kind}`,
    }));
}

export function itemNodes(e: ServerEntry, group: GroupKind): ItemNode[] {
    const c = e.catalog;
    if (c === undefined) {
        return [];
    }
    switch (group) {
        case 'tools':
            return c.tools.map((t) => item(e, 'tool', t.name, t, t.name, t.title ?? t.description, toolTooltip(t), toolIcon(t)));
        case 'prompts':
            return c.prompts.map((p) => item(e, 'prompt', p.name, p, p.name, p.title ?? p.description, promptTooltip(p), { id: 'comment' }));
        case 'resources':
            return c.resources.map((r) => item(e, 'resource', r.uri, r, r.title ?? r.name, r.uri, resourceTooltip(r.uri, r), { id: 'file' }));
        case 'templates':
            return c.templates.map((t) => item(e, 'template', t.uriTemplate, t, t.title ?? t.name, t.uriTemplate, resourceTooltip(t.uriTemplate, t), { id: 'file-symlink-file' }));
    }
}

/** An item: tools and prompts by name (what a request names), resources by title with their URI. */
function item(e: ServerEntry, kind: ItemKind, target: string, it: ItemNode['item'], label: string, detail: string | undefined, tooltip: string, icon: Icon): ItemNode {
    const description = firstLine(detail ?? '');
    return {
        type: 'item', id: `item:${e.key}:${kind}:${target}`, entry: e, kind, target, item: it, label,
        ...(description !== '' ? { description } : {}), tooltip, icon, contextValue: `mcpls.item.${kind}`,
    };
}

/** Tools that may change things get a warning-coloured icon. */
function toolIcon(t: Tool): Icon {
    const a = t.annotations ?? {};
    if (a.readOnlyHint === true) {
        return { id: 'tools' };
    }
    if (a.destructiveHint === false) {
        return { id: 'tools' };
    }
    return { id: 'tools', color: 'list.warningForeground' };
}

export function toolTooltip(t: Tool): string {
    const lines = [`**${md(t.title ?? t.name)}** \`${code(t.name)}\``];
    if (t.description !== undefined && t.description !== '') {
        lines.push('', md(t.description));
    }
    const params = schemaParams(t.inputSchema);
    if (params.length > 0) {
        lines.push('', 'Arguments:', ...params.map((p) => `- \`${code(p.name)}\`${p.type !== '' ? ` (${md(p.type)})` : ''}${p.required ? ' required' : ''}${p.description !== '' ? ` — ${md(p.description)}` : ''}`));
    }
    const ann = annotationWords(t.annotations);
    if (ann.length > 0) {
        lines.push('', `Annotations: ${ann.join(', ')}`);
    }
    return lines.join('\n');
}

function promptTooltip(p: Prompt): string {
    const lines = [`**${md(p.title ?? p.name)}** \`${code(p.name)}\``];
    if (p.description !== undefined && p.description !== '') {
        lines.push('', md(p.description));
    }
    const args = p.arguments ?? [];
    if (args.length > 0) {
        lines.push('', 'Arguments:', ...args.map((a) => `- \`${code(a.name)}\`${a.required === true ? ' required' : ''}${a.description !== undefined && a.description !== '' ? ` — ${md(a.description)}` : ''}`));
    }
    return lines.join('\n');
}

function resourceTooltip(target: string, r: Resource | Template): string {
    const lines = [`**${md(r.title ?? r.name)}** \`${code(target)}\``];
    if (r.mimeType !== undefined && r.mimeType !== '') {
        lines.push('', `MIME type: ${md(r.mimeType)}`);
    }
    if (r.description !== undefined && r.description !== '') {
        lines.push('', md(r.description));
    }
    const ann = annotationWords(r.annotations);
    if (ann.length > 0) {
        lines.push('', `Annotations: ${ann.join(', ')}`);
    }
    return lines.join('\n');
}

/** Annotations in words: hints that are true, audience, priority, title. */
export function annotationWords(a: Record<string, unknown> | undefined): string[] {
    if (a === undefined) {
        return [];
    }
    const out: string[] = [];
    const hints: [string, string][] = [
        ['readOnlyHint', 'read-only'], ['destructiveHint', 'destructive'], ['idempotentHint', 'idempotent'], ['openWorldHint', 'open world'],
    ];
    for (const [k, word] of hints) {
        if (a[k] === true) {
            out.push(word);
        } else if (a[k] === false) {
            out.push(`not ${word}`);
        }
    }
    if (Array.isArray(a.audience)) {
        out.push(`audience: ${a.audience.filter((x) => typeof x === 'string').map(md).join(', ')}`);
    }
    if (typeof a.priority === 'number') {
        out.push(`priority ${a.priority}`);
    }
    return out;
}

export interface SchemaParam {
    name: string;
    type: string;
    required: boolean;
    description: string;
}

/** The top-level properties of an object schema. */
export function schemaParams(schema: unknown): SchemaParam[] {
    if (typeof schema !== 'object' || schema === null) {
        return [];
    }
    const s = schema as { properties?: unknown; required?: unknown };
    if (typeof s.properties !== 'object' || s.properties === null) {
        return [];
    }
    const required = Array.isArray(s.required) ? s.required.filter((x): x is string => typeof x === 'string') : [];
    return Object.entries(s.properties as Record<string, unknown>).map(([name, p]) => {
        const prop = (typeof p === 'object' && p !== null ? p : {}) as { type?: unknown; description?: unknown };
        const type = Array.isArray(prop.type) ? prop.type.join(' | ') : typeof prop.type === 'string' ? prop.type : '';
        return { name, type, required: required.includes(name), description: typeof prop.description === 'string' ? firstLine(prop.description) : '' };
    });
}

/** A JSON skeleton of a tool's arguments: its required properties with placeholder values. */
export function argumentSkeleton(schema: unknown): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const props = typeof schema === 'object' && schema !== null ? (schema as { properties?: Record<string, unknown> }).properties ?? {} : {};
    for (const p of schemaParams(schema).filter((x) => x.required)) {
        const prop = (props[p.name] ?? {}) as { default?: unknown; enum?: unknown };
        out[p.name] = prop.default ?? (Array.isArray(prop.enum) ? prop.enum[0] : placeholder(p.type));
    }
    return out;
}

function placeholder(type: string): unknown {
    switch (type.split(' | ')[0]) {
        case 'number':
        case 'integer':
            return 0;
        case 'boolean':
            return false;
        case 'array':
            return [];
        case 'object':
            return {};
        default:
            return '';
    }
}

export function countsText(tools: number, prompts: number, resources: number): string {
    return `${plural(tools, 'tool')}, ${plural(prompts, 'prompt')}, ${plural(resources, 'resource')}`;
}

export function plural(n: number, noun: string): string {
    return n === 1 ? `1 ${noun}` : `${n} ${noun}s`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago"; "earlier" for a bad time. */
export function ago(at: string, now: Date): string {
    const t = Date.parse(at);
    if (Number.isNaN(t)) {
        return 'earlier';
    }
    const s = (now.getTime() - t) / 1000;
    if (s < 60) {
        return 'just now';
    }
    if (s < 3600) {
        return `${Math.floor(s / 60)} min ago`;
    }
    if (s < 48 * 3600) {
        return `${Math.floor(s / 3600)} h ago`;
    }
    return `${Math.floor(s / 86400)} days ago`;
}

function firstLine(s: string): string {
    const line = s.split('\n', 1)[0] ?? '';
    return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/** The last two segments of a file URI's path, for a file node's label. */
export function shortPath(uri: string): string {
    const path = decodeURIComponent(uri.replace(/^file:\/\//, ''));
    return path.split('/').slice(-2).join('/');
}

/** Escapes markdown so that names and descriptions from a server stay text. */
export function md(s: string): string {
    return s.replace(/[\\`*_{}[\]()#+\-.!<>|~$]/g, (c) => `\\${c}`);
}

/** Text for inside a code span: backticks would end it. */
function code(s: string): string {
    return s.replace(/`/g, "'");
}
