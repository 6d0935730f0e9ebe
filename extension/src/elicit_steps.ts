// elicit_steps.ts: an MCP elicitation form as a sequence of questions, one
// per property of its flat schema (strings, numbers, integers, booleans,
// single and multi-select enums), with validation and the conversion of
// what was typed into the JSON value sent back; and the consent text of a
// URL-mode elicitation. Pure: elicit.ts asks the questions in VS Code.
import { isObject } from './catalog';

export interface Option {
    value: string;
    label: string;
}

export interface Step {
    key: string;
    title: string;
    description: string;
    required: boolean;
    kind: 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'multi';
    options: Option[];
    default?: unknown;
    minimum?: number;
    maximum?: number;
    minLength?: number;
    maxLength?: number;
    format?: string;
    pattern?: string;
    /** The JSON type of an enum's values (number and integer answers are sent as numbers). */
    valueType?: string;
}

/**
 * The questions of a requested schema, in the order the MCP server sent its
 * properties (order, from mcp/elicit's propertyOrder), then any property
 * it does not name in the order of the object. Unsupported properties
 * become text.
 */
export function stepsFromSchema(schema: unknown, order: readonly string[] = []): Step[] {
    if (!isObject(schema) || !isObject(schema.properties)) {
        return [];
    }
    const props = schema.properties;
    const required = Array.isArray(schema.required) ? schema.required.filter((x): x is string => typeof x === 'string') : [];
    const keys = [...new Set([...order.filter((k) => Object.hasOwn(props, k)), ...Object.keys(props)])];
    return keys.map((key) => {
        const raw = props[key];
        return stepOf(key, isObject(raw) ? raw : {}, required.includes(key));
    });
}

function stepOf(key: string, p: Record<string, unknown>, required: boolean): Step {
    const step: Step = {
        key, required, kind: 'string', options: [],
        title: typeof p.title === 'string' && p.title !== '' ? p.title : key,
        description: typeof p.description === 'string' ? p.description : '',
    };
    if (p.default !== undefined) {
        step.default = p.default;
    }
    const options = enumOptions(p);
    if (p.type === 'array') {
        step.kind = 'multi';
        step.options = isObject(p.items) ? enumOptions(p.items) : [];
        if (isObject(p.items) && typeof p.items.type === 'string') {
            step.valueType = p.items.type;
        }
        num(p.minItems, (n) => (step.minimum = n));
        num(p.maxItems, (n) => (step.maximum = n));
        return step;
    }
    if (options.length > 0) {
        step.kind = 'enum';
        step.options = options;
        if (typeof p.type === 'string') {
            step.valueType = p.type;
        }
        return step;
    }
    if (p.type === 'boolean' || p.type === 'number' || p.type === 'integer') {
        step.kind = p.type;
    }
    num(p.minimum, (n) => (step.minimum = n));
    num(p.maximum, (n) => (step.maximum = n));
    num(p.minLength, (n) => (step.minLength = n));
    num(p.maxLength, (n) => (step.maxLength = n));
    if (typeof p.format === 'string') {
        step.format = p.format;
    }
    if (typeof p.pattern === 'string') {
        step.pattern = p.pattern;
    }
    return step;
}

/** Choices from enum (+ enumNames), or oneOf/anyOf of {const, title}. */
function enumOptions(p: Record<string, unknown>): Option[] {
    if (Array.isArray(p.enum)) {
        const names = Array.isArray(p.enumNames) ? p.enumNames : [];
        return p.enum.map((v, i) => ({ value: String(v), label: typeof names[i] === 'string' ? names[i] : String(v) }));
    }
    const alts = Array.isArray(p.oneOf) ? p.oneOf : Array.isArray(p.anyOf) ? p.anyOf : [];
    return alts.filter(isObject).filter((a) => a.const !== undefined).map((a) => ({
        value: String(a.const), label: typeof a.title === 'string' ? a.title : String(a.const),
    }));
}

