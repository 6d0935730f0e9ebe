// Drives VS Code (code-server) in chromium through what a user of the mcpls
// extension does on examples/demo with `mcpls demo-server` running.
// Usage: node vscode.mjs <workbench url> <screenshot dir> [untrusted]
// With "untrusted", the workspace is opened in restricted mode and the test
// checks that connecting to an HTTP server asks first.
// Env: PLAYWRIGHT_CORE (the playwright-core module dir), CHROMIUM (default
// /usr/bin/chromium), TMPDIR (scratch: chromium's profile and XDG dirs).
// Prints PASS/FAIL per check; exits 0 only when every check passed.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE ?? 'playwright-core');
const [url, shots, mode = 'trusted'] = process.argv.slice(2);
if (!url || !shots) {
    console.error('usage: node vscode.mjs <workbench url> <screenshot dir>');
    process.exit(2);
}

const t0 = Date.now();
const log = (...a) => console.log(`${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s`, ...a);
let failures = 0;
let shotNo = 0;

/** Runs one check; a failure is reported with a screenshot and the next check still runs. */
async function step(page, name, fn) {
    try {
        const detail = await fn();
        log(`PASS ${name}${detail ? `: ${detail}` : ''}`);
        await shot(page, name);
        return true;
    } catch (err) {
        failures++;
        log(`FAIL ${name}: ${err.message.split('\n')[0]}`);
        await shot(page, `FAILED ${name}`);
        // The page as it was, to find out why a locator matched nothing.
        await page.content().then((html) => fs.writeFileSync(path.join(shots, `${String(shotNo).padStart(2, '0')}-failed.html`), html)).catch(() => {});
        return false;
    }
}

async function shot(page, name) {
    shotNo++;
    const file = `${String(shotNo).padStart(2, '0')}-${name.replace(/[^\w]+/g, '-').replace(/-+$/, '')}.png`;
    await page.screenshot({ path: path.join(shots, file) }).catch(() => {});
}

/** Polls fn until it returns something truthy. */
async function until(page, fn, ms, what) {
    const end = Date.now() + ms;
    for (;;) {
        const v = await fn();
        if (v) {
            return v;
        }
        if (Date.now() > end) {
            throw new Error(`timed out after ${ms} ms waiting for ${what}`);
        }
        await page.waitForTimeout(250);
    }
}

async function palette(page, text, rowText) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    await input.fill(text);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first().waitFor({ timeout: 15000 });
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 15000 });
}

const lens = (page, text) => page.locator('.monaco-editor .codelens-decoration a', { hasText: text });
/** The MCP view's row whose label is label (its aria-label is the label, then the description). */
const treeItem = (page, label) => page.locator(`.pane:has(.pane-header:has-text("MCP Servers")) .monaco-list-row:is([aria-label="${label}"], [aria-label^="${label} "])`);

/** The text of every frame whose body contains needle (webviews are nested iframes). */
async function frameWith(page, needle) {
    for (const f of page.frames()) {
        const text = await f.evaluate(() => document.body?.innerText ?? '').catch(() => '');
        if (text.includes(needle)) {
            return { frame: f, text };
        }
    }
    return undefined;
}

/** The pid of the language server the extension runs (mcpls serve from the installed extension). */
function serverPid() {
    for (const d of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(d)) {
            continue;
        }
        let argv;
        try {
            argv = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
        } catch {
            continue;
        }
        if (argv[0]?.endsWith('/bin/mcpls') && argv[0].includes('/mcpls.mcpls-') && argv[1] === 'serve') {
            return Number(d);
        }
    }
    return undefined;
}

