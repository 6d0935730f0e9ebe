// elicit.ts: the editor side of mcp/elicit. Form mode: a modal question
// (fill in / decline / cancel), then one input box or quick pick per
// property (elicit_steps.ts), each with a Decline button; Escape cancels.
// URL mode: the full URL and its domain in a modal, opened only on consent.
import * as vscode from 'vscode';

import { coerce, defaultText, enumValue, stepsFromSchema, urlConsent, validate, validateMulti, type Step } from './elicit_steps';
import type { ElicitParams, ElicitResult } from './lsp_ext';

const DECLINE: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('circle-slash'), tooltip: 'Decline (tell the server no)' };

/** What a step ended with: a value, a skip of an optional field, decline or cancel. */
type Answer = { value: unknown } | 'skip' | 'decline' | 'cancel';

export async function elicit(p: ElicitParams): Promise<ElicitResult> {
    return p.mode === 'url' ? elicitUrl(p) : elicitForm(p);
}

async function elicitUrl(p: ElicitParams): Promise<ElicitResult> {
    let consent;
    try {
        consent = urlConsent(p.server, p.message, p.url ?? '');
    } catch (err) {
        void vscode.window.showWarningMessage(err instanceof Error ? err.message : String(err));
        return { action: 'decline' };
    }
    const open = `Open ${consent.domain}`;
    const pick = await vscode.window.showWarningMessage(consent.message, { modal: true }, open, 'Decline');
    if (pick === open) {
        await vscode.env.openExternal(vscode.Uri.parse(p.url ?? '', true));
        return { action: 'accept' };
    }
    return { action: pick === 'Decline' ? 'decline' : 'cancel' };
}

async function elicitForm(p: ElicitParams): Promise<ElicitResult> {
    const steps = stepsFromSchema(p.requestedSchema, p.propertyOrder);
    const pick = await vscode.window.showInformationMessage(`${p.server} asks: ${p.message}`, {
        modal: true,
        detail: steps.length > 0 ? `It wants: ${steps.map((s) => s.title).join(', ')}.` : 'It wants a confirmation only.',
    }, steps.length > 0 ? 'Fill in' : 'Accept', 'Decline');
    if (pick === undefined) {
        return { action: 'cancel' };
    }
    if (pick === 'Decline') {
        return { action: 'decline' };
    }
    const content: Record<string, unknown> = {};
    for (const [i, step] of steps.entries()) {
        const answer = await ask(step, `${p.server}: ${step.title} (${i + 1}/${steps.length})`);
        if (answer === 'decline' || answer === 'cancel') {
            return { action: answer };
        }
        if (answer !== 'skip') {
            content[step.key] = answer.value;
        }
    }
    return { action: 'accept', content };
}

function ask(step: Step, title: string): Promise<Answer> {
    switch (step.kind) {
        case 'boolean':
            return pickOne(step, title, [{ value: 'true', label: 'Yes' }, { value: 'false', label: 'No' }], (v) => v === 'true');
        case 'enum':
            return pickOne(step, title, step.options, (v) => enumValue(step, v));
        case 'multi':
            return pickMany(step, title);
        default:
            return typeIn(step, title);
    }
}

function typeIn(step: Step, title: string): Promise<Answer> {
    const box = vscode.window.createInputBox();
    box.title = title;
    box.prompt = [step.description, step.required ? '(required)' : '(optional: leave empty to skip)'].filter((s) => s !== '').join(' ');
    box.value = defaultText(step);
    box.buttons = [DECLINE];
    box.ignoreFocusOut = true;
    return new Promise<Answer>((resolve) => {
        let done = false;
        const finish = (a: Answer): void => {
            if (!done) {
                done = true;
                resolve(a);
                box.dispose();
            }
        };
        box.onDidChangeValue((v) => {
            box.validationMessage = validate(step, v);
        });
        box.onDidAccept(() => {
            const err = validate(step, box.value);
            if (err !== undefined) {
                box.validationMessage = err;
                return;
            }
            const value = coerce(step, box.value);
            finish(value === undefined ? 'skip' : { value });
        });
        box.onDidTriggerButton(() => {
            finish('decline');
        });
        box.onDidHide(() => {
            finish('cancel');
        });
        box.show();
    });
}

interface OptionItem extends vscode.QuickPickItem {
    value?: string;
}

function pickOne(step: Step, title: string, options: { value: string; label: string }[], toValue: (v: string) => unknown): Promise<Answer> {
    const items: OptionItem[] = options.map((o) => ({ label: o.label, value: o.value, ...(o.label !== o.value ? { description: o.value } : {}) }));
    if (!step.required) {
        items.push({ label: '$(dash) Skip', description: 'leave it out' });
    }
    const qp = vscode.window.createQuickPick<OptionItem>();
    qp.title = title;
    qp.placeholder = step.description !== '' ? step.description : step.title;
    qp.items = items;
    const def = items.find((i) => i.value !== undefined && i.value === String(step.default));
    if (def !== undefined) {
        qp.activeItems = [def];
    }
    qp.buttons = [DECLINE];
    qp.ignoreFocusOut = true;
    return runPick(qp, (sel) => {
        const first = sel[0];
        if (first === undefined) {
            return undefined;
        }
        return first.value === undefined ? 'skip' : { value: toValue(first.value) };
    });
}

function pickMany(step: Step, title: string): Promise<Answer> {
    const qp = vscode.window.createQuickPick<OptionItem>();
    qp.canSelectMany = true;
    qp.title = title;
    qp.placeholder = step.description !== '' ? step.description : `${step.title}: pick any`;
    qp.items = step.options.map((o) => ({ label: o.label, value: o.value }));
    if (Array.isArray(step.default)) {
        const defaults = step.default.map(String);
        qp.selectedItems = qp.items.filter((i) => i.value !== undefined && defaults.includes(i.value));
    }
    qp.buttons = [DECLINE];
    qp.ignoreFocusOut = true;
    return runPick(qp, (sel) => {
        const values = sel.flatMap((i) => (i.value === undefined ? [] : [i.value]));
        const err = validateMulti(step, values);
        if (err !== undefined) {
            qp.title = `${title}: ${err}`;
            return undefined;
        }
        return values.length === 0 && !step.required ? 'skip' : { value: values.map((v) => enumValue(step, v)) };
    });
}

/** Shows a quick pick until accept gives an answer, a Decline click, or hiding it (cancel). */
function runPick(qp: vscode.QuickPick<OptionItem>, onAccept: (sel: readonly OptionItem[]) => Answer | undefined): Promise<Answer> {
    return new Promise<Answer>((resolve) => {
        let done = false;
        const finish = (a: Answer): void => {
            if (!done) {
                done = true;
                resolve(a);
                qp.dispose();
            }
        };
        qp.onDidAccept(() => {
            const a = onAccept(qp.selectedItems);
            if (a !== undefined) {
                finish(a);
            }
        });
        qp.onDidTriggerButton(() => {
            finish('decline');
        });
        qp.onDidHide(() => {
            finish('cancel');
        });
        qp.show();
    });
}
