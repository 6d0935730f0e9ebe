// uri_template.ts: the variables of an RFC 6570 URI template and its
// expansion with string values (levels 1-3: simple, reserved +, fragment #,
// label ., path /, path-parameter ;, query ? and continuation &), for
// reading a resource template from the MCP view. Pure.

const EXPR = /\{([+#./;?&]?)([^}]*)\}/g;

interface Operator {
    first: string;
    sep: string;
    named: boolean;
    reserved: boolean;
}

const OPERATORS: Record<string, Operator> = {
    '': { first: '', sep: ',', named: false, reserved: false },
    '+': { first: '', sep: ',', named: false, reserved: true },
    '#': { first: '#', sep: ',', named: false, reserved: true },
    '.': { first: '.', sep: '.', named: false, reserved: false },
    '/': { first: '/', sep: '/', named: false, reserved: false },
    ';': { first: ';', sep: ';', named: true, reserved: false },
    '?': { first: '?', sep: '&', named: true, reserved: false },
    '&': { first: '&', sep: '&', named: true, reserved: false },
};

function names(list: string): string[] {
    return list.split(',').map((v) => v.replace(/\*$|:\d+$/, '').trim()).filter((v) => v !== '');
}

/** The variable names of a template, in order, each once. */
export function templateVariables(template: string): string[] {
    const out: string[] = [];
    for (const m of template.matchAll(EXPR)) {
        for (const name of names(m[2] ?? '')) {
            if (!out.includes(name)) {
                out.push(name);
            }
        }
    }
    return out;
}

/** Expands a template; undefined variables expand to nothing. */
export function expandTemplate(template: string, values: Readonly<Record<string, string>>): string {
    return template.replace(EXPR, (_all, op: string, list: string) => {
        const o = OPERATORS[op] ?? { first: '', sep: ',', named: false, reserved: false };
        const parts = names(list).flatMap((name) => {
            const v = values[name];
            if (v === undefined) {
                return [];
            }
            const enc = o.reserved ? encodeURI(v) : encodeURIComponent(v);
            return [o.named ? (v === '' && op === ';' ? name : `${name}=${enc}`) : enc];
        });
        return parts.length === 0 ? '' : o.first + parts.join(o.sep);
    });
}