/** The whole tour, in a trusted workspace. */
async function trusted(page) {
    await step(page, 'open .mcp.json', async () => {
        await palette(page, '.mcp.json', '.mcp.json');
        await page.locator('.tabs-container .tab', { hasText: '.mcp.json' }).first().waitFor({ timeout: 20000 });
    });

    await step(page, 'code lenses shown', async () => {
        await lens(page, 'Connect').first().waitFor({ timeout: 60000 });
        await lens(page, 'Call tool').first().waitFor({ timeout: 10000 });
        return `${await lens(page, 'Call tool').count()} run lenses`;
    });

    await step(page, 'Connect from its lens', async () => {
        await lens(page, 'Connect').first().click();
        const connected = lens(page, /● \d+ tools/);
        await connected.first().waitFor({ timeout: 30000 });
        return await connected.first().innerText();
    });

    await step(page, 'completion offers a tool name', async () => {
        await page.locator('.monaco-editor .view-lines').first().click();
        await page.keyboard.press('Control+f');
        const find = page.locator('.find-widget textarea, .find-widget input').first();
        await find.waitFor({ timeout: 10000 });
        await find.fill('"tool": "add"');
        await page.locator('.find-widget .matchesCount', { hasText: '1 of 1' }).waitFor({ timeout: 10000 });
        await page.locator('.find-widget .codicon-widget-close').first().click();
        await page.locator('.find-widget.visible').waitFor({ state: 'hidden', timeout: 10000 });
        // The match stays selected: go inside the value's quotes, after "add".
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('Control+Space');
        const rows = page.locator('.suggest-widget .monaco-list-row');
        await rows.first().waitFor({ timeout: 15000 });
        const labels = await until(page, async () => {
            const all = await rows.allInnerTexts();
            // The demo server's tools that start with "add": the value typed so far.
            return all.some((t) => /^add_tool\b/.test(t)) && all.some((t) => /^add\b/.test(t)) ? all : undefined;
        }, 15000, 'a tool name in the suggestions');
        await shot(page, 'suggestions');
        await page.keyboard.press('Escape');
        return labels.map((l) => l.split('\n')[0]).slice(0, 6).join(', ');
    });

    await step(page, 'MCP view lists the tools', async () => {
        // Fold the file explorer so the MCP view has room.
        const files = page.locator('.pane-header', { hasText: 'work' }).first();
        if ((await files.getAttribute('aria-expanded')) === 'true') {
            await files.click();
        }
        const header = page.locator('.pane-header', { hasText: 'MCP Servers' });
        await header.waitFor({ timeout: 15000 });
        if ((await header.getAttribute('aria-expanded')) !== 'true') {
            await header.click();
        }
        await treeItem(page, 'demo').first().waitFor({ timeout: 15000 });
        const tools = treeItem(page, 'Tools');
        await tools.first().waitFor({ timeout: 15000 });
        if ((await tools.first().getAttribute('aria-expanded')) !== 'true') {
            await tools.first().click();
        }
        await treeItem(page, 'echo').first().waitFor({ timeout: 15000 });
        const description = await treeItem(page, 'demo').first().innerText();
        return description.replace(/\s+/g, ' ');
    });

    await step(page, 'a tool called from the MCP view', async () => {
        const row = treeItem(page, 'echo').first();
        await row.click();
        await row.locator('.action-label[aria-label^="Call / Get / Read"]').click();
        const input = page.locator('.quick-input-widget input.input');
        await input.waitFor({ state: 'visible', timeout: 10000 });
        await input.fill('{"message": "from the tree <b>", "repeat": 1}');
        await page.keyboard.press('Enter');
        const found = await until(page, () => frameWith(page, 'from the tree <b>'), 30000, 'the echo result');
        return found.text.split('\n').slice(0, 2).join(' | ');
    });

    await step(page, 'a request run from its lens shows its result', async () => {
        await lens(page, 'Call tool').first().click();
        const tab = page.locator('.tabs-container .tab', { hasText: 'add' }).filter({ hasText: /[✓✖]/ });
        await tab.first().waitFor({ timeout: 30000 });
        const found = await until(page, () => frameWith(page, 'Raw response'), 20000, 'the result webview');
        if (!found.text.includes('on demo')) {
            throw new Error(`result view shows: ${found.text.slice(0, 200)}`);
        }
        await lens(page, /✓ \d+ ms/).first().waitFor({ timeout: 15000 });
        return found.text.split('\n').slice(0, 3).join(' | ');
    });

    await step(page, 'an image result is rendered', async () => {
        const row = treeItem(page, 'get_image').first();
        await row.click();
        await row.locator('.action-label[aria-label^="Call / Get / Read"]').click();
        const input = page.locator('.quick-input-widget input.input');
        await input.waitFor({ state: 'visible', timeout: 10000 });
        await input.fill('{"color": "teal", "size": 16, "pattern": "checker"}');
        await page.keyboard.press('Enter');
        const found = await until(page, async () => {
            for (const f of page.frames()) {
                const n = await f.evaluate(() => document.querySelectorAll('img[src^="data:image/png"]').length).catch(() => 0);
                if (n > 0) {
                    return n;
                }
            }
            return undefined;
        }, 30000, 'an <img> in the result view');
        return `${found} image(s)`;
    });

    await step(page, 'a tool error (isError) is shown as an error', async () => {
        const row = treeItem(page, 'fail').first();
        await row.click();
        await row.locator('.action-label[aria-label^="Call / Get / Read"]').click();
        const input = page.locator('.quick-input-widget input.input');
        await input.waitFor({ state: 'visible', timeout: 10000 });
        await page.keyboard.press('Enter');
        const found = await until(page, () => frameWith(page, 'The tool reported an error (isError)'), 30000, 'the error banner');
        await page.locator('.tabs-container .tab', { hasText: '✖ tool fail' }).first().waitFor({ timeout: 5000 });
        return found.text.split('\n').slice(0, 3).join(' | ');
    });

    await step(page, 'an elicitation form is filled in', async () => {
        const row = treeItem(page, 'ask_user').first();
        await row.click();
        await row.locator('.action-label[aria-label^="Call / Get / Read"]').click();
        const input = page.locator('.quick-input-widget input.input');
        await input.waitFor({ state: 'visible', timeout: 10000 });
        await page.keyboard.press('Enter'); // no arguments: the default message
        const dialog = page.locator('.monaco-dialog-box', { hasText: 'demo asks' });
        await dialog.waitFor({ timeout: 30000 });
        await shot(page, 'elicitation asked');
        await dialog.locator('.monaco-button', { hasText: 'Fill in' }).click();
        // One question per property, in the order the schema arrives (the
        // server may reorder it): answered by title.
        const answers = { Name: 'Ada <i>', Age: '36', 'Favourite colour': 'green', 'Subscribe to news': 'Yes' };
        const title = page.locator('.quick-input-widget .quick-input-title');
        for (let i = 1; i <= 4; i++) {
            await title.filter({ hasText: `(${i}/4)` }).waitFor({ timeout: 10000 });
            const t = await title.innerText();
            const key = Object.keys(answers).find((k) => t.includes(`: ${k} (`));
            if (key === undefined) {
                throw new Error(`unexpected question ${t}`);
            }
            await input.fill(answers[key]);
            if (key === 'Favourite colour' || key === 'Subscribe to news') {
                await page.locator('.quick-input-list .monaco-list-row', { hasText: answers[key] }).first().waitFor({ timeout: 5000 });
            }
            await page.keyboard.press('Enter');
        }
        const found = await until(page, () => frameWith(page, 'action: accept'), 30000, 'the ask_user result');
        // Go's encoder writes < and > as \u003c and \u003e.
        const content = found.text.replace(/\\u003c/g, '<').replace(/\\u003e/g, '>');
        for (const want of ['"name":"Ada <i>"', '"age":36', '"color":"green"', '"subscribe":true']) {
            if (!content.includes(want)) {
                throw new Error(`the result lacks ${want}: ${found.text.slice(0, 300)}`);
            }
        }
        return found.text.split('\n').find((l) => l.startsWith('content:'));
    });

    await step(page, 'Add request inserts a saved request', async () => {
        await page.locator('.tabs-container .tab', { hasText: '.mcp.json' }).first().click();
        const row = treeItem(page, 'get_weather').first();
        await row.click();
        await row.locator('.action-label[aria-label^="Add request"]').click();
        await until(page, async () => (await page.locator('.tabs-container .tab.dirty', { hasText: '.mcp.json' }).count()) > 0, 15000, 'the file to change');
        await page.keyboard.press('Control+End');
        const text = await until(page, async () => {
            const t = (await page.locator('.monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
            // The example's own get_weather request is named "weather".
            return t.includes('"name": "get_weather"') ? t : undefined;
        }, 15000, 'the new request in the editor');
        const at = text.indexOf('"name": "get_weather"');
        return text.slice(at, at + 120).replace(/\s+/g, ' ');
    });

    await step(page, 'the console shows the traffic', async () => {
        await palette(page, '>mcpls: Show console', 'Show console');
        const out = page.locator('.panel .output-view, .panel [id="workbench.panel.output"]').first();
        await out.waitFor({ timeout: 15000 });
        const text = await until(page, async () => {
            const t = await page.locator('.panel .monaco-editor .view-lines').first().innerText().catch(() => '');
            return /\[demo\] (→|←|POST)/.test(t.replace(/\u00a0/g, ' ')) ? t : undefined;
        }, 15000, 'MCP traffic in the MCP Console');
        const lines = text.replace(/\u00a0/g, ' ').split('\n').filter((l) => l.includes('[demo]'));
        return `${lines.length} lines shown, e.g. ${lines[0]?.slice(0, 120)}`;
    });

    await step(page, 'status bar counts the connected server', async () => {
        const item = page.locator('.statusbar-item', { hasText: /MCP 1\/1/ });
        await item.first().waitFor({ timeout: 10000 });
        return await item.first().innerText();
    });
    if (process.env.E2E_AUTH === '1') {
        await signIn(page);
    }

    await step(page, 'a crashed server is restarted', async () => {
        const pid = serverPid();
        if (pid === undefined) {
            throw new Error('found no mcpls serve process');
        }
        process.kill(pid, 'SIGKILL');
        await page.locator('.notification-toast', { hasText: 'mcpls stopped unexpectedly; restarting it in' }).first().waitFor({ timeout: 20000 });
        await shot(page, 'crash notified');
        const next = await until(page, async () => {
            const p = serverPid();
            return p !== undefined && p !== pid ? p : undefined;
        }, 30000, 'a new mcpls serve process');
        // The new server reports the server again: the view and the status bar show it.
        await treeItem(page, 'demo').first().waitFor({ timeout: 30000 });
        await page.locator('.statusbar-item', { hasText: /MCP 0\/\d+/ }).first().waitFor({ timeout: 10000 });
        // Lenses come back from the new server (the old ones went with the old client).
        await until(page, async () => (await lens(page, /Call\s+tool|Connect/).count()) > 0, 20000, 'code lenses from the new server');
        return `pid ${pid} killed, pid ${next} serving`;
    });
}

/** The action links of a notification's text under root. */
function noticeLink(root, title) {
    return root.locator('.notification-list-item-message a', { hasText: title });
}

/** The files under dir (recursively) whose text contains needle. */
function filesWith(dir, needle) {
    const found = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
        const f = path.join(e.parentPath ?? e.path, e.name);
        if (e.isFile() && fs.readFileSync(f, 'utf8').includes(needle)) {
            found.push(f);
        }
    }
    return found;
}

const SIGN_IN_LINE = 'sign-in page opened in the browser: ';
/**
 * Token-like values: a bearer token or an access/refresh token field with a
 * value (not a challenge's parameter such as Bearer resource_metadata=...).
 */
const TOKEN = /Bearer [A-Za-z0-9._~+/-]{12,}(?![A-Za-z0-9._~+/=-])|"?(access|refresh)_token\\?"?\s*[:=]\s*\\?"?[A-Za-z0-9._~+/-]{12,}/;

/**
 * Sign-in to `demo-server --auth` (auth.mcp.json). The extension opens the
 * authorize URL in the browser, says so in a notification (Copy link) and
 * logs the URL to the MCP Console; the test reads it from the console's log
 * file (E2E_LOGS) and follows it with fetch: the demo AS approves at once
 * and redirects to mcpls's loopback listener, which gets the code.
 */
async function signIn(page) {
    const logs = process.env.E2E_LOGS;
    await step(page, 'sign in to demo-server --auth', async () => {
        if (!logs) {
            throw new Error('E2E_LOGS is not set');
        }
        await page.locator('.tabs-container .tab', { hasText: '.mcp.json' }).first().click();
        await palette(page, 'auth.mcp.json', 'auth.mcp.json');
        await page.locator('.tabs-container .tab', { hasText: 'auth.mcp.json' }).first().waitFor({ timeout: 20000 });
        await lens(page, 'Connect').first().waitFor({ timeout: 30000 });
        await lens(page, 'Connect').first().click();
        // The server offers sign-in (a notification whose actions are links) and its lens turns to "Sign in".
        const offer = page.locator('.notification-toast', { hasText: 'needs sign-in' }).filter({ has: noticeLink(page, 'Sign in') }).first();
        const signInLens = lens(page, 'Sign in').first();
        await Promise.race([offer.waitFor({ timeout: 30000 }), signInLens.waitFor({ timeout: 30000 })]);
        await shot(page, 'sign-in offered');
        if (await offer.isVisible()) {
            await noticeLink(offer, 'Sign in').first().click();
        } else {
            await signInLens.click();
        }
        // The browser tab VS Code opens (or the dialog it asks first with) cannot reach the AS: close it.
        const notice = page.locator('.notification-toast', { hasText: 'Signing in to secure: the browser was opened.' })
            .filter({ has: noticeLink(page, 'Copy link') }).first();
        await notice.waitFor({ timeout: 30000 });
        await shot(page, 'sign-in notice');
        const ask = page.locator('.monaco-dialog-box', { hasText: /open/i });
        if (await ask.isVisible()) {
            await page.keyboard.press('Escape');
        }
        for (const p of page.context().pages()) {
            if (p !== page) {
                await p.close().catch(() => {});
            }
        }
        const file = await until(page, () => filesWith(logs, SIGN_IN_LINE)[0], 15000, 'the sign-in line in the console log');
        const line = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.includes(SIGN_IN_LINE));
        const authorize = line.slice(line.indexOf(SIGN_IN_LINE) + SIGN_IN_LINE.length).trim();
        if (!/^http:\/\/127\.0\.0\.1:\d+\/.*[?&]code_challenge=/.test(authorize)) {
            throw new Error(`the console logged no authorize URL: ${line}`);
        }
        const res = await fetch(authorize, { redirect: 'follow', signal: AbortSignal.timeout(20000) });
        const body = (await res.text()).replace(/\s+/g, ' ').slice(0, 100);
        if (!res.ok) {
            throw new Error(`following ${authorize.replace(/[?].*$/, '?…')} ended with ${res.status}: ${body}`);
        }
        log(`sign-in redirects ended at ${res.url.replace(/[?].*$/, '?…')}: ${res.status} ${body}`);
        await lens(page, /● \d+ tools/).first().waitFor({ timeout: 30000 });
        await treeItem(page, 'secure').first().waitFor({ timeout: 15000 });
        // Signed in: the notices about signing in close by themselves.
        const stale = page.locator('.notification-toast', { hasText: /secure needs sign-in|Signing in to secure/ });
        await until(page, async () => (await stale.count()) === 0, 15000, 'the sign-in notices to close');
        await shot(page, 'sign-in notices closed');
        return `${path.basename(file)} gave ${authorize.replace(/[?].*$/, '?…')}; now ${await lens(page, /● \d+ tools/).first().innerText()}`;
    });
    await step(page, 'the console shows the sign-in and no token', async () => {
        await palette(page, '>mcpls: Show console', 'Show console');
        const text = await until(page, async () => {
            const t = (await page.locator('.panel .monaco-editor .view-lines').first().innerText().catch(() => '')).replace(/\u00a0/g, ' ');
            return t.includes('[secure]') ? t : undefined;
        }, 15000, 'the secure server in the MCP Console');
        const leak = text.match(TOKEN) ?? filesWith(logs, '').map((f) => fs.readFileSync(f, 'utf8').match(TOKEN)).find(Boolean);
        if (leak) {
            throw new Error(`a token is shown: ${leak[0].slice(0, 24)}…`);
        }
        return `${text.split('\n').filter((l) => l.includes('[secure]')).length} [secure] lines shown, none with a token`;
    });
}