function num(v: unknown, set: (n: number) => void): void {
    if (typeof v === 'number' && Number.isFinite(v)) {
        set(v);
    }
}

/** Why text is not a valid answer to a text, number or integer step; undefined when it is. */
export function validate(step: Step, text: string): string | undefined {
    if (text === '') {
        return step.required ? `${step.title} is required` : undefined;
    }
    if (step.kind === 'number' || step.kind === 'integer') {
        const n = Number(text);
        if (text.trim() === '' || !Number.isFinite(n)) {
            return 'enter a number';
        }
        if (step.kind === 'integer' && !Number.isInteger(n)) {
            return 'enter a whole number';
        }
        if (step.minimum !== undefined && n < step.minimum) {
            return `at least ${step.minimum}`;
        }
        if (step.maximum !== undefined && n > step.maximum) {
            return `at most ${step.maximum}`;
        }
        return undefined;
    }
    if (step.minLength !== undefined && text.length < step.minLength) {
        return `at least ${step.minLength} characters`;
    }
    if (step.maxLength !== undefined && text.length > step.maxLength) {
        return `at most ${step.maxLength} characters`;
    }
    return formatError(step.format, text) ?? patternError(step.pattern, text);
}

function formatError(format: string | undefined, text: string): string | undefined {
    switch (format) {
        case 'email':
            return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text) ? undefined : 'enter an email address';
        case 'uri':
            return /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(text) ? undefined : 'enter a URI (scheme:...)';
        case 'date':
            return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text)) ? undefined : 'enter a date as YYYY-MM-DD';
        case 'date-time':
            return /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text)) ? undefined : 'enter a date and time (RFC 3339)';
    }
    return undefined;
}

function patternError(pattern: string | undefined, text: string): string | undefined {
    if (pattern === undefined) {
        return undefined;
    }
    try {
        return new RegExp(pattern, 'u').test(text) ? undefined : `must match ${pattern}`;
    } catch {
        return undefined; // a pattern JavaScript cannot read is the server's problem, not the user's
    }
}

/** The JSON value of a valid text answer; undefined for an empty optional answer. */
export function coerce(step: Step, text: string): unknown {
    if (text === '') {
        return undefined;
    }
    return step.kind === 'number' || step.kind === 'integer' ? Number(text) : text;
}

/** The default shown in a text step's input box. */
export function defaultText(step: Step): string {
    const d = step.default;
    return typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean' ? String(d) : '';
}

/** A chosen enum value, typed as the schema declares (numbers stay numbers). */
export function enumValue(step: Step, value: string): unknown {
    return step.valueType === 'number' || step.valueType === 'integer' ? Number(value) : value;
}

/** Why a multi-select answer is not valid; undefined when it is. */
export function validateMulti(step: Step, chosen: readonly string[]): string | undefined {
    if (step.required && chosen.length === 0) {
        return `${step.title} is required: pick at least one`;
    }
    if (step.minimum !== undefined && chosen.length < step.minimum) {
        return `pick at least ${step.minimum}`;
    }
    if (step.maximum !== undefined && chosen.length > step.maximum) {
        return `pick at most ${step.maximum}`;
    }
    return undefined;
}

export interface UrlConsent {
    /** The host the URL leads to, shown on its own so a lookalike is easier to spot. */
    domain: string;
    message: string;
}

/** The consent question of a URL-mode elicitation; throws for URLs that are not http(s). */
export function urlConsent(server: string, message: string, url: string): UrlConsent {
    let u: URL;
    try {
        u = new URL(url);
    } catch {
        throw new Error(`${server} asked to open something that is not a URL: ${url.slice(0, 200)}`);
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') {
        throw new Error(`${server} asked to open a ${u.protocol} URL; only http and https are opened`);
    }
    const domain = u.hostname;
    const text = [
        `${server} asks you to open a page in your browser.`,
        message,
        `Domain: ${domain}`,
        `Full URL: ${url}`,
    ].filter((s) => s !== '').join('\n\n');
    return { domain, message: text };
}