/** Restricted mode: no trust given; a Connect asks before connecting. */
async function untrusted(page) {
    await step(page, 'untrusted: restricted mode chosen', async () => {
        const dialog = page.locator('.monaco-dialog-box', { hasText: 'trust' });
        await dialog.waitFor({ timeout: 30000 });
        await dialog.locator('.monaco-button', { hasText: /No/ }).first().click();
        await dialog.waitFor({ state: 'hidden', timeout: 10000 });
    });
    await step(page, 'untrusted: open .mcp.json', async () => {
        await palette(page, '.mcp.json', '.mcp.json');
        await lens(page, 'Connect').first().waitFor({ timeout: 60000 });
    });
    await step(page, 'untrusted: Connect asks first', async () => {
        await lens(page, 'Connect').first().click();
        const dialog = page.locator('.monaco-dialog-box', { hasText: 'This workspace is not trusted' });
        await dialog.waitFor({ timeout: 15000 });
        const text = (await dialog.innerText()).replace(/\s+/g, ' ');
        await shot(page, 'untrusted asked');
        await dialog.locator('.monaco-button', { hasText: 'Connect' }).click();
        await lens(page, /● \d+ tools/).first().waitFor({ timeout: 30000 });
        return text.slice(0, 160);
    });
    await step(page, 'untrusted: a stdio server is not started', async () => {
        await palette(page, 'local.mcp.json', 'local.mcp.json');
        await page.locator('.tabs-container .tab', { hasText: 'local.mcp.json' }).first().waitFor({ timeout: 20000 });
        await lens(page, 'Connect').first().waitFor({ timeout: 30000 });
        await lens(page, 'Connect').first().click();
        const toast = page.locator('.notification-toast', { hasText: 'not trusted' });
        await toast.first().waitFor({ timeout: 20000 });
        return (await toast.first().innerText()).replace(/\s+/g, ' ').slice(0, 160);
    });
}

fs.mkdirSync(shots, { recursive: true });
const scratch = fs.mkdtempSync(path.join(process.env.TMPDIR ?? os.tmpdir(), 'chromium-'));
const browser = await chromium.launchPersistentContext(path.join(scratch, 'profile'), {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    viewport: { width: 1600, height: 1000 },
    // chromium's crash handler writes under XDG_CONFIG_HOME even with its own profile.
    env: { ...process.env, XDG_CONFIG_HOME: path.join(scratch, 'config'), XDG_CACHE_HOME: path.join(scratch, 'cache') },
});
browser.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => {});
const page = browser.pages()[0] ?? (await browser.newPage());

try {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
    log('workbench shown');

    await (mode === 'untrusted' ? untrusted(page) : trusted(page));
} catch (err) {
    failures++;
    log(`FAIL ${err.message}`);
    await shot(page, 'failure');
} finally {
    await browser.close();
    fs.rmSync(scratch, { recursive: true, force: true });
}
log(failures === 0 ? 'RESULT ok' : `RESULT ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
